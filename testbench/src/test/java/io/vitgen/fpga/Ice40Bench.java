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
 * RAMs, Fmax and run time of each, or why it does not fit. For the whole top it first prints the
 * iCE40 cells of each instance inside it (Yosys {@code synth_ice40 -noflatten}) and runs place and
 * route only when that lower bound fits the HX8K. Tens of minutes on a loaded machine.
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
            if (r[0].equals("vit_accel_top")) {
                long t0 = System.nanoTime();
                List<Ice40Flow.ModuleCells> cells = Ice40Flow.cellsByInstance(top, r[0], out.resolve("hier"));
                System.out.printf("%s, synth_ice40 -noflatten (%.0f s): per instance%n", r[0], (System.nanoTime() - t0) / 1e9);
                System.out.println("| instance | module | SB_LUT4 | SB_DFF* | SB_CARRY | SB_RAM40_4K | LC at least |");
                for (Ice40Flow.ModuleCells c : cells) {
                    System.out.printf("| %s | %s | %,d | %,d | %,d | %d | %,d |%n", c.instance(),
                            c.module().replaceAll("^\\$paramod\\$?[0-9a-f]*\\\\?", "").replaceAll("\\\\.*", ""),
                            c.lut4(), c.dff(), c.carry(), c.ram(), c.logicCellsAtLeast());
                }
                Ice40Flow.ModuleCells total = cells.get(cells.size() - 1);
                if (total.logicCellsAtLeast() > 7680 || total.ram() > 32) {
                    System.out.println(r[0] + " on iCE40HX8K: does not fit (at least " + total.logicCellsAtLeast()
                            + " of 7,680 logic cells, " + total.ram() + " of 32 RAM4K); place and route skipped");
                    continue;
                }
            }
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
