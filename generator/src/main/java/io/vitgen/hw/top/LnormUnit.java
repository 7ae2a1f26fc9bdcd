package io.vitgen.hw.top;

import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Words;
import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.hw.struct.ModuleDef;

/**
 * Builder of {@code vitgen_top_lnorm} ({@code rtl-templates/top_lnorm.v.vm}): the LayerNorm unit
 * of the accelerator top. It executes LAYERNORM commands (docs/commands.md) through the unit
 * contract of docs/top-units.md: the int16 rows from read channel {@code x}, the bias and scale
 * tables from read channel {@code t} (loaded into {@code vitgen_layernorm}'s parameter memory once
 * per command), the int8 rows out through write channel {@code o}. Children: the existing
 * {@code vitgen_layernorm} (int8 output) and two {@code vitgen_top_regroup} cells between BB-byte
 * beats and LANES channels. See docs/top-units.md, "The row units".
 */
public final class LnormUnit {

    /** The module name. */
    public static final String MODULE = "vitgen_top_lnorm";

    /**
     * Template variables.
     *
     * @param bb               default BB (bytes per buffer beat)
     * @param lanes            LANES of vitgen_layernorm
     * @param maxC             MAX_C of vitgen_layernorm (longer rows: ERROR bit 1)
     * @param rowLatency       vitgen_layernorm's latency from a row's last beat to its first output beat
     * @param fullRateChannels smallest C of full-rate back-to-back rows
     */
    public record Vars(int bb, int lanes, int maxC, int rowLatency, int fullRateChannels) {
    }

    private LnormUnit() {
    }

    /** The unit for a configuration's layernorm.* keys and a buffer beat of {@code bb} bytes. */
    public static ModuleSpec spec(Config.LayerNorm config, int bb) {
        if (!"ilayernorm".equals(config.variant())) {
            throw new IllegalArgumentException("layernorm.variant = " + config.variant() + " is not supported");
        }
        return spec(config.lanes(), config.maxChannels(), bb);
    }

    /**
     * The unit with {@code lanes} channels per cycle (a power of two), rows up to
     * {@code maxChannels}, buffer beats of {@code bb} bytes (a power of two, 8..128). The output is
     * always int8 (the LAYERNORM command's), whatever layernorm.output says for the standalone block.
     */
    public static ModuleSpec spec(int lanes, int maxChannels, int bb) {
        RowRegroup.powerOfTwo("LayerNorm unit lanes", lanes, 1);
        RowRegroup.powerOfTwo("buffer beat bytes BB", bb, 8);
        LayerNormGeometry g = LayerNormUnit.geometry(lanes, maxChannels, true);
        Vars v = new Vars(bb, lanes, maxChannels, g.latency(), g.fullRateChannels());
        int inRate = Math.min(lanes, bb / 2);
        return ModuleSpec.builder(MODULE)
                .template("top_lnorm.v.vm")
                .vars(v)
                .child(RowRegroup.spec())
                .child(LayerNormUnit.spec(lanes, maxChannels, true))
                .summary("LAYERNORM command unit: I-LayerNorm + bias + per-channel requantization to int8 on buffer rows"
                        + " (docs/arithmetic.md sections 6 and 1)")
                .fact("lanes", lanes)
                .fact("buffer beat", Words.count(bb, "byte"))
                .fact("max channels", maxChannels)
                .fact("throughput", Words.count(inRate, "channel") + "/cycle in (min(LANES, BB / 2)), "
                        + Math.min(lanes, bb) + " out")
                .fact("table load", "C cycles per command after the tables arrive")
                .build();
    }

    /**
     * Attaches the unit to a top as its LNORM unit (read channels x and t, write channel o) at
     * the top's BB; the one call that puts LAYERNORM into an {@link AcceleratorTop}.
     */
    public static AcceleratorTop attach(AcceleratorTop top, int lanes, int maxChannels) {
        return top.attach(io.vitgen.compile.Unit.LNORM, moduleDef(lanes, maxChannels, top.params().bb()),
                java.util.Map.of(), java.util.List.of("x", "t"), java.util.List.of("o"));
    }

    /** {@link #attach(AcceleratorTop, int, int)} for a configuration's layernorm.* keys. */
    public static AcceleratorTop attach(AcceleratorTop top, Config.LayerNorm config) {
        if (!"ilayernorm".equals(config.variant())) {
            throw new IllegalArgumentException("layernorm.variant = " + config.variant() + " is not supported");
        }
        return attach(top, config.lanes(), config.maxChannels());
    }

    /** The interface for the structural builder: the command port, read channels x and t, write channel o. */
    public static ModuleDef moduleDef(int lanes, int maxChannels, int bb) {
        ModuleDef.Builder b = ModuleDef.of(spec(lanes, maxChannels, bb))
                .param("BB", bb)
                .param("LANES", lanes)
                .param("MAX_C", maxChannels);
        UnitPorts.command(b);
        UnitPorts.readChannel(b, "x", bb);
        UnitPorts.readChannel(b, "t", bb);
        UnitPorts.writeChannel(b, "o", bb);
        return b.build();
    }
}
