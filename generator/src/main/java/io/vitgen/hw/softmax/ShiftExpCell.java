package io.vitgen.hw.softmax;

import io.vitgen.hw.ModuleSpec;

/**
 * The cell {@code vitgen_softmax_exp}: ShiftExp(d; X, 15) of docs/arithmetic.md section 2 for d in [-255, 0] and X in
 * [1, 127] on LANES lanes, from shifts, adds and compares only (the quotient by the run-time X
 * is four restoring steps). Used twice by the softmax unit (sum pass and output pass).
 */
public final class ShiftExpCell {

    /** Enabled cycles from input to output. */
    public static final int LATENCY = 4;
    /** Bits of e = ShiftExp(d; X, 15) for X &lt;= 127: e &lt;= 127 * 2^15 &lt; 2^22. */
    public static final int E_BITS = 22;

    /** Template variables of {@code softmax_exp.v.vm}: the parameter defaults. */
    public record Vars(int lanes, int sideW) {
    }

    private ShiftExpCell() {
    }

    /** The cell with LANES = 1 (set per instance). */
    public static ModuleSpec spec() {
        return spec(1);
    }

    /** The cell with LANES = {@code lanes} as its default (SIDE_W differs per instance and is set there). */
    public static ModuleSpec spec(int lanes) {
        return ModuleSpec.builder("vitgen_softmax_exp")
                .template("softmax_exp.v.vm")
                .vars(new Vars(lanes, 1))
                .summary("ShiftExp(d; X, 15) for d in [-255, 0], run-time X in [1, 127], shifts and adds only (docs/arithmetic.md section 2)")
                .fact("latency", LATENCY + " enabled cycles")
                .fact("throughput", "1 beat per cycle")
                .synthesize(true)
                .build();
    }
}
