package io.vitgen.hw.top;

import io.vitgen.hw.ModuleSpec;

/**
 * Builder of {@code vitgen_top_regroup} ({@code rtl-templates/top_regroup.v.vm}): the generic cell
 * that re-slices a row stream from IN_N to OUT_N elements per beat (powers of two), between the
 * BB-byte beats of the buffer channels and the LANES elements per cycle of a row unit. Every
 * instance sets EW, IN_N and OUT_N; the defaults are placeholders.
 */
public final class RowRegroup {

    /** Largest IN_N / OUT_N the cell accepts. */
    public static final int MAX_N = 128;

    /** Template variables: the placeholder defaults. */
    public record Vars(int ew, int inN, int outN) {
    }

    private RowRegroup() {
    }

    public static ModuleSpec spec() {
        return ModuleSpec.builder("vitgen_top_regroup")
                .template("top_regroup.v.vm")
                .vars(new Vars(8, 16, 4))
                .summary("Row stream re-slicing between IN_N and OUT_N elements per beat (powers of two), rows beat-aligned")
                .fact("latency", "1 cycle")
                .build();
    }

    /** Checks that {@code n} is a power of two in 1..{@link #MAX_N}, naming {@code what}. */
    static int powerOfTwo(String what, int n, int min) {
        if (n < min || n > MAX_N || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException(what + " = " + n + " must be a power of two in " + min + ".." + MAX_N);
        }
        return n;
    }
}
