package io.vitgen.golden;

/**
 * ShiftExp(d; X, n): base-2 exponential from shifts and adds only (docs/arithmetic.md section 2).
 *
 * <pre>
 * p = d + (d &gt;&gt; 1) - (d &gt;&gt; 4)       d * 1.4375 ~ d * log2(e)
 * p = max(p, -n*X)
 * q = floorDiv(p, -X); r = p + X*q       r in (-X, 0] for every p
 * e = ((2X + r) &lt;&lt; (n - q)) &gt;&gt; 1
 * </pre>
 *
 * <p>For d &lt;= 0: q in [0, n] and, for q &lt; n, X*2^(n-q-1) &lt; e &lt;= X*2^(n-q); at the clamp
 * (q = n) e = floor((2X + r) / 2) in [ceil(X/2), X]. So 1 &lt;= e &lt;= X*2^n overall, and e is
 * monotone non-decreasing in d. (an earlier statement gave X*2^(n-1) &lt; e, which holds only for q = 0,
 * i.e. p &gt; -X; its own example, d = -10, gives 57344 = 7 * 2^13.)
 *
 * <p>For d &gt; 0 (only ShiftGELU's e_m for a negative row maximum) q &lt; 0 and the exact value is
 * (2X + r) * 2^(n - q - 1), which grows past 2^63 quickly: {@link #of} throws {@link
 * ArithmeticException} when the exact value does not fit in a long, {@link #saturating} returns
 * min(exact, cap).
 */
public final class ShiftExp {
    private ShiftExp() {
    }

    /** Exact ShiftExp for any d; throws ArithmeticException if the value does not fit a long. */
    public static long of(long d, long X, int n) {
        long e = saturating(d, X, n, Long.MAX_VALUE);
        if (e == Long.MAX_VALUE) {
            throw new ArithmeticException("ShiftExp(" + d + "; X=" + X + ", n=" + n + ") exceeds 2^63 - 1");
        }
        return e;
    }

    /** min(ShiftExp(d; X, n), cap), exact, for any d (cap &gt; 0). ShiftGELU uses cap = 2^31 - 1. */
    public static long saturating(long d, long X, int n, long cap) {
        requireParams(X, n);
        if (cap <= 0) {
            throw new IllegalArgumentException("ShiftExp cap must be positive, got " + cap);
        }
        if (d < -(1L << 40) || d > (1L << 40)) {
            throw new IllegalArgumentException("ShiftExp input d = " + d + " outside [-2^40, 2^40]");
        }
        long p = log2eScaled(d);
        p = Math.max(p, -n * X);
        long q = Math.floorDiv(p, -X);
        long r = p + X * q;
        long base = 2 * X + r; // in (X, 2X]
        long shift = n - q;
        if (shift == 0) {
            return Math.min(base >> 1, cap);
        }
        // value = base * 2^(shift - 1), exact; shift >= 1 here since q <= n.
        long s = shift - 1;
        if (s >= 63 || base > (Long.MAX_VALUE >> s)) {
            return cap;
        }
        return Math.min(base << s, cap);
    }

    /** Step 1: p = d + (d &gt;&gt; 1) - (d &gt;&gt; 4), the shift-and-add approximation of d * log2(e). */
    public static long log2eScaled(long d) {
        return d + (d >> 1) - (d >> 4);
    }

    /** X = ceil(1 / S) for an input scale S &gt; 0 (docs/arithmetic.md sections 2 and 3). */
    public static long xFromScale(double s) {
        if (!(s > 0.0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("input scale S must be finite and positive, got " + s);
        }
        double x = Math.ceil(1.0 / s);
        if (x > (1L << 24)) {
            throw new IllegalArgumentException("input scale S = " + s + " gives X = " + x + " > 2^24");
        }
        return (long) x;
    }

    static void requireParams(long X, int n) {
        if (X < 1 || X > (1L << 24)) {
            throw new IllegalArgumentException("ShiftExp X must be in [1, 2^24], got " + X);
        }
        if (n < 0 || n > 40) {
            throw new IllegalArgumentException("ShiftExp n must be in [0, 40], got " + n);
        }
    }
}
