package io.vitgen.hw.gelu;

import io.vitgen.golden.PolyGelu;
import io.vitgen.hw.Cells;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Requant;
import io.vitgen.hw.Words;

/**
 * Builder of {@code vitgen_igelu}: I-BERT's polynomial i-GELU (docs/arithmetic.md section 7) on int8 inputs, a pure
 * per-element pipeline (multiplies only), with the raw product or int8 after dyadic
 * requantization at the output. The constants b, c, one are run-time inputs; {@link #constants}
 * checks that a golden {@link PolyGelu.Constants} fits the ports.
 */
public final class IGeluUnit {

    /** Most lanes per beat. */
    public static final int MAX_LANES = 64;
    /** Bits of the signed cfg_b port; b in [-2^20, -1]. */
    public static final int B_BITS = 21;
    /** Bits of the signed cfg_c port; c in (-2^40, 0]. */
    public static final int C_BITS = 41;
    /** Bits of the signed cfg_one port; one in [-2^26, 0]. */
    public static final int ONE_BITS = 28;
    /**
     * Bits of the raw output x * (t + one): |x| &lt;= 128 and t + one in [-2^27, 2^26] give
     * |out| &lt;= 2^34, a 36-bit signed value.
     */
    public static final int RAW_BITS = 36;

    /** Pipeline stages: input, u and u + 2b, u * (u + 2b), poly, t, t + one, x * (t + one). */
    static final int STAGES = 7;
    /** vitgen_axis_fifo: input beat to m_axis_tvalid when empty. */
    static final int FIFO_LATENCY = 2;

    /**
     * Template variables of {@code igelu.v.vm}.
     *
     * @param lanes       default LANES
     * @param requantInt8 int8 output through vitgen_requant (cfg_m/cfg_k ports) instead of the raw product
     * @param outW        output lane width (36 or 8)
     * @param outMeaning  what an output lane holds, for the header
     * @param fifoDepth   output FIFO depth = credits
     * @param creditW     bits of the credit counter
     * @param latency     cycles from an accepted beat to m_axis_tvalid
     */
    public record Vars(int lanes, boolean requantInt8, int outW, String outMeaning, int fifoDepth, int creditW,
                       int latency) {
    }

    /** The run-time constants as the ports take them. */
    public record Cfg(long b, long c, long one) {
    }

    private IGeluUnit() {
    }

    public static ModuleSpec spec(int lanes, boolean requantInt8) {
        Cells.checkWidth("i-GELU lanes", lanes, 1, MAX_LANES);
        int fifo = fifoDepth(requantInt8);
        Vars vars = new Vars(lanes, requantInt8, outputBits(requantInt8),
                requantInt8 ? "int8 y after requantization" : "the exact product x * (t + one), scale S * S_e / 2",
                fifo, ShiftGeluUnit.bitsFor(fifo), latency(requantInt8));
        ModuleSpec.Builder b = ModuleSpec.builder("vitgen_igelu")
                .template("igelu.v.vm")
                .vars(vars)
                .child(Cells.fifo());
        if (requantInt8) {
            b.child(Requant.unit());
        }
        return b.summary("i-GELU polynomial GELU, multiplies only (docs/arithmetic.md section 7), "
                        + (requantInt8 ? "int8 after requantization" : RAW_BITS + "-bit raw output"))
                .fact("lanes", lanes)
                .fact("latency", latency(requantInt8) + " cycles")
                .fact("throughput", Words.count(lanes, "element") + " per cycle")
                .synthesize(true)
                .build();
    }

    /** Output lane width: the raw 36-bit product, or 8 after requantization. */
    public static int outputBits(boolean requantInt8) {
        return requantInt8 ? 8 : RAW_BITS;
    }

    /** Cycles from an accepted input beat to m_axis_tvalid (output ready). */
    public static int latency(boolean requantInt8) {
        return STAGES + (requantInt8 ? Requant.LATENCY : 0) + FIFO_LATENCY;
    }

    /** Output FIFO depth = credits; more than the beats in flight at one beat per cycle. */
    public static int fifoDepth(boolean requantInt8) {
        return latency(requantInt8) + 2;
    }

    /**
     * The port values for golden constants, checked against the port ranges (b in [-2^20, -1],
     * c in (-2^40, 0], one in [-2^26, 0]); {@link PolyGelu.Constants#of} only produces such values.
     */
    public static Cfg constants(PolyGelu.Constants k) {
        if (k.b() < -(1L << 20) || k.b() > -1) {
            throw new IllegalArgumentException("i-GELU constant b = " + k.b() + " is outside [-2^20, -1]");
        }
        if (k.c() <= -(1L << 40) || k.c() > 0) {
            throw new IllegalArgumentException("i-GELU constant c = " + k.c() + " is outside (-2^40, 0]");
        }
        if (k.one() < -(1L << 26) || k.one() > 0) {
            throw new IllegalArgumentException("i-GELU constant one = " + k.one() + " is outside [-2^26, 0]");
        }
        return new Cfg(k.b(), k.c(), k.one());
    }
}
