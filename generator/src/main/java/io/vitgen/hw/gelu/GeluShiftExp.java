package io.vitgen.hw.gelu;

import io.vitgen.hw.ModuleSpec;

/**
 * The ShiftExp cell of ShiftGELU, {@code vitgen_gelu_shiftexp}: ShiftExp(d; X, 23) (docs/arithmetic.md sections 2 and 5)
 * for one element per cycle, as a mantissa and a shift ({@code e = mant << shift}), with a
 * saturation flag for the positive d of a negative row maximum. Its tag width is a Verilog
 * parameter set per instance.
 */
public final class GeluShiftExp {

    /** Template variables of {@code gelu_shiftexp.v.vm}: the default tag width. */
    public record Vars(int tagW) {
    }

    /** Cycles from {@code in_valid} to {@code out_valid}. */
    public static final int LATENCY = 8;

    private GeluShiftExp() {
    }

    public static ModuleSpec spec() {
        return ModuleSpec.builder("vitgen_gelu_shiftexp")
                .template("gelu_shiftexp.v.vm")
                .vars(new Vars(8))
                .summary("ShiftExp(d; X, 23) of ShiftGELU as mantissa and shift, saturation flag (docs/arithmetic.md sections 2, 5)")
                .fact("latency", LATENCY + " cycles")
                .fact("throughput", "1 element per cycle")
                .build();
    }
}
