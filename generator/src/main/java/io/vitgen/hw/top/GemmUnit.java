package io.vitgen.hw.top;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.hw.Cells;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Requant;
import io.vitgen.hw.struct.ModuleDef;
import io.vitgen.hw.struct.Width;

/**
 * The GEMM unit of the accelerator top, {@code vitgen_top_gemm} (docs/top-gemm.md): it executes one
 * GEMM command of docs/commands.md at a time through the unit contract of docs/top-units.md (read
 * channels {@code a}, {@code w}, {@code t}, {@code r}, write channel {@code o}), walking the output
 * tiles itself and feeding the configured engine {@code vitgen_mac_gemm}, which it instantiates with
 * 32-bit outputs so that the split16 combination, the int64 bias and every epilogue run exactly
 * behind it.
 *
 * <pre>
 * GemmUnit.Params p = GemmUnit.Params.of(config, 16);   // BB = 16 bytes per buffer beat
 * ModuleSpec unit = GemmUnit.spec(p);
 * </pre>
 */
public final class GemmUnit {

    /** Module name of the unit. */
    public static final String MODULE = "vitgen_top_gemm";
    /** Bits of the combined accumulator + bias the epilogue requantizes (Verilog Z_W). */
    public static final int Z_BITS = 48;
    /** Largest row of a tile memory, in bytes (the descriptor's 16-bit K field doubled fits below). */
    public static final int MAX_KB = 65535;

    /** Template variables of {@code vitgen_top_gemm}. */
    public record TopVars(int rows, int cols, int accW, long kMax, int reqLanes, int bb, int kbMax) {
    }

    /** Template variables of {@code vitgen_top_gemm_tile}. */
    public record TileVars(int lanes, int bb, int words) {
    }

    /** Template variables of {@code vitgen_top_gemm_rows}. */
    public record RowsVars(int bb, int rb) {
    }

    /**
     * The unit's configuration: the engine's shape (int8 operands), the buffer beat BB in bytes, and
     * the bytes of one tile-memory row (an A row of K int8, or K int16 with split16; a W^T row of K).
     */
    public record Params(MacArray.Shape shape, int bb, int kbMax) {
        public Params {
            if (shape.aW() != 8 || shape.wW() != 8) {
                throw new IllegalArgumentException("the GEMM unit runs int8 x int8 operands, the engine is configured for "
                        + shape.aW() + "-bit x " + shape.wW() + "-bit (quant.act.bits, quant.weight.bits)");
            }
            if (bb < 8 || bb > 128 || Integer.bitCount(bb) != 1) {
                throw new IllegalArgumentException("buffer beat BB = " + bb + " bytes must be a power of two in [8, 128]");
            }
            if (kbMax < 2 || kbMax > MAX_KB) {
                throw new IllegalArgumentException("tile row of " + kbMax + " bytes is out of range [2, " + MAX_KB + "]");
            }
        }

        /**
         * The configured unit: mac.* and quant.* give the engine (its requantizer lanes too), the tile
         * memories hold a row of the model's largest K as int16 (split16 operands).
         */
        public static Params of(Config config, int bb) {
            int maxK = config.model().maxK();
            return new Params(MacArray.shape(config), bb, Math.min(MAX_KB, Math.max(2, 2 * maxK)));
        }

        /** The largest K the unit runs: the engine's K_MAX and the tile memories (K_LIM1 / K_LIM2). */
        public long kLimit(boolean split16) {
            long mem = split16 ? kbMax / 2 : kbMax;
            return Math.min(Math.min(shape.kLimit(), mem), 65535);
        }

        /** Words of BB bytes per lane of one tile memory (two halves). */
        public int tileWords() {
            return 2 * ((kbMax + bb - 1) / bb);
        }

