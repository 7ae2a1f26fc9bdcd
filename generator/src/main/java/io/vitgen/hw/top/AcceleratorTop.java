package io.vitgen.hw.top;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.Unit;
import io.vitgen.hw.Cells;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.axi.AxiDma;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.hw.struct.Instance;
import io.vitgen.hw.struct.ModuleDef;
import io.vitgen.hw.struct.Netlist;
import io.vitgen.hw.struct.Port;
import io.vitgen.hw.struct.TopBuilder;
import io.vitgen.hw.struct.Width;

/**
 * The accelerator top: AXI4-Lite registers ({@code s_axi_control},
 * interrupt), the AXI4 DMA ({@code m_axi_mem}), the controller ({@code vitgen_top_ctrl}: command
 * fetch, dispatcher, unit queues, dependency tokens, the LOAD and STORE units), the on-chip buffers
 * behind a crossbar of buffer channels ({@code vitgen_top_bufs}, {@link TopBuffers}) and the compute
 * units attached with {@link #attach} (docs/top-units.md), composed with the structural builder. It
 * runs LOAD, STORE, SYNC, END and the opcodes of the attached units ({@link #supported()}); the
 * controller stops with a sticky error bit and the interrupt on any other, and
 * {@link #requireRunnable} refuses such a stream on the Java side. {@link #forConfig} attaches
 * every unit of a configuration: that is the top {@code ./vitgen generate} writes (docs/top.md).
 *
 * <pre>
 * AcceleratorTop top = new AcceleratorTop(AcceleratorTop.Params.defaults("vitgen"))
 *         .attach(Unit.GELU, geluDef, Map.of(), List.of("x"), List.of("o"));
 * ModuleSpec spec = top.netlist().spec();      // vitgen_top and its children
 * </pre>
 */
public final class AcceleratorTop {

    /** Bits of a unit's command word (docs/top-units.md). */
    public static final int CMD_W = 552;

    /** Opcodes every top runs (docs/commands.md); attached units add theirs ({@link #supported()}). */
    public static final Set<Integer> SUPPORTED = Set.of(Command.OP_LOAD, Command.OP_STORE, Command.OP_SYNC,
            Command.OP_END);

    /** Bits of the ERROR register. */
    public static final int ERR_UNKNOWN_OPCODE = 0;
    public static final int ERR_UNSUPPORTED = 1;
    public static final int ERR_MALFORMED = 2;
    public static final int ERR_DRAM_RANGE = 3;
    public static final int ERR_BUFFER_RANGE = 4;
    public static final int ERR_DMA = 5;

    /** Register offsets (the C header and the table come from {@link #registers}). */
    public static final int REG_CONTROL = 0x10;
    public static final int REG_CMD_ADDR = 0x14;
    public static final int REG_IMG_BASE = 0x18;
    public static final int REG_IMG_SIZE = 0x1C;
    public static final int REG_STATUS = 0x20;
    public static final int REG_ERROR = 0x24;
    public static final int REG_ERR_CMD = 0x28;
    public static final int REG_CYC_TOTAL = 0x30;
    public static final int REG_CYC_ARRAY = 0x34;
    public static final int REG_CYC_LOAD = 0x38;
    public static final int REG_CYC_STORE = 0x3C;
    public static final int REG_CYC_SOFTMAX = 0x40;
    public static final int REG_CYC_LNORM = 0x44;
    public static final int REG_CYC_GELU = 0x48;
    public static final int REG_CYC_FETCH = 0x4C;
    public static final int REG_CYC_STALL = 0x50;
    public static final int REG_CMD_DONE = 0x54;

    /** Counter registers and the controller outputs that drive them. */
    private static final String[][] COUNTERS = {
        {"CYC_TOTAL", "cnt_total", "cycles from START to done or error"},
        {"CYC_ARRAY", "cnt_array", "cycles a reduction step enters the GEMM array (mac_active; 0 without a GEMM unit)"},
        {"CYC_LOAD", "cnt_load", "cycles the LOAD unit is busy"},
        {"CYC_STORE", "cnt_store", "cycles the STORE unit is busy"},
        {"CYC_SOFTMAX", "cnt_softmax", "cycles the softmax unit is busy (0 without one)"},
        {"CYC_LNORM", "cnt_lnorm", "cycles the LayerNorm unit is busy (0 without one)"},
        {"CYC_GELU", "cnt_gelu", "cycles the GELU unit is busy (0 without one)"},
        {"CYC_FETCH", "cnt_fetch", "cycles the command fetch is busy"},
        {"CYC_STALL", "cnt_stall", "cycles a unit waits for a memory beat or for the memory to take one"},
        {"CMD_DONE", "cnt_cmds", "commands completed"},
    };

