package io.vitgen.hw;

/**
 * The shared unsigned divider cell {@code vitgen_divider} (restoring division, pipelined or
 * iterative). Its widths and mode are Verilog parameters set per instance; the defaults printed
 * into the file are the 31-bit reciprocal divisions of docs/arithmetic.md sections 3, 5 and 6.
 *
 * <p>{@code QUOTIENT_W} (default {@code DIVIDEND_W}) shortens the division for a caller that
 * guarantees quotient &lt; 2^QUOTIENT_W, i.e. (dividend &gt;&gt; QUOTIENT_W) &lt; divisor: the
 * divider starts from that partial remainder and computes only QUOTIENT_W quotient bits
 * ({@link #latency(int)} of QUOTIENT_W, fewer pipeline stages); {@code out_quotient} keeps
 * DIVIDEND_W bits, the upper ones zero. Derive it with {@link #quotientWidth(int, long...)} from
 * proven bounds.
 */
public final class Divider {

    /** Template variables of {@code divider.v.vm}: the parameter defaults. */
    public record Vars(int dividendW, int divisorW, int tagW, int pipelined) {
    }

    private Divider() {
    }

    public static ModuleSpec spec() {
        return ModuleSpec.builder("vitgen_divider")
                .template("divider.v.vm")
                .vars(new Vars(31, 31, 1, 1))
                .summary("Unsigned restoring divider, pipelined (1 division/cycle) or iterative")
                .fact("latency", "QUOTIENT_W + 1 cycles (QUOTIENT_W defaults to DIVIDEND_W)")
                .build();
    }

    /**
     * Cycles from the accepting cycle to the result, in both modes, for a divider computing
     * {@code quotientW} quotient bits (QUOTIENT_W; DIVIDEND_W by default).
     */
    public static int latency(int quotientW) {
        return quotientW + 1;
    }

    /**
     * QUOTIENT_W for a divider of {@code dividendW} bits whose quotients never exceed the given
     * proven maxima: the bits of the largest, at least 2, at most {@code dividendW}. Every quotient
     * q &le; max then satisfies q &lt; 2^QUOTIENT_W, which is the divider's guarantee.
     *
     * @throws IllegalArgumentException for a negative maximum or a dividend width out of [2, 64]
     */
    public static int quotientWidth(int dividendW, long... maxQuotients) {
        if (dividendW < 2 || dividendW > 64) {
            throw new IllegalArgumentException("divider DIVIDEND_W = " + dividendW + " is out of range [2, 64]");
        }
        int w = 2;
        for (long q : maxQuotients) {
            if (q < 0) {
                throw new IllegalArgumentException("a quotient bound must be non-negative, got " + q);
            }
            w = Math.max(w, 64 - Long.numberOfLeadingZeros(q));
        }
        return Math.min(w, dividendW);
    }
}
