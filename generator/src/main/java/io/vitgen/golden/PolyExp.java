package io.vitgen.golden;

/**
 * I-BERT polynomial exponential i-exp (docs/arithmetic.md section 7).
 *
 * <pre>
 * d = max(d, 30*x0); q = floor(d / x0); r = d - x0*q
 * z = r*(r + b) + c; E = max(0, z &lt;&lt; (30 - q))
 * </pre>
 * Real value E * S_E with S_E = 0.35815147 * S^2 / 2^30 for d &lt;= 0 (input scale S).
 */
public final class PolyExp {
    private PolyExp() {
    }

    /** Shift applied to the polynomial (the spec's 30). */
    public static final int N = 30;

    /**
     * Offline constants derived from the input scale S.
     *
     * @param x0 floor(-0.6931 / S) (negative)
     * @param b  floor(0.96963238 / 0.35815147 / S)
     * @param c  floor(1 / 0.35815147 / S^2)
     * @param scale the input scale S they were derived from
     */
    public record Constants(long x0, long b, long c, double scale) {
        /** Derives the constants; S must be positive with c &lt; 2^31 (S &gt;= about 3.7e-5). */
        public static Constants of(double s) {
            if (!(s > 0.0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("i-exp input scale S must be finite and positive, got " + s);
            }
            double x0 = Math.floor(-0.6931 / s);
            double b = Math.floor(0.96963238 / 0.35815147 / s);
            double c = Math.floor(1.0 / 0.35815147 / (s * s));
            if (x0 > -1 || c >= Math.scalb(1.0, 31)) {
                throw new IllegalArgumentException("i-exp input scale S = " + s
                        + " outside the valid range (needs c = floor(1 / 0.35815147 / S^2) < 2^31, i.e. S >= about 3.7e-5)");
            }
            return new Constants((long) x0, (long) b, (long) c, s);
        }

        /** Real scale of the output E. */
        public double outputScale() {
            return 0.35815147 * scale * scale / Math.scalb(1.0, N);
        }
    }

    /** i-exp of one input d (normally d &lt;= 0, a value minus its row maximum). */
    public static long apply(long d, Constants k) {
        if (d > 0 || d < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("i-exp input d = " + d + " must be in [-2^31, 0]");
        }
        long dc = Math.max(d, 30 * k.x0());
        long q = Math.floorDiv(dc, k.x0());
        long r = dc - k.x0() * q;
        long z = Math.addExact(Math.multiplyExact(r, r + k.b()), k.c());
        long sh = N - q; // q in [0, 30]
        long e = z << sh;
        if ((e >> sh) != z) {
            throw new ArithmeticException("i-exp z << (30 - q) overflows 64 bits (z = " + z + ", q = " + q + ")");
        }
        return Math.max(0, e);
    }

    /** Element-wise {@link #apply(long, Constants)}. */
    public static long[] apply(long[] d, Constants k) {
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = apply(d[i], k);
        }
        return out;
    }
}
