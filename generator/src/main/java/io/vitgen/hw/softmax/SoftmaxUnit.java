package io.vitgen.hw.softmax;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.hw.Cells;
import io.vitgen.hw.Divider;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Words;

/**
 * Builder of the streaming softmax unit {@code vitgen_softmax} (docs/arithmetic.md section 3, and 4 for the log2
 * output): int8 score rows in, LANES per beat; linear b-bit probabilities or 4-bit log2 codes
 * with a zero flag out, at LANES elements per cycle for back-to-back rows. X is the run-time
 * input {@code cfg_x}. See docs/softmax.md for the three passes, the buffers and the timing.
 */
public final class SoftmaxUnit {

    /** Module name of the unit. */
    public static final String NAME = "vitgen_softmax";
    /** Largest X = ceil(1/S) the 7-bit {@code cfg_x} port carries. */
    public static final int MAX_X = 127;
    /** Largest LANES and MAX_ROW the RTL accepts. */
    public static final int MAX_LANES = 64;
    public static final int MAX_ROW_LIMIT = 65536;
    /** Cycles between two divisions of the iterative divider (31-bit dividend). */
    public static final int ITERATIVE_DIVISION_INTERVAL = Divider.latency(31);
    /** Most iterative dividers in the bank before the builder picks the pipelined divider. */
    public static final int MAX_DIVIDERS = 16;
    /** The builder's limit: past it one pipelined divider (about 32 stages) is the smaller choice. */
    public static final int AUTO_MAX_DIVIDERS = 8;

    /** Template variables of {@code softmax.v.vm}: the parameter defaults of the generated file. */
    public record Vars(int lanes, int maxRow, int outMode, int outBits, int divPipelined, int dividers) {
    }

    /**
     * The generation-time parameters of one unit, checked when built.
     *
     * @param lanes         scores per beat
     * @param maxRow        longest row in elements
     * @param log2          true: log2 code + zero flag (docs/arithmetic.md section 4); false: linear probabilities
     * @param outBits       bits of a linear output lane, 8 or 16 (ignored, but still 8 or 16, for log2)
     * @param divPipelined  true: one pipelined divider takes a division every cycle
     * @param dividers      iterative dividers taking the rows in turn (1 when pipelined)
     */
    public record Params(int lanes, int maxRow, boolean log2, int outBits, boolean divPipelined, int dividers) {
        public Params {
            Cells.checkWidth("softmax LANES", lanes, 1, MAX_LANES);
            Cells.checkWidth("softmax MAX_ROW", maxRow, 1, MAX_ROW_LIMIT);
            Cells.checkWidth("softmax DIVIDERS", dividers, 1, MAX_DIVIDERS);
            if (divPipelined && dividers != 1) {
                throw new IllegalArgumentException("softmax DIVIDERS = " + dividers
                        + " with a pipelined divider; a pipelined divider is always alone");
            }
            if (outBits != 8 && outBits != 16) {
                throw new IllegalArgumentException("softmax OUT_BITS = " + outBits + " must be 8 or 16");
            }
        }

        /** One iterative divider: the usual case (rows of at least 32 beats). */
        public Params(int lanes, int maxRow, boolean log2, int outBits) {
            this(lanes, maxRow, log2, outBits, false, 1);
        }

        /**
         * The shortest row, in beats, that keeps the unit at full rate: 1 with the pipelined
         * divider or the log2 output, else ceil(32 / DIVIDERS).
         */
        public int minFullRateBeats() {
            return log2 || divPipelined ? 1 : ceilDiv(ITERATIVE_DIVISION_INTERVAL, dividers);
        }

        /** Beats of the longest row. */
        public int maxBeats() {
            return ceilDiv(maxRow, lanes);
        }

        /** Bits of one output lane: 5 ({zero, code}) or OUT_BITS. */
        public int laneOutBits() {
            return log2 ? Log2CodeCell.CODE_BITS : outBits;
        }

