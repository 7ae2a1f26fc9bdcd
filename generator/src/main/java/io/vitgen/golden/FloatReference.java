package io.vitgen.golden;

/**
 * Float64 references of the functions the integer operators approximate (the "real" values the
 * accuracy report and the property tests compare with). Nothing here is bit-exact; nothing here is
 * used by the integer operators.
 */
public final class FloatReference {
    private FloatReference() {
    }

    private static final double LN2 = Math.log(2.0);

    /** Softmax of {@code x * scale} (max-subtracted, float64). */
    public static double[] softmax(long[] x, double scale) {
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            z[i] = x[i] * scale;
        }
        return softmax(z);
    }

    /** Softmax of real values. */
    public static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * The function ShiftExp encodes before its two approximations (the chord and the shift-add
     * log2(e)): X * 2^n * 2^(p / X) with p the step-1 value of d. Used to bound the chord error.
     */
    public static double shiftExpChord(long d, long X, int n) {
        return X * Math.scalb(1.0, n) * Math.pow(2.0, (double) ShiftExp.log2eScaled(d) / X);
    }

    /** X * 2^n * exp(d / X): what ShiftExp(d; X, n) approximates (input scale 1/X). */
    public static double shiftExp(long d, long X, int n) {
        return X * Math.scalb(1.0, n) * Math.exp((double) d / X);
    }

    /** Exact GELU(z) = z * Phi(z) = z/2 * (1 + erf(z / sqrt 2)). */
    public static double gelu(double z) {
        return 0.5 * z * (1.0 + erf(z / Math.sqrt(2.0)));
    }

    /** The sigmoid form ShiftGELU approximates: z * sigmoid(1.702 z). */
    public static double geluSigmoid(double z) {
        return z * sigmoid(1.702 * z);
    }

    /** 1 / (1 + exp(-z)). */
    public static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }

    /** LayerNorm without eps, gamma = 1, beta = 0: (x - mean) / sqrt(mean((x - mean)^2)); 0 for a constant row. */
    public static double[] layerNorm(double[] x) {
        int c = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= c;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= c;
        double[] out = new double[c];
        if (var == 0) {
            return out;
        }
        double inv = 1.0 / Math.sqrt(var);
        for (int i = 0; i < c; i++) {
            out[i] = (x[i] - mean) * inv;
        }
        return out;
    }

    /** LayerNorm with affine parameters: layerNorm(x) * gamma + beta. */
    public static double[] layerNorm(double[] x, double[] gamma, double[] beta) {
        double[] n = layerNorm(x);
        for (int i = 0; i < n.length; i++) {
            n[i] = n[i] * gamma[i] + beta[i];
        }
        return n;
    }

    /** Real matrix product a (M x K) times w (K x N) plus bias (N or null). */
    public static double[][] matmul(double[][] a, double[][] w, double[] bias) {
        int m = a.length;
        int k = w.length;
        int n = w[0].length;
        double[][] out = new double[m][n];
        for (int i = 0; i < m; i++) {
            double[] row = out[i];
            if (bias != null) {
                System.arraycopy(bias, 0, row, 0, n);
            }
            for (int r = 0; r < k; r++) {
                double av = a[i][r];
                double[] wr = w[r];
                for (int j = 0; j < n; j++) {
                    row[j] += av * wr[j];
                }
            }
        }
        return out;
    }

    /**
     * erf(x) to about 1e-14 absolute: Maclaurin series for |x| &lt;= 2.5 (largest term below 600,
     * so cancellation costs under three digits), the Laplace continued fraction of erfc above.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        double r;
        if (a <= 2.5) {
            double term = a;
            double sum = a;
            double a2 = a * a;
            for (int n = 1; n < 200; n++) {
                term *= -a2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = 2.0 / Math.sqrt(Math.PI) * sum;
        } else if (a < 27) {
            // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + ...))))
            double f = a;
            for (int n = 80; n >= 1; n--) {
                f = a + (n / 2.0) / f;
            }
            r = 1.0 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    /** log2(v). */
    public static double log2(double v) {
        return Math.log(v) / LN2;
    }
}
