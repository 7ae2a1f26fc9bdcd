package io.vitgen.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every configuration key vitgen knows, in the order the reference prints them. */
public final class Schema {

    private static final List<String> LANES = List.of("1", "2", "4", "8", "16");
    /** The softmax unit's lanes: also 32 and 64, which need a memory port of 256 and 512 bits. */
    private static final List<String> SOFTMAX_LANES = List.of("1", "2", "4", "8", "16", "32", "64");
    /** The GELU unit's lanes: also 32 and 64, which need a memory port of 256 and 512 bits. */
    private static final List<String> GELU_LANES = SOFTMAX_LANES;

    private static final List<Key> KEYS = List.of(
            Key.identifier("design.name", "vit_accel",
                    "Name of the design: the output folder out/<name>/ and the prefix of its reports."),
            Key.choice("target.vendor", "xilinx", List.of("xilinx", "intel", "generic"),
                    "Tool family the constraints are written for: xilinx (XDC), intel or generic (SDC)."),
            Key.choice("target.board", "none", Board.NAMES,
                    "Board preset: sets target.part, target.clock.mhz, target.mem.bits and an array and lanes"
                    + " configuration whose estimate fits the part (docs/estimate.md, \"Board presets\"); keys you"
                    + " give yourself override the preset's. none: no preset."),
            Key.part("target.part", null,
                    "FPGA part number for the constraints and report; by default the vendor's reference part:"
                    + " xczu9eg-ffvb1156-2-e (ZCU102) for xilinx, 10AX115S2F45I1SG (Arria 10 GX) for intel,"
                    + " generic otherwise; with target.board, the board's part."),
            Key.integer("target.clock.mhz", 300, 10, 1000,
                    "Target clock frequency of aclk in MHz; written into the clock constraint."),
            Key.choice("target.mem.bits", "128", List.of("32", "64", "128", "256", "512"),
                    "Data width in bits of the accelerator's memory port (AXI4 master) at aclk; the estimate's DDR"
                    + " bandwidth bound (docs/estimate.md)."),
            Key.choice("target.fit", "warn", List.of("warn", "error", "off"),
                    "Fit check of the resource estimate against target.part (LUT, FF, DSP, BRAM36), of target.vendor"
                    + " against the part's vendor and of target.clock.mhz against the part's DSP clock limit:"
                    + " warn prints problems on stderr and in report.md, error refuses the configuration (nothing"
                    + " written), off skips it (docs/estimate.md)."),
            Key.choice("quant.act.bits", "8", List.of("8", "4"),
                    "Activation bits of the GEMM operands (signed)."),
            Key.choice("quant.weight.bits", "8", List.of("8", "4"),
                    "Weight bits of the GEMM operands (signed)."),
            Key.integer("quant.acc.bits", 32, 8, 48,
                    "GEMM accumulator bits; must hold the largest K of the model (docs/arithmetic.md section 8)."),
            Key.integer("mac.rows", 16, 1, 64, "Rows of the systolic MAC array."),
            Key.integer("mac.cols", 16, 1, 64, "Columns of the systolic MAC array."),
            Key.choice("mac.dataflow", "output-stationary", List.of("output-stationary", "weight-stationary"),
                    "Dataflow of the MAC array; only output-stationary is implemented (weight-stationary is rejected)."),
            Key.choice("mac.dsp.packing", "none", List.of("none", "int8x2"),
                    "int8x2 packs two 8-bit multiplies that share an operand into one DSP48E2 (needs even mac.cols)."),
            Key.integer("mac.requant.lanes", 4, 1, 64,
                    "Lanes of the GEMM engine's requantizer (4 DSP48E2 each at 32-bit accumulators); min(this, mac.cols)"
                    + " are used. Fewer lanes than mac.cols requantize an output row in ceil(mac.cols / lanes) cycles"
                    + " behind a row FIFO: full tiles then run back to back when K >= max(2 mac.rows + mac.cols + 1,"
                    + " mac.rows ceil(mac.cols / lanes)) (docs/mac.md)."),
            Key.choice("softmax.variant", "shiftmax", List.of("shiftmax", "log2"),
                    "shiftmax: linear b-bit probabilities (docs/arithmetic.md section 3); log2: 4-bit code + zero flag (docs/arithmetic.md section 4)."),
            Key.choice("softmax.out.bits", "8", List.of("8", "16"),
                    "Output bits b of the linear Shiftmax probabilities (shiftmax variant only): 8 (default, I-ViT's choice) runs"
                            + " attention x V in one int8 array pass; 16 runs it exactly in two passes and keeps post-training-quantized"
                            + " checkpoints accurate (whole DeiT-Tiny logits cosine 0.998 vs 0.47 at 8): use 16 for PTQ checkpoints,"
                            + " 8 for checkpoints trained for it (docs/top.md, \"Attention arithmetic\")."),
            Key.choice("softmax.lanes", "4", SOFTMAX_LANES, "Score elements the softmax unit takes per cycle; at most"
                    + " max(64, target.mem.bits) / 8 (a buffer beat splits into whole chunks: 16 lanes need a 128-bit,"
                    + " 32 a 256-bit, 64 a 512-bit port)."),
            Key.integer("softmax.max.row", 1024, 1, 4096,
                    "Longest softmax row (keys per query) the unit accepts; sizes the row buffer."),
            Key.choice("layernorm.variant", "ilayernorm", List.of("ilayernorm"),
                    "LayerNorm algorithm: I-LayerNorm with the 10-step Newton square root (docs/arithmetic.md section 6)."),
            Key.choice("layernorm.lanes", "4", LANES, "Channels the LayerNorm unit takes per cycle."),
            Key.integer("layernorm.max.channels", 768, 1, 4096,
                    "Most channels per token the LayerNorm unit accepts; sizes its row buffer."),
            Key.choice("layernorm.output", "int8", List.of("int8", "raw"),
                    "raw: the LayerNorm value (docs/arithmetic.md section 6 out_i); int8: after per-channel dyadic requantization."),
            Key.choice("gelu.variant", "shiftgelu", List.of("shiftgelu", "igelu"),
                    "shiftgelu: I-ViT ShiftGELU (docs/arithmetic.md section 5); igelu: I-BERT polynomial i-GELU (docs/arithmetic.md section 7)."),
            Key.choice("gelu.lanes", "4", GELU_LANES, "Hidden channels the GELU unit takes per cycle; 32 and 64 need"
                    + " a beat at least as wide (a 256- and a 512-bit target.mem.bits): the unit takes min(gelu.lanes,"
                    + " target.mem.bits / 8) per cycle."),
            Key.integer("gelu.max.row", 3072, 1, 8192,
                    "Most hidden channels per token the GELU unit accepts (ShiftGELU buffers a row)."),
            Key.choice("gelu.output", "int8", List.of("int8", "int16"),
                    "int16: the unrequantized product (shiftgelu: int16 x*sigmoid, docs/arithmetic.md section 5 out_i; igelu: its 36-bit"
                    + " x*(t+one), docs/arithmetic.md section 7); int8: after dyadic requantization."),
            Key.choice("model.preset", "deit-tiny", List.of("deit-tiny", "deit-small", "deit-base", "custom"),
                    "Model shape; custom takes model.tokens, model.channels, model.heads and model.mlp."),
            Key.integer("model.tokens", null, 1, 4096, "Tokens per image (custom model only; DeiT: 197)."),
            Key.integer("model.channels", null, 1, 4096, "Embedding channels C (custom model only)."),
            Key.integer("model.heads", null, 1, 64, "Attention heads; must divide model.channels (custom only)."),
            Key.integer("model.mlp", null, 1, 8192, "Hidden width of the MLP (custom model only)."),
            Key.choice("estimate.array", "measured", List.of("measured", "lean"),
                    "LUT per MAC the estimate assumes for the generated array: measured (ACC_W + 11, fitted to Yosys,"
                    + " follows quant.acc.bits) or lean (a flat 45, the array measured at 32-bit accumulators); cycles"
                    + " are the same. Changes only estimates, never the RTL (docs/estimate.md)."),
            Key.integer("compile.batch", 1, 1, 4,
                    "Images the compiler runs through each layer together: their commands interleave, so one image's"
                    + " GEMMs fill the other's waits, and each layer's weights are loaded once for all of them. The top's"
                    + " activation buffers hold batch images; vitgen generate's top, its simulation kit and the estimate"
                    + " all use it (docs/estimate.md)."),
            Key.integer("compile.row.block", 0, 0, 4096,
                    "Token rows per row block of the command stream the compiler emits (the unit of overlap between the"
                    + " GEMMs and LayerNorm, softmax and GELU; the top's buffers are sized for it). vitgen generate's top,"
                    + " its simulation kit and the estimate all use it. 0: 4 x mac.rows (docs/estimate.md)."),
            Key.integer("estimate.mem.latency", 25, 1, 1000,
                    "Cycles from a memory read request to its first data beat that the stream-timed estimate assumes"
                    + " for every command fetch, LOAD and STORE. Estimates only (docs/estimate.md)."),
            Key.choice("synth.yosys", "off", List.of("off", "on"),
                    "on: run Yosys synth_xilinx -family xcup on the top and on each block outside it (hierarchically: each module mapped once; about 10 CPU minutes even for a 2 x 2 top) and put the resources in report.md.")
    );

