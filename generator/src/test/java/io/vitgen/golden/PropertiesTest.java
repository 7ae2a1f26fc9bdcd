package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Properties of the integer operators against float references, with the bounds derived in each
 * test's comment. Random tests print their seed; set -Dvitgen.seed=N to reproduce one.
 */
class PropertiesTest {
    static final long A = IntOps.INT31_MAX;

    static Random random(String test) {
        // a fixed default per test (from its name), so a plain run repeats; -Dvitgen.seed overrides
        return Seeds.random("PropertiesTest." + test, 0x9E0_0000L + test.hashCode());
    }

    static long[] randomRow(Random rnd, int n, int lo, int hi) {
        long[] x = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + rnd.nextInt(hi - lo + 1);
        }
        return x;
    }

    /**
     * Dyadic requantization: m = RHAZ(f 2^31) is within 1/2 of f 2^31, so |r - m/2^k| &lt;= 2^-(k+1),
     * and RNE adds at most 1/2: |y - z r| &lt;= 1/2 + |z| 2^-(k+1) whenever y is not saturated.
     */
    @Test
    void requantWithinHalfLsbPlusScaleError() {
        Random rnd = random("requantWithinHalfLsbPlusScaleError");
        for (int i = 0; i < 200_000; i++) {
            double r = Math.scalb(0.5 + rnd.nextDouble() * 0.5, -rnd.nextInt(30)) * (rnd.nextBoolean() ? 1 : -1);
            DyadicScale s = DyadicScale.fromRatio(r);
            assertTrue(Math.abs(r - s.value()) <= Math.scalb(1.0, -(s.k() + 1)), "ratio " + r + " -> " + s);
            long z = rnd.nextLong() >> (1 + rnd.nextInt(40));
            long y = s.apply(z, 32);
            double exact = z * r;
            if (Math.abs(exact) < Math.scalb(1.0, 31) - 2) {
                // + a few ulps: z * r is itself rounded in double
                double bound = 0.5 + Math.abs((double) z) * Math.scalb(1.0, -(s.k() + 1)) + 4 * Math.ulp(exact);
                assertTrue(Math.abs(y - exact) <= bound, "z=" + z + " r=" + r + " y=" + y + " exact=" + exact);
            }
        }
    }

    /**
     * Shiftmax row sum. With A = 2^31 - 1, B = 2^(32-b), f = floor(A/s) in (A/s - 1, A/s]:
     * sum y &lt;= s f / B &lt;= A / B &lt; 2^(b-1) and sum y &gt; s f / B - N &gt; (A - s) / B - N.
     * So (A - s)/B - N &lt; sum y &lt;= 2^(b-1) - 1 without the clamp; with it (f = 1)
     * rawSum / B - N &lt; sum y &lt;= rawSum / B.
     */
    @Test
    void shiftmaxRowSumMonotoneArgmax() {
        Random rnd = random("shiftmaxRowSumMonotoneArgmax");
        for (int iter = 0; iter < 20_000; iter++) {
            int n = 1 + rnd.nextInt(iter % 10 == 0 ? 1024 : 256);
            long x = 1 + rnd.nextInt(iter % 7 == 0 ? 4000 : 127);
            int b = rnd.nextBoolean() ? 16 : 8;
            int lo = -128 + rnd.nextInt(200);
            long[] row = randomRow(rnd, n, lo, Math.min(127, lo + rnd.nextInt(256)));
            Shiftmax.Trace t = Shiftmax.trace(row, x, b);
            long sum = 0;
            for (long y : t.y()) {
                sum += y;
            }
            double bDiv = Math.scalb(1.0, 32 - b);
            String at = "N=" + n + " X=" + x + " b=" + b + " s=" + t.s() + " sum=" + sum;
            if (!t.clamped()) {
                assertTrue(sum <= (1L << (b - 1)) - 1 && sum > (A - t.s()) / bDiv - n, at);
            } else {
                assertTrue(sum <= t.rawSum() / bDiv && sum > t.rawSum() / bDiv - n, at);
            }
            int argmax = 0;
            long maxY = -1;
            for (int i = 0; i < n; i++) {
                if (row[i] > row[argmax]) {
                    argmax = i;
                }
                maxY = Math.max(maxY, t.y()[i]);
                for (int j = 0; j < n; j += Math.max(1, n / 16)) {
                    if (row[i] < row[j]) {
                        assertTrue(t.y()[i] <= t.y()[j], "not monotone: " + at);
                    } else if (row[i] == row[j]) {
                        assertEquals(t.y()[i], t.y()[j], at);
                    }
                }
            }
            assertEquals(maxY, t.y()[argmax], "the largest input must get the largest output: " + at);
        }
    }

    /**
     * Shiftmax vs the float softmax in the shift domain, u_i = 2^(P_i/X) / sum_j 2^(P_j/X) with P the
     * step-1 value. For X &gt;= 26 no P reaches the -15X clamp (P &gt;= -368). Each e_i is
     * X 2^15 2^(P_i/X) c_i with c_i in [1, g], g = 1.0614 (the chord bound of ShiftExpTest), so
     * |e_i/s - u_i| &lt;= (g - 1) u_i; the floors of f and y add at most e_i/2^31 + 2^-15 + 2^-31:
     * |y_i 2^-15 - u_i| &lt;= 0.0614 u_i + e_i / 2^31 + 2^-15 + 2^-31 (b = 16, no sum clamp: N X &lt; 2^16).
     */
    @Test
    void shiftmaxAgainstShiftDomainSoftmax() {
        Random rnd = random("shiftmaxAgainstShiftDomainSoftmax");
        double worst = 0;
        for (int iter = 0; iter < 5_000; iter++) {
            int n = 1 + rnd.nextInt(256);
            long x = 26 + rnd.nextInt(102);
            long[] row = randomRow(rnd, n, -128, 127);
            Shiftmax.Trace t = Shiftmax.trace(row, x, 16);
            double[] w = new double[n];
            double ws = 0;
            for (int i = 0; i < n; i++) {
                w[i] = Math.pow(2.0, (double) ShiftExp.log2eScaled(row[i] - t.max()) / x);
                ws += w[i];
            }
            for (int i = 0; i < n; i++) {
                double u = w[i] / ws;
                double err = Math.abs(t.y()[i] / 32768.0 - u);
                double bound = 0.0614 * u + t.e()[i] / Math.scalb(1.0, 31) + Math.scalb(1.0, -15) + Math.scalb(1.0, -31);
                worst = Math.max(worst, err / bound);
                assertTrue(err <= bound, "N=" + n + " X=" + x + " i=" + i + " y=" + t.y()[i] + " u=" + u);
            }
        }
        System.out.println("shiftmax: worst error / bound = " + worst);
    }

    /**
     * Log2 codes: v in [2^k, 1.5 2^k) gives code k, v in [1.5 2^k, 2^(k+1)) gives k + 1, so
     * 2^code / v is in (2/3, 4/3]; zero exactly when v &gt;= 1.5 * 2^15; codes non-increasing in x.
     */
    @Test
    void log2CodesBoundedAndMonotone() {
        Random rnd = random("log2CodesBoundedAndMonotone");
        for (int iter = 0; iter < 10_000; iter++) {
            int n = 1 + rnd.nextInt(256);
            long x = 1 + rnd.nextInt(127);
            long[] row = randomRow(rnd, n, -128, 127);
            Log2Softmax.Result r = Log2Softmax.apply(row, x);
            for (int i = 0; i < n; i++) {
                long v = r.v()[i];
                assertEquals(v >= 49152, r.zero()[i], "v=" + v);
                if (!r.zero()[i]) {
                    double ratio = Math.scalb(1.0, r.code()[i]) / v;
                    assertTrue(ratio > 2.0 / 3 && ratio <= 4.0 / 3, "v=" + v + " code=" + r.code()[i]);
                }
                int j = rnd.nextInt(n);
                if (row[i] < row[j]) {
                    assertTrue(r.zero()[i] || (!r.zero()[j] && r.code()[j] <= r.code()[i]), "not monotone");
                }
            }
        }
    }

    /**
     * ShiftGELU: sig = floor(e g / 2^24) with g = floor(A / t) in (A/t - 1, A/t], so for t &lt; A
     * 128 e/t - e/2^24 - 1 - 2^-24 &lt; sig &lt;= 128 e / t, and sig &lt;= 127 always (e g &lt; 2^31).
     * The coarse term e / 2^24 &lt;= X / 2 is the precision limit of docs/arithmetic.md section 5 (g has only
     * log2(256 / X) bits when t is near X 2^23). Also out = x sig exactly.
     */
    @Test
    void shiftGeluSigmoidBound() {
        Random rnd = random("shiftGeluSigmoidBound");
        for (int iter = 0; iter < 5_000; iter++) {
            int n = 1 + rnd.nextInt(768);
            long x = 1 + rnd.nextInt(127);
            int lo = -128 + rnd.nextInt(200);
            long[] row = randomRow(rnd, n, lo, Math.min(127, lo + rnd.nextInt(256)));
            ShiftGelu.Trace t = ShiftGelu.trace(row, x);
            for (int i = 0; i < n; i++) {
                long sig = t.sig()[i];
                assertTrue(sig >= 0 && sig <= 127, "sig=" + sig);
                assertEquals(row[i] * sig, t.out()[i]);
                if (t.t()[i] < A) {
                    double ideal = 128.0 * t.e()[i] / t.t()[i];
                    assertTrue(sig <= ideal + 1e-9 && sig > ideal - t.e()[i] / Math.scalb(1.0, 24) - 1 - 1e-6,
                            "X=" + x + " e=" + t.e()[i] + " t=" + t.t()[i] + " sig=" + sig);
                }
            }
        }
    }

    /** Negative row maximum: e_m saturates at 2^31 - 1, every t clamps, g = 1, sig = e &gt;&gt; 24. */
    @Test
    void shiftGeluNegativeRowMaximum() {
        for (long x = 1; x <= 127; x++) {
            for (long m = -128; m < 0; m++) {
                long[] row = {m, Math.max(-128, m - 3), -128};
                ShiftGelu.Trace t = ShiftGelu.trace(row, x);
                assertTrue(t.em() <= A && t.em() > 0);
                for (int i = 0; i < row.length; i++) {
                    if (t.em() == A) {
                        assertEquals(A, t.t()[i]);
                        assertEquals(1, t.g()[i]);
                        assertEquals(t.e()[i] >> 24, t.sig()[i]);
                    }
                }
            }
        }
        // X = 127, m = -1: ShiftExp(1) = (2X + r) 2^23 with p = 1, q = -1, r = 1 - 127 = -126:
        // 128 * 2^23 = 2^30 < 2^31 - 1 (no saturation yet); m = -2 also below; m = -128 saturates.
        assertEquals(1L << 30, ShiftGelu.trace(new long[] {-1}, 127).em());
        assertEquals(A, ShiftGelu.trace(new long[] {-128}, 127).em());
    }

    /**
     * LayerNorm against the exact normalisation T_i = y_i 2^30 / sqrt(V) (y = x - mu). For
     * V &gt;= 34596 (measured exhaustively up to 2^26, sampled to 2^45) std is s or s + 1 with
     * s = floor(sqrt V), so |std / sqrt V - 1| &lt;= 1/s; g = floor(A / std) and the final &gt;&gt; 1 add
     * at most |y| / 2 + |y| / (2 std) + 1. Hence |yhat_i - T_i| &lt;= |T_i| / (s - 1) + |y_i| + 1.
     */
    @Test
    void layerNormAgainstExactNormalisation() {
        Random rnd = random("layerNormAgainstExactNormalisation");
        for (int iter = 0; iter < 3_000; iter++) {
            int c = 1 + rnd.nextInt(768);
            int amp = 1 + rnd.nextInt(32767);
            long[] x = new long[c];
            for (int i = 0; i < c; i++) {
                x[i] = Math.max(-32768, Math.min(32767, Math.round(rnd.nextGaussian() * amp / 3)));
            }
            IntLayerNorm.Trace t = IntLayerNorm.trace(x, new long[c]);
            if (t.v() < 34596) {
                continue;
            }
            long s = (long) Math.floor(Math.sqrt((double) t.v()));
            assertTrue(t.std() == s || t.std() == s + 1, "V=" + t.v() + " std=" + t.std());
            for (int i = 0; i < c; i++) {
                double exact = t.y()[i] * Math.scalb(1.0, 30) / Math.sqrt((double) t.v());
                double bound = Math.abs(exact) / (s - 1) + Math.abs(t.y()[i]) + 1;
                assertTrue(Math.abs(t.yhat()[i] - exact) <= bound, "C=" + c + " i=" + i);
                assertTrue(Math.abs(t.yhat()[i]) <= (1L << 30));
            }
        }
    }

    /** Newton converges to {s, s + 1} on sampled V in [2^22, 2^45] (the reachable range for C &lt;= 8192). */
    @Test
    void newtonConvergesOnLargeV() {
        Random rnd = random("newtonConvergesOnLargeV");
        for (int i = 0; i < 300_000; i++) {
            int e = 22 + rnd.nextInt(23);
            long v = (1L << e) + (rnd.nextLong() >>> 1) % (1L << e);
            long s = (long) Math.sqrt((double) v);
            while (s * s > v) {
                s--;
            }
            while ((s + 1) * (s + 1) <= v) {
                s++;
            }
            long r = IntLayerNorm.sqrtNewton(v);
            assertTrue(r == s || r == s + 1, "V=" + v + " result=" + r + " s=" + s);
        }
    }

    @Test
    void erfKnownValues() {
        double[][] known = {{0, 0}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {2, 0.9953222650189527},
            {2.5, 0.9995930479825550}, {3, 0.9999779095030014}, {4, 0.9999999845827421}, {-1, -0.8427007929497149}};
        for (double[] kv : known) {
            assertEquals(kv[1], FloatReference.erf(kv[0]), 1e-13, "erf(" + kv[0] + ")");
        }
        assertEquals(0.8413447460685429 * 1.0, FloatReference.gelu(1.0), 1e-12);
    }
}
