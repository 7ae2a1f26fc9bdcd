package io.vitgen.hw;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.golden.IntGemm;

/**
 * Builders of the integer GEMM engine (docs/arithmetic.md section 8, then docs/arithmetic.md section 1 per output channel): an
 * output-stationary systolic array of signed multiply-accumulate cells fed and drained by
 * AXI4-Stream, computing any M x K x N GEMM tile by tile. See docs/mac.md for the stream order.
 *
 * <p>Modules: {@code vitgen_mac_pe} (one cell) and {@code vitgen_mac_array} (the grid) take their
 * sizes as Verilog parameters set by {@code vitgen_mac_gemm}, the configured block; all three
 * files carry the configured values as their parameter defaults: input join, tile control, drain, bias and a
 * {@code vitgen_requant} of COLS lanes.
 */
public final class MacArray {

    /** Smallest and largest array dimension. */
    public static final int MIN_DIM = 1;
    public static final int MAX_DIM = 64;
    /** Bits of one lane of the channel-parameter stream: {k[5:0], m[31:0], bias[31:0]}. */
    public static final int CHAN_BITS = 70;
    /** Bias bits (signed), docs/arithmetic.md section 8. */
    public static final int BIAS_BITS = 32;
    /** Widest output after requantization. */
    public static final int MAX_OUT_W = 32;

    /** Template variables of {@code mac_pe.v.vm}. */
    public record PeVars(int aW, int wW, int accW) {
    }

    /** Template variables of {@code mac_pe_int8x2.v.vm}. */
    public record PairVars(int accW) {
    }

    /** Template variables of {@code mac_array.v.vm}; {@code packInt8x2} is 0 or 1. */
    public record ArrayVars(int rows, int cols, int aW, int wW, int accW, int packInt8x2) {
    }

    /** Template variables of {@code mac_gemm.v.vm}; {@code packInt8x2} is 0 or 1. */
    public record GemmVars(int rows, int cols, int aW, int wW, int accW, int outW, int packInt8x2, long kMax,
            int reqLanes) {
    }

    /** Cap of {@link Shape#kLimit()}: K_MAX is a 32-bit Verilog integer parameter. */
    public static final long K_LIMIT_CAP = (1L << 31) - 1;

