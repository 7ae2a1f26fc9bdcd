package io.vitgen.golden;

/**
 * The exact two-pass product of a 16-bit non-negative operand on an int8 array (arithmetic
 * section 9): P in 0..32767 is split into {@code hi = P >> 8} (0..127) and
 * {@code lo = (P & 255) - 128} (-128..127), both int8; the two int32 partial sums over K are
 * combined as {@code (accHi << 8) + accLo + 128 * sum_k W[k][j]} before one requantization, which
 * equals {@code sum_k P[k] W[k][j]} for every input.
 */
public final class SplitOperand {

    /** Largest P the split accepts (hi must fit int8). */
    public static final long MAX_P = 32767;

    private SplitOperand() {
    }

    /** High int8 digit of P. */
    public static long hi(long p) {
        check(p);
        return p >> 8;
    }

    /** Low int8 digit of P, offset by -128. */
    public static long lo(long p) {
        check(p);
        return (p & 255) - 128;
    }

    /** Element-wise {@link #hi(long)} of a matrix. */
    public static long[][] hi(long[][] p) {
        long[][] out = new long[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = new long[p[i].length];
            for (int j = 0; j < p[i].length; j++) {
                out[i][j] = hi(p[i][j]);
            }
        }
        return out;
    }

    /** Element-wise {@link #lo(long)} of a matrix. */
    public static long[][] lo(long[][] p) {
        long[][] out = new long[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = new long[p[i].length];
            for (int j = 0; j < p[i].length; j++) {
                out[i][j] = lo(p[i][j]);
            }
        }
        return out;
    }

    /** Column sums of W (K x N): sum_k W[k][j]. */
    public static long[] columnSums(long[][] w) {
        long[] s = new long[w[0].length];
        for (long[] row : w) {
            for (int j = 0; j < s.length; j++) {
                s[j] += row[j];
            }
        }
        return s;
    }

    /** (accHi << 8) + accLo + 128 * colSum, element-wise over an M x N partial pair. */
    public static long[][] combine(long[][] accHi, long[][] accLo, long[] colSum) {
        long[][] out = new long[accHi.length][];
        for (int i = 0; i < accHi.length; i++) {
            out[i] = new long[accHi[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (accHi[i][j] << 8) + accLo[i][j] + 128 * colSum[j];
            }
        }
        return out;
    }

    /** P x W through the two int8 passes (the array's way). */
    public static long[][] product(long[][] p, long[][] w) {
        return combine(IntGemm.apply(hi(p), w, null), IntGemm.apply(lo(p), w, null), columnSums(w));
    }

    private static void check(long p) {
        if (p < 0 || p > MAX_P) {
            throw new IllegalArgumentException("split operand P = " + p + " is outside 0.." + MAX_P);
        }
    }
}
