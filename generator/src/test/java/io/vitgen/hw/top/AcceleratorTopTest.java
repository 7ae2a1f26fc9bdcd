package io.vitgen.hw.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.Program;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.hw.struct.ModuleDef;
import io.vitgen.hw.struct.Netlist;
import io.vitgen.hw.struct.Width;

/** The top's netlist, register map, parameter checks and the Java-side refusal of unsupported streams. */
class AcceleratorTopTest {

    @Test
    void netlistHasTheFourBlocksAndTheBusPorts() {
        Netlist n = AcceleratorTop.netlist(AcceleratorTop.Params.defaults("vitgen"));
        assertEquals("vitgen_top", n.name());
        assertEquals(List.of("u_regs", "u_dma", "u_ctrl", "u_bufs"),
                n.instances().stream().map(i -> i.name()).collect(Collectors.toList()));
        Set<String> ports = n.ports().stream().map(p -> p.name()).collect(Collectors.toSet());
        for (String p : List.of("aclk", "aresetn", "interrupt", "s_axi_control_awaddr", "s_axi_control_rdata",
                "m_axi_mem_araddr", "m_axi_mem_rdata", "m_axi_mem_wdata", "m_axi_mem_wstrb", "m_axi_mem_bresp")) {
            assertTrue(ports.contains(p), p + " in " + ports);
        }
        assertEquals(128, n.ports().stream().filter(p -> p.name().equals("m_axi_mem_rdata")).findFirst()
                .orElseThrow().width());
        ModuleSpec spec = n.spec();
        assertEquals("vitgen_top", spec.name());
    }

    /** A unit as docs/top-units.md declares it (a fake GELU-like unit with one read and one write channel). */
    static ModuleDef fakeUnit(String name, boolean mac, String... reads) {
        ModuleDef.Builder b = ModuleDef.external(name).param("BB", 16).param("SA", 16)
                .input("aclk", 1).input("aresetn", 1)
                .axisPorts("cmd", true, Width.fixed(AcceleratorTop.CMD_W), false)
                .output("done", 1).output("err", 6).output("busy", 1);
        if (mac) {
            b.output("mac_active", 1);
        }
        for (String c : reads) {
            b.axisPorts(c + "_rd_desc", false, Width.fixed(100), false)
                    .axisPorts(c + "_rd", true, Width.times(8, "BB"), true)
                    .input(c + "_rd_tkeep", Width.param("BB"));
        }
        b.axisPorts("o_wr_desc", false, Width.fixed(100), false)
                .axisPorts("o_wr", false, Width.times(8, "BB"), true)
                .axisPorts("o_wr_sts", true, Width.fixed(1), false);
        return b.build();
    }

    @Test
    void attachWiresUnitsToTheControllerAndFreeCrossbarSlots() {
        AcceleratorTop top = new AcceleratorTop(AcceleratorTop.Params.defaults("vitgen"))
                .attach(Unit.GEMM, fakeUnit("fake_gemm", true, "a", "w", "t", "r"), Map.of(),
                        List.of("a", "w", "t", "r"), List.of("o"))
                .attach(Unit.GELU, fakeUnit("fake_gelu", false, "x"), Map.of(), List.of("x"), List.of("o"),
                        Set.of(Command.OP_GELU));
        Netlist n = top.netlist();
        assertEquals(List.of("u_regs", "u_dma", "u_ctrl", "u_bufs", "u_gemm", "u_gelu"),
                n.instances().stream().map(i -> i.name()).collect(Collectors.toList()));
        Map<String, String> drivers = new java.util.HashMap<>();
        for (Netlist.Net net : n.nets()) {
            for (io.vitgen.hw.struct.Port s : net.sinks()) {
                drivers.put(s.toString(), net.driver() == null ? "const" : net.driver().toString());
            }
        }
        // GEMM: reads on slots 1..4, write on slot 1; GELU: read slot 5, write slot 2
        assertTrue(drivers.get(find(n, "u_bufs", "r4_rd_desc_tdata")).contains("u_gemm.r_rd_desc_tdata"), drivers.toString());
        assertTrue(drivers.get(find(n, "u_bufs", "r5_rd_desc_tdata")).contains("u_gelu.x_rd_desc_tdata"));
        assertTrue(drivers.get(find(n, "u_bufs", "w2_wr_tdata")).contains("u_gelu.o_wr_tdata"));
        assertTrue(drivers.get(find(n, "u_gemm", "cmd_tdata")).contains("u_ctrl.gemm_cmd_tdata"));
        assertTrue(drivers.get(find(n, "u_ctrl", "gemm_mac_active")).contains("u_gemm.mac_active"));
        assertTrue(drivers.get(find(n, "u_ctrl", "gelu_done")).contains("u_gelu.done"));
        assertEquals(Set.of(Command.OP_LOAD, Command.OP_STORE, Command.OP_SYNC, Command.OP_END, Command.OP_GEMM,
                Command.OP_GELU), top.supported());
        // a stream with SOFTMAX is refused, GEMM is not
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> top.requireRunnable(List.of(
                new Command.Softmax(Command.Deps.NONE, false, 8, Operand.of(Space.ATT, 0, 16),
                        Operand.of(Space.ATT, 256, 16), 1, 16, 10)), List.of("sm")));
        assertTrue(e.getMessage().contains("#0 SOFTMAX (sm)") && e.getMessage().contains("GELU"), e.getMessage());
        // one unit per queue, opcodes of its queue only
        e = assertThrows(IllegalArgumentException.class, () -> top.attach(Unit.GELU, fakeUnit("g2", false, "x"),
                Map.of(), List.of("x"), List.of("o")));
        assertTrue(e.getMessage().contains("already attached"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AcceleratorTop(AcceleratorTop.Params.defaults("v"))
                .attach(Unit.LNORM, fakeUnit("l", false, "x"), Map.of(), List.of("x"), List.of("o"),
                        Set.of(Command.OP_GELU)));
        assertTrue(e.getMessage().contains("subset"), e.getMessage());
        // a channel the unit does not have is a netlist error naming it
        var ne = assertThrows(io.vitgen.hw.struct.NetlistException.class, () -> new AcceleratorTop(
                AcceleratorTop.Params.defaults("v")).attach(Unit.GELU, fakeUnit("g3", false, "x"), Map.of(),
                        List.of("y"), List.of("o")).netlist());
        assertTrue(ne.getMessage().contains("y_rd_desc"), ne.getMessage());
    }

