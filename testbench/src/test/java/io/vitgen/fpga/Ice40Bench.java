package io.vitgen.fpga;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.Ice40Flow;

/**
 * {@code ./bench ice40}: the open flow (Yosys synth_ice40, nextpnr-ice40 on an HX8K, icepack) on the
 * small configuration (2 x 2 array, one-lane units, a tiny custom model, 64-bit memory port): the
 * top's register file, the GELU unit, and the whole accelerator top; prints the logic cells, block
 * RAMs, Fmax and run time of each, or why it does not fit. Several minutes.
 */
public final class Ice40Bench {

    private Ice40Bench() {
    }

    /** The small configuration of the iCE40 flow. */
    static ConfigLoader small() throws Exception {
        ConfigLoader l = new ConfigLoader();
        for (String s : List.of("mac.rows=2", "mac.cols=2", "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1",
                "model.preset=custom", "model.tokens=8", "model.channels=16", "model.heads=2", "model.mlp=32",
                "softmax.max.row=8", "layernorm.max.channels=16", "gelu.max.row=32", "target.mem.bits=64",
                "target.clock.mhz=50", "target.vendor=generic", "target.part=ice40hx8k")) {
            l.set(s);
        }
        return l;
    }

    public static void main(String[] args) throws Exception {
        Path out = Files.createTempDirectory("vitgen-ice40-");
        Path d = new DesignWriter(small().load(), s -> { }).write(out).dir();
        List<Path> top = list(d, "filelist.f");
        List<Path> blocks = list(d, DesignWriter.BLOCKS_FILELIST);
        String[][] runs = {{"vit_accel_top_regs", "top"}, {"vitgen_shiftgelu", "blocks"}, {"vit_accel_top", "top"}};
        for (String[] r : runs) {
            try {
                Ice40Flow.Result res = Ice40Flow.run("top".equals(r[1]) ? top : blocks, r[0], out.resolve(r[0]), 50);
                System.out.println(res);
            } catch (java.io.IOException e) {
                String msg = e.getMessage();
                String why = msg.lines().filter(l -> l.contains("ERROR") || l.contains("Error") || l.contains("failed"))
                        .findFirst().orElse(msg.lines().findFirst().orElse(""));
                System.out.println(r[0] + " on iCE40HX8K: does not complete: " + why.trim());
                Path yosysLog = out.resolve(r[0]).resolve("nextpnr.log");
                if (Files.exists(yosysLog)) {
                    Files.readAllLines(yosysLog).stream().filter(l -> l.contains("ICESTORM_LC") || l.contains("ICESTORM_RAM")
                            || l.contains("SB_IO")).limit(4).forEach(l -> System.out.println("    " + l.trim()));
                }
            }
        }
        System.out.println("(work folder " + out + ")");
    }

    private static List<Path> list(Path d, String f) throws Exception {
        List<Path> out = new ArrayList<>();
        for (String l : Files.readAllLines(d.resolve(f))) {
            out.add(d.resolve(l));
        }
        return out;
    }
}