    /** Generation parameters. */
    public record Params(String designName, int dataW, int bufLog2, int queueDepthLog2, int maxOutstanding,
            List<Long> spaceBytes) {
        public Params {
            Objects.requireNonNull(designName, "designName");
            if (!designName.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("design name '" + designName
                        + "' must be lower-case letters, digits and underscores, starting with a letter");
            }
            Cells.checkWidth("top DMA data width", dataW, 64, 1024);
            if (Integer.bitCount(dataW) != 1) {
                throw new IllegalArgumentException("top DMA data width = " + dataW + " must be a power of two");
            }
            Cells.checkWidth("log2 of the buffer bytes", bufLog2, Integer.numberOfTrailingZeros(dataW / 8) + 1, 24);
            Cells.checkWidth("log2 of the queue depth", queueDepthLog2, 1, 4);
            Cells.checkWidth("DMA bursts outstanding", maxOutstanding, 1, AxiDma.MAX_OUTSTANDING);
            if (spaceBytes == null) {
                spaceBytes = java.util.Collections.nCopies(7, 1L << bufLog2);
            }
            spaceBytes = List.copyOf(spaceBytes);
            if (spaceBytes.size() != 7) {
                throw new IllegalArgumentException("the top needs 7 buffer space sizes (ACT..CONST), got "
                        + spaceBytes.size());
            }
            int bb = dataW / 8;
            for (int i = 0; i < 7; i++) {
                long v = spaceBytes.get(i);
                if (v < bb || v % bb != 0 || v > (1L << 24)) {
                    throw new IllegalArgumentException("buffer space " + io.vitgen.compile.Space.values()[i + 1]
                            + " = " + v + " bytes must be a multiple of " + bb + " bytes in [" + bb + ", 2^24]");
                }
            }
        }

        /** All seven spaces {@code 2^bufLog2} bytes. */
        public Params(String designName, int dataW, int bufLog2, int queueDepthLog2, int maxOutstanding) {
            this(designName, dataW, bufLog2, queueDepthLog2, maxOutstanding, null);
        }

        /** 128-bit memory port, 64 KB per buffer space, queues of 4, 4 bursts outstanding. */
        public static Params defaults(String designName) {
            return new Params(designName, 128, 16, 2, burstsInFlight(128));
        }

        /**
         * Bursts each DMA engine keeps in flight at a memory port of {@code dataW} bits: 4 per 128
         * bits (4 at 64 and 128 bits, 8 at 256, 16 at 512, 32 at 1024). A burst carries at most one
         * row, so the bytes in flight for rows of a given length stay the same at every width: at
         * 512 bits and a memory latency of 25 cycles, rows of 192 bytes (3 beats) still move one
         * beat a cycle (16 x 3 beats cover the 29-cycle round trip; with 4 bursts they took 2.6
         * cycles a beat, docs/estimate.md "LOAD, STORE").
         */
        public static int burstsInFlight(int dataW) {
            return Math.max(4, dataW / 32);
        }

        /**
         * The same parameters with the spaces sized by a buffer plan ({@code BufferPlan.forModel}):
         * each space's bytes rounded up to a multiple of BB (at least BB).
         */
        public Params withPlan(BufferPlan plan) {
            List<Long> sizes = new ArrayList<>();
            long bb = bb();
            for (int i = 1; i <= 7; i++) {
                long v = plan.bytes(io.vitgen.compile.Space.values()[i]);
                sizes.add(Math.max(bb, (v + bb - 1) / bb * bb));
            }
            long max = sizes.stream().mapToLong(Long::longValue).max().orElse(bb);
            return new Params(designName, dataW, Math.max(Integer.numberOfTrailingZeros(dataW / 8) + 1,
                    TopBuffers.clog2(max)), queueDepthLog2, maxOutstanding, sizes);
        }

        public String topName() {
            return designName + "_top";
        }

        /** Bytes of a buffer word and of a channel beat (the memory port's bytes). */
        public int bb() {
            return dataW / 8;
        }

        /** Bytes of the largest buffer space. */
        public int bufferBytes() {
            return (int) spaceBytes.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        /** Bytes of one space (1 ACT .. 7 CONST). */
        public long spaceBytes(io.vitgen.compile.Space s) {
            if (s == io.vitgen.compile.Space.DRAM) {
                throw new IllegalArgumentException("DRAM is not a buffer space");
            }
            return spaceBytes.get(s.ordinal() - 1);
        }
    }

    /** A compute unit as the controller template sees it. */
    public record UnitVars(String name, int index, String opsText, boolean macActive, String rmask, String wmask) {
        public String upper() {
            return name.toUpperCase(Locale.ROOT);
        }
    }

    /** Template variables of {@code top_ctrl.v.vm}. */
    public record CtrlVars(int dataW, int lb, int qdLog2, List<TopBuffers.SpaceVars> spaces, List<UnitVars> units,
            List<Integer> absent, int nr, int nw, String runExpr) {
        public int nrMax() {
            return nr - 1;
        }

        public int nwMax() {
            return nw - 1;
        }

        public String arrayExpr() {
            for (UnitVars u : units) {
                if (u.index() == Unit.GEMM.ordinal()) {
                    return u.macActive() ? "gemm_mac_active" : "gemm_busy";
                }
            }
            return "1'b0";
        }

        public String busyExpr(String unit) {
            for (UnitVars u : units) {
                if (u.name().equals(unit)) {
                    return unit + "_busy";
                }
            }
            return "1'b0";
        }
    }

    /** One compute unit attached to the top. */
    public record Attached(Unit unit, ModuleDef def, Map<String, Long> params, List<String> reads,
            List<String> writes, Set<Integer> opcodes) {
        public Attached {
            params = Map.copyOf(params);
            reads = List.copyOf(reads);
            writes = List.copyOf(writes);
            opcodes = Set.copyOf(opcodes);
        }
    }

    private final Params params;
    private final Map<Unit, Attached> units = new EnumMap<>(Unit.class);
    private GemmUnit.Params gemm;

    /** A top with no compute units yet (LOAD, STORE, SYNC, END); add units with {@link #attach}. */
    public AcceleratorTop(Params params) {
        this.params = Objects.requireNonNull(params, "params");
    }

    public Params params() {
        return params;
    }

    /** The attached compute units, in unit order. */
    public Map<Unit, Attached> units() {
        return Collections.unmodifiableMap(units);
    }

    /** The opcodes a compute unit can run (docs/commands.md "Units and queues"). */
    public static Set<Integer> opcodesOf(Unit u) {
        return switch (u) {
            case GEMM -> Set.of(Command.OP_GEMM);
            case SOFTMAX -> Set.of(Command.OP_SOFTMAX, Command.OP_ATTNV);
            case LNORM -> Set.of(Command.OP_LAYERNORM);
            case GELU -> Set.of(Command.OP_GELU);
            case LOAD, STORE -> throw new IllegalArgumentException(u + " is part of the controller, not an attachable unit");
        };
    }

    /**
     * Attaches a compute unit running every opcode of its queue ({@link #opcodesOf}); see
     * {@link #attach(Unit, ModuleDef, Map, List, List, Set)}.
     */
    public AcceleratorTop attach(Unit unit, ModuleDef def, Map<String, Long> unitParams, List<String> reads,
            List<String> writes) {
        return attach(unit, def, unitParams, reads, writes, opcodesOf(unit));
    }

    /**
     * Attaches a compute unit (docs/top-units.md): its command port ({@code cmd_t*}, {@code done},
     * {@code err}, {@code busy}, and {@code mac_active} when the module has it) to the controller's
     * port for {@code unit}, each read channel {@code <c>_rd_*} of {@code reads} and write channel
     * {@code <c>_wr_*} of {@code writes} to the next free crossbar slot. Parameters {@code BB} and
     * {@code SA} of the module are set to the top's when {@code unitParams} does not give them.
     * {@code opcodes} are the commands of the unit's queue this module runs; the controller stops
     * on the others with ERROR bit 1 and {@link #requireRunnable} refuses them.
     */
    public AcceleratorTop attach(Unit unit, ModuleDef def, Map<String, Long> unitParams, List<String> reads,
            List<String> writes, Set<Integer> opcodes) {
        Objects.requireNonNull(def, "module definition");
        Set<Integer> all = opcodesOf(unit);
        if (opcodes.isEmpty() || !all.containsAll(opcodes)) {
            throw new IllegalArgumentException(unit + " unit: opcodes " + opcodes + " must be a non-empty subset of "
                    + all);
        }
        if (units.containsKey(unit)) {
            throw new IllegalArgumentException(unit + " unit is already attached (" + units.get(unit).def().name() + ")");
        }
        Map<String, Long> pv = new LinkedHashMap<>(unitParams);
        if (def.params().containsKey("BB")) {
            pv.putIfAbsent("BB", (long) params.bb());
        }
        if (def.params().containsKey("SA")) {
            pv.putIfAbsent("SA", (long) TopBuffers.addressBits(params.bb(), params.spaceBytes()));
        }
        units.put(unit, new Attached(unit, def, pv, reads, writes, opcodes));
        return this;
    }

    /**
     * Attaches the GEMM unit {@code vitgen_top_gemm} (docs/top-gemm.md) with its channels a, w, t, r
     * and o; it runs GEMM.
     */
    public AcceleratorTop attachGemm(GemmUnit.Params p) {
        if (p.bb() != params.bb()) {
            throw new IllegalArgumentException("GEMM unit BB = " + p.bb() + " bytes differs from the top's " + params.bb());
        }
        gemm = p;
        return attach(Unit.GEMM, GemmUnit.moduleDef(p), Map.of(), GemmUnit.READS, GemmUnit.WRITES, Set.of(Command.OP_GEMM));
    }

    /**
     * Attaches the softmax unit a configuration selects ({@link SoftmaxUnit}, docs/top-softmax.md):
     * SOFTMAX, and ATTNV with the log2 variant, at this top's buffer beat.
     */
    public AcceleratorTop attachSoftmax(io.vitgen.config.Config config) {
        return SoftmaxUnit.attach(this, SoftmaxUnit.params(config, params.bb()));
    }

    /**
     * The top a configuration describes: the memory port of {@code target.mem.bits} (at least 64),
     * the buffer spaces sized by {@code plan}, and every compute unit attached for the configured
     * array, variants, lanes and limits (GEMM, softmax, LayerNorm, GELU; the GEMM unit only for 8-bit
     * operands - with 4-bit ones the engine is generated beside the top). This is the top
     * {@code vitgen generate} writes and the whole-layer co-simulations run.
     */
    public static AcceleratorTop forConfig(io.vitgen.config.Config c, BufferPlan plan) {
        return forConfig(c, plan, c.model().maxK());
    }

    /**
     * {@link #forConfig(io.vitgen.config.Config, BufferPlan)} for a compiled program: buffers from
     * its plan, and a GEMM unit whose tile memories hold the program's longest K (a whole model's
     * patch embedding, K = 3 P^2, can be longer than the layers' K that a custom configuration knows).
     */
    public static AcceleratorTop forProgram(io.vitgen.config.Config c, io.vitgen.compile.Program program) {
        int k = c.model().maxK();
        for (Command cmd : program.commands()) {
            if (cmd instanceof Command.Gemm g) {
                k = Math.max(k, g.k());
            }
        }
        return forConfig(c, program.plan(), k);
    }

    private static AcceleratorTop forConfig(io.vitgen.config.Config c, BufferPlan plan, int maxK) {
        String name = c.designName().toLowerCase(java.util.Locale.ROOT);
        int bits = Math.max(64, Integer.parseInt(c.values().getOrDefault("target.mem.bits", "128")));
        Params d = Params.defaults(name);
        Params p = new Params(name, bits, d.bufLog2(), d.queueDepthLog2(), Params.burstsInFlight(bits)).withPlan(plan);
        AcceleratorTop t = new AcceleratorTop(p);
        io.vitgen.hw.MacArray.Shape shape = io.vitgen.hw.MacArray.shape(c);
        if (shape.aW() == 8 && shape.wW() == 8) {
            // the GEMM unit moves int8 operands; a 4-bit engine stays a block beside the top (README)
            t.attachGemm(new GemmUnit.Params(shape, p.bb(), Math.min(GemmUnit.MAX_KB, Math.max(2, 2 * maxK))));
        }
        t.attachSoftmax(c);
        LnormUnit.attach(t, c.layerNorm());
        GeluUnit.attach(t, c.gelu());
        return t;
    }

    /** Opcodes this top runs: LOAD, STORE, SYNC, END and those of the attached units. */
    public Set<Integer> supported() {
        Set<Integer> s = new java.util.TreeSet<>(SUPPORTED);
        for (Attached a : units.values()) {
            s.addAll(a.opcodes());
        }
        return s;
    }

    /** The register map: start, command address, image window, status, errors, counters. */
    public static RegisterMap registers(String designName) {
        RegisterMap.Builder b = RegisterMap.builder(designName + "_top_regs")
                .interruptSources(2)
                .w1s("CONTROL", REG_CONTROL, 1, 0, "bit 0 START: run the stream at CMD_ADDR (taken when idle)")
                .rw("CMD_ADDR", REG_CMD_ADDR, 32, 0, "byte address of the first command")
                .rw("IMG_BASE", REG_IMG_BASE, 32, 0, "first byte of the memory image the stream may touch")
                .rw("IMG_SIZE", REG_IMG_SIZE, 32, 0, "bytes of the memory image window")
                .ro("STATUS", REG_STATUS, 3, "bit 0 busy, bit 1 done (END reached), bit 2 stopped on an error")
                .w1c("ERROR", REG_ERROR, 6, 0, "sticky error causes: 0 unknown opcode, 1 unsupported command, "
                        + "2 malformed, 3 outside the image, 4 outside a buffer, 5 DMA error")
                .ro("ERR_CMD", REG_ERR_CMD, 32, "index of the command that stopped the stream");
        int off = REG_CYC_TOTAL;
        for (String[] c : COUNTERS) {
            b.ro(c[0], off, 32, c[2]);
            off += 4;
        }
        return b.build();
    }

    static List<TopBuffers.SpaceVars> spaceVars(Params p) {
        List<TopBuffers.SpaceVars> l = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            long b = p.spaceBytes().get(i - 1);
            l.add(new TopBuffers.SpaceVars(i, io.vitgen.compile.Space.values()[i].name(), b, b / p.bb(),
                    Math.max(1, TopBuffers.clog2(b / p.bb()))));
        }
        return l;
    }

