package io.vitgen.golden;

/**
 * I-LayerNorm over the channels of one token (docs/arithmetic.md section 6).
 *
 * <pre>
 * mu = RNE(sum x / C); y_i = x_i - mu; V = sum y_i^2
 * std = sqrtNewton(V)          literal 10 steps from 2^16
 * g = floor((2^31 - 1) / std); yhat_i = (y_i * g) &gt;&gt; 1; out_i = yhat_i + b_i
 * </pre>
 * Input int16 (scale S_res); output ~int31 with real value out * sqrt(C) / 2^30 * gamma_c.
 */
public final class IntLayerNorm {
    private IntLayerNorm() {
    }

    /** Input width. */
    public static final int INPUT_BITS = 16;
    /** Newton iterations, fixed by the spec. */
    public static final int NEWTON_STEPS = 10;
    /** Newton start value. */
    public static final long NEWTON_START = 1L << 16;

    /**
     * Every intermediate of one token.
     *
     * @param mu   rounded mean
     * @param y    x_i - mu
     * @param v    sum of squares (not divided by C)
     * @param std  sqrtNewton(V)
     * @param g    floor((2^31 - 1) / std)
     * @param yhat (y_i * g) &gt;&gt; 1
     * @param out  yhat_i + bias_i
     */
    public record Trace(long mu, long[] y, long v, long std, long g, long[] yhat, long[] out) {
    }

    /**
     * The literal integer Newton square root: k = 2^16, ten times k = floor((k + floor(V / k)) / 2).
     * Not always floor(sqrt(V)): it is always &gt;= floor(sqrt(V)) and &gt;= 64, see the tests.
     */
    public static long sqrtNewton(long V) {
        if (V < 0) {
            throw new IllegalArgumentException("sqrtNewton needs V >= 0, got " + V);
        }
        long k = NEWTON_START;
        for (int i = 0; i < NEWTON_STEPS; i++) {
            k = (k + V / k) >> 1; // k >= 64 after every step, both terms non-negative
        }
        return k;
    }

    /** Outputs of one token; {@code bias} has one entry per channel (C = x.length). */
    public static long[] apply(long[] x, long[] bias) {
        return trace(x, bias).out();
    }

    /** One token with every intermediate. */
    public static Trace trace(long[] x, long[] bias) {
        IntOps.requireNonEmpty(x, "LayerNorm row");
        IntOps.requireSigned(x, INPUT_BITS, "LayerNorm input x");
        if (bias == null || bias.length != x.length) {
            throw new IllegalArgumentException("LayerNorm bias must have one entry per channel: C = "
                    + x.length + ", got " + (bias == null ? "null" : Integer.toString(bias.length)));
        }
        int c = x.length;
        long sum = 0;
        for (long v : x) {
            sum += v;
        }
        long mu = IntOps.divRne(sum, c);
        long[] y = new long[c];
        long vsum = 0;
        for (int i = 0; i < c; i++) {
            y[i] = x[i] - mu;
            vsum = Math.addExact(vsum, y[i] * y[i]);
        }
        long std = sqrtNewton(vsum);
        long g = IntOps.INT31_MAX / std;
        long[] yhat = new long[c];
        long[] out = new long[c];
        for (int i = 0; i < c; i++) {
            yhat[i] = (y[i] * g) >> 1;
            out[i] = Math.addExact(yhat[i], bias[i]);
        }
        return new Trace(mu, y, vsum, std, g, yhat, out);
    }

    /**
     * Offline per-channel bias b = floor((beta / gamma) / (sqrt(C) / 2^30)).
     *
     * @throws IllegalArgumentException for gamma = 0, non-finite values, C &lt; 1 or |b| &gt;= 2^62
     */
    public static long biasFrom(double beta, double gamma, int C) {
        if (gamma == 0.0 || !Double.isFinite(gamma) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("LayerNorm bias needs finite beta and non-zero finite gamma, got beta = "
                    + beta + ", gamma = " + gamma);
        }
        if (C < 1) {
            throw new IllegalArgumentException("LayerNorm channel count C must be >= 1, got " + C);
        }
        double b = Math.floor((beta / gamma) / (Math.sqrt(C) / Math.scalb(1.0, 30)));
        if (!(Math.abs(b) < Math.scalb(1.0, 62))) {
            throw new IllegalArgumentException("LayerNorm bias beta/gamma = " + beta / gamma
                    + " gives |b| >= 2^62");
        }
        return (long) b;
    }

    /** Per-channel {@link #biasFrom(double, double, int)}. */
    public static long[] biasFrom(double[] beta, double[] gamma) {
        if (beta.length != gamma.length) {
            throw new IllegalArgumentException("beta (" + beta.length + ") and gamma (" + gamma.length
                    + ") must have one entry per channel");
        }
        long[] b = new long[beta.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = biasFrom(beta[i], gamma[i], beta.length);
        }
        return b;
    }
}
