package io.vitgen.estimate;

/**
 * Estimated resources of one block: LUT, flip-flops, DSP (multipliers of up to 27 x 18 bits) and
 * 36-Kbit block RAM (0.5 = one 18-Kbit half).
 */
public record Usage(String block, long luts, long flipFlops, long dsps, double bram36) {

    /** The sum of two usages, named {@code name}. */
    public Usage plus(Usage o, String name) {
        return new Usage(name, luts + o.luts, flipFlops + o.flipFlops, dsps + o.dsps, bram36 + o.bram36);
    }
}
