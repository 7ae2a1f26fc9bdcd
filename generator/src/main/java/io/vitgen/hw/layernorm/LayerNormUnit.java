package io.vitgen.hw.layernorm;

import io.vitgen.config.Config;
import io.vitgen.hw.Cells;
import io.vitgen.hw.Divider;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Requant;
import io.vitgen.hw.Words;
import io.vitgen.hw.softmax.ReduceTree;

/**
 * Builder of the streaming I-LayerNorm unit {@code vitgen_layernorm} (docs/arithmetic.md section 6) and its row
 * statistics engine {@code vitgen_layernorm_stats}. See docs/layernorm.md.
 *
 * <p>Data path: int16 rows in on {@code s_axis} (LANES channels per beat) are written into a row
 * buffer while their sums of x and x^2 are accumulated; at the end of a row the statistics engine
 * computes mu, V, the ten-step Newton std and g with one shared pipelined divider (eleven passes
 * per row, many rows interleaved); then the buffered row is read back, normalised
 * (yhat = ((x - mu) g) &gt;&gt; 1), the per-channel bias added and, for int8 output, requantized per
 * channel by {@code vitgen_requant}. Biases (and m/k) come from a parameter memory loaded through
 * {@code s_axis_param}, one channel per beat.
 */
public final class LayerNormUnit {

    /** Input bits (int16). */
    public static final int IN_BITS = 16;
    /** Bits of a bias b_c (signed). */
    public static final int BIAS_BITS = 32;
    /** Bits of a per-channel scale {k[5:0], m[31:0]} in a parameter beat. */
    public static final int SCALE_BITS = Requant.SCALE_BITS;
    /** Bits of the raw output out_i = yhat_i + b_i (|yhat| &le; 2^30, int32 b). */
    public static final int RAW_BITS = 33;
    /** Bits of the int8 output. */
    public static final int INT8_BITS = 8;
    /** Bits of g = floor((2^31 - 1) / std), std &ge; 64. */
    public static final int G_BITS = 25;
    /** Bits of the pass number in the divider tag. */
    public static final int PASS_BITS = 4;

    /** Template variables of {@code layernorm.v.vm}. */
    public record TopVars(LayerNormGeometry geometry) {
        public TopVars {
            java.util.Objects.requireNonNull(geometry, "geometry");
        }
    }

    /** Template variables of {@code layernorm_stats.v.vm}: the parameter defaults. */
    public record StatsVars(int countW, int sumW, int sqW, int infoW, int vW, int denW, int quotW, int slotW) {
    }

    private LayerNormUnit() {
    }

    /** The unit a configuration selects. */
    public static ModuleSpec spec(Config.LayerNorm config) {
        if (!"ilayernorm".equals(config.variant())) {
            throw new IllegalArgumentException("layernorm.variant = " + config.variant() + " is not supported");
        }
        return spec(config.lanes(), config.maxChannels(), config.requantInt8());
    }

    /** The geometry of a unit with these choices. */
    public static LayerNormGeometry geometry(int lanes, int maxChannels, boolean int8) {
        return LayerNormGeometry.of(lanes, maxChannels, int8, Requant.LATENCY);
    }

    /** {@code vitgen_layernorm} for {@code lanes} channels per beat, rows up to {@code maxChannels}. */
    public static ModuleSpec spec(int lanes, int maxChannels, boolean int8) {
        LayerNormGeometry g = geometry(lanes, maxChannels, int8);
        ModuleSpec.Builder b = ModuleSpec.builder("vitgen_layernorm")
                .template("layernorm.v.vm")
                .vars(new TopVars(g))
                .child(Cells.fifo())
                .child(ReduceTree.spec())
                .child(statsEngine(g));
        if (int8) {
            b.child(Requant.unit());
        }
        return b.summary("I-LayerNorm (docs/arithmetic.md section 6): int16 rows of up to " + Words.count(g.channelCap(), "channel") + ", "
                        + lanes + " per beat, per-channel bias"
                        + (int8 ? " and dyadic requantization to int8" : ", raw " + RAW_BITS + "-bit output"))
                .fact("lanes", lanes)
                .fact("max channels", maxChannels + (g.channelCap() != maxChannels
                        ? " (rows up to " + g.channelCap() + " accepted)" : ""))
                .fact("output", int8 ? "int8 (per-channel m/k)" : "raw out_i, " + RAW_BITS + "-bit signed")
                .fact("latency", g.latency() + " cycles from a row's last input beat to its first output beat")
                .fact("throughput", Words.count(lanes, "channel") + "/cycle for back-to-back rows of C >= " + g.fullRateChannels()
                        + "; one row per " + LayerNormGeometry.PASSES + " cycles at most")
                .fact("row buffer", g.bufBeats() + " beats x " + g.bufEntryW() + " bits")
                .fact("divider", "pipelined " + g.vW() + "/" + g.denW() + " bits, " + g.quotW() + " quotient bits ("
                        + g.divLatency() + " cycles), " + Words.count(g.slots(), "row")
                        + " interleaved, " + LayerNormGeometry.PASSES + " passes of " + g.passPeriod()
                        + " cycles per row")
                .synthesize(true)
                .build();
    }

    /** {@code vitgen_layernorm_stats}: mean, V, Newton std and g of each row (one divider). */
    static ModuleSpec statsEngine(LayerNormGeometry g) {
        return ModuleSpec.builder("vitgen_layernorm_stats")
                .template("layernorm_stats.v.vm")
                .vars(new StatsVars(g.countW(), g.sumW(), g.sqW(), g.beatW(), g.vW(), g.denW(), g.quotW(), g.slotW()))
                .child(Divider.spec())
                .summary("I-LayerNorm row statistics: mu, V, literal 10-step Newton std, g (docs/arithmetic.md section 6 steps 1-5)")
                .fact("latency", (LayerNormGeometry.PASSES - 1) * g.passPeriod() + g.divLatency() + 1
                        + " cycles from admission to result")
                .build();
    }
}
