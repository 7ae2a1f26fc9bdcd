package io.vitgen.hw.top;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vitgen.compile.Command;
import io.vitgen.compile.Unit;
import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.Requant;
import io.vitgen.hw.Words;
import io.vitgen.hw.softmax.AttnShiftUnit;
import io.vitgen.hw.struct.ModuleDef;

/**
 * Builder of {@code vitgen_top_softmax}, the accelerator top's softmax unit (docs/top-units.md,
 * docs/top-softmax.md): it takes SOFTMAX (and, for the log2 variant, ATTNV) commands from the
 * controller, reads score or code rows through the buffer read channel {@code x} (and V rows
 * through {@code v}), and writes the result rows through the write channel {@code o}, bit for bit
 * as {@link io.vitgen.compile.Interpreter}. Its children are the existing blocks:
 * {@code vitgen_softmax} ({@link io.vitgen.hw.softmax.SoftmaxUnit}), {@code vitgen_attn_shift}
 * ({@link AttnShiftUnit}) and {@code vitgen_requant} ({@link Requant}), plus two small byte-lane
 * cells of this unit (split a buffer beat into chunks, pack chunks into buffer beats).
 */
public final class SoftmaxUnit {

    /** Module name of the unit (docs/top-units.md). */
    public static final String NAME = "vitgen_top_softmax";
    /** The buffer-beat -> chunk cell and the chunk -> buffer-beat cell. */
    public static final String SPLIT = "vitgen_top_softmax_split";
    public static final String PACK = "vitgen_top_softmax_pack";
    /** Widest command field the unit's row counters take. */
    public static final int MAX_ROW_LIMIT = 65535;
    /** Widest V beat the builder picks (the attention unit's shift-adds per cycle). */
    public static final int MAX_V_LANES = 16;

    /** Template variables of {@code top_softmax.v.vm}: the parameter defaults and the variant. */
    public record Vars(int bb, int lanes, int maxRow, int outBits, int divPipelined, int dividers, boolean log2,
            int codeLanes, int headDim, int vLanes, int accW) {
        public int log2Int() {
            return log2 ? 1 : 0;
        }
    }

    /** Template variables of the two cells (placeholders: every instance sets every parameter). */
    public record CellVars() {
    }

    /**
     * One generated unit.
     *
     * @param bb       bytes per buffer beat (the top's BB), a power of two 8..128
     * @param softmax  the vitgen_softmax block inside: lanes (a power of two &lt;= bb), max row,
     *                 variant, output bits, divider
     * @param attn     the vitgen_attn_shift block (log2 variant), or null (Shiftmax variant);
     *                 its CODE_LANES and V_LANES are powers of two &lt;= bb
     */
    public record Params(int bb, io.vitgen.hw.softmax.SoftmaxUnit.Params softmax, AttnShiftUnit.Params attn) {
        public Params {
            if (bb < 8 || bb > 128 || Integer.bitCount(bb) != 1) {
                throw new IllegalArgumentException("softmax unit: the buffer beat BB = " + bb
                        + " bytes must be a power of two in [8, 128]");
            }
            int lanes = softmax.lanes();
            if (Integer.bitCount(lanes) != 1) {
                throw new IllegalArgumentException("softmax unit: softmax.lanes = " + lanes
                        + " must be a power of two in the accelerator top (a buffer beat splits into whole chunks)");
            }
            if (lanes > bb) {
                throw new IllegalArgumentException("softmax unit: softmax.lanes = " + lanes
                        + " exceeds the buffer beat of " + bb + " bytes (the memory port); use at most " + bb + " lanes");
            }
            if (softmax.maxRow() > MAX_ROW_LIMIT) {
                throw new IllegalArgumentException("softmax unit: softmax.max.row = " + softmax.maxRow()
                        + " exceeds the 16-bit row length field (" + MAX_ROW_LIMIT + ")");
            }
            if ((attn != null) != softmax.log2()) {
                throw new IllegalArgumentException("softmax unit: the attention x V block comes with the log2 variant only");
            }
            if (attn != null) {
                int cl = attn.codeLanes();
                if (Integer.bitCount(cl) != 1 || cl > bb) {
                    throw new IllegalArgumentException("softmax unit: attention CODE_LANES = " + cl
                            + " must be a power of two <= BB = " + bb);
                }
                int v = attn.vLanes();
                if (Integer.bitCount(v) != 1 || v > bb) {
                    throw new IllegalArgumentException("softmax unit: attention V_LANES = " + v
                            + " must be a power of two <= BB = " + bb);
                }
                if (attn.accW() < AttnShiftUnit.accBits(softmax.maxRow())) {
                    throw new IllegalArgumentException("softmax unit: attention ACC_W = " + attn.accW()
                            + " is not exact for rows of " + softmax.maxRow() + " keys");
                }
            }
        }