    /**
     * The shape and widths of one GEMM engine, checked on construction. {@code packInt8x2}: two
     * int8 multiplies per DSP48E2 (needs 8-bit operands and an even number of columns).
     * {@code reqLanes}: lanes of the requantizer, 1..cols (any value, divisor of cols or not); with
     * fewer than cols lanes each output row is requantized in {@link #reqBeats()} parts.
     */
    public record Shape(int rows, int cols, int aW, int wW, int accW, int outW, boolean packInt8x2,
            int reqLanes) {

        /** A shape without DSP packing, one requantizer lane per column. */
        public Shape(int rows, int cols, int aW, int wW, int accW, int outW) {
            this(rows, cols, aW, wW, accW, outW, false);
        }

        /** A shape with one requantizer lane per column. */
        public Shape(int rows, int cols, int aW, int wW, int accW, int outW, boolean packInt8x2) {
            this(rows, cols, aW, wW, accW, outW, packInt8x2, cols);
        }

        public Shape {
            checkDim("rows", rows);
            checkDim("cols", cols);
            checkOperandBits("activation", aW);
            checkOperandBits("weight", wW);
            if (accW < aW + wW || accW > 48) {
                throw new IllegalArgumentException("MAC accumulator of " + accW + " bits is out of range ["
                        + (aW + wW) + ", 48] for " + aW + "-bit x " + wW + "-bit products");
            }
            Cells.checkWidth("GEMM output bits", outW, 2, MAX_OUT_W);
            if (packInt8x2 && (aW != 8 || wW != 8)) {
                throw new IllegalArgumentException("int8x2 DSP packing needs 8-bit activations and weights, got "
                        + aW + " and " + wW);
            }
            if (packInt8x2 && cols % 2 != 0) {
                throw new IllegalArgumentException("int8x2 DSP packing pairs adjacent columns: cols = " + cols
                        + " must be even");
            }
            if (reqLanes < 1 || reqLanes > cols) {
                throw new IllegalArgumentException("requantizer lanes = " + reqLanes + " is out of range [1, cols = "
                        + cols + "]");
            }
        }

        /** This shape with {@code lanes} requantizer lanes. */
        public Shape withReqLanes(int lanes) {
            return new Shape(rows, cols, aW, wW, accW, outW, packInt8x2, lanes);
        }

        /** Requantizer beats per output row: ceil(cols / reqLanes); 1 = the requantizer keeps pace. */
        public int reqBeats() {
            return (cols + reqLanes - 1) / reqLanes;
        }

        /** Output columns one cell (one multiplier) computes: 2 with int8x2 packing, else 1. */
        public int colsPerCell() {
            return packInt8x2 ? 2 : 1;
        }

        /**
         * The smallest K for which full tiles follow each other without gaps: a tile's last step
         * may enter only once the previous tile's drain has started, which is C' + 2 cycles after
         * that tile's last step (C' = C/2 packed: the last flag crosses row 0, then the drain
         * starts); the drain reads a row per cycle and the requantizer takes {@link #reqBeats()}
         * cycles per row, so a tile's R rows need R ceil(C / L) cycles.
         */
        public int backToBackK() {
            return Math.max(cols / colsPerCell() + 2, rows * reqBeats());
        }

        /**
         * Cycles from a tile's last operand beat to its first output row: the last flag crosses row
         * 0 (C' cycles), the drain starts, then the drain register, the row FIFO, the serializer, the
         * requantizer and the reassembly of its parts; above 4 rows one more for the drain's group
         * register, and one more unpacked (vitgen_mac_pe loads its shadow from the accumulator, the
         * DSP's P register). Otherwise independent of R (the rows drain as they finish).
         */
        public int latency() {
            return cols / colsPerCell() + 12 + reqBeats() + (pipelinedDrain() ? 1 : 0) + (packInt8x2 ? 0 : 1);
        }

        /** True when the drain selects through group registers (more than 4 rows: vitgen_mac_array). */
        public boolean pipelinedDrain() {
            return rows > 4;
        }

        /** DSP48E2 of the requantizer: 4 per lane for the exact ~33 x 32-bit product. */
        public int requantDsps() {
            return 4 * reqLanes;
        }

        /** Bits of acc + bias, the requantizer's input. */
        public int sumW() {
            return Math.max(accW, BIAS_BITS) + 1;
        }

        /**
         * Verilog parameters of {@code vitgen_mac_gemm}. The DSP packing is not one: it is printed
         * into the emitted text ({@link #gemm(Shape)}), which then instantiates only the cell it uses.
         */
        public Map<String, Long> parameters() {
            Map<String, Long> p = new LinkedHashMap<>();
            p.put("ROWS", (long) rows);
            p.put("COLS", (long) cols);
            p.put("A_W", (long) aW);
            p.put("W_W", (long) wW);
            p.put("ACC_W", (long) accW);
            p.put("OUT_W", (long) outW);
            p.put("K_MAX", kLimit());
            p.put("REQ_LANES", (long) reqLanes);
            return p;
        }

        /**
         * The engine's K limit, Verilog parameter K_MAX: the largest K for which every sum of K
         * products is exact in ACC_W bits, 2^(ACC_W - A_W - W_W + 1) - 1 (the largest product is
         * (-2^(A_W-1)) * (-2^(W_W-1)) = 2^(A_W+W_W-2), and K of them must stay <= 2^(ACC_W-1) - 1),
         * capped at 2^31 - 1 ({@link #K_LIMIT_CAP}). A tile with more A/W beats sets the sticky
         * {@code err_k_overflow}. This bound, not the model's largest K, because it is the exact
         * limit of the hardware: any GEMM the host streams with K up to it is computed exactly.
         */
        public long kLimit() {
            int log2 = accW - aW - wW + 1;
            return log2 >= 31 ? K_LIMIT_CAP : (1L << log2) - 1;
        }

        /**
         * The largest power-of-two K whose sum fits the accumulator by IntGemm's rule
         * ({@link IntGemm#requiredAccBits}), capped at 2^30; {@link #kLimit()} is the exact limit.
         */
        public long maxK() {
            int log2 = accW - (aW + wW - 1) - 1;
            return log2 >= 30 ? 1L << 30 : 1L << log2;
        }
    }

    private MacArray() {
    }

    /** The engine the configuration asks for: mac.rows x mac.cols, quant.* widths, int out = act bits. */
    public static Shape shape(Config config) {
        Config.Mac mac = config.mac();
        if (!"output-stationary".equals(mac.dataflow())) {
            throw new IllegalArgumentException("mac.dataflow=" + mac.dataflow()
                    + " is not implemented yet; use mac.dataflow=output-stationary");
        }
        Config.Quant q = config.quant();
        IntGemm.checkAccBits(q.accBits(), q.actBits(), q.weightBits(), config.model().maxK());
        return new Shape(mac.rows(), mac.cols(), q.actBits(), q.weightBits(), q.accBits(), q.actBits(),
                mac.packInt8x2(), mac.effectiveRequantLanes());
    }

    /** The configured GEMM engine {@code vitgen_mac_gemm}, synthesized when synth.yosys=on. */
    public static ModuleSpec gemm(Config config) {
        return gemm(shape(config));
    }

