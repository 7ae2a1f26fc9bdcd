package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShiftGeluTest {

    @Test
    void negativeRowMaximumSaturatesEm() {
        // m = -128, X = 127: e_m = ShiftExp(128) = 184 * 2^24 > 2^31 - 1 -> 2^31 - 1.
        // e_i = 127 * 2^23; t = 2^31 - 1; g = 1; sig = 1065353216 >> 24 = 63; out = -128 * 63.
        ShiftGelu.Trace t = ShiftGelu.trace(new long[] {-128, -128}, 127);
        assertEquals(IntOps.INT31_MAX, t.em());
        assertArrayEquals(new long[] {63, 63}, t.sig());
        assertArrayEquals(new long[] {-8064, -8064}, t.out());
    }

    @Test
    void knownAnswers() {
        // Values from an independent Python restatement of docs/arithmetic.md section 5 (kept out of the repository);
        // the first row's e_m was checked by hand: m = 127, X = 10.
        ShiftGelu.Trace t = ShiftGelu.trace(new long[] {0, 10, -10, 127, -128, 50}, 10);
        assertEquals(272, t.em());
        assertArrayEquals(new long[] {63, 94, 35, 125, 4, 127}, t.sig());
        assertArrayEquals(new long[] {0, 940, -350, 15875, -512, 6350}, t.out());
        ShiftGelu.Trace t2 = ShiftGelu.trace(new long[] {-5, -20, -128}, 10);
        assertEquals(142606336, t2.em());
        assertArrayEquals(new long[] {45, 14, 0}, t2.sig());
        assertArrayEquals(new long[] {-225, -280, 0}, ShiftGelu.apply(new long[] {-5, -20, -128}, 10));
    }

    @Test
    void xFromScaleRejectsLargeX() {
        assertEquals(6, ShiftGelu.xFromScale(0.1));   // 1 / 0.1702 = 5.88
        assertEquals(127, ShiftGelu.xFromScale(1.0 / (1.702 * 127)));
        assertThrows(IllegalArgumentException.class, () -> ShiftGelu.xFromScale(1.0 / (1.702 * 127.5)));
        assertThrows(IllegalArgumentException.class, () -> ShiftGelu.xFromScale(0.0));
        assertThrows(IllegalArgumentException.class, () -> ShiftGelu.apply(new long[] {1}, 128));
        assertThrows(IllegalArgumentException.class, () -> ShiftGelu.apply(new long[] {200}, 10));
    }
}
