package io.vitgen.hw.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;

/** The register map's checks and its three outputs (RTL ports, C header, Markdown table). */
class RegisterMapTest {

    @Test
    void baseMapHasIdAndInterruptRegisters() {
        RegisterMap m = RegisterMap.builder("vitgen_axil_regs").build();
        assertEquals(List.of("ID", "IRQ_ENABLE", "IRQ_STATUS"), m.registers().stream().map(RegisterMap.Register::name).toList());
        assertEquals(4, m.addrWidth());
        String rtl = Emitter.render(List.of(m.spec())).get("vitgen_axil_regs.v");
        assertTrue(rtl.contains("output wire              interrupt"), rtl);
        assertTrue(rtl.contains("input  wire set_irq_status"), rtl);
        assertTrue(rtl.contains("s_axi_control_awaddr"), rtl);
    }

    @Test
    void extendedMapEmitsPortsHeaderAndTable() {
        RegisterMap m = RegisterMap.builder("vitgen_axil_regs").interruptSources(2)
                .w1s("START", 0x10, 1, 0, "start a run")
                .rw("CMD_ADDR", 0x14, 32, 0xCAFE, "command address")
                .ro("CYCLES", 0x18, 32, "cycles of the last run")
                .w1c("ERRORS", 0x1C, 4, 0, "sticky errors")
                .build();
        String rtl = Emitter.render(List.of(m.spec())).get("vitgen_axil_regs.v");
        for (String port : List.of("input  wire clr_start", "output wire reg_start", "output wire [31:0] reg_cmd_addr",
                "input  wire [31:0] in_cycles", "input  wire [3:0] set_errors", "output wire [3:0] reg_errors")) {
            assertTrue(rtl.contains(port), port + " in\n" + rtl);
        }
        String h = m.cHeader();
        assertTrue(h.contains("#define VITGEN_AXIL_REGS_CMD_ADDR_OFFSET"), h);
        assertTrue(h.contains("0x14u"), h);
        assertTrue(h.contains("#define VITGEN_AXIL_REGS_CMD_ADDR_RESET") && h.contains("0x0000CAFEu"), h);
        String md = m.markdownTable();
        assertTrue(md.contains("| 0x14 | `CMD_ADDR` | RW | 32 | 0xCAFE | command address |"), md);
        assertTrue(md.contains("| 0x00 | `ID` | RO (constant) | 32 | 0x56495447 |"), md);
        assertEquals(7 + 2, md.lines().count());
    }

    @Test
    void badMapsAreRejectedWithTheRegisterNamed() {
        Map<String, Runnable> bad = Map.of(
                "share offset 0x10", () -> RegisterMap.builder("r").rw("A", 0x10, 8, 0, "a").rw("B", 0x10, 8, 0, "b").build(),
                "defined twice", () -> RegisterMap.builder("r").rw("A", 0x10, 8, 0, "a").rw("A", 0x14, 8, 0, "b"),
                "multiple of 4", () -> RegisterMap.builder("r").rw("A", 0x11, 8, 0, "a"),
                "out of range [1, 32]", () -> RegisterMap.builder("r").rw("A", 0x10, 33, 0, "a"),
                "does not fit in 4 bits", () -> RegisterMap.builder("r").rw("A", 0x10, 4, 0x10, "a"),
                "reserved", () -> RegisterMap.builder("r").rw("IRQ_STATUS", 0x10, 4, 0, "a"),
                "upper-case", () -> RegisterMap.builder("r").rw("lower", 0x10, 4, 0, "a"),
                "cannot reach offset", () -> RegisterMap.builder("r").addrWidth(4).rw("A", 0x40, 4, 0, "a").build(),
                "one non-empty line", () -> RegisterMap.builder("r").rw("A", 0x10, 4, 0, "a | b"));
        bad.forEach((msg, r) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run, msg);
            assertTrue(e.getMessage().contains(msg), msg + " in: " + e.getMessage());
        });
    }

    @Test
    void dmaBuilderNamesPortsAndRejectsBadWidths() {
        String rtl = Emitter.render(List.of(AxiDma.builder().port("wgt").direction(AxiDma.Direction.READ).build()))
                .get("vitgen_axi_dma_wgt.v");
        assertTrue(rtl.contains("m_axi_wgt_araddr") && !rtl.contains("m_axi_wgt_awaddr"), rtl);
        assertTrue(rtl.contains("X_INTERFACE_INFO = \"xilinx.com:interface:aximm:1.0 m_axi_wgt ARADDR\""), rtl);
        assertThrows(IllegalArgumentException.class, () -> AxiDma.builder().dataWidth(96));
        assertThrows(IllegalArgumentException.class, () -> AxiDma.builder().addrWidth(16));
        assertThrows(IllegalArgumentException.class, () -> AxiDma.builder().maxOutstanding(0));
        assertThrows(IllegalArgumentException.class, () -> AxiDma.builder().port("M_AXI"));
    }
}