        /** Verilog parameters of {@code vitgen_top_gemm}. */
        public Map<String, Long> parameters() {
            Map<String, Long> p = new LinkedHashMap<>();
            p.put("ROWS", (long) shape.rows());
            p.put("COLS", (long) shape.cols());
            p.put("ACC_W", (long) shape.accW());
            p.put("K_MAX", shape.kLimit());
            p.put("REQ_LANES", (long) shape.reqLanes());
            p.put("BB", (long) bb);
            p.put("KB_MAX", (long) kbMax);
            return p;
        }
    }

    /** The unit's read channels (docs/top-units.md), in the order the top attaches them. */
    public static final List<String> READS = List.of("a", "w", "t", "r");
    /** The unit's write channel. */
    public static final List<String> WRITES = List.of("o");

    private GemmUnit() {
    }

    /** The unit's interface for the structural builder ({@code AcceleratorTop.attachGemm}). */
    public static ModuleDef moduleDef(Params p) {
        ModuleDef.Builder b = ModuleDef.of(spec(p));
        p.parameters().forEach(b::param);
        b.input("aclk", 1).input("aresetn", 1)
                .axisPorts("cmd", true, Width.fixed(AcceleratorTop.CMD_W), false)
                .output("done", 1).output("err", 6).output("busy", 1).output("mac_active", 1);
        for (String c : READS) {
            b.axisPorts(c + "_rd_desc", false, Width.fixed(100), false)
                    .axisPorts(c + "_rd", true, Width.times(8, "BB"), true)
                    .input(c + "_rd_tkeep", Width.param("BB"));
        }
        b.axisPorts("o_wr_desc", false, Width.fixed(100), false)
                .axisPorts("o_wr", false, Width.times(8, "BB"), true)
                .axisPorts("o_wr_sts", true, Width.fixed(1), false);
        return b.build();
    }

    /** {@code vitgen_top_gemm} with the parameters as its defaults, the engine and cells as children. */
    public static ModuleSpec spec(Params p) {
        MacArray.Shape s = p.shape();
        int tileBytes = s.rows() * p.tileWords() * p.bb() + s.cols() * p.tileWords() * p.bb();
        return ModuleSpec.builder(MODULE)
                .template("top_gemm.v.vm")
                .vars(new TopVars(s.rows(), s.cols(), s.accW(), s.kLimit(), s.reqLanes(), p.bb(), p.kbMax()))
                .child(Cells.fifo())
                .child(tile(p))
                .child(rows(p))
                .child(Requant.residualUnit())
                .child(MacArray.gemm(s))
                .summary("GEMM unit of the accelerator top: tiled GEMM commands (REQUANT, RAW, RESIDUAL, bias, split16, "
                        + "W transposed) from buffer channels on the " + s.rows() + "x" + s.cols() + " engine")
                .fact("K limit", "K <= " + p.kLimit(false) + " (split16: " + p.kLimit(true) + "); a longer K is refused "
                        + "with ERROR bit 2")
                .fact("tile memories", "A " + s.rows() + " x " + p.kbMax() + " B and W^T " + s.cols() + " x " + p.kbMax()
                        + " B, each double-buffered (" + tileBytes + " bytes)")
                .fact("epilogue", s.cols() + " lanes of vitgen_requant_residual (" + Z_BITS + "-bit input)")
                .build();
    }

    /** The transposing tile memory cell. */
    public static ModuleSpec tile(Params p) {
        return ModuleSpec.builder("vitgen_top_gemm_tile")
                .template("top_gemm_tile.v.vm")
                .vars(new TileVars(p.shape().rows(), p.bb(), p.tileWords()))
                .summary("Two-half transposing tile memory: rows in by BB-byte words, byte columns out")
                .build();
    }

    /** The row assembler cell. */
    public static ModuleSpec rows(Params p) {
        return ModuleSpec.builder("vitgen_top_gemm_rows")
                .template("top_gemm_rows.v.vm")
                .vars(new RowsVars(p.bb(), p.shape().cols()))
                .summary("Row assembler: BB-byte beats into rows")
                .build();
    }
}