    private static String find(Netlist n, String inst, String port) {
        for (io.vitgen.hw.struct.Instance i : n.instances()) {
            if (i.name().equals(inst)) {
                return i.port(port).toString();
            }
        }
        throw new AssertionError(inst);
    }

    @Test
    void spacesAreSizedFromTheBufferPlan() {
        BufferPlan plan = BufferPlan.forModel(ConfigLoader.defaults());
        AcceleratorTop.Params p = AcceleratorTop.Params.defaults("vitgen").withPlan(plan);
        for (Space s : List.of(Space.ACT, Space.RES, Space.QKV, Space.WGT, Space.ATT, Space.HID, Space.CONST)) {
            long want = Math.max(16, (plan.bytes(s) + 15) / 16 * 16);
            assertEquals(want, p.spaceBytes(s), s.name());
        }
        assertEquals(151_296, p.spaceBytes(Space.RES));
        e(() -> new AcceleratorTop.Params("v", 128, 16, 2, 4, List.of(16L, 16L, 16L, 16L, 16L, 16L, 24L)),
                "CONST = 24 bytes must be a multiple of 16");
    }

    private static void e(org.junit.jupiter.api.function.Executable x, String msg) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, x);
        assertTrue(ex.getMessage().contains(msg), ex.getMessage());
    }

    @Test
    void registerMapOffsetsMatchTheConstants() {
        RegisterMap m = AcceleratorTop.registers("vitgen");
        assertEquals(AcceleratorTop.REG_CONTROL, m.register("CONTROL").offset());
        assertEquals(AcceleratorTop.REG_ERR_CMD, m.register("ERR_CMD").offset());
        assertEquals(AcceleratorTop.REG_CYC_TOTAL, m.register("CYC_TOTAL").offset());
        assertEquals(AcceleratorTop.REG_CYC_STALL, m.register("CYC_STALL").offset());
        assertEquals(AcceleratorTop.REG_CMD_DONE, m.register("CMD_DONE").offset());
        assertEquals(2, m.interruptSources());
        System.out.print(m.markdownTable());
    }

    @Test
    void parametersAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AcceleratorTop.Params("vitgen", 96, 12, 2, 4));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AcceleratorTop.Params("vitgen", 64, 3, 2, 4));
        assertTrue(e.getMessage().contains("log2 of the buffer bytes = 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AcceleratorTop.Params("vitgen", 64, 12, 0, 4));
        assertTrue(e.getMessage().contains("queue depth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AcceleratorTop.Params("Bad", 64, 12, 2, 4));
        assertTrue(e.getMessage().contains("design name 'Bad'"), e.getMessage());
    }

    @Test
    void compiledEncoderLayerIsRefusedNamingTheCommands() {
        BufferPlan plan = BufferPlan.forModel(ConfigLoader.defaults());
        EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_TINY, 5, EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), ConfigLoader.defaults(),
                plan);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AcceleratorTop.requireSupported(p.commands(), p.labels()));
        assertTrue(e.getMessage().startsWith("the accelerator top runs only LOAD, STORE, SYNC and END so far"),
                e.getMessage());
        assertTrue(e.getMessage().contains("#2 LAYERNORM (L0.ln1 rows 0)"), e.getMessage());
        assertTrue(e.getMessage().contains("#5 GEMM (L0.q rows 0)"), e.getMessage());
    }
}
