package io.vitgen.fpga;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;
import io.vitgen.emit.Resources;

/**
 * {@code ./bench top-yosys}: {@code vitgen generate} with {@code synth.yosys=on} on the small
 * configuration (2 x 2 array, one-lane units, a tiny custom model, 64-bit memory port; the shape of
 * {@link Ice40Bench#small()} on the default Xilinx part): Yosys {@code synth_xilinx -family xcup}
 * maps the whole accelerator top and report.md's "Resources" table carries its cells. Prints the
 * table and the wall-clock time, and fails loudly when the table is missing, inconsistent with what
 * the generator measured, or not sane for this top. Flattened, this run did not finish within the
 * generator's 30-minute cap; hierarchically it takes about 10 CPU minutes (docs/fpga.md), too long
 * for ./test.
 */
public final class TopYosysBench {

    private TopYosysBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Files.createTempDirectory("vitgen-top-yosys-");
        long t0 = System.nanoTime();
        ConfigLoader l = new ConfigLoader();
        for (String s : List.of("mac.rows=2", "mac.cols=2", "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1",
                "model.preset=custom", "model.tokens=8", "model.channels=16", "model.heads=2", "model.mlp=32",
                "softmax.max.row=8", "layernorm.max.channels=16", "gelu.max.row=32", "target.mem.bits=64",
                "target.clock.mhz=200", "synth.yosys=on")) {
            l.set(s);
        }
        DesignWriter.Result res = new DesignWriter(l.load(), System.out::println).write(out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String report = Files.readString(res.dir().resolve("report.md"));
        String section = report.substring(report.indexOf("## Resources"), report.indexOf("## Configuration"));
        assertTrue(section.contains("synth_xilinx -family xcup"), section);

        // the table's rows: block | LUT | FF | DSP48E2 | RAMB36 | RAMB18 | CARRY
        List<long[]> rows = new ArrayList<>();
        long[] top = null;
        long[] all = null;
        for (String line : section.lines().toList()) {
            String[] c = line.split("\\|");
            if (c.length < 8 || !c[2].trim().matches("\\d+")) {
                continue;
            }
            long[] v = new long[6];
            for (int i = 0; i < 6; i++) {
                v[i] = Long.parseLong(c[i + 2].trim());
            }
            if (c[1].trim().equals("`vit_accel_top`")) {
                top = v;
            } else if (c[1].trim().startsWith("all")) {
                all = v;
            }
            rows.add(v);
        }
        assertTrue(top != null && all != null, "report.md lists the top and the total:\n" + section);
        assertTrue(section.contains("share of"), "the share of the default part is given:\n" + section);

        // every block is inside the top at this configuration: the total is the top's row
        assertEquals(2, (Object) rows.size(), "one row for the top, one for the total:\n" + section);
        for (int i = 0; i < 6; i++) {
            assertEquals(top[i], all[i], "column " + i + " of the total");
        }
        // the numbers report.md prints are the ones the generator measured
        Resources r = res.resources().get(0);
        assertEquals("vit_accel_top", r.module());
        assertEquals(List.of(r.luts(), r.flipFlops(), r.dsps(), r.bram36(), r.bram18(), r.carry()),
                List.of(top[0], top[1], top[2], top[3], top[4], top[5]));

        // sane for the whole top of this configuration: the four 8 x 8 products of the 2 x 2 array
        // (mac.dsp.packing=none: one multiplier each) need a DSP48E2 apiece, and the requantizers' 32-bit
        // multipliers need more; the 64-bit DMA, the controller's queues and the seven buffer spaces'
        // control alone are thousands of LUTs and flip-flops; the buffers are block RAM or LUT RAM
        assertTrue(top[2] >= 4 && top[2] < 200, "DSP48E2 " + top[2]);
        assertTrue(top[0] > 5_000 && top[0] < 150_000, "LUT " + top[0]);
        assertTrue(top[1] > 5_000 && top[1] < 150_000, "FF " + top[1]);
        assertTrue(top[5] > 100, "CARRY8 " + top[5]);
        assertTrue(!section.contains("Not synthesized"), section);
        System.out.print(section);
        System.out.printf("generate with synth.yosys=on: %.0f s wall clock (work folder %s)%n", seconds, out);
    }

    private static void assertTrue(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void assertEquals(Object expected, Object actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static void assertEquals(Object expected, Object actual) {
        assertEquals(expected, actual, "value");
    }
}
