package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DyadicScaleTest {

    @Test
    void fromRatioKnownAnswers() {
        // 0.5 = 0.5 * 2^0 -> m = 2^30, k = 31; 1.0 = 0.5 * 2^1 -> k = 30; 0.75 * 2^31 = 1610612736.
        assertEquals(new DyadicScale(1L << 30, 31), DyadicScale.fromRatio(0.5));
        assertEquals(new DyadicScale(1L << 30, 30), DyadicScale.fromRatio(1.0));
        assertEquals(new DyadicScale(1610612736L, 31), DyadicScale.fromRatio(0.75));
        assertEquals(new DyadicScale(-1610612736L, 31), DyadicScale.fromRatio(-0.75));
        assertEquals(new DyadicScale(1610612736L, 35), DyadicScale.fromRatio(0.75 / 16));
        // 0.1 = 0.8 * 2^-3: 0.8 * 2^31 = 1717986918.4 -> 1717986918, k = 34.
        assertEquals(new DyadicScale(1717986918L, 34), DyadicScale.fromRatio(0.1));
        // f * 2^31 = 2^31 - 2^-9 rounds (away from zero) to 2^31: use 2^30 and k - 1.
        assertEquals(new DyadicScale(1L << 30, 30), DyadicScale.fromRatio(1.0 - Math.scalb(1.0, -40)));
        assertEquals(new DyadicScale(-(1L << 30), 30), DyadicScale.fromRatio(-(1.0 - Math.scalb(1.0, -40))));
        // RHAZ tie: f * 2^31 = 1073741824.5 -> 1073741825 (positive), -1073741825 (negative).
        double tie = (1073741824.5) / Math.scalb(1.0, 31);
        assertEquals(1073741825L, DyadicScale.fromRatio(tie).m());
        assertEquals(-1073741825L, DyadicScale.fromRatio(-tie).m());
        // extremes of the valid range: k = 0 (|r| just below 2^31) and k = 62 (r = 2^-32).
        assertEquals(0, DyadicScale.fromRatio(Math.scalb(1.0, 30) * 1.5).k());
        assertEquals(62, DyadicScale.fromRatio(Math.scalb(1.0, -32)).k());
    }

    @Test
    void fromRatioRejectsOutOfRange() {
        for (double r : new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Math.scalb(1.0, 31), Math.scalb(1.0, 40), Math.scalb(1.0, -33), Double.MIN_VALUE}) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> DyadicScale.fromRatio(r));
            assertTrue(ex.getMessage().contains("ratio"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DyadicScale(1L << 31, 3));
        assertThrows(IllegalArgumentException.class, () -> new DyadicScale(5, 63));
        assertThrows(IllegalArgumentException.class, () -> new DyadicScale(5, -1));
    }

    @Test
    void roundShiftIsHalfToEven() {
        assertEquals(2, DyadicScale.roundShift(3, 1));   // 1.5
        assertEquals(2, DyadicScale.roundShift(5, 1));   // 2.5
        assertEquals(-2, DyadicScale.roundShift(-3, 1)); // -1.5 (round-half-up would give -1)
        assertEquals(-2, DyadicScale.roundShift(-5, 1)); // -2.5
        assertEquals(2, DyadicScale.roundShift(7, 2));   // 1.75
        assertEquals(-2, DyadicScale.roundShift(-7, 2));
        assertEquals(0, DyadicScale.roundShift(1, 2));   // 0.25
        assertEquals(0, DyadicScale.roundShift(-2, 2));  // -0.5
        assertEquals(-2, DyadicScale.roundShift(-6, 2)); // -1.5
        assertEquals(-2, DyadicScale.roundShift(-10, 2)); // -2.5
    }

    @Test
    void roundShiftMatchesFloatRintExhaustively() {
        // Math.rint is round-half-even; p / 2^k is exact in double for |p| < 2^53.
        for (int k = 0; k <= 14; k++) {
            double scale = Math.scalb(1.0, k);
            for (long p = -(1 << 13); p <= (1 << 13); p++) {
                assertEquals((long) Math.rint(p / scale), DyadicScale.roundShift(p, k), "p=" + p + " k=" + k);
            }
        }
        long big = Long.MAX_VALUE;
        assertEquals(1L << 1, DyadicScale.roundShift(big, 62)); // (2^63 - 1) / 2^62 ~ 2.0
        assertEquals(-2, DyadicScale.roundShift(Long.MIN_VALUE, 62));
    }

    @Test
    void applySaturatesAndHandlesWideProducts() {
        DyadicScale half = new DyadicScale(1L << 30, 31);
        assertEquals(127, half.apply(1000, 8));
        assertEquals(-128, half.apply(-1000, 8));
        assertEquals(-2, half.apply(-3, 8)); // -1.5 -> -2
        assertEquals(2, half.apply(5, 8));   // 2.5 -> 2
        // z * m = 2^50 * 2^30 = 2^80 overflows 64 bits: result 2^49 exactly, or saturated.
        assertEquals(1L << 49, half.apply(1L << 50, 64));
        assertEquals((1L << 47) - 1, half.apply(1L << 50, 48));
        assertEquals(-(1L << 49), half.apply(-(1L << 50), 64));
        // z * m = 3 * 2^61 * (2^31 - 1): the exact result exceeds long; saturates at 64 bits.
        DyadicScale big = new DyadicScale((1L << 31) - 1, 0);
        assertEquals(Long.MAX_VALUE, big.apply(3L << 60, 64));
        assertEquals(127, big.apply(3L << 60, 8));
        // odd + tie across the 64-bit boundary: (2^40 + 1) * 2^30 / 2^31 = 2^39 + 0.5 -> 2^39 (even).
        assertEquals(1L << 39, half.apply((1L << 40) + 1, 64));
        assertEquals((1L << 39) + 2, half.apply((1L << 40) + 3, 64)); // 2^39 + 1.5 -> +2
    }

    @Test
    void saturateBounds() {
        assertEquals(127, DyadicScale.saturate(128, 8));
        assertEquals(-128, DyadicScale.saturate(-129, 8));
        assertEquals(5, DyadicScale.saturate(5, 8));
        assertEquals(32767, DyadicScale.saturate(1L << 40, 16));
        assertEquals(Long.MIN_VALUE, DyadicScale.saturate(Long.MIN_VALUE, 64));
        assertEquals(0, DyadicScale.saturate(7, 1));
        assertEquals(-1, DyadicScale.saturate(-7, 1));
        assertThrows(IllegalArgumentException.class, () -> DyadicScale.saturate(0, 0));
        assertThrows(IllegalArgumentException.class, () -> DyadicScale.saturate(0, 65));
    }

    @Test
    void residualAddRoundsEachBranchThenSaturatesOnce() {
        DyadicScale half = new DyadicScale(1L << 30, 31);
        // branches 1.5 -> 2 and 0.5 -> 0: 2 (one rounding of the sum 2.0 would also give 2; use 2.5 + 0.5)
        assertEquals(2, DyadicScale.residualAdd(5, half, 1, half, 8));  // 2.5 -> 2, 0.5 -> 0; sum of reals is 3
        assertEquals(4, DyadicScale.residualAdd(3, half, 3, half, 8));  // 1.5 -> 2 twice
        assertEquals(127, DyadicScale.residualAdd(200, half, 100, half, 8)); // 100 + 50 saturates once
        assertEquals(-128, DyadicScale.residualAdd(-200, half, -100, half, 8));
        // each branch alone within int8, sum not: saturates the sum, not the branches
        assertEquals(127, DyadicScale.residualAdd(250, half, 250, half, 8));
        DyadicScale negQuarter = new DyadicScale(-(1L << 30), 32); // -0.25
        assertEquals(-2 + 2, DyadicScale.residualAdd(7, negQuarter, 3, half, 8)); // -1.75 -> -2, 1.5 -> 2
    }
}
