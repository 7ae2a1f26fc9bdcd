package io.vitgen.fpga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.Ice40Flow;

/**
 * The open flow runs end to end on generated RTL: Yosys synth_ice40, nextpnr-ice40 (HX8K) and
 * icepack turn the register file of the small configuration's accelerator top
 * ({@code <design>_top_regs}, the AXI4-Lite block of {@code filelist.f}) into a bitstream, with the
 * Fmax and the cells reported. Neither the whole top nor the GEMM engine fits the largest iCE40
 * (docs/fpga.md has the numbers; {@code ./bench ice40} tries them); this test is the small case.
 * Yosys, nextpnr-ice40 or icepack missing fails it.
 */
class Ice40FlowTest {

    @Test
    void registerFileOfTheSmallConfigurationToABitstream(@TempDir Path out) throws Exception {
        Path d = new DesignWriter(Ice40Bench.small().load(), s -> { }).write(out).dir();
        List<Path> files = new ArrayList<>();
        for (String f : Files.readAllLines(d.resolve("filelist.f"))) {
            files.add(d.resolve(f));
        }
        Path work = out.resolve("ice40");
        Ice40Flow.Result r = Ice40Flow.run(files, "vit_accel_top_regs", work, 50);
        System.out.println("iCE40: " + r);

        // the wrapper connects every port the module declares
        String module = Files.readString(d.resolve("rtl/vit_accel_top_regs.v"));
        String head = module.substring(module.indexOf("module vit_accel_top_regs"), module.indexOf(");"));
        long declared = head.lines().filter(l -> l.matches("\\s*(input|output)\\s.*")).count();
        Matcher m = Pattern.compile("(?m)^\\s+\\.\\w+\\(").matcher(Files.readString(work.resolve("vitgen_ice40_wrap.v")));
        int connected = 0;
        while (m.find()) {
            connected++;
        }
        assertEquals(declared, connected, "every port of the module is connected in the wrapper");

        assertTrue(Files.size(r.bitstream()) > 100_000 && r.bitstreamBytes() == Files.size(r.bitstream()),
                "icepack wrote the bitstream");
        assertEquals(7680, r.logicCellsAvailable(), "HX8K");
        assertTrue(r.logicCells() > 400 && r.logicCells() < r.logicCellsAvailable(), "logic cells " + r.logicCells());
        assertTrue(r.fmaxMhz() >= 50, "timing met at the 50 MHz target: " + r.fmaxMhz());
    }
}