        public boolean log2() {
            return softmax.log2();
        }

        /** The Verilog parameters of the unit, as -G overrides or instance parameters. */
        public Map<String, String> verilogParameters() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("BB", Integer.toString(bb));
            m.put("LANES", Integer.toString(softmax.lanes()));
            m.put("MAX_ROW", Integer.toString(softmax.maxRow()));
            m.put("OUT_BITS", Integer.toString(softmax.outBits()));
            m.put("DIV_PIPELINED", softmax.divPipelined() ? "1" : "0");
            m.put("DIVIDERS", Integer.toString(softmax.dividers()));
            if (attn != null) {
                m.put("CODE_LANES", Integer.toString(attn.codeLanes()));
                m.put("HEAD_DIM", Integer.toString(attn.headDim()));
                m.put("V_LANES", Integer.toString(attn.vLanes()));
                m.put("ACC_W", Integer.toString(attn.accW()));
            }
            return m;
        }

        /** SOFTMAX output widths b this unit runs: log2 carries b = 16; linear 16 also gives b = 8. */
        public List<Integer> linearBits() {
            if (log2()) {
                return List.of();
            }
            return softmax.outBits() == 16 ? List.of(8, 16) : List.of(8);
        }
    }

    private SoftmaxUnit() {
    }

    /** Bytes per score the output datapath carries: 2 for a linear 16-bit unit, else 1. */
    static int outBytes(io.vitgen.hw.softmax.SoftmaxUnit.Params p) {
        return !p.log2() && p.outBits() == 16 ? 2 : 1;
    }

    /**
     * V bytes per cycle of the attention block: the largest power of two that divides the head
     * width, at most the buffer beat and {@value #MAX_V_LANES}.
     */
    public static int vLanes(int headDim, int bb) {
        int v = Integer.lowestOneBit(headDim);
        return Math.min(v, Math.min(bb, MAX_V_LANES));
    }

    /**
     * The unit for a buffer beat of {@code bb} bytes and explicit block settings: lanes, max row,
     * log2 or linear with {@code outBits}, the head width ATTNV runs (log2 only), and the row
     * length the divider is sized for ({@code tokens}, as {@link io.vitgen.hw.softmax.SoftmaxUnit#params(Config)}).
     */
    public static Params params(int bb, int lanes, int maxRow, boolean log2, int outBits, int headDim, int tokens) {
        int rowBeats = Math.max(1, (Math.min(tokens, maxRow) + lanes - 1) / lanes);
        io.vitgen.hw.softmax.SoftmaxUnit.Params sm = log2
                ? new io.vitgen.hw.softmax.SoftmaxUnit.Params(lanes, maxRow, true, 16)
                : new io.vitgen.hw.softmax.SoftmaxUnit.Params(lanes, maxRow, false, outBits, false,
                        Math.min(io.vitgen.hw.softmax.SoftmaxUnit.MAX_DIVIDERS,
                                (io.vitgen.hw.softmax.SoftmaxUnit.ITERATIVE_DIVISION_INTERVAL + rowBeats - 1) / rowBeats));
        return new Params(bb, sm, log2 ? attn(bb, lanes, maxRow, headDim) : null);
    }

    /**
     * The unit a configuration selects for a buffer beat of {@code bb} bytes: the softmax block of
     * {@link io.vitgen.hw.softmax.SoftmaxUnit#params(Config)} (its divider sized for the model's
     * rows) and, for the log2 variant, attention x V for the model's head width.
     */
    public static Params params(Config config, int bb) {
        io.vitgen.hw.softmax.SoftmaxUnit.Params sm = io.vitgen.hw.softmax.SoftmaxUnit.params(config);
        return new Params(bb, sm, sm.log2() ? attn(bb, sm.lanes(), sm.maxRow(), config.model().headDim()) : null);
    }

    /**
     * The attention block: CODE_LANES = the softmax lanes (a code is used for HEAD_DIM / V_LANES
     * cycles, so any count keeps it fed), V_LANES by {@link #vLanes}, ACC_W exact for MAX_ROW keys.
     * At the defaults this is the standalone block of {@link AttnShiftUnit#params(Config)}.
     */
    private static AttnShiftUnit.Params attn(int bb, int lanes, int maxRow, int headDim) {
        return new AttnShiftUnit.Params(lanes, vLanes(headDim, bb), headDim, AttnShiftUnit.accBits(maxRow));
    }

    /** The byte-lane cells (generic: every instance sets BB and L / SLOT / KMAX). */
    public static ModuleSpec splitCell() {
        return ModuleSpec.builder(SPLIT)
                .template("top_softmax_split.v.vm")
                .vars(new CellVars())
                .summary("Buffer beats of BB bytes -> rows of L-byte chunks with tkeep and the row's tlast")
                .fact("throughput", "1 chunk per cycle")
                .build();
    }

    public static ModuleSpec packCell() {
        return ModuleSpec.builder(PACK)
                .template("top_softmax_pack.v.vm")
                .vars(new CellVars())
                .summary("Rows of one- or two-slot chunks -> buffer write beats of BB bytes, tlast on the last row")
                .fact("throughput", "1 chunk per cycle")
                .build();
    }

    public static ModuleSpec spec(Params p) {
        List<ModuleSpec> children = new ArrayList<>();
        children.add(io.vitgen.hw.softmax.SoftmaxUnit.spec(p.softmax()));
        children.add(splitCell());
        children.add(packCell());
        if (p.attn() != null) {
            children.add(AttnShiftUnit.spec(p.attn()));
            children.add(Requant.unit());
            children.add(io.vitgen.hw.Cells.fifo());
        }
        io.vitgen.hw.softmax.SoftmaxUnit.Params sm = p.softmax();
        ModuleSpec.Builder b = ModuleSpec.builder(NAME)
                .template("top_softmax.v.vm")
                .vars(new Vars(p.bb(), sm.lanes(), sm.maxRow(), sm.outBits(), sm.divPipelined() ? 1 : 0, sm.dividers(),
                        p.log2(), p.attn() == null ? 0 : p.attn().codeLanes(), p.attn() == null ? 0 : p.attn().headDim(), p.attn() == null ? 0 : p.attn().vLanes(),
                        p.attn() == null ? 0 : p.attn().accW()));
        for (ModuleSpec c : children) {
            b.child(c);
        }
        b.summary("Softmax unit of the accelerator top: " + (p.log2()
                        ? "SOFTMAX (log2 codes, docs/arithmetic.md section 4) and ATTNV (attention x V by shifts)"
                        : "SOFTMAX (Shiftmax b = " + p.linearBits().stream().map(String::valueOf)
                                .reduce((x, y) -> x + " or " + y).orElse("") + ", docs/arithmetic.md section 3)")
                        + ", buffer channels of " + p.bb() + " bytes")
                .fact("commands", p.log2() ? "SOFTMAX (log2), ATTNV" : "SOFTMAX (b = " + p.linearBits() + ")")
                .fact("lanes", sm.lanes())
                .fact("max row", Words.count(sm.maxRow(), "element"))
                .fact("throughput", "SOFTMAX: ceil(row length / " + sm.lanes() + ") cycles per row"
                        + (p.attn() == null ? "" : "; ATTNV: n x " + p.attn().groups() + " cycles per query row"));
        if (p.attn() != null) {
            b.fact("head width", p.attn().headDim());
        }
        return b.synthesize(true).build();
    }

    /** The unit's interface for the structural builder (the port list of the template). */
    public static ModuleDef moduleDef(Params p) {
        ModuleDef.Builder d = ModuleDef.of(spec(p));
        for (Map.Entry<String, String> e : p.verilogParameters().entrySet()) {
            d.param(e.getKey(), Long.parseLong(e.getValue()));
        }
        d.input("aclk", 1).input("aresetn", 1)
                .input("cmd_tdata", 552).input("cmd_tvalid", 1).output("cmd_tready", 1)
                .output("done", 1).output("err", 6).output("busy", 1);
        readChannel(d, "x", p.bb());
        if (p.log2()) {
            readChannel(d, "v", p.bb());
        }
        d.output("o_wr_desc_tdata", 100).output("o_wr_desc_tvalid", 1).input("o_wr_desc_tready", 1)
                .output("o_wr_tdata", 8 * p.bb()).output("o_wr_tlast", 1).output("o_wr_tvalid", 1).input("o_wr_tready", 1)
                .input("o_wr_sts_tdata", 1).input("o_wr_sts_tvalid", 1).output("o_wr_sts_tready", 1);
        return d.build();
    }

    private static void readChannel(ModuleDef.Builder d, String c, int bb) {
        d.output(c + "_rd_desc_tdata", 100).output(c + "_rd_desc_tvalid", 1).input(c + "_rd_desc_tready", 1)
                .input(c + "_rd_tdata", 8 * bb).input(c + "_rd_tkeep", bb).input(c + "_rd_tlast", 1)
                .input(c + "_rd_tvalid", 1).output(c + "_rd_tready", 1);
    }

    /** The opcodes the unit runs: SOFTMAX, and ATTNV for the log2 variant. */
    public static Set<Integer> opcodes(Params p) {
        return p.log2() ? Set.of(Command.OP_SOFTMAX, Command.OP_ATTNV) : Set.of(Command.OP_SOFTMAX);
    }

    /**
     * Attaches the unit to a top (docs/top-units.md): the SOFTMAX queue, read channels x (and v),
     * write channel o, the opcodes this variant runs (the controller refuses the others with
     * ERROR bit 1). The unit's BB must be the top's.
     */
    public static AcceleratorTop attach(AcceleratorTop top, Params p) {
        if (p.bb() != top.params().bb()) {
            throw new IllegalArgumentException("softmax unit: BB = " + p.bb() + " but the top's buffer beat is "
                    + top.params().bb() + " bytes");
        }
        return top.attach(Unit.SOFTMAX, moduleDef(p), Map.of(), readChannels(p), List.of("o"), opcodes(p));
    }

    /** Read channels of the unit: x, and v for the log2 variant (ATTNV). */
    public static List<String> readChannels(Params p) {
        return p.log2() ? List.of("x", "v") : List.of("x");
    }

    /** Cycles per SOFTMAX row of {@code len} scores in steady state (one chunk of LANES per cycle). */
    public static long cyclesPerSoftmaxRow(Params p, int len) {
        return (len + p.softmax().lanes() - 1) / p.softmax().lanes();
    }

    /** Cycles per ATTNV query row of {@code n} keys in steady state (one V beat per cycle). */
    public static long cyclesPerAttnRow(Params p, int n) {
        return (long) n * p.attn().groups();
    }
}
