package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Log2SoftmaxTest {

    @Test
    void knownAnswerOnIntopsRow() {
        // Worked by hand from e and s = 691172 of docs/arithmetic.md section 3: v = RNE(s / e) =
        // 337, 584, 697, 1490, 491, 1, 34559, 23 -> codes 8, 9, 9, 10, 9, 0, 15, 4.
        Log2Softmax.Result r = Log2Softmax.apply(ShiftmaxTest.ROW, 20);
        assertArrayEquals(new long[] {337, 584, 697, 1490, 491, 1, 34559, 23}, r.v());
        assertArrayEquals(new int[] {8, 9, 9, 10, 9, 0, 15, 4}, r.code());
        assertArrayEquals(new boolean[8], r.zero());
    }

    @Test
    void roundedLog2Thresholds() {
        assertEquals(0, Log2Softmax.roundedLog2(1));
        assertEquals(1, Log2Softmax.roundedLog2(2));
        assertEquals(2, Log2Softmax.roundedLog2(3));    // 3 >= 1.5 * 2
        assertEquals(2, Log2Softmax.roundedLog2(5));    // 5 < 6 = 1.5 * 4
        assertEquals(3, Log2Softmax.roundedLog2(6));
        assertEquals(15, Log2Softmax.roundedLog2(49151));
        assertEquals(16, Log2Softmax.roundedLog2(49152));
        assertThrows(IllegalArgumentException.class, () -> Log2Softmax.roundedLog2(0));
    }

    @Test
    void divRneTies() {
        assertEquals(2, IntOps.divRne(3, 2)); // 1.5
        assertEquals(2, IntOps.divRne(5, 2)); // 2.5
        assertEquals(4, IntOps.divRne(7, 2)); // 3.5
        assertEquals(-2, IntOps.divRne(-3, 2));
        assertEquals(1, IntOps.divRne(4, 3));
    }

    @Test
    void zeroFlagForTinyProbabilities() {
        // X = 20: d = -255 gives p = -367, clamped at -300: q = 15, r = 0, e = 40 >> 1 = 20.
        Log2Softmax.Result r = Log2Softmax.apply(new long[] {127, -128}, 20);
        assertEquals(20, r.e()[1]);
        // s = 655360 + 20, v = RNE(655380 / 20) = 32769 -> k = 15, bit 14 clear -> code 15
        assertEquals(15, r.code()[1]);
        Log2Softmax.Result r2 = Log2Softmax.apply(new long[] {127, 127, -128}, 20);
        // s = 2 * 655360 + 20, v = 65537 -> k = 16 -> zero; v_0 = RNE(1310740 / 655360) = 2 -> code 1
        assertEquals(65537, r2.v()[2]);
        assertEquals(true, r2.zero()[2]);
        assertEquals(0, r2.code()[2]);
        assertEquals(1, r2.code()[0]);
    }

    @Test
    void attentionTimesVByShifts() {
        int[] code = {0, 1, 3, 15};
        boolean[] zero = {false, false, true, false};
        long[][] v = {{1, -2}, {3, 4}, {100, 100}, {-128, 127}};
        // col 0: 1 << 15 + 3 << 14 + (-128 << 0) = 32768 + 49152 - 128
        // col 1: -2 << 15 + 4 << 14 + 127 = -65536 + 65536 + 127
        assertArrayEquals(new long[] {81792, 127}, Log2Softmax.attentionTimesV(code, zero, v));
        assertThrows(IllegalArgumentException.class,
                () -> Log2Softmax.attentionTimesV(code, zero, new long[][] {{1}}));
    }
}
