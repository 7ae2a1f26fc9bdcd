package io.vitgen.golden;

import java.math.BigInteger;

/**
 * Dyadic requantization scale m / 2^k (docs/arithmetic.md section 1).
 *
 * <p>{@code |m| < 2^31} (fits a signed 32-bit port) and {@code k} in [0, 62]. The run-time operator
 * is {@code y = sat_b(RNE(z * m / 2^k))}. The product {@code z * m} fits in 64 bits whenever
 * {@code |z| < 2^32}, which covers every tensor of docs/arithmetic.md (int32 accumulators, ~int31 LayerNorm
 * outputs); for larger {@code z} {@link #apply} detects the overflow with {@link
 * Math#multiplyHigh} and computes the same value exactly with {@link BigInteger}.
 *
 * @param m signed multiplier, |m| < 2^31
 * @param k right shift, 0..62
 */
public record DyadicScale(long m, int k) {
    /** Largest accepted shift (docs/arithmetic.md section 1). */
    public static final int MAX_K = 62;

    public DyadicScale {
        if (m <= -(1L << 31) || m >= (1L << 31)) {
            throw new IllegalArgumentException("dyadic multiplier m = " + m + " must satisfy |m| < 2^31");
        }
        if (k < 0 || k > MAX_K) {
            throw new IllegalArgumentException("dyadic shift k = " + k + " must be in [0, " + MAX_K + "]");
        }
    }

    /**
     * Offline derivation from a ratio r = S_in / S_out (docs/arithmetic.md section 1): r = f * 2^E with
     * 0.5 <= |f| < 1, m = RHAZ(f * 2^31), k = 31 - E; if |m| reaches 2^31, m/2 and k-1.
     *
     * @throws IllegalArgumentException for r = 0, NaN, infinite, or k outside [0, 62]
     */
    public static DyadicScale fromRatio(double r) {
        if (r == 0.0 || Double.isNaN(r) || Double.isInfinite(r)) {
            throw new IllegalArgumentException("dyadic ratio must be finite and non-zero, got " + r);
        }
        double a = Math.abs(r);
        // frexp: a = f * 2^e with 0.5 <= f < 1. Subnormals need k > 1000 and are rejected below.
        int e = Math.getExponent(a) + 1;
        int k = 31 - e;
        if (Math.getExponent(a) < Double.MIN_EXPONENT || k < 0 || k > MAX_K) {
            throw new IllegalArgumentException("dyadic ratio " + r + " needs shift k = "
                    + (Math.getExponent(a) < Double.MIN_EXPONENT ? "> 1000" : Integer.toString(k))
                    + ", outside [0, " + MAX_K + "] (representable |r| is in [2^-32, 2^31))");
        }
        double scaled = Math.scalb(a, k); // f * 2^31, exact (power-of-two scaling)
        long mag = (long) Math.floor(scaled + 0.5); // RHAZ on a non-negative value; exact below 2^52
        if (mag == (1L << 31)) {
            mag >>= 1;
            k -= 1;
            if (k < 0) {
                throw new IllegalArgumentException("dyadic ratio " + r + " rounds to 2^31 and needs k = -1");
            }
        }
        return new DyadicScale(r < 0 ? -mag : mag, k);
    }

    /** The real value m / 2^k. */
    public double value() {
        return m / Math.scalb(1.0, k);
    }

    /** RNE(z * m / 2^k) without saturation, exact for every long z (throws if the result exceeds long). */
    public long scale(long z) {
        long hi = Math.multiplyHigh(z, m);
        long lo = z * m;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return roundShift(lo, k);
        }
        return roundShiftExact(BigInteger.valueOf(z).multiply(BigInteger.valueOf(m)), k).longValueExact();
    }

    /** y = sat_b(RNE(z * m / 2^k)), exact for every long z. */
    public long apply(long z, int bits) {
        IntOps.requireBits(bits);
        long hi = Math.multiplyHigh(z, m);
        long lo = z * m;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return saturate(roundShift(lo, k), bits);
        }
        BigInteger y = roundShiftExact(BigInteger.valueOf(z).multiply(BigInteger.valueOf(m)), k);
        if (y.bitLength() > 63) {
            return saturate(y.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE, bits);
        }
        return saturate(y.longValue(), bits);
    }

    /** Applies this scale to every element: {@code out[i] = apply(z[i], bits)}. */
    public long[] apply(long[] z, int bits) {
        long[] out = new long[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = apply(z[i], bits);
        }
        return out;
    }

    /**
     * RNE(p / 2^k) for k in [0, 62], exact: q0 = p >> k, rem = p - (q0 << k); round up if
     * 2*rem > 2^k, on a tie round to even.
     */
    public static long roundShift(long p, int k) {
        if (k < 0 || k > MAX_K) {
            throw new IllegalArgumentException("shift k = " + k + " must be in [0, " + MAX_K + "]");
        }
        if (k == 0) {
            return p;
        }
        long q0 = p >> k;
        long rem = p & ((1L << k) - 1); // = p - (q0 << k), in [0, 2^k)
        long half = 1L << (k - 1);
        if (rem > half || (rem == half && (q0 & 1) != 0)) {
            q0++;
        }
        return q0;
    }

    /** RNE(p / 2^k) for an arbitrary-size p (same rule as {@link #roundShift(long, int)}). */
    public static BigInteger roundShiftExact(BigInteger p, int k) {
        if (k == 0) {
            return p;
        }
        BigInteger q0 = p.shiftRight(k); // floor
        BigInteger rem = p.subtract(q0.shiftLeft(k));
        int c = rem.compareTo(BigInteger.ONE.shiftLeft(k - 1));
        if (c > 0 || (c == 0 && q0.testBit(0))) {
            q0 = q0.add(BigInteger.ONE);
        }
        return q0;
    }

    /** sat_b(y) = clamp(y, -2^(b-1), 2^(b-1) - 1), bits in [1, 64]. */
    public static long saturate(long y, int bits) {
        return IntOps.saturate(y, bits);
    }

    /**
     * Residual add (docs/arithmetic.md section 1): sat_b(RNE(z1*m1/2^k1) + RNE(z2*m2/2^k2)); each branch rounds on its
     * own, the sum saturates once.
     */
    public static long residualAdd(long z1, DyadicScale s1, long z2, DyadicScale s2, int bits) {
        IntOps.requireBits(bits);
        return saturate(Math.addExact(s1.scale(z1), s2.scale(z2)), bits);
    }
}
