package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShiftExpTest {

    @Test
    void intopsKnownAnswerX7() {
        long[] expected = {229376, 212992, 196608, 163840, 147456, 114688, 106496, 90112, 81920, 65536, 57344};
        long[] got = new long[expected.length];
        for (int i = 0; i < expected.length; i++) {
            got[i] = ShiftExp.of(-i, 7, 15);
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void handWorkedValues() {
        // d = -3, X = 20: p = -3 + (-2) - (-1) = -4; q = 0, r = -4; e = (36 << 15) >> 1 = 36 * 2^14.
        assertEquals(36L << 14, ShiftExp.of(-3, 20, 15));
        // d = -255, X = 1, n = 15: p = -255 - 128 + 16 = -367 clamps at -15; q = 15, r = 0; e = 2 >> 1 = 1.
        assertEquals(1, ShiftExp.of(-255, 1, 15));
        // clamp with odd base: X = 3, n = 2, d = -100: p = -6, q = 2, r = 0, e = (6 << 0) >> 1 = 3.
        assertEquals(3, ShiftExp.of(-100, 3, 2));
        // d > 0: d = 128, X = 127, n = 23: p = 184, q = -2, r = -70, e = 184 * 2^24.
        assertEquals(184L << 24, ShiftExp.of(128, 127, 23));
        assertEquals(IntOps.INT31_MAX, ShiftExp.saturating(128, 127, 23, IntOps.INT31_MAX));
        // d = 128, X = 1, n = 23: p = 184, q = -184, exact value 2 * 2^(23 + 184 - 1) exceeds long.
        assertThrows(ArithmeticException.class, () -> ShiftExp.of(128, 1, 23));
        assertEquals(IntOps.INT31_MAX, ShiftExp.saturating(128, 1, 23, IntOps.INT31_MAX));
        assertEquals(Long.MAX_VALUE, ShiftExp.saturating(128, 1, 23, Long.MAX_VALUE));
    }

    /**
     * Exhaustive over d in [-255, 0] and X in 1..127 for n = 15 and n = 23. Bounds (proved in the
     * class comment): with p the clamped step-1 value and q = floor(-p / X), for q &lt; n
     * X*2^(n-q-1) &lt; e &lt;= X*2^(n-q), at q = n ceil(X/2) &lt;= e &lt;= X; so 1 &lt;= e &lt;= X*2^n.
     * The earlier bound "X*2^(n-1) &lt; e" (docs/arithmetic.md section 2, findings) holds exactly when q = 0 (p &gt; -X). Monotone non-decreasing in d.
     */
    @Test
    void exhaustiveBoundsAndMonotonicity() {
        for (int n : new int[] {15, 23}) {
            for (long x = 1; x <= 127; x++) {
                long prev = 0;
                for (long d = -255; d <= 0; d++) {
                    long e = ShiftExp.of(d, x, n);
                    long p = Math.max(d + (d >> 1) - (d >> 4), -n * x); // step 1-2 (the input side)
                    long q = Math.floorDiv(-p, x);
                    String at = "d=" + d + " X=" + x + " n=" + n + " e=" + e;
                    assertTrue(e >= 1 && e <= (x << n), at);
                    if (q < n) {
                        assertTrue(e > (x << (n - q - 1)) && e <= (x << (n - q)), at);
                    } else {
                        assertTrue(e >= (x + 1) / 2 && e <= x, at);
                    }
                    if (p > -x) {
                        assertTrue(e > (x << (n - 1)), at); // the earlier bound, where it applies
                    }
                    assertTrue(e >= prev, "not monotone at " + at + " prev=" + prev);
                    prev = e;
                }
                assertEquals(x << n, ShiftExp.of(0, x, n));
            }
        }
    }

    /**
     * Accuracy against 2^(p/X) * X * 2^n (p = step-1 value, the exact exponent the shifts encode):
     * 1 + t/2 is the chord of 2^t on [-1, 0], so 1 &lt;= (1 + t/2) / 2^t &lt;= 1.0614 (maximum at
     * t = 1/ln 2 - 2); the final &gt;&gt; 1 loses at most one LSB, only at the clamp.
     */
    @Test
    void exhaustiveAgainstPowerOfTwo() {
        double tStar = 1 / Math.log(2) - 2;
        double chordMax = (1 + tStar / 2) / Math.pow(2, tStar);
        assertTrue(chordMax < 1.0615 && chordMax > 1.0613, "chord bound " + chordMax);
        int n = 15;
        for (long x = 1; x <= 127; x++) {
            for (long d = -255; d <= 0; d++) {
                long p = d + (d >> 1) - (d >> 4);
                if (p < -n * x) {
                    continue;
                }
                double exact = x * Math.scalb(1.0, n) * Math.pow(2.0, (double) p / x);
                double ratio = ShiftExp.of(d, x, n) / exact;
                assertTrue(ratio <= chordMax + 1e-12 && ratio >= 1 - 1.0 / exact - 1e-12,
                        "d=" + d + " X=" + x + " ratio=" + ratio);
            }
        }
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> ShiftExp.of(0, 0, 15));
        assertThrows(IllegalArgumentException.class, () -> ShiftExp.of(0, 5, -1));
        assertThrows(IllegalArgumentException.class, () -> ShiftExp.xFromScale(0));
        assertThrows(IllegalArgumentException.class, () -> ShiftExp.xFromScale(Double.NaN));
        assertEquals(20, ShiftExp.xFromScale(0.05));
        assertEquals(10, ShiftExp.xFromScale(0.1));
        assertEquals(11, ShiftExp.xFromScale(0.099));
    }
}
