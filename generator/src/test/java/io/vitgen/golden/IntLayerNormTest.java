package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntLayerNormTest {

    @Test
    void newtonKnownAnswers() {
        long[][] known = {{0, 64}, {1, 64}, {1000, 68}, {20000, 144}, {142882, 378}, {34968, 187},
            {(1L << 32) - 1, 65536}};
        for (long[] kv : known) {
            assertEquals(kv[1], IntLayerNorm.sqrtNewton(kv[0]), "V=" + kv[0]);
        }
    }

    /**
     * Exhaustive over V in [0, 2^22]. With s = floor(sqrt V) and the real Newton sequence
     * x_0 = 2^16, x_{j+1} = (x_j + V / x_j) / 2:
     * (a) every integer step satisfies k' &gt;= s (AM-GM, then floor of a value &gt;= sqrt V) and
     *     k' &gt;= floor(k / 2), so the result is &gt;= max(s, 64);
     * (b) while k &gt; sqrt V the integer step is &lt;= the real step of the same k, and the real step
     *     is increasing in k there, so k_j &lt;= x_j until k reaches s; from s a step gives at most
     *     s + 1. Hence the result is &lt;= max(x_10, s + 1).
     * (c) the result is a fixed point in the sense s &lt;= result &lt;= s + 1 whenever x_10 &lt; s + 1.
     */
    @Test
    void exhaustiveNewtonBounds() {
        int converged = 0;
        for (long v = 0; v <= (1L << 22); v++) {
            long r = IntLayerNorm.sqrtNewton(v);
            long s = (long) Math.floor(Math.sqrt((double) v));
            double x = 65536.0;
            for (int j = 0; j < 10; j++) {
                x = (x + v / x) / 2;
            }
            if (r < Math.max(s, 64) || r > Math.max(Math.floor(x + 1e-9), s + 1)) {
                throw new AssertionError("V=" + v + " result=" + r + " s=" + s + " x10=" + x);
            }
            if (r <= s + 1) {
                converged++;
            }
        }
        // V >= ~64^2 converge; report the count so a change in behaviour is visible
        assertTrue(converged > (1 << 22) - 70_000, "converged for " + converged + " values");
    }

    @Test
    void layerNormKnownAnswers() {
        // Independent Python restatement of docs/arithmetic.md section 6 (kept out of the repository).
        IntLayerNorm.Trace t = IntLayerNorm.trace(new long[] {100, -200, 300, 5}, new long[] {0, 1, -1, 1000});
        assertEquals(51, t.mu()); // 205 / 4 = 51.25
        assertEquals(129519, t.v());
        assertEquals(359, t.std());
        assertEquals(5981848, t.g());
        assertArrayEquals(new long[] {146555276, -750721923, 744740075, -137581504}, t.out());
        // mean ties go to even: 3.5 -> 4, 1.5 -> 2, -3.5 -> -4
        assertEquals(4, IntLayerNorm.trace(new long[] {3, 4}, new long[2]).mu());
        assertEquals(2, IntLayerNorm.trace(new long[] {1, 2}, new long[2]).mu());
        assertEquals(-4, IntLayerNorm.trace(new long[] {-3, -4}, new long[2]).mu());
        assertArrayEquals(new long[] {-16777216, 0}, IntLayerNorm.apply(new long[] {3, 4}, new long[2]));
    }

    @Test
    void constantRowHasZeroVariance() {
        // V = 0 -> std = 64, g = 33554431, yhat = 0: the output is the bias.
        IntLayerNorm.Trace t = IntLayerNorm.trace(new long[] {7, 7, 7}, new long[] {5, 6, 7});
        assertEquals(0, t.v());
        assertEquals(64, t.std());
        assertEquals(33554431, t.g());
        assertArrayEquals(new long[] {5, 6, 7}, t.out());
    }

    @Test
    void biasFromAndErrors() {
        // beta / gamma = 1, C = 4: 1 / (2 / 2^30) = 2^29
        assertEquals(1L << 29, IntLayerNorm.biasFrom(0.5, 0.5, 4));
        assertEquals(-(1L << 29), IntLayerNorm.biasFrom(-0.5, 0.5, 4));
        // floor, not truncation: -0.3 * 2^30 = -322122547.2 -> -322122548
        assertEquals(-322122548L, IntLayerNorm.biasFrom(-0.3, 1.0, 1));
        assertThrows(IllegalArgumentException.class, () -> IntLayerNorm.biasFrom(1, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> IntLayerNorm.biasFrom(1, Double.NaN, 4));
        assertThrows(IllegalArgumentException.class, () -> IntLayerNorm.biasFrom(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> IntLayerNorm.apply(new long[] {1, 2}, new long[1]));
        assertThrows(IllegalArgumentException.class, () -> IntLayerNorm.apply(new long[] {40000}, new long[1]));
        assertThrows(IllegalArgumentException.class, () -> IntLayerNorm.sqrtNewton(-1));
    }
}