        /** The Verilog parameters, as -G overrides or instance parameters. */
        public Map<String, String> verilogParameters() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("LANES", Integer.toString(lanes));
            m.put("MAX_ROW", Integer.toString(maxRow));
            m.put("OUT_MODE", log2 ? "1" : "0");
            m.put("OUT_BITS", Integer.toString(outBits));
            m.put("DIV_PIPELINED", divPipelined ? "1" : "0");
            m.put("DIVIDERS", Integer.toString(dividers));
            return m;
        }
    }

    private SoftmaxUnit() {
    }

    /**
     * The parameters a configuration selects. One division per row must keep up with the model's
     * rows of B = ceil(tokens / lanes) beats: ceil(32 / B) iterative dividers taking the rows in
     * turn (each about 100 LUTs and 100 flip-flops), or one pipelined divider (32 stages, about
     * 1,000 LUTs and 2,600 flip-flops) when more than {@value #AUTO_MAX_DIVIDERS} would be needed.
     */
    public static Params params(Config config) {
        Config.Softmax s = config.softmax();
        int outBits = s.log2() ? 16 : s.outBits();
        int rowBeats = ceilDiv(config.model().tokens(), s.lanes());
        int dividers = ceilDiv(ITERATIVE_DIVISION_INTERVAL, rowBeats);
        if (s.log2() || dividers <= AUTO_MAX_DIVIDERS) {
            return new Params(s.lanes(), s.maxRow(), s.log2(), outBits, false, s.log2() ? 1 : dividers);
        }
        return new Params(s.lanes(), s.maxRow(), false, outBits, true, 1);
    }

    /** The softmax unit of a configuration, plus the attention x V unit when it outputs log2 codes. */
    public static List<ModuleSpec> blocks(Config config) {
        List<ModuleSpec> out = new ArrayList<>();
        out.add(spec(params(config)));
        if (config.softmax().log2()) {
            out.add(AttnShiftUnit.spec(AttnShiftUnit.params(config)));
        }
        return out;
    }

    public static ModuleSpec spec(Params p) {
        String output = p.log2()
                ? "log2 code + zero flag (5 bits per lane)"
                : p.outBits() + "-bit linear probabilities (scale 2^-" + (p.outBits() - 1) + ")";
        return ModuleSpec.builder(NAME)
                .template("softmax.v.vm")
                .vars(new Vars(p.lanes(), p.maxRow(), p.log2() ? 1 : 0, p.outBits(), p.divPipelined() ? 1 : 0,
                        p.dividers()))
                .child(Cells.fifo())
                .child(Cells.skidBuffer())
                .child(ReduceTree.spec())
                .child(ShiftExpCell.spec(p.lanes()))
                // the template prints only the configured output's datapath: one of the two cells
                .child(p.log2() ? Log2CodeCell.spec(p.lanes()) : Divider.spec())
                .summary("Streaming Shiftmax (docs/arithmetic.md section 3" + (p.log2() ? ", log2 output docs/arithmetic.md section 4" : "")
                        + "), int8 scores, run-time X, " + output)
                .fact("lanes", p.lanes())
                .fact("max row", Words.count(p.maxRow(), "element") + " (" + Words.count(p.maxBeats(), "beat") + ")")
                .fact("output", output)
                .fact("divider", p.log2() ? "none (16 comparisons per lane)"
                        : p.divPipelined() ? "pipelined, 1 division/cycle"
                        : p.dividers() + " iterative, taking rows in turn, 1 division/32 cycles" + (p.dividers() > 1 ? " each" : ""))
                .fact("latency", "last input beat to first output beat: B + " + latencyOffset(p)
                        + " cycles for a row of B beats")
                .fact("throughput", Words.count(p.lanes(), "element") + "/cycle for back-to-back rows"
                        + (p.minFullRateBeats() == 1 ? "" : " of at least " + Words.count(p.minFullRateBeats(), "beat")))
                .fact("buffers", "score FIFO " + scoreDepth(p) + " x " + fifoBits(p) + " bits, difference FIFO "
                        + diffDepth(p) + " x " + fifoBits(p) + " bits")
                .synthesize(true)
                .build();
    }

    /**
     * Cycles from the handshake of a row's last input beat to the handshake of its first output
     * beat, with no stalls and nothing else in flight: the row of {@code rowBeats} beats is read
     * once (pass B) before the division (32 cycles) and the output pass.
     */
    public static int latency(Params p, int rowBeats) {
        return rowBeats + latencyOffset(p);
    }

    /** The fixed part of {@link #latency}: 2 clog2(LANES) + 48 (linear) or + 18 (log2). */
    public static int latencyOffset(Params p) {
        int tree = ReduceTree.latency(p.lanes());
        return 2 * tree + (p.log2() ? 18 : 48);
    }

    /** Beats the score FIFO holds (RTL localparam SCORE_DEPTH). */
    public static int scoreDepth(Params p) {
        return p.maxBeats() + ReduceTree.latency(p.lanes()) + 4;
    }

    /** Beats the difference FIFO holds (RTL localparam DIFF_DEPTH). */
    public static int diffDepth(Params p) {
        int bLat = 1 + ShiftExpCell.LATENCY + ReduceTree.latency(p.lanes());
        int rcLat = p.log2() ? 3 : Divider.latency(31) + 4;
        return p.maxBeats() + bLat + rcLat + 4;
    }

    /** Bits per FIFO entry: LANES bytes, the index of the last valid lane, tlast. */
    public static int fifoBits(Params p) {
        int keepBits = p.lanes() > 1 ? 32 - Integer.numberOfLeadingZeros(p.lanes() - 1) : 1;
        return 8 * p.lanes() + keepBits + 1;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
