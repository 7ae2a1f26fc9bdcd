package io.vitgen.hw.gelu;

import io.vitgen.hw.Cells;
import io.vitgen.hw.Divider;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Requant;
import io.vitgen.hw.Words;

/**
 * Builder of {@code vitgen_shiftgelu}: ShiftGELU over rows of hidden channels (docs/arithmetic.md section 5), int16
 * output or int8 after dyadic requantization. See docs/gelu.md for the organisation: a two-bank
 * row buffer (the row maximum is known only at tlast), LANES free-running element lanes with one
 * pipelined divider each, and credit-based back-pressure into an output FIFO.
 */
public final class ShiftGeluUnit {

    /** Most lanes per beat. */
    public static final int MAX_LANES = 64;
    /** Longest row the RTL accepts as MAX_ROW. */
    public static final int MAX_ROW_LIMIT = 65536;
    /** Width of the dividend and divisor of the per-element division (2^31 - 1) / t_i. */
    public static final int DIVIDE_W = 31;

    /** Stages before the ShiftExp cell: row-buffer read, x_i - m. */
    static final int READ_STAGES = 2;
    /** Stages between ShiftExp and the divider: e_i, t_i. */
    static final int SUM_STAGES = 2;
    /** Stages after the divider: mant * g, sig, x * sig. */
    static final int PRODUCT_STAGES = 3;
    /** vitgen_axis_fifo: input beat to m_axis_tvalid when empty. */
    static final int FIFO_LATENCY = 2;
    /** Cycles from a row's last input beat to its first issued beat, beyond the LEVELS of the tree. */
    static final int ROW_START_CYCLES = 3;

    /**
     * Template variables of {@code shiftgelu.v.vm}.
     *
     * @param lanes        default LANES
     * @param maxRow       default MAX_ROW
     * @param requantInt8  int8 output through vitgen_requant (cfg_m/cfg_k ports) instead of int16
     * @param outW         output lane width (16 or 8)
     * @param outMeaning   what an output lane holds, for the header
     * @param fifoDepth    output FIFO depth = credits
     * @param creditW      bits of the credit counter (holds 0..fifoDepth)
     * @param scaleRingW   log2 of the per-row scale ring (int8 only)
     * @param rowLatency   cycles from a row's last input beat to its first output beat, minus LEVELS
     * @param issueLatency cycles from a beat's issue to m_axis_tvalid
     */
    public record Vars(int lanes, int maxRow, boolean requantInt8, int outW, String outMeaning, int fifoDepth,
                       int creditW, int scaleRingW, int rowLatency, int issueLatency) {
    }

    private ShiftGeluUnit() {
    }

    /** The unit with the given defaults; every argument is checked here first. */
    public static ModuleSpec spec(int lanes, int maxRow, boolean requantInt8) {
        Cells.checkWidth("ShiftGELU lanes", lanes, 1, MAX_LANES);
        Cells.checkWidth("ShiftGELU maximum row length", maxRow, 1, MAX_ROW_LIMIT);
        int issue = issueLatency(requantInt8);
        int fifo = fifoDepth(requantInt8);
        Vars vars = new Vars(lanes, maxRow, requantInt8, outputBits(requantInt8),
                requantInt8 ? "int8 y_i after requantization" : "int16 out_i = x_i * sig_i",
                fifo, bitsFor(fifo), bitsFor(fifo + 3), issue + ROW_START_CYCLES, issue);
        ModuleSpec.Builder b = ModuleSpec.builder("vitgen_shiftgelu")
                .template("shiftgelu.v.vm")
                .vars(vars)
                .child(Cells.fifo())
                .child(Divider.spec())
                .child(GeluShiftExp.spec());
        if (requantInt8) {
            b.child(Requant.unit());
        }
        int levels = levels(lanes);
        return b.summary("ShiftGELU x*sigmoid(1.702x) with row maximum and one division per element (docs/arithmetic.md section 5), "
                        + (requantInt8 ? "int8 after requantization" : "int16 output"))
                .fact("lanes", lanes)
                .fact("max row", Words.count(maxRow, "element") + " (" + Words.count(beats(maxRow, lanes), "beat") + " per bank, 2 banks)")
                .fact("latency", "row of B beats: B - 1 + " + (levels + issue + ROW_START_CYCLES)
                        + " cycles first beat in to first beat out; " + issue + " cycles issue to output")
                .fact("throughput", Words.count(lanes, "element") + " per cycle for back-to-back rows of more than "
                        + (levels + 2) + " beats")
                .fact("dividers", lanes + " x vitgen_divider 31/31 PIPELINED=1 (" + Divider.latency(DIVIDE_W)
                        + " cycles latency each)")
                .synthesize(true)
                .build();
    }

    /** Output lane width: 16 (int16 out_i) or 8 (requantized). */
    public static int outputBits(boolean requantInt8) {
        return requantInt8 ? 8 : 16;
    }

    /** Cycles from a beat's issue by the reader to its m_axis_tvalid (output ready, FIFO empty). */
    public static int issueLatency(boolean requantInt8) {
        return READ_STAGES + GeluShiftExp.LATENCY + SUM_STAGES + Divider.latency(DIVIDE_W) + PRODUCT_STAGES
                + (requantInt8 ? Requant.LATENCY : 0) + FIFO_LATENCY;
    }

    /**
     * Cycles from the acceptance of a row's last input beat to its first output beat when the
     * reader is idle and the output ready.
     */
    public static int rowLatency(int lanes, boolean requantInt8) {
        return levels(lanes) + ROW_START_CYCLES + issueLatency(requantInt8);
    }

    /**
     * Output FIFO depth, which is also the number of credits: a credit is held from a beat's issue
     * until it leaves m_axis, i.e. issueLatency cycles at full rate, so one beat per cycle needs more
     * credits than that.
     */
    public static int fifoDepth(boolean requantInt8) {
        return issueLatency(requantInt8) + 2;
    }

    /** Levels of the max tree: ceil(log2(lanes)). */
    public static int levels(int lanes) {
        return 32 - Integer.numberOfLeadingZeros(lanes - 1);
    }

    /** Beats of a row of {@code elements} at {@code lanes} per beat. */
    public static int beats(int elements, int lanes) {
        return (elements + lanes - 1) / lanes;
    }

    /** Bits to hold 0..value. */
    static int bitsFor(int value) {
        return 32 - Integer.numberOfLeadingZeros(value);
    }
}
