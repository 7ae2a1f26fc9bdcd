package io.vitgen.golden;

/** Small integer helpers shared by the operators (docs/arithmetic.md section 0). */
public final class IntOps {
    private IntOps() {
    }

    /** Largest value of a signed 32-bit register, the numerator of every reciprocal in docs/arithmetic.md. */
    public static final long INT31_MAX = (1L << 31) - 1;

    /** sat_b(y) = clamp(y, -2^(b-1), 2^(b-1) - 1); {@code bits} in [1, 64]. */
    public static long saturate(long y, int bits) {
        requireBits(bits);
        if (bits == 64) {
            return y;
        }
        long hi = (1L << (bits - 1)) - 1;
        long lo = -(1L << (bits - 1));
        return Math.max(lo, Math.min(hi, y));
    }

    /** Throws unless {@code value} is a signed {@code bits}-bit integer; {@code what} names it. */
    public static void requireSigned(long value, int bits, String what) {
        requireBits(bits);
        if (bits < 64 && (value < -(1L << (bits - 1)) || value > (1L << (bits - 1)) - 1)) {
            throw new IllegalArgumentException(what + " = " + value + " is not a signed " + bits
                    + "-bit integer [" + -(1L << (bits - 1)) + ", " + ((1L << (bits - 1)) - 1) + "]");
        }
    }

    /** Throws unless every element of {@code values} is a signed {@code bits}-bit integer. */
    public static void requireSigned(long[] values, int bits, String what) {
        for (int i = 0; i < values.length; i++) {
            requireSigned(values[i], bits, what + "[" + i + "]");
        }
    }

    /** Round half to even of num / den for den > 0 (exact, no floating point). */
    public static long divRne(long num, long den) {
        if (den <= 0) {
            throw new IllegalArgumentException("divRne: divisor must be positive, got " + den);
        }
        long q = Math.floorDiv(num, den);
        long rem = Math.floorMod(num, den); // 0 <= rem < den
        long twice = 2 * rem;               // den < 2^62 in every use here
        if (twice > den || (twice == den && (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    static void requireBits(int bits) {
        if (bits < 1 || bits > 64) {
            throw new IllegalArgumentException("bits must be in [1, 64], got " + bits);
        }
    }

    static void requireNonEmpty(long[] row, String what) {
        if (row == null || row.length == 0) {
            throw new IllegalArgumentException(what + " must contain at least one element");
        }
    }
}
