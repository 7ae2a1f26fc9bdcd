package io.vitgen.golden;

/**
 * I-BERT polynomial GELU i-GELU (docs/arithmetic.md section 7): multiplies only, no division.
 *
 * <pre>
 * S' = S / 1.4142; b = floor(-1.769 / S'); c = floor(-1 / 0.2888 / S'^2)
 * u = min(|x|, -b); t = sign(x) * ((u + b)^2 + c); t = t &gt;&gt; 14
 * one = floor(1 / S_e), S_e = -0.2888 * S'^2 * 2^14; out = x * (t + one)
 * </pre>
 * Output scale S * S_e / 2.
 */
public final class PolyGelu {
    private PolyGelu() {
    }

    /** Right shift applied to the erf polynomial. */
    public static final int SHIFT = 14;

    /**
     * Offline constants derived from the input scale S.
     *
     * @param b   floor(-1.769 / S')
     * @param c   floor(-1 / 0.2888 / S'^2)
     * @param one floor(1 / S_e)
     * @param scale the input scale S
     */
    public record Constants(long b, long c, long one, double scale) {
        /**
         * Derives the constants. S must be positive with |c| &lt; 2^40 and |one| &gt;= 16 (at least
         * four bits of sigmoid resolution: S &lt;= about 0.0052; I-BERT feeds it int32 inputs).
         */
        public static Constants of(double s) {
            if (!(s > 0.0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("i-GELU input scale S must be finite and positive, got " + s);
            }
            double sp = s / 1.4142;
            double b = Math.floor(-1.769 / sp);
            double c = Math.floor(-1.0 / 0.2888 / (sp * sp));
            double se = -0.2888 * sp * sp * Math.scalb(1.0, SHIFT);
            double one = Math.floor(1.0 / se);
            if (b > -1 || Math.abs(c) >= Math.scalb(1.0, 40) || one > -16) {
                throw new IllegalArgumentException("i-GELU input scale S = " + s
                        + " outside the valid range (needs |c| < 2^40 and |floor(1/S_e)| >= 16,"
                        + " i.e. about 1e-6 <= S <= 0.0052)");
            }
            return new Constants((long) b, (long) c, (long) one, s);
        }

        /** S_e = -0.2888 * S'^2 * 2^14. */
        public double erfScale() {
            double sp = scale / 1.4142;
            return -0.2888 * sp * sp * Math.scalb(1.0, SHIFT);
        }

        /** Real scale of the output: S * S_e / 2. */
        public double outputScale() {
            return scale * erfScale() / 2;
        }
    }

    /** i-GELU of one input (|x| &lt; 2^31). */
    public static long apply(long x, Constants k) {
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("i-GELU input x = " + x + " must be a signed 32-bit integer");
        }
        long u = Math.min(Math.abs(x), -k.b());
        long poly = Math.addExact(Math.multiplyExact(u + k.b(), u + k.b()), k.c());
        long t = Long.signum(x) * poly;
        t >>= SHIFT;
        return Math.multiplyExact(x, t + k.one());
    }

    /** Element-wise {@link #apply(long, Constants)}. */
    public static long[] apply(long[] x, Constants k) {
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = apply(x[i], k);
        }
        return out;
    }
}