    private int readSlots() {
        return 1 + units.values().stream().mapToInt(a -> a.reads().size()).sum();
    }

    private int writeSlots() {
        return 1 + units.values().stream().mapToInt(a -> a.writes().size()).sum();
    }

    private static String portName(Unit u) {
        return u.name().toLowerCase(Locale.ROOT);
    }

    private static String opName(int op) {
        return switch (op) {
            case Command.OP_GEMM -> "GEMM";
            case Command.OP_SOFTMAX -> "SOFTMAX";
            case Command.OP_ATTNV -> "ATTNV";
            case Command.OP_LAYERNORM -> "LAYERNORM";
            case Command.OP_GELU -> "GELU";
            case Command.OP_LOAD -> "LOAD";
            case Command.OP_STORE -> "STORE";
            case Command.OP_SYNC -> "SYNC";
            case Command.OP_END -> "END";
            default -> String.format("0x%02X", op);
        };
    }

    private static final Map<Integer, String> OP_WIRE = Map.of(Command.OP_GEMM, "is_gemm", Command.OP_SOFTMAX, "is_softmax", Command.OP_ATTNV, "is_attnv", Command.OP_LAYERNORM,
            "is_lnorm", Command.OP_GELU, "is_gelu");

    private static String mask(int width, List<Integer> bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = width - 1; i >= 0; i--) {
            sb.append(bits.contains(i) ? '1' : '0');
        }
        return width + "'b" + sb;
    }

    /** The controller module for this top's parameters and attached units. */
    public ModuleSpec controller() {
        Params p = params;
        int lb = Integer.numberOfTrailingZeros(p.bb());
        int nr = readSlots();
        int nw = writeSlots();
        List<UnitVars> uv = new ArrayList<>();
        List<Integer> absent = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        int r = 1;
        int w = 1;
        for (Unit u : List.of(Unit.GEMM, Unit.SOFTMAX, Unit.LNORM, Unit.GELU)) {
            Attached a = units.get(u);
            if (a == null) {
                absent.add(u.ordinal());
                continue;
            }
            List<Integer> rs = new ArrayList<>();
            for (int i = 0; i < a.reads().size(); i++) {
                rs.add(r++);
            }
            List<Integer> ws = new ArrayList<>();
            for (int i = 0; i < a.writes().size(); i++) {
                ws.add(w++);
            }
            List<String> ops = new ArrayList<>();
            for (int op : new java.util.TreeSet<>(a.opcodes())) {
                ops.add(opName(op));
                run.append(" || ").append(OP_WIRE.get(op));
            }
            uv.add(new UnitVars(portName(u), u.ordinal(), String.join(", ", ops) + " (" + a.def().name() + ")",
                    a.def().ports().containsKey("mac_active"), mask(nr, rs), mask(nw, ws)));
        }
        String runs = "LOAD, STORE, SYNC, END" + (uv.isEmpty() ? "" : ", " + String.join(", ",
                uv.stream().map(UnitVars::opsText).toList()));
        return ModuleSpec.builder("vitgen_top_ctrl")
                .template("top_ctrl.v.vm")
                .vars(new CtrlVars(p.dataW(), lb, p.queueDepthLog2(), spaceVars(p), uv, absent, nr, nw, run.toString()))
                .summary("accelerator controller: command fetch, dispatcher, unit queues, dependency tokens, "
                        + "LOAD/STORE units, compute unit command ports")
                .fact("commands run", runs + " (others: sticky error + interrupt)")
                .fact("queue depth", 1 << p.queueDepthLog2())
                .synthesize(true)
                .build();
    }

    /** The controller of a top without compute units. */
    public static ModuleSpec controller(Params p) {
        return new AcceleratorTop(p).controller();
    }

    /** The buffers and crossbar module of this top (one read/write slot per channel). */
    public ModuleSpec buffers() {
        return TopBuffers.spec(params.bb(), params.spaceBytes(), readSlots(), writeSlots());
    }

    static AxiDma.Builder dma(Params p) {
        return AxiDma.builder().port("mem").dataWidth(p.dataW()).addrWidth(32).idWidth(1)
                .maxOutstanding(p.maxOutstanding()).lenWidth(32).rowsWidth(16);
    }

    ModuleDef ctrlDef(ModuleSpec spec) {
        int dataW = params.dataW();
        int bytes = dataW / 8;
        ModuleDef.Builder b = ModuleDef.of(spec).input("aclk", 1).input("aresetn", 1)
                .input("start", 1).output("start_clr", 1)
                .input("cmd_addr", 32).input("img_base", 32).input("img_size", 32)
                .output("status", 3).output("err_set", 6).output("err_cmd", 32).output("irq_set", 2);
        for (String[] c : COUNTERS) {
            b.output(c[1], 32);
        }
        b.axisPorts("rd_desc", false, Width.fixed(112), false)
                .axisPorts("rd_status", true, Width.fixed(34), false)
                .axisPorts("rd", true, Width.fixed(dataW), true)
                .input("rd_tkeep", bytes)
                .axisPorts("wr_desc", false, Width.fixed(112), false)
                .axisPorts("wr_status", true, Width.fixed(34), false)
                .axisPorts("wr", false, Width.fixed(dataW), false);
        b.axisPorts("ld_wr_desc", false, Width.fixed(TopBuffers.DESC_W), false)
                .axisPorts("ld_wr", false, Width.fixed(dataW), true)
                .axisPorts("ld_wr_sts", true, Width.fixed(1), false)
                .axisPorts("st_rd_desc", false, Width.fixed(TopBuffers.DESC_W), false)
                .axisPorts("st_rd", true, Width.fixed(dataW), true)
                .input("st_rd_tkeep", bytes);
        for (Attached a : units.values()) {
            String n = portName(a.unit());
            b.axisPorts(n + "_cmd", false, Width.fixed(CMD_W), false)
                    .input(n + "_done", 1).input(n + "_err", 6).input(n + "_busy", 1);
            if (a.def().ports().containsKey("mac_active")) {
                b.input(n + "_mac_active", 1);
            }
        }
        b.input("buf_rerr", readSlots()).input("buf_werr", writeSlots()).input("buf_wlerr", writeSlots());
        return b.build();
    }

    /** The top's netlist: registers, DMA, controller, buffers and the attached units, wired and checked. */
    public Netlist netlist() {
        Params p = params;
        RegisterMap map = registers(p.designName());
        List<String> names = new ArrayList<>();
        for (Attached a : units.values()) {
            names.add(a.unit() + " (" + a.def().name() + ")");
        }
        TopBuilder b = TopBuilder.module(p.topName()).describe(
                "vitgen accelerator top: s_axi_control registers and interrupt,",
                "m_axi_mem AXI4 master (DMA), controller with command fetch, unit queues, dependency tokens,",
                "LOAD/STORE units, on-chip buffers behind a crossbar of buffer channels (docs/top.md).",
                "Compute units: " + (names.isEmpty() ? "none" : String.join(", ", names))
                        + "; any other command stops the stream with a sticky error and the interrupt.");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        Instance regs = b.instance("u_regs", map.moduleDef());
        Instance dma = b.instance("u_dma", dma(p).moduleDef());
        Instance ctrl = b.instance("u_ctrl", ctrlDef(controller()));
        int nr = readSlots();
        int nw = writeSlots();
        Instance bufs = b.instance("u_bufs", TopBuffers.def(buffers(), p.bb(), nr, nw));
        Map<Unit, Instance> inst = new LinkedHashMap<>();
        for (Attached a : units.values()) {
            inst.put(a.unit(), b.instance("u_" + portName(a.unit()), a.def(), a.params()));
        }
        b.clockAndReset(aclk, aresetn);
        b.expose(regs.axiLite("s_axi_control"), "s_axi_control");
        b.expose(regs.port("interrupt"), "interrupt");
        b.expose(dma.axi4("m_axi_mem"), "m_axi_mem");

        b.connect(regs.port("reg_control"), ctrl.port("start"));
        b.connect(ctrl.port("start_clr"), regs.port("clr_control"));
        b.connect(regs.port("reg_cmd_addr"), ctrl.port("cmd_addr"));
        b.connect(regs.port("reg_img_base"), ctrl.port("img_base"));
        b.connect(regs.port("reg_img_size"), ctrl.port("img_size"));
        b.connect(ctrl.port("status"), regs.port("in_status"));
        b.connect(ctrl.port("err_set"), regs.port("set_error"));
        b.connect(ctrl.port("err_cmd"), regs.port("in_err_cmd"));
        b.connect(ctrl.port("irq_set"), regs.port("set_irq_status"));
        for (String[] c : COUNTERS) {
            b.connect(ctrl.port(c[1]), regs.port("in_" + c[0].toLowerCase(Locale.ROOT)));
        }

        b.connect(ctrl.axis("rd_desc"), dma.axis("s_rd_desc"));
        b.connect(dma.axis("m_rd_status"), ctrl.axis("rd_status"));
        b.connect(dma.axis("m_axis_rd"), ctrl.axis("rd"));
        b.connect(ctrl.axis("wr_desc"), dma.axis("s_wr_desc"));
        b.connect(dma.axis("m_wr_status"), ctrl.axis("wr_status"));
        b.connect(ctrl.axis("wr"), dma.axis("s_axis_wr"));
        b.tie(dma.port("err_clear"), 0);

        // LOAD owns write slot 0, STORE read slot 0
        b.connect(ctrl.axis("ld_wr_desc"), bufs.axis("w0_wr_desc"));
        b.connect(ctrl.axis("ld_wr"), bufs.axis("w0_wr"));
        b.connect(bufs.axis("w0_wr_sts"), ctrl.axis("ld_wr_sts"));
        b.connect(ctrl.axis("st_rd_desc"), bufs.axis("r0_rd_desc"));
        b.connect(bufs.axis("r0_rd"), ctrl.axis("st_rd"));
        b.connect(bufs.port("rerr"), ctrl.port("buf_rerr"));
        b.connect(bufs.port("werr"), ctrl.port("buf_werr"));
        b.connect(bufs.port("wlerr"), ctrl.port("buf_wlerr"));

        int r = 1;
        int w = 1;
        for (Attached a : units.values()) {
            Instance u = inst.get(a.unit());
            String n = portName(a.unit());
            b.connect(ctrl.axis(n + "_cmd"), u.axis("cmd"));
            b.connect(u.port("done"), ctrl.port(n + "_done"));
            b.connect(u.port("err"), ctrl.port(n + "_err"));
            b.connect(u.port("busy"), ctrl.port(n + "_busy"));
            if (a.def().ports().containsKey("mac_active")) {
                b.connect(u.port("mac_active"), ctrl.port(n + "_mac_active"));
            }
            for (String c : a.reads()) {
                b.connect(u.axis(c + "_rd_desc"), bufs.axis("r" + r + "_rd_desc"));
                b.connect(bufs.axis("r" + r + "_rd"), u.axis(c + "_rd"));
                r++;
            }
            for (String c : a.writes()) {
                b.connect(u.axis(c + "_wr_desc"), bufs.axis("w" + w + "_wr_desc"));
                b.connect(u.axis(c + "_wr"), bufs.axis("w" + w + "_wr"));
                b.connect(bufs.axis("w" + w + "_wr_sts"), u.axis(c + "_wr_sts"));
                w++;
            }
        }
        return b.build();
    }

    /** The netlist of a top without compute units (LOAD, STORE, SYNC, END). */
    public static Netlist netlist(Params p) {
        return new AcceleratorTop(p).netlist();
    }

    /**
     * Refuses a stream with a command this top does not run, naming every such command (index,
     * opcode and label) - the Java side of the controller's ERROR bit 1.
     */
    public void requireRunnable(List<Command> commands, List<String> labels) {
        Set<Integer> ok = supported();
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            if (c instanceof Command.Gemm g && gemm != null && ok.contains(c.opcode())
                    && g.k() > gemm.kLimit(g.split16())) {
                String label = labels != null && i < labels.size() ? " (" + labels.get(i) + ")" : "";
                throw new IllegalArgumentException("command #" + i + " GEMM" + label + " has K = " + g.k()
                        + ", beyond the " + gemm.kLimit(g.split16()) + " the GEMM unit holds"
                        + (g.split16() ? " with split16" : "") + " (its tile memories are sized for the configured"
                        + " model's largest K; AcceleratorTop.forProgram sizes them for a program)");
            }
            if (!ok.contains(c.opcode())) {
                n++;
                if (bad.size() < 8) {
                    String label = labels != null && i < labels.size() ? " (" + labels.get(i) + ")" : "";
                    bad.add("#" + i + " " + c.getClass().getSimpleName().toUpperCase(Locale.ROOT) + label);
                }
            }
        }
        if (n > 0) {
            List<String> runs = new ArrayList<>();
            for (int op : ok) {
                runs.add(opName(op));
            }
            String list = runs.size() == 4 ? "LOAD, STORE, SYNC and END" : String.join(", ", runs);
            throw new IllegalArgumentException("the accelerator top runs only " + list + " so far "
                    + "(docs/top.md); the stream has " + n + " command" + (n == 1 ? "" : "s") + " it cannot run: "
                    + String.join(", ", bad) + (n > bad.size() ? ", ..." : ""));
        }
    }

    /** {@link #requireRunnable} for a top without compute units. */
    public static void requireSupported(List<Command> commands, List<String> labels) {
        new AcceleratorTop(Params.defaults("vitgen")).requireRunnable(commands, labels);
    }

    /** The register map's Markdown table (for docs and reports). */
    public static String registerTable(String designName) {
        return registers(designName).markdownTable();
    }

}
