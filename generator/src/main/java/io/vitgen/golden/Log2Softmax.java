package io.vitgen.golden;

/**
 * Log2-quantized softmax output and attention x V by shifts (docs/arithmetic.md section 4).
 *
 * <pre>
 * e_i, s as in Shiftmax (s clamped at 2^31 - 1)
 * v_i = RNE(s / e_i)
 * k_i = floor(log2 v_i); if k_i &gt;= 1 and bit (k_i - 1) of v_i is 1: k_i += 1
 * k_i &lt;= 15: code_i = k_i, zero_i = false; else code_i = 0, zero_i = true
 * </pre>
 * The value of an element is 2^-code (0 when zero is set).
 */
public final class Log2Softmax {
    private Log2Softmax() {
    }

    /** Largest code that is not flushed to zero. */
    public static final int MAX_CODE = 15;

    /**
     * Codes and zero flags of one row, plus the intermediates.
     *
     * @param code  4-bit code per element (0 when zero is set)
     * @param zero  zero flag per element
     * @param e     e_i (as in Shiftmax)
     * @param s     clamped sum
     * @param v     v_i = RNE(s / e_i)
     */
    public record Result(int[] code, boolean[] zero, long[] e, long s, long[] v) {
    }

    /** Codes and zero flags for one row of int8 scores. */
    public static Result apply(long[] x, long X) {
        Shiftmax.Exps ex = Shiftmax.exps(x, X);
        int n = x.length;
        int[] code = new int[n];
        boolean[] zero = new boolean[n];
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = IntOps.divRne(ex.s(), ex.e()[i]);
            int k = roundedLog2(v[i]);
            if (k <= MAX_CODE) {
                code[i] = k;
            } else {
                zero[i] = true;
            }
        }
        return new Result(code, zero, ex.e(), ex.s(), v);
    }

    /** Step 2: floor(log2 v), plus one if bit (k-1) of v is set (threshold 1.5 * 2^k); v &gt;= 1. */
    public static int roundedLog2(long v) {
        if (v < 1) {
            throw new IllegalArgumentException("roundedLog2 needs v >= 1, got " + v);
        }
        int k = 63 - Long.numberOfLeadingZeros(v);
        if (k >= 1 && ((v >> (k - 1)) & 1) != 0) {
            k++;
        }
        return k;
    }

    /**
     * Attention x V by shifts: acc_j = sum over i with zero_i = false of (V_ij &lt;&lt; (15 - code_i)).
     * Exact; scale S_v * 2^-15.
     *
     * @param v N x D matrix (row i = token i of V), int8 in the accelerator
     * @return D accumulators
     */
    public static long[] attentionTimesV(int[] code, boolean[] zero, long[][] v) {
        if (code.length != zero.length || code.length != v.length) {
            throw new IllegalArgumentException("attentionTimesV: code (" + code.length + "), zero ("
                    + zero.length + ") and V rows (" + v.length + ") must have the same length N");
        }
        if (v.length == 0) {
            throw new IllegalArgumentException("attentionTimesV: N must be >= 1");
        }
        int d = v[0].length;
        long[] acc = new long[d];
        for (int i = 0; i < v.length; i++) {
            if (v[i].length != d) {
                throw new IllegalArgumentException("attentionTimesV: V row " + i + " has " + v[i].length
                        + " columns, expected " + d);
            }
            if (zero[i]) {
                continue;
            }
            if (code[i] < 0 || code[i] > MAX_CODE) {
                throw new IllegalArgumentException("attentionTimesV: code[" + i + "] = " + code[i]
                        + " outside [0, 15]");
            }
            int sh = MAX_CODE - code[i];
            for (int j = 0; j < d; j++) {
                acc[j] += v[i][j] << sh;
            }
        }
        return acc;
    }
}
