package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShiftmaxTest {
    static final long[] ROW = {10, 0, -5, -20, 3, 127, -128, 64};

    @Test
    void intopsKnownAnswer() {
        Shiftmax.Trace t = Shiftmax.trace(ROW, 20, 16);
        assertArrayEquals(new long[] {2048, 1184, 992, 464, 1408, 655360, 20, 29696}, t.e());
        assertEquals(691172, t.s());
        assertEquals(3107, t.f());
        assertFalse(t.clamped());
        assertArrayEquals(new long[] {97, 56, 47, 21, 66, 31070, 0, 1407}, t.y());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 121, 0, 5}, Shiftmax.apply(ROW, 20, 8));
    }

    @Test
    void sumClampFires() {
        // 197 equal scores, X = 400: N * X = 78800 >= 2^16, so the sum 197 * 400 * 2^15 >= 2^31.
        long[] row = new long[197];
        Shiftmax.Trace t = Shiftmax.trace(row, 400, 16);
        assertTrue(t.clamped());
        assertEquals(197L * 400 * 32768, t.rawSum());
        assertEquals(IntOps.INT31_MAX, t.s());
        assertEquals(1, t.f());
        // y = e * 1 >> 16 = 13107200 >> 16 = 200
        for (long y : t.y()) {
            assertEquals(200, y);
        }
    }

    @Test
    void singleElementAndEqualRows() {
        // N = 1: e = X * 2^15, f = floor((2^31 - 1) / e), y = (e * f) >> 16.
        long e = 20L << 15;
        assertArrayEquals(new long[] {(e * (IntOps.INT31_MAX / e)) >> 16}, Shiftmax.apply(new long[] {-77}, 20, 16));
        assertEquals(32767, Shiftmax.apply(new long[] {5}, 1, 16)[0]); // e = 32768, f = 65535, y = 32767
    }

    @Test
    void rejectsOutOfDomain() {
        assertThrows(IllegalArgumentException.class, () -> Shiftmax.apply(new long[] {128}, 20, 16));
        assertThrows(IllegalArgumentException.class, () -> Shiftmax.apply(new long[] {-129}, 20, 16));
        assertThrows(IllegalArgumentException.class, () -> Shiftmax.apply(new long[0], 20, 16));
        assertThrows(IllegalArgumentException.class, () -> Shiftmax.apply(ROW, 20, 12));
        assertThrows(IllegalArgumentException.class, () -> Shiftmax.apply(ROW, 0, 16));
    }
}
