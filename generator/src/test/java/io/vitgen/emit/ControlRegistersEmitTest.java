package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.hw.axi.ControlRegisters;
import io.vitgen.hw.axi.RegisterMap;

/**
 * {@code vitgen generate} emits the control register file, the DMA, the C header and the report's
 * register table from one map ({@link ControlRegisters#map}).
 */
class ControlRegistersEmitTest {

    @Test
    void theDesignCarriesRegisterFileDmaHeaderAndTableFromOneMap(@TempDir Path out) throws Exception {
        Config c = new ConfigLoader().set("mac.rows=8").set("mac.cols=4").load();
        DesignWriter.Result r = new DesignWriter(c, s -> { }).write(out);
        Path d = r.dir();
        RegisterMap map = ControlRegisters.map(c);

        List<String> filelist = Files.readAllLines(d.resolve("filelist.f"));
        for (String f : List.of("rtl/vitgen_control.v", "rtl/vitgen_axi_dma.v", "rtl/vitgen_axi_dma_rd.v",
                "rtl/vitgen_axi_dma_wr.v")) {
            assertTrue(filelist.contains(f), "filelist.f lists " + f);
        }
        assertTrue(filelist.indexOf("rtl/vitgen_axi_dma_rd.v") < filelist.indexOf("rtl/vitgen_axi_dma.v"),
                "engines before the wrapper");
        assertEquals(map.spec().name(), "vitgen_control");

        // the C header: written, listed in the manifest with its hash, every register named
        String headerName = "sw/vit_accel_regs.h";
        assertEquals(headerName, DesignWriter.headerPath(c));
        String header = Files.readString(d.resolve(headerName), StandardCharsets.UTF_8);
        assertEquals(map.cHeader(), header);
        String manifest = Files.readString(d.resolve("manifest.json"));
        assertTrue(manifest.contains("\"path\": \"" + headerName + "\"")
                && manifest.contains(Manifest.sha256(header.getBytes(StandardCharsets.UTF_8))), manifest);
        for (RegisterMap.Register reg : map.registers()) {
            assertTrue(header.contains("#define VITGEN_CONTROL_" + reg.name() + "_OFFSET"), reg.name());
        }
        assertTrue(header.contains(String.format("#define VITGEN_CONTROL_CONFIG_RESET%s0x%08Xu",
                " ".repeat(48 - "VITGEN_CONTROL_CONFIG_RESET".length()), 0x0808_0408L)), "CONFIG = rows, cols, bits");

        // the report's table is the map's table, plus the DMA's values
        String report = Files.readString(d.resolve("report.md"), StandardCharsets.UTF_8);
        assertTrue(report.contains("## Control registers\n"), report);
        assertTrue(report.contains(map.markdownTable()), "report.md holds RegisterMap.markdownTable()");
        assertTrue(report.contains("### `vitgen_control`") && report.contains("### `vitgen_axi_dma`"));
        assertTrue(report.contains("128-bit data, 64-bit addresses"), "default part is a Zynq UltraScale+");

        // the header compiles on its own and in a translation unit that uses it
        Path unit = out.resolve("use_regs.c");
        Files.writeString(unit, "#include \"" + d.resolve(headerName) + "\"\n#include \"" + d.resolve(headerName)
                + "\"\nunsigned start_offset(void) { return VITGEN_CONTROL_CONTROL_OFFSET + VITGEN_CONTROL_STATUS_MASK; }\n");
        assertEquals("", cc(d.resolve(headerName)), "the header alone");
        assertEquals("", cc(unit), "the header included twice and used");
    }

    @Test
    void dmaAddressWidthFollowsThePart() throws Exception {
        Config zynq = ConfigLoader.defaults();
        assertEquals(64, ControlRegisters.dmaAddrWidth(zynq));
        Config artix = new ConfigLoader().set("target.part=xc7a100tcsg324-1").load();
        assertEquals(32, ControlRegisters.dmaAddrWidth(artix));
        assertTrue(Report.controlRegisters(artix).contains("128-bit data, 32-bit addresses"));
    }

    /** {@code cc -Wall -Werror -fsyntax-only}: what it printed, or the empty string. */
    private static String cc(Path file) throws IOException, InterruptedException {
        List<String> cmd = List.of("cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-x", "c",
                file.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run cc (" + e.getMessage() + "); install it with apt-get install -y gcc", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("cc timed out");
        }
        return p.exitValue() != 0 && text.isBlank() ? "cc exited with " + p.exitValue() : text;
    }
}
