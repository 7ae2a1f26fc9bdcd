package io.vitgen.hw.softmax;

import io.vitgen.hw.ModuleSpec;

/**
 * The cell {@code vitgen_softmax_log2code}: the 4-bit log2 code and zero flag of docs/arithmetic.md section 4 from
 * s and e_i by 16 threshold comparisons per lane instead of a division (proof in
 * docs/softmax.md; exhaustive check in the generator tests).
 */
public final class Log2CodeCell {

    /** Enabled cycles from input to output. */
    public static final int LATENCY = 3;
    /** Bits of one output lane: {zero, code[3:0]}. */
    public static final int CODE_BITS = 5;

    /** Template variables of {@code softmax_log2code.v.vm}: the parameter defaults. */
    public record Vars(int lanes, int sideW) {
    }

    private Log2CodeCell() {
    }

    /** The cell with LANES = 1 (set per instance). */
    public static ModuleSpec spec() {
        return spec(1);
    }

    /** The cell with LANES = {@code lanes} and SIDE_W = lanes + 1 as its defaults, as the softmax unit uses it. */
    public static ModuleSpec spec(int lanes) {
        return ModuleSpec.builder("vitgen_softmax_log2code")
                .template("softmax_log2code.v.vm")
                .vars(new Vars(lanes, lanes + 1))
                .summary("Log2 softmax code {zero, code} of RNE(s/e) by 16 comparisons, no divider (docs/arithmetic.md section 4)")
                .fact("latency", LATENCY + " enabled cycles")
                .fact("throughput", "1 beat per cycle")
                .build();
    }
}