    /** {@code vitgen_mac_gemm} with the given shape as its parameter defaults. */
    public static ModuleSpec gemm(Shape s) {
        // REQ_LANES is a Verilog parameter: the row FIFO's cell is emitted even when unused
        return ModuleSpec.builder("vitgen_mac_gemm")
                .template("mac_gemm.v.vm")
                .vars(new GemmVars(s.rows(), s.cols(), s.aW(), s.wW(), s.accW(), s.outW(), s.packInt8x2() ? 1 : 0,
                        s.kLimit(), s.reqLanes()))
                .child(Requant.unit())
                .child(Cells.fifo())
                .child(array(s))
                .summary("Output-stationary " + s.rows() + "x" + s.cols() + " systolic GEMM, int" + s.aW() + " x int"
                        + s.wW() + ", " + s.accW() + "-bit accumulators, bias + per-channel requant to int"
                        + s.outW() + " (docs/arithmetic.md sections 8, 1)")
                .fact("dataflow", "output-stationary, shadow registers read through a row multiplexer")
                .fact("DSP packing", (s.packInt8x2() ? "int8x2: two int8 MACs per DSP48E2 (" + s.rows() * s.cols() / 2
                        + " multipliers)" : "none: one multiplier per MAC")
                        + " - a generation-time choice: only " + (s.packInt8x2() ? "vitgen_mac_pe_int8x2" : "vitgen_mac_pe")
                        + " is instantiated and emitted")
                .fact("K limit", "K_MAX = " + s.kLimit() + (s.kLimit() == K_LIMIT_CAP ? " (capped at 2^31 - 1)"
                        : " = 2^(ACC_W - A_W - W_W + 1) - 1, the largest K whose sums are exact in ACC_W bits")
                        + "; a tile with more A/W beats sets the sticky err_k_overflow and its results are undefined")
                .fact("requantizer", Words.count(s.reqLanes(), "lane") + " (" + s.requantDsps() + " DSP48E2), "
                        + (s.reqBeats() == 1 ? "one output row per cycle behind a " + (s.rows() + 4) + "-row FIFO"
                                : "one output row per " + s.reqBeats() + " cycles behind a " + (s.rows() + 4)
                                        + "-row FIFO: a full tile needs " + s.rows() * s.reqBeats()
                                        + " cycles to requantize"))
                .fact("throughput", Words.count((long) s.rows() * s.cols(), "MAC") + " per cycle; tiles back to back when K >= "
                        + s.backToBackK() + " (max(C" + (s.packInt8x2() ? "/2" : "") + " + 2, R x ceil(C / requant lanes)))")
                .fact("latency", s.latency() + " cycles from a tile's last operand beat to its first output row")
                .synthesize(true)
                .build();
    }

    /**
     * The grid {@code vitgen_mac_array} built from {@code vitgen_mac_pe} cells, or from
     * {@code vitgen_mac_pe_int8x2} pairs when the shape packs (fixed in the text). Its parameter
     * defaults, and its cells', are the shape's, so each file alone is the configured block.
     */
    public static ModuleSpec array(Shape s) {
        return ModuleSpec.builder("vitgen_mac_array")
                .template("mac_array.v.vm")
                .vars(new ArrayVars(s.rows(), s.cols(), s.aW(), s.wW(), s.accW(), s.packInt8x2() ? 1 : 0))
                .child(s.packInt8x2() ? peInt8x2(s.accW()) : pe(s.aW(), s.wW(), s.accW()))
                .summary("ROWS x COLS output-stationary systolic array, shadow registers drained through a row multiplexer")
                .build();
    }

    /** The processing element {@code vitgen_mac_pe} with the given operand and accumulator bits as defaults. */
    public static ModuleSpec pe(int aW, int wW, int accW) {
        return ModuleSpec.builder("vitgen_mac_pe")
                .template("mac_pe.v.vm")
                .vars(new PeVars(aW, wW, accW))
                .summary("Signed MAC cell with shadow register (output-stationary)")
                .build();
    }

    /** The packed pair of cells {@code vitgen_mac_pe_int8x2} (two int8 MACs, one multiplier). */
    public static ModuleSpec peInt8x2(int accW) {
        return ModuleSpec.builder("vitgen_mac_pe_int8x2")
                .template("mac_pe_int8x2.v.vm")
                .vars(new PairVars(accW))
                .summary("Two int8 MAC cells sharing one multiplier (WP486 packing, exact correction)")
                .build();
    }

    private static void checkDim(String what, int v) {
        if (v < MIN_DIM || v > MAX_DIM) {
            throw new IllegalArgumentException("MAC array " + what + " = " + v + " is out of range ["
                    + MIN_DIM + ", " + MAX_DIM + "]");
        }
    }

    private static void checkOperandBits(String what, int bits) {
        if (bits != 4 && bits != 8) {
            throw new IllegalArgumentException(what + " bits = " + bits
                    + " is not supported by the MAC array; use 4 or 8");
        }
    }
}
