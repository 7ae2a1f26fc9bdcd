package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntGemmTest {

    @Test
    void smallProductWithBias() {
        long[][] a = {{1, 2, 3}, {-128, 127, 0}};
        long[][] w = {{1, -1}, {2, 0}, {-3, 127}};
        long[][] acc = IntGemm.apply(a, w, new long[] {10, -10});
        // row 0: 1 + 4 - 9 + 10 = 6; -1 + 0 + 381 - 10 = 370
        // row 1: -128 + 254 + 10 = 136; 128 - 10 = 118
        assertArrayEquals(new long[] {6, 370}, acc[0]);
        assertArrayEquals(new long[] {136, 118}, acc[1]);
        assertArrayEquals(new long[] {-4, 380}, IntGemm.apply(a, w, null)[0]);
    }

    @Test
    void extremeInt8ProductsStayExact() {
        int k = 4096;
        long[][] a = new long[1][k];
        long[][] w = new long[k][1];
        for (int i = 0; i < k; i++) {
            a[0][i] = -128;
            w[i][0] = -128;
        }
        assertEquals(4096L * 16384, IntGemm.apply(a, w, null)[0][0]);
    }

    @Test
    void perChannelRequantization() {
        long[][] acc = {{3, 3, 1000}, {-3, 5, -1000}};
        DyadicScale half = new DyadicScale(1L << 30, 31);
        DyadicScale quarter = new DyadicScale(1L << 30, 32);
        DyadicScale one = new DyadicScale(1L << 30, 30);
        long[][] out = IntGemm.requantize(acc, new DyadicScale[] {half, quarter, one}, 8);
        assertArrayEquals(new long[] {2, 1, 127}, out[0]);   // 1.5 -> 2, 0.75 -> 1, sat
        assertArrayEquals(new long[] {-2, 1, -128}, out[1]); // -1.5 -> -2, 1.25 -> 1, sat
        long[][] perTensor = IntGemm.requantize(acc, new DyadicScale[] {half}, 16);
        assertArrayEquals(new long[] {2, 2, 500}, perTensor[0]); // 2.5 -> 2
        assertThrows(IllegalArgumentException.class,
                () -> IntGemm.requantize(acc, new DyadicScale[] {half, half}, 8));
    }

    @Test
    void accumulatorWidth() {
        // 8 + 8 - 1 + ceil(log2 768) + 1 = 15 + 10 + 1 = 26
        assertEquals(26, IntGemm.requiredAccBits(8, 8, 768));
        assertEquals(16, IntGemm.requiredAccBits(8, 8, 1));
        assertEquals(24, IntGemm.requiredAccBits(8, 8, 256));
        assertEquals(25, IntGemm.requiredAccBits(8, 8, 257));
        assertEquals(14, IntGemm.requiredAccBits(4, 4, 64)); // 4 + 4 - 1 + 6 + 1
        IntGemm.checkAccBits(32, 8, 8, 3072);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> IntGemm.checkAccBits(24, 8, 8, 768));
        assertTrue(ex.getMessage().contains("too narrow"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IntGemm.apply(new long[][] {{1, 2}}, new long[][] {{1}}, null));
    }
}
