package io.vitgen.hw.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.Program;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.hw.struct.Netlist;

/** The top's netlist, register map, parameter checks and the Java-side refusal of unsupported streams. */
class AcceleratorTopTest {

    @Test
    void netlistHasTheThreeBlocksAndTheBusPorts() {
        Netlist n = AcceleratorTop.netlist(AcceleratorTop.Params.defaults("vitgen"));
        assertEquals("vitgen_top", n.name());
        assertEquals(List.of("u_regs", "u_dma", "u_ctrl"),
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
        EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_TINY, 5, EncoderLayer.SoftmaxMode.SHIFTMAX);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), ConfigLoader.defaults(),
                plan);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AcceleratorTop.requireSupported(p.commands(), p.labels()));
        assertTrue(e.getMessage().startsWith("the accelerator top runs only LOAD, STORE, SYNC and END so far"),
                e.getMessage());
        assertTrue(e.getMessage().contains("#4 LAYERNORM (L0.ln1 rows 0)"), e.getMessage());
        assertTrue(e.getMessage().contains("#5 GEMM (L0.qkv rows 0)"), e.getMessage());
    }
}
