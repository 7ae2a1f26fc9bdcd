package io.vitgen.golden;

/**
 * Integer GEMM with bias and per-channel requantization (docs/arithmetic.md section 8).
 *
 * <p>acc[i][j] = bias[j] + sum_k a[i][k] * w[k][j], exact. With int8 operands and int32 bias,
 * |acc| &lt; 2^31 + K * 2^14 fits a long for every K below 2^40; the RTL width follows {@link
 * #requiredAccBits}.
 */
public final class IntGemm {
    private IntGemm() {
    }

    /**
     * Exact accumulators.
     *
     * @param a    M x K activations
     * @param w    K x N weights
     * @param bias N biases (scale S_a * S_w) or null
     * @return M x N accumulators
     */
    public static long[][] apply(long[][] a, long[][] w, long[] bias) {
        if (a.length == 0 || w.length == 0) {
            throw new IllegalArgumentException("GEMM needs M >= 1 and K >= 1");
        }
        int m = a.length;
        int k = w.length;
        int n = w[0].length;
        for (int i = 0; i < m; i++) {
            if (a[i].length != k) {
                throw new IllegalArgumentException("GEMM activation row " + i + " has " + a[i].length
                        + " elements, expected K = " + k);
            }
        }
        for (int r = 0; r < k; r++) {
            if (w[r].length != n) {
                throw new IllegalArgumentException("GEMM weight row " + r + " has " + w[r].length
                        + " elements, expected N = " + n);
            }
        }
        if (bias != null && bias.length != n) {
            throw new IllegalArgumentException("GEMM bias has " + bias.length + " entries, expected N = " + n);
        }
        long[][] acc = new long[m][n];
        for (int i = 0; i < m; i++) {
            long[] row = acc[i];
            if (bias != null) {
                System.arraycopy(bias, 0, row, 0, n);
            }
            long[] ai = a[i];
            for (int r = 0; r < k; r++) {
                long av = ai[r];
                if (av == 0) {
                    continue;
                }
                long[] wr = w[r];
                for (int j = 0; j < n; j++) {
                    row[j] += av * wr[j];
                }
            }
        }
        return acc;
    }

    /**
     * Per-channel requantization: out[i][j] = perChannel[j].apply(acc[i][j], bits). A single-entry
     * array applies one scale to the whole tensor.
     */
    public static long[][] requantize(long[][] acc, DyadicScale[] perChannel, int bits) {
        long[][] out = new long[acc.length][];
        for (int i = 0; i < acc.length; i++) {
            int n = acc[i].length;
            if (perChannel.length != 1 && perChannel.length != n) {
                throw new IllegalArgumentException("requantize: " + perChannel.length
                        + " scales for " + n + " channels (need 1 or " + n + ")");
            }
            out[i] = new long[n];
            for (int j = 0; j < n; j++) {
                out[i][j] = perChannel[perChannel.length == 1 ? 0 : j].apply(acc[i][j], bits);
            }
        }
        return out;
    }

    /** acc_bits = a_bits + w_bits - 1 + ceil(log2 K_max) + 1 (docs/arithmetic.md section 8). */
    public static int requiredAccBits(int aBits, int wBits, int kMax) {
        if (aBits < 2 || wBits < 2 || kMax < 1) {
            throw new IllegalArgumentException("requiredAccBits needs aBits, wBits >= 2 and kMax >= 1, got "
                    + aBits + ", " + wBits + ", " + kMax);
        }
        return aBits + wBits - 1 + ceilLog2(kMax) + 1;
    }

    /** Throws if an accumulator of {@code accBits} is too narrow for K up to {@code kMax}. */
    public static void checkAccBits(int accBits, int aBits, int wBits, int kMax) {
        int need = requiredAccBits(aBits, wBits, kMax);
        if (accBits < need) {
            throw new IllegalArgumentException("accumulator of " + accBits + " bits is too narrow for "
                    + aBits + "-bit x " + wBits + "-bit products over K = " + kMax + ": needs " + need + " bits");
        }
    }

    /** ceil(log2 v) for v &gt;= 1. */
    public static int ceilLog2(long v) {
        if (v < 1) {
            throw new IllegalArgumentException("ceilLog2 needs v >= 1, got " + v);
        }
        return 64 - Long.numberOfLeadingZeros(v - 1);
    }
}
