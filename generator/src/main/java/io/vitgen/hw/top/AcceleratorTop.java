package io.vitgen.hw.top;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.vitgen.compile.Command;
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
 * The accelerator top as far as issue 13 has come: AXI4-Lite registers ({@code s_axi_control},
 * interrupt), the AXI4 DMA ({@code m_axi_mem}) and the controller ({@code vitgen_top_ctrl}: command
 * fetch, dispatcher, unit queues, dependency tokens, the LOAD and STORE units, the on-chip
 * buffers), composed with the structural builder. It runs the commands of {@link #SUPPORTED}; the
 * controller stops with a sticky error bit and the interrupt on any other, and
 * {@link #requireSupported} refuses such a stream on the Java side. Not part of
 * {@code ./vitgen generate} until the top runs a whole encoder layer (docs/top.md).
 *
 * <pre>
 * Netlist top = AcceleratorTop.netlist(AcceleratorTop.Params.defaults("vitgen"));
 * ModuleSpec spec = top.spec();      // vitgen_top and its children
 * </pre>
 */
public final class AcceleratorTop {

    /** Opcodes this top runs (docs/commands.md). */
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
        {"CYC_ARRAY", "cnt_array", "cycles the GEMM array is busy (no GEMM unit yet: 0)"},
        {"CYC_LOAD", "cnt_load", "cycles the LOAD unit is busy"},
        {"CYC_STORE", "cnt_store", "cycles the STORE unit is busy"},
        {"CYC_SOFTMAX", "cnt_softmax", "cycles the softmax unit is busy (not in this top yet: 0)"},
        {"CYC_LNORM", "cnt_lnorm", "cycles the LayerNorm unit is busy (not in this top yet: 0)"},
        {"CYC_GELU", "cnt_gelu", "cycles the GELU unit is busy (not in this top yet: 0)"},
        {"CYC_FETCH", "cnt_fetch", "cycles the command fetch is busy"},
        {"CYC_STALL", "cnt_stall", "cycles a unit waits for a memory beat or for the memory to take one"},
        {"CMD_DONE", "cnt_cmds", "commands completed"},
    };

    /** Generation parameters. */
    public record Params(String designName, int dataW, int bufLog2, int queueDepthLog2, int maxOutstanding) {
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
        }

        /** 128-bit memory port, 64 KB per buffer space, queues of 4, 4 bursts outstanding. */
        public static Params defaults(String designName) {
            return new Params(designName, 128, 16, 2, 4);
        }

        public String topName() {
            return designName + "_top";
        }

        public int bufferBytes() {
            return 1 << bufLog2;
        }
    }

    /** Template variables of {@code top_ctrl.v.vm}. */
    public record CtrlVars(int dataW, int lb, int bufLog2, int qdLog2) {
    }

    private AcceleratorTop() {
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

    /** The controller module for the parameters. */
    public static ModuleSpec controller(Params p) {
        int lb = Integer.numberOfTrailingZeros(p.dataW() / 8);
        return ModuleSpec.builder("vitgen_top_ctrl")
                .template("top_ctrl.v.vm")
                .vars(new CtrlVars(p.dataW(), lb, p.bufLog2(), p.queueDepthLog2()))
                .summary("accelerator controller: command fetch, dispatcher, unit queues, dependency tokens, "
                        + "LOAD/STORE units, on-chip buffers")
                .fact("commands run", "LOAD, STORE, SYNC, END (others: sticky error + interrupt)")
                .fact("buffers", "7 spaces x " + p.bufferBytes() + " bytes, " + (p.dataW() / 8) + " byte banks each")
                .fact("queue depth", 1 << p.queueDepthLog2())
                .synthesize(true)
                .build();
    }

    static AxiDma.Builder dma(Params p) {
        return AxiDma.builder().port("mem").dataWidth(p.dataW()).addrWidth(32).idWidth(1)
                .maxOutstanding(p.maxOutstanding()).lenWidth(32).rowsWidth(16);
    }

    static ModuleDef ctrlDef(ModuleSpec spec, int dataW) {
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
        return b.build();
    }

    /** The top's netlist: registers, DMA and controller, wired and checked. */
    public static Netlist netlist(Params p) {
        RegisterMap map = registers(p.designName());
        TopBuilder b = TopBuilder.module(p.topName()).describe(
                "vitgen accelerator top (issue 13, in progress): s_axi_control registers and interrupt,",
                "m_axi_mem AXI4 master (DMA), controller with command fetch, unit queues, dependency tokens,",
                "LOAD/STORE units and " + p.bufferBytes() + "-byte buffer spaces. Runs LOAD, STORE, SYNC, END;",
                "any other command stops the stream with a sticky error and the interrupt (docs/top.md).");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        Instance regs = b.instance("u_regs", map.moduleDef());
        Instance dma = b.instance("u_dma", dma(p).moduleDef());
        Instance ctrl = b.instance("u_ctrl", ctrlDef(controller(p), p.dataW()));
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
            b.connect(ctrl.port(c[1]), regs.port("in_" + c[0].toLowerCase(java.util.Locale.ROOT)));
        }

        b.connect(ctrl.axis("rd_desc"), dma.axis("s_rd_desc"));
        b.connect(dma.axis("m_rd_status"), ctrl.axis("rd_status"));
        b.connect(dma.axis("m_axis_rd"), ctrl.axis("rd"));
        b.connect(ctrl.axis("wr_desc"), dma.axis("s_wr_desc"));
        b.connect(dma.axis("m_wr_status"), ctrl.axis("wr_status"));
        b.connect(ctrl.axis("wr"), dma.axis("s_axis_wr"));
        b.tie(dma.port("err_clear"), 0);
        return b.build();
    }

    /**
     * Refuses a stream with a command this top does not run yet, naming every such command (index,
     * opcode and label) - the Java side of the controller's ERROR bit 1.
     */
    public static void requireSupported(List<Command> commands, List<String> labels) {
        List<String> bad = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            if (!SUPPORTED.contains(c.opcode())) {
                n++;
                if (bad.size() < 8) {
                    String label = labels != null && i < labels.size() ? " (" + labels.get(i) + ")" : "";
                    bad.add("#" + i + " " + c.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT) + label);
                }
            }
        }
        if (n > 0) {
            throw new IllegalArgumentException("the accelerator top runs only LOAD, STORE, SYNC and END so far "
                    + "(docs/top.md); the stream has " + n + " command" + (n == 1 ? "" : "s") + " it cannot run: "
                    + String.join(", ", bad) + (n > bad.size() ? ", ..." : ""));
        }
    }

    /** The register map's Markdown table (for docs and reports). */
    public static String registerTable(String designName) {
        return registers(designName).markdownTable();
    }

}