    private static final Map<String, Key> BY_NAME;

    static {
        Map<String, Key> m = new LinkedHashMap<>();
        for (Key k : KEYS) {
            if (m.put(k.name(), k) != null) {
                throw new ExceptionInInitializerError("duplicate key " + k.name());
            }
        }
        BY_NAME = Collections.unmodifiableMap(m);
    }

    private Schema() {
    }

    public static List<Key> keys() {
        return KEYS;
    }

    public static Key key(String name) {
        return BY_NAME.get(name);
    }

    /** The known key closest to {@code name} by edit distance, for "did you mean" messages. */
    public static String nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : BY_NAME.keySet()) {
            int d = editDistance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    /** Levenshtein distance, for "did you mean" suggestions (keys here, commands and options in the CLI). */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The documented default properties file, as {@code vitgen config --defaults} prints it. */
    public static String defaultsFile() {
        StringBuilder sb = new StringBuilder();
        sb.append("# vitgen configuration. Every key, with its default; `vitgen config --explain` says more.\n");
        sb.append("# Use: ./vitgen generate --config this-file [--set key=value]...\n");
        String section = null;
        for (Key k : KEYS) {
            String s = k.name().substring(0, k.name().indexOf('.'));
            if (!s.equals(section)) {
                section = s;
                sb.append('\n');
            }
            sb.append("# ").append(k.meaning()).append(" Allowed: ").append(k.allowed()).append(".\n");
            if (k.defaultValue() == null) {
                sb.append("#").append(k.name()).append("=\n");
            } else {
                sb.append(k.name()).append('=').append(k.defaultValue()).append('\n');
            }
        }
        return sb.toString();
    }
}
