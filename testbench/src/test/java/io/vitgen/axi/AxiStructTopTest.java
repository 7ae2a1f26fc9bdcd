package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.axi.AxiDma;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.hw.struct.Instance;
import io.vitgen.hw.struct.Netlist;
import io.vitgen.hw.struct.Port;
import io.vitgen.hw.struct.TopBuilder;
import io.vitgen.sim.AxiLiteMaster;
import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Beat;
import io.vitgen.sim.Lint;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * The DMA and the register file placed by the structural builder with one instance call each, as
 * the accelerator top will: the register file's ERR_CLEAR (W1S, cleared by the hardware the next
 * cycle) drives the DMA's err_clear, its RD_ERROR register (RO) and IRQ_STATUS bit 0 take the read
 * engine's sticky error flag. The printed top lints clean under
 * Verilator and Icarus, and a short co-simulation moves a descriptor through it, reads the error
 * bits and takes the interrupt over AXI4-Lite.
 */
class AxiStructTopTest {

    @Test
    void placedByTheStructuralBuilderLintsAndRuns() throws Exception {
        Netlist n = build();
        List<Path> rtl = Emitter.writeModules(List.of(n.spec()), Path.of("target", "cosim-rtl", "axi-struct-top"));
        assertEquals("", Lint.run(rtl, "vitgen_axi_struct_top", Map.of()), "verilator -Wall");
        assertEquals("", Lint.iverilog(rtl, "vitgen_axi_struct_top", Map.of()), "iverilog -g2005 -Wall");

        VerilatedModel model = VerilatedModel.build(rtl, "vitgen_axi_struct_top");
        String irq = model.ports().stream().map(p -> p.name()).filter(x -> x.endsWith("interrupt")).findFirst()
                .orElseThrow();
        try (Simulation sim = model.open(7, SimOptions.randomInitialState())) {
            sim.poke("s_axi_control_awprot", 0);
            sim.poke("s_axi_control_arprot", 0);
            AxiMemory mem = sim.axiMemory("m_axi_mem", AxiMemory.Config.random(1, 40, 800));
            StreamSource rdDesc = sim.source("s_rd_desc");
            sim.source("s_wr_desc");
            sim.source("s_axis_wr");
            StreamSink rdData = sim.sink("m_axis_rd");
            sim.sink("m_rd_status");
            sim.sink("m_wr_status");
            sim.reset(3);
            AxiLiteMaster host = sim.axiLite("s_axi_control");
            byte[] data = new byte[300];
            new Random(7).nextBytes(data);
            mem.load(0x1_0000_0005L, data);
            mem.injectError(0x2_0000_0000L, 16, AxiMemory.Resp.SLVERR, true, false);
            assertEquals(AxiLiteMaster.OKAY, host.write(RegisterMap.IRQ_ENABLE_OFFSET, 1));
            // a clean read, then one that fails
            rdDesc.push(descBits(0x1_0000_0005L, 300), false);
            rdDesc.push(descBits(0x2_0000_0000L, 16), false);
            for (int i = 0; i < 100 && rdData.available() < 20; i++) {
                sim.run(100);
            }
            List<Beat> beats = rdData.take();
            assertEquals(19 + 1, beats.size(), "300 bytes in 19 beats of 16, then one beat of the failed read");
            for (int i = 0; i < 300; i++) {
                assertEquals(data[i], DmaRig.toBytes(beats.get(i / 16).data(), 16)[i % 16], "byte " + i);
            }
            assertEquals(1, host.readOk(0x14), "RD_ERROR shows the read error");
            assertEquals(1, host.readOk(RegisterMap.IRQ_STATUS_OFFSET), "IRQ_STATUS set by the read error");
            sim.run(2);
            assertEquals(1, sim.peekLong(irq), "interrupt raised");
            assertEquals(AxiLiteMaster.OKAY, host.write(0x10, 1));
            assertEquals(AxiLiteMaster.OKAY, host.write(RegisterMap.IRQ_STATUS_OFFSET, 1));
            sim.run(3);
            assertEquals(0, host.readOk(0x14), "ERR_CLEAR cleared the sticky error");
            assertEquals(0, host.readOk(0x10), "ERR_CLEAR is a pulse (cleared by the hardware)");
            assertEquals(0, sim.peekLong(irq), "interrupt cleared");
        }
    }

    private static java.math.BigInteger descBits(long base, int len) {
        java.math.BigInteger v = java.math.BigInteger.ZERO;                       // stride 0
        v = v.shiftLeft(16).or(java.math.BigInteger.ONE);                          // rows 1
        v = v.shiftLeft(24).or(java.math.BigInteger.valueOf(len));                 // LEN_W 24
        return v.shiftLeft(64).or(java.math.BigInteger.valueOf(base));
    }

    static Netlist build() {
        AxiDma.Builder dma = AxiDma.builder().port("mem").dataWidth(128).addrWidth(64).maxOutstanding(4);
        RegisterMap map = RegisterMap.builder("vitgen_axil_regs_top").interruptSources(1)
                .w1s("ERR_CLEAR", 0x10, 1, 0, "write 1 to clear the DMA's sticky errors")
                .ro("RD_ERROR", 0x14, 1, "the read engine's sticky error flag")
                .build();
        TopBuilder b = TopBuilder.module("vitgen_axi_struct_top")
                .describe("The AXI DMA and the register file placed by the structural builder (a test top).");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        Instance d = b.instance("u_dma", dma.moduleDef());
        Instance r = b.instance("u_regs", map.moduleDef());
        b.clockAndReset(aclk, aresetn);
        b.expose(d.axi4("m_axi_mem"), "m_axi_mem");
        b.expose(r.axiLite("s_axi_control"), "s_axi_control");
        b.expose(r.port("interrupt"), "interrupt");
        for (String s : List.of("s_rd_desc", "m_rd_status", "m_axis_rd", "s_wr_desc", "m_wr_status", "s_axis_wr")) {
            b.expose(d.axis(s), s);
        }
        for (String p : List.of("rd_busy", "wr_busy", "rd_err_code", "rd_err_addr", "wr_err_flag", "wr_err_code",
                "wr_err_addr")) {
            b.expose(d.port(p), p);
        }
        b.connect(r.port("reg_err_clear"), d.port("err_clear"));
        b.connect(r.port("reg_err_clear"), r.port("clr_err_clear"));   // W1S cleared the next cycle: a pulse
        b.connect(d.port("rd_err_flag"), r.port("in_rd_error"));
        b.connect(d.port("rd_err_flag"), r.port("set_irq_status"));    // interrupt source 0: a read error
        return b.build();
    }
}
