package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.axi.AxiDma;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.sim.Lint;

/**
 * {@code verilator --lint-only -Wall} and {@code iverilog -g2005 -Wall} print nothing for the DMA
 * (both engines on one port, and each alone) at data widths 64, 128, 256 (and 32, 1024), address
 * widths 32 and 64, ID widths 1 and 8, outstanding 1 and the maximum 64, the narrowest and widest
 * length fields, and for the register file of the default map and of an extended one. No skip:
 * without the tools these tests fail.
 */
class AxiLintTest {

    private static List<Path> emit(ModuleSpec spec, String dir) {
        return Emitter.writeModules(List.of(spec), Path.of("target", "lint-rtl", dir));
    }

    private static Map<String, Object> p(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void dmaLintsCleanAtCorners() throws Exception {
        List<Path> files = emit(AxiDma.builder().build(), "axi-dma");
        StringBuilder problems = new StringBuilder();
        List<Map<String, Object>> corners = List.of(
                p("DATA_W", 64, "ADDR_W", 32, "ID_W", 1, "MAX_OUT", 1),
                p("DATA_W", 64, "ADDR_W", 64, "ID_W", 4, "MAX_OUT", 64, "RD_ID", 3, "WR_ID", 9),
                p("DATA_W", 128, "ADDR_W", 32, "ID_W", 8, "MAX_OUT", 64, "LEN_W", 32, "ROWS_W", 32),
                p("DATA_W", 128, "ADDR_W", 64, "ID_W", 1, "MAX_OUT", 4, "LEN_W", 8, "ROWS_W", 1),
                p("DATA_W", 256, "ADDR_W", 32, "ID_W", 1, "MAX_OUT", 64, "LEN_W", 17),
                p("DATA_W", 256, "ADDR_W", 64, "ID_W", 8, "MAX_OUT", 1, "LEN_W", 32, "ROWS_W", 32),
                p("DATA_W", 32, "ADDR_W", 32, "ID_W", 1, "MAX_OUT", 3),
                p("DATA_W", 1024, "ADDR_W", 64, "ID_W", 2, "MAX_OUT", 7));
        for (Map<String, Object> c : corners) {
            problems.append(Lint.run(files, "vitgen_axi_dma", c));
            problems.append(Lint.iverilog(files, "vitgen_axi_dma", c));
        }
        for (AxiDma.Direction d : List.of(AxiDma.Direction.READ, AxiDma.Direction.WRITE)) {
            ModuleSpec one = AxiDma.builder().port("wgt").direction(d).dataWidth(256).addrWidth(64).idWidth(2)
                    .maxOutstanding(8).build();
            List<Path> f = emit(one, "axi-dma-" + d);
            problems.append(Lint.run(f, one.name(), Map.of()));
            problems.append(Lint.iverilog(f, one.name(), Map.of()));
        }
        assertEquals("", problems.toString());
    }

    @Test
    void registerFileLintsClean() throws Exception {
        StringBuilder problems = new StringBuilder();
        RegisterMap base = RegisterMap.builder("vitgen_axil_regs").build();
        List<Path> f1 = emit(base.spec(), "axil-regs-base");
        problems.append(Lint.run(f1, "vitgen_axil_regs", Map.of()));
        problems.append(Lint.iverilog(f1, "vitgen_axil_regs", Map.of()));
        RegisterMap big = AxilRegsCosimTest.testMap("vitgen_axil_regs_test");
        List<Path> f2 = emit(big.spec(), "axil-regs-test");
        problems.append(Lint.run(f2, "vitgen_axil_regs_test", Map.of()));
        problems.append(Lint.iverilog(f2, "vitgen_axil_regs_test", Map.of()));
        assertEquals("", problems.toString());
    }
}
