package io.vitgen.hw.top;

import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Words;
import io.vitgen.hw.gelu.IGeluUnit;
import io.vitgen.hw.gelu.ShiftGeluUnit;
import io.vitgen.hw.struct.ModuleDef;

/**
 * Builder of {@code vitgen_top_gelu} ({@code rtl-templates/top_gelu.v.vm}): the GELU unit of the
 * accelerator top. It executes GELU commands (docs/commands.md) through the unit contract of
 * docs/top-units.md: int8 rows from read channel {@code x}, int8 rows out through write channel
 * {@code o}, with the configured variant's block ({@code vitgen_shiftgelu} or {@code vitgen_igelu},
 * int8 output) between two {@code vitgen_top_regroup} cells. A command of the other variant ends
 * with ERROR bit 1. See docs/top-units.md, "The row units".
 */
public final class GeluUnit {

    /** The module name. */
    public static final String MODULE = "vitgen_top_gelu";

    /**
     * Template variables.
     *
     * @param bb           default BB
     * @param lanes        LANES of the GELU block
     * @param shift        ShiftGELU (true) or i-GELU
     * @param maxRow       MAX_ROW of vitgen_shiftgelu (0 for i-GELU: any row length)
     * @param blockLatency the block's latency, in words
     * @param rateNote     condition of the full rate, in words (starts with a space or is empty)
     */
    public record Vars(int bb, int lanes, boolean shift, int maxRow, String blockLatency, String rateNote) {
    }

    private GeluUnit() {
    }

    /** The unit for a configuration's gelu.* keys and a buffer beat of {@code bb} bytes. */
    public static ModuleSpec spec(Config.Gelu config, int bb) {
        return switch (config.variant()) {
            case "shiftgelu" -> spec(true, config.lanes(), config.maxRow(), bb);
            case "igelu" -> spec(false, config.lanes(), 0, bb);
            default -> throw new IllegalArgumentException("unknown gelu.variant " + config.variant());
        };
    }

    /**
     * The unit for ShiftGELU ({@code shift}, rows up to {@code maxRow}) or i-GELU, {@code lanes}
     * elements per cycle (a power of two), buffer beats of {@code bb} bytes (a power of two,
     * 8..128). The output is int8 (the GELU command's).
     */
    public static ModuleSpec spec(boolean shift, int lanes, int maxRow, int bb) {
        RowRegroup.powerOfTwo("GELU unit lanes", lanes, 1);
        RowRegroup.powerOfTwo("buffer beat bytes BB", bb, 8);
        if (lanes > 16 && lanes > bb) {
            throw new IllegalArgumentException("GELU unit: gelu.lanes = " + lanes + " exceeds the buffer beat of " + bb
                    + " bytes (the memory port); above 16 lanes use at most " + bb);
        }
        ModuleSpec block = shift ? ShiftGeluUnit.spec(lanes, maxRow, true) : IGeluUnit.spec(lanes, true);
        String latency = shift
                ? "row of B beats: B - 1 + " + ShiftGeluUnit.rowLatency(lanes, true) + " cycles first beat in to first beat out"
                : IGeluUnit.latency(true) + " cycles";
        String rate = shift ? " of more than " + (ShiftGeluUnit.levels(lanes) + 2) + " LANES-beats" : "";
        Vars v = new Vars(bb, lanes, shift, shift ? maxRow : 0, latency, rate);
        return ModuleSpec.builder(MODULE)
                .template("top_gelu.v.vm")
                .vars(v)
                .child(RowRegroup.spec())
                .child(block)
                .summary("GELU command unit: " + (shift ? "ShiftGELU (docs/arithmetic.md section 5)" : "i-GELU (section 7)")
                        + " + per-tensor requantization to int8 on buffer rows")
                .fact("lanes", lanes)
                .fact("buffer beat", Words.count(bb, "byte"))
                .fact("variant", shift ? "shiftgelu, rows up to " + maxRow : "igelu")
                .fact("throughput", Words.count(Math.min(lanes, bb), "element") + "/cycle (min(LANES, BB))")
                .build();
    }

    /**
     * Attaches the unit to a top as its GELU unit (read channel x, write channel o) at the top's
     * BB; the one call that puts GELU into an {@link AcceleratorTop}.
     */
    public static AcceleratorTop attach(AcceleratorTop top, boolean shift, int lanes, int maxRow) {
        return top.attach(io.vitgen.compile.Unit.GELU, moduleDef(shift, lanes, maxRow, top.params().bb()),
                java.util.Map.of(), java.util.List.of("x"), java.util.List.of("o"));
    }

    /** {@link #attach(AcceleratorTop, boolean, int, int)} for a configuration's gelu.* keys. */
    public static AcceleratorTop attach(AcceleratorTop top, Config.Gelu config) {
        return switch (config.variant()) {
            case "shiftgelu" -> attach(top, true, config.lanes(), config.maxRow());
            case "igelu" -> attach(top, false, config.lanes(), 1);
            default -> throw new IllegalArgumentException("unknown gelu.variant " + config.variant());
        };
    }

    /** The interface for the structural builder: the command port, read channel x, write channel o. */
    public static ModuleDef moduleDef(boolean shift, int lanes, int maxRow, int bb) {
        ModuleDef.Builder b = ModuleDef.of(spec(shift, lanes, maxRow, bb))
                .param("BB", bb)
                .param("LANES", lanes);
        UnitPorts.command(b);
        UnitPorts.readChannel(b, "x", bb);
        UnitPorts.writeChannel(b, "o", bb);
        return b.build();
    }
}
