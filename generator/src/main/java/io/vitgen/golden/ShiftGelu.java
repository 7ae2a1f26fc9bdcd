package io.vitgen.golden;

/**
 * ShiftGELU: GELU(x) ~ x * sigmoid(1.702 x) over one row of hidden channels (docs/arithmetic.md section 5).
 *
 * <pre>
 * m = max(x); e_i = ShiftExp(x_i - m; X, 23); e_m = min(ShiftExp(-m; X, 23), 2^31 - 1)
 * t_i = min(e_i + e_m, 2^31 - 1); g_i = floor((2^31 - 1) / t_i)
 * sig_i = (e_i * g_i) &gt;&gt; 24   (0..127, scale 2^-7); out_i = x_i * sig_i (int16)
 * </pre>
 * X = ceil(1 / (1.702 S_g)) must be at most 127 (keeps e_i below 2^31).
 */
public final class ShiftGelu {
    private ShiftGelu() {
    }

    /** Number of halvings of the GELU exponential. */
    public static final int N_HALVINGS = 23;
    /** Largest X that keeps every value below 2^31. */
    public static final long MAX_X = 127;
    /** Input width. */
    public static final int INPUT_BITS = 8;

    /**
     * Every intermediate of one row.
     *
     * @param max row maximum m
     * @param e   e_i
     * @param em  e_m, saturated at 2^31 - 1
     * @param t   t_i
     * @param g   g_i
     * @param sig sig_i (0..127)
     * @param out x_i * sig_i
     */
    public record Trace(long max, long[] e, long em, long[] t, long[] g, long[] sig, long[] out) {
    }

    /** Outputs x_i * sig_i (int16, scale S_g * 2^-7). */
    public static long[] apply(long[] x, long X) {
        return trace(x, X).out();
    }

    /** sig_i only (0..127, scale 2^-7). */
    public static long[] sigmoid(long[] x, long X) {
        return trace(x, X).sig();
    }

    /** One row with every intermediate. */
    public static Trace trace(long[] x, long X) {
        IntOps.requireNonEmpty(x, "ShiftGELU row");
        IntOps.requireSigned(x, INPUT_BITS, "ShiftGELU input x");
        requireX(X);
        long m = Long.MIN_VALUE;
        for (long v : x) {
            m = Math.max(m, v);
        }
        long em = ShiftExp.saturating(-m, X, N_HALVINGS, IntOps.INT31_MAX);
        int n = x.length;
        long[] e = new long[n];
        long[] t = new long[n];
        long[] g = new long[n];
        long[] sig = new long[n];
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            e[i] = ShiftExp.of(x[i] - m, X, N_HALVINGS);
            t[i] = Math.min(e[i] + em, IntOps.INT31_MAX);
            g[i] = IntOps.INT31_MAX / t[i];
            sig[i] = (e[i] * g[i]) >> 24;
            out[i] = x[i] * sig[i];
        }
        return new Trace(m, e, em, t, g, sig, out);
    }

    /** X = ceil(1 / (1.702 * S_g)); rejects S_g that gives X &gt; 127. */
    public static long xFromScale(double sg) {
        if (!(sg > 0.0) || Double.isInfinite(sg)) {
            throw new IllegalArgumentException("GELU input scale S_g must be finite and positive, got " + sg);
        }
        double x = Math.ceil(1.0 / (1.702 * sg));
        if (x > MAX_X) {
            throw new IllegalArgumentException("GELU input scale S_g = " + sg + " gives X = " + (long) x
                    + " > 127 (ShiftGELU needs S_g >= " + 1.0 / (1.702 * MAX_X) + ")");
        }
        return (long) x;
    }

    static void requireX(long X) {
        if (X < 1 || X > MAX_X) {
            throw new IllegalArgumentException("ShiftGELU X must be in [1, 127], got " + X);
        }
    }
}
