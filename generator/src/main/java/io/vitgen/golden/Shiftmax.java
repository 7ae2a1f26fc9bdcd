package io.vitgen.golden;

/**
 * Shiftmax: integer softmax over one row (docs/arithmetic.md section 3).
 *
 * <pre>
 * d_i = x_i - max(x); e_i = ShiftExp(d_i; X, 15); s = min(sum e_i, 2^31 - 1)
 * f = floor((2^31 - 1) / s); y_i = (e_i * f) &gt;&gt; (32 - b)
 * </pre>
 * Inputs are int8 scores; b = 16 gives 0..32767 (scale 2^-15), b = 8 gives 0..127 (scale 2^-7).
 */
public final class Shiftmax {
    private Shiftmax() {
    }

    /** Number of halvings of the softmax exponential. */
    public static final int N_HALVINGS = 15;
    /** Input width of the scores. */
    public static final int INPUT_BITS = 8;

    /**
     * Every intermediate of one row, for RTL debugging.
     *
     * @param max     row maximum
     * @param e       e_i = ShiftExp(x_i - max; X, 15)
     * @param rawSum  sum e_i before the clamp
     * @param s       min(rawSum, 2^31 - 1)
     * @param f       floor((2^31 - 1) / s)
     * @param y       outputs
     */
    public record Trace(long max, long[] e, long rawSum, long s, long f, long[] y) {
        /** True when the sum clamp of step 3 changed the sum (rawSum &gt; 2^31 - 1). */
        public boolean clamped() {
            return rawSum > s;
        }
    }

    /** Softmax outputs y_i (b = 8 or 16). */
    public static long[] apply(long[] x, long X, int b) {
        return trace(x, X, b).y();
    }

    /** Softmax with every intermediate. */
    public static Trace trace(long[] x, long X, int b) {
        if (b != 8 && b != 16) {
            throw new IllegalArgumentException("Shiftmax output bits b must be 8 or 16, got " + b);
        }
        Exps ex = exps(x, X);
        long f = IntOps.INT31_MAX / ex.s();
        long[] y = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (ex.e()[i] * f) >> (32 - b);
        }
        return new Trace(ex.max(), ex.e(), ex.rawSum(), ex.s(), f, y);
    }

    /** Row maximum, e_i, raw and clamped sum: steps 1-3, shared with {@link Log2Softmax}. */
    record Exps(long max, long[] e, long rawSum, long s) {
    }

    static Exps exps(long[] x, long X) {
        IntOps.requireNonEmpty(x, "Shiftmax row");
        IntOps.requireSigned(x, INPUT_BITS, "Shiftmax input x");
        ShiftExp.requireParams(X, N_HALVINGS);
        long max = Long.MIN_VALUE;
        for (long v : x) {
            max = Math.max(max, v);
        }
        long[] e = new long[x.length];
        long sum = 0;
        for (int i = 0; i < x.length; i++) {
            e[i] = ShiftExp.of(x[i] - max, X, N_HALVINGS);
            sum = Math.addExact(sum, e[i]);
        }
        return new Exps(max, e, sum, Math.min(sum, IntOps.INT31_MAX));
    }
}
