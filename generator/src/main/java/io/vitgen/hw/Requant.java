package io.vitgen.hw;

import java.util.Map;

/**
 * Builders of the dyadic requantization unit (docs/arithmetic.md section 1), a generic cell reused after the MAC array,
 * LayerNorm and GELU.
 *
 * <p>{@code vitgen_requant}: {@code y = sat_OUT_W(RNE(z * m / 2^k))} on LANES lanes per beat.
 * {@code vitgen_requant_residual}: {@code y = sat_OUT_W(RNE(z1 m1 / 2^k1) + RNE(z2 m2 / 2^k2))}
 * with the second operand on its own stream {@code s_axis_res_*}. The scales arrive on a side
 * stream {@code s_axis_scale_*}, one beat per data beat, joined with the data: lane i's scale is
 * {@code {k[5:0], m[31:0]}} at {@code scale_tdata[i*38 +: 38]} (residual: {@code {k2, m2, k1, m1}}
 * at {@code [i*76 +: 76]}). Per-channel scales come from a parameter memory read beside the data;
 * a per-tensor scale ties {@code s_axis_scale_tvalid} high with one constant on every lane. Lanes
 * and widths are Verilog parameters set at each instance, so one file serves every user; see
 * docs/mac.md.
 */
public final class Requant {

    /** Bits of one lane's scale on s_axis_scale_tdata: {k[5:0], m[31:0]} (twice for the residual unit). */
    public static final int SCALE_BITS = 38;
    /** Bits of m in a lane's scale (signed). */
    public static final int M_BITS = 32;
    /** Bits of k in a lane's scale (unsigned). */
    public static final int K_BITS = 6;
    /** Widest input (z) the cell accepts. */
    public static final int MAX_IN_W = 64;
    /** Most lanes per beat. */
    public static final int MAX_LANES = 64;
    /** Cycles from an accepted input beat to its output beat, without / with the residual branch. */
    public static final int LATENCY = 5;
    public static final int LATENCY_RESIDUAL = 6;

    /** Template variables of {@code requant.v.vm} (both variants; {@code resW} unused without residual). */
    public record RequantVars(String moduleName, boolean residual, int lanes, int inW, int resW, int outW) {
    }

    /** Template variables of {@code requant_scale.v.vm}: the default input width. */
    public record ScaleVars(int inW) {
    }

    private Requant() {
    }

    /** One rounding branch RNE(z * m / 2^k), 3 enabled cycles; shared by both variants. */
    public static ModuleSpec scaleCell() {
        return ModuleSpec.builder("vitgen_requant_scale")
                .template("requant_scale.v.vm")
                .vars(new ScaleVars(32))
                .summary("Dyadic scaling branch RNE(z*m/2^k) with round half to even (docs/arithmetic.md section 1), clock-enabled")
                .fact("latency", "3 enabled cycles")
                .build();
    }

    /** {@code vitgen_requant}: LANES lanes, defaults LANES=1, IN_W=32, OUT_W=8 (set per instance). */
    public static ModuleSpec unit() {
        return ModuleSpec.builder("vitgen_requant")
                .template("requant.v.vm")
                .vars(new RequantVars("vitgen_requant", false, 1, 32, 16, 8))
                .child(Cells.skidBuffer())
                .child(scaleCell())
                .summary("Dyadic requantization y = sat(RNE(z*m/2^k)), per-lane m/k in tuser (docs/arithmetic.md section 1), 1 beat/cycle")
                .fact("latency", LATENCY + " cycles")
                .fact("throughput", "1 beat per cycle")
                .build();
    }

    /** {@code vitgen_requant_residual}: two branches, each rounded, summed and saturated once. */
    public static ModuleSpec residualUnit() {
        return ModuleSpec.builder("vitgen_requant_residual")
                .template("requant.v.vm")
                .vars(new RequantVars("vitgen_requant_residual", true, 1, 32, 16, 8))
                .child(Cells.skidBuffer())
                .child(scaleCell())
                .summary("Residual add sat(RNE(z1*m1/2^k1) + RNE(z2*m2/2^k2)), per-lane m/k in tuser (docs/arithmetic.md section 1)")
                .fact("latency", LATENCY_RESIDUAL + " cycles")
                .fact("throughput", "1 beat per cycle")
                .build();
    }

    /**
     * Checks one instance's parameters at generation time (the RTL checks them again at
     * elaboration) and returns them as a -G / instance parameter map.
     */
    public static Map<String, Long> parameters(int lanes, int inW, int outW) {
        Cells.checkWidth("requant LANES", lanes, 1, MAX_LANES);
        Cells.checkWidth("requant IN_W", inW, 2, MAX_IN_W);
        Cells.checkWidth("requant OUT_W", outW, 2, inW + 31);
        return Map.of("LANES", (long) lanes, "IN_W", (long) inW, "OUT_W", (long) outW);
    }

    /** As {@link #parameters(int, int, int)} for the residual variant. */
    public static Map<String, Long> residualParameters(int lanes, int inW, int resW, int outW) {
        Cells.checkWidth("requant LANES", lanes, 1, MAX_LANES);
        Cells.checkWidth("requant IN_W", inW, 2, MAX_IN_W);
        Cells.checkWidth("requant RES_W", resW, 2, MAX_IN_W);
        Cells.checkWidth("requant OUT_W", outW, 2, Math.max(inW, resW) + 32);
        return Map.of("LANES", (long) lanes, "IN_W", (long) inW, "RES_W", (long) resW,
                "OUT_W", (long) outW);
    }

    /** The 38 bits of one lane's scale, {k, m}, as an unsigned value. */
    public static long packScale(long m, int k) {
        if (m < -(1L << 31) || m >= (1L << 31) || k < 0 || k > 63) {
            throw new IllegalArgumentException("scale m = " + m + ", k = " + k + " does not fit {k[5:0], m[31:0]}");
        }
        return ((long) k << M_BITS) | (m & 0xFFFF_FFFFL);
    }
}
