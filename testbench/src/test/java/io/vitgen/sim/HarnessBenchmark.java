package io.vitgen.sim;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark (not a test): co-simulation speed through the Java API against a plain C++ loop over
 * the same verilated model (same executable, {@code --bench-loop}), on a 16x16 int8 MAC array,
 * plus cold, ccache-warm and cached build times. Usage in docs/cosim.md; optional argument: cycles.
 */
public final class HarnessBenchmark {
    private static final int ROW = 256;

    private HarnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long cycles = args.length > 0 ? Long.parseLong(args[0]) : 3_000_000L;
        List<Path> rtl = List.of(TestDuts.file("tdut_mac16.v"));
        String top = "tdut_mac16";
        System.out.println("HarnessBenchmark: " + top + " (16x16 int8 MACs, 256-bit input stream, 32-bit drain),"
                + " Verilator single-threaded");

        Path scratch = Files.createTempDirectory("vitgen-bench-");
        try {
            VerilatedModel cold = VerilatedModel.build(rtl, top, Map.of(),
                    BuildOptions.defaults().withCacheDir(scratch.resolve("a")).withCcache(false));
            VerilatedModel.build(rtl, top, Map.of(), BuildOptions.defaults().withCacheDir(scratch.resolve("b")));
            VerilatedModel warm = VerilatedModel.build(rtl, top, Map.of(),
                    BuildOptions.defaults().withCacheDir(scratch.resolve("c")));
            VerilatedModel cached = VerilatedModel.build(rtl, top, Map.of(),
                    BuildOptions.defaults().withCacheDir(scratch.resolve("c")));
            System.out.printf("build: cold (no ccache) %d ms; new cache entry, warm ccache %d ms; cached %d ms"
                    + " (fromCache=%b)%n", cold.buildMillis(), warm.buildMillis(), cached.buildMillis(),
                    cached.fromCache());

            VerilatedModel model = VerilatedModel.build(rtl, top);
            checkFirstRow(model);
            double cpp = cppLoop(model, cycles);
            javaApi(model, cycles / 10, null);  // JIT warm-up
            Path[] replay = new Path[1];
            double java = javaApi(model, cycles, replay);
            double replayed = replay(model, replay[0], cycles);
            System.out.printf("C++ loop:  %,d cycles, %,.0f cycles/s%n", cycles, cpp);
            System.out.printf("Java API:  %,d cycles, %,.0f cycles/s (1 beat in and 1 out per cycle, chunks of %d)%n",
                    cycles, java, 16 * ROW);
            System.out.printf("harness alone, replaying the Java run from a file: %,.0f cycles/s%n", replayed);
            System.out.printf("ratio Java API / C++ loop = %.3f (target >= 0.5)%n", java / cpp);

            // A toy DUT (32-bit register slice), comparable with the transport numbers in ANCHORS.md.
            VerilatedModel toy = VerilatedModel.build(List.of(TestDuts.file("tdut_axis_reg.v")), "tdut_axis_reg",
                    Map.of("DATA_W", "32"));
            double toyCpp = cppLoop(toy, cycles);
            double toyJava = javaApi(toy, cycles, null);
            System.out.printf("toy DUT (32-bit register slice): C++ loop %,.0f cycles/s, Java API %,.0f cycles/s,"
                    + " ratio %.3f%n", toyCpp, toyJava, toyJava / toyCpp);
        } finally {
            VerilatedModel.deleteTree(scratch);
        }
    }

    private static double cppLoop(VerilatedModel model, long cycles) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(model.executable().toString(), "--bench-loop", Long.toString(cycles))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bench loop failed: " + out);
        }
        Matcher m = Pattern.compile("cycles_per_second (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("unexpected bench loop output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double replay(VerilatedModel model, Path file, long cycles) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(model.executable().toString(), "--replay", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("replay failed: " + out);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Files.deleteIfExists(file);
        return cycles / secs;
    }

    private static List<Beat> beatPool(long seed, int n, int width) {
        Random rnd = new Random(seed);
        List<Beat> pool = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pool.add(Beat.of(new BigInteger(width, rnd), i % ROW == ROW - 1));
        }
        return pool;
    }

    /** Streams {@code cycles} beats through at one per cycle; returns cycles per second. */
    private static double javaApi(VerilatedModel model, long cycles, Path[] keptReplay) {
        int chunk = 16 * ROW;
        List<Beat> pool = beatPool(42, chunk, model.port("s_axis_tdata").width());
        try (Simulation sim = model.open(42)) {
            StreamSource src = sim.source("s_axis");
            StreamSink snk = sim.sink("m_axis");
            sim.reset(8);
            long start = sim.cycle();
            long outBeats = 0;
            long t0 = System.nanoTime();
            while (sim.cycle() - start < cycles) {
                src.pushAll(pool);
                sim.run(chunk);
                outBeats += snk.take().size();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long ran = sim.cycle() - start;
            if (keptReplay != null) {
                keptReplay[0] = sim.keepReplay();
            }
            if (src.pending() > 0 || outBeats < ran - 2 * ROW) {
                throw new IllegalStateException(model.top() + " did not stream at one beat per cycle: pending "
                        + src.pending() + ", out " + outBeats + " in " + ran + " cycles");
            }
            return ran / secs;
        }
    }

    /** Sanity check of the benchmark DUT against sums computed here (it is a test DUT, not a block). */
    private static void checkFirstRow(VerilatedModel model) {
        List<Beat> row = beatPool(7, ROW, 256);
        long[] expect = new long[256];
        for (Beat b : row) {
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 16; j++) {
                    expect[i * 16 + j] += b.signedLane(i, 8) * b.signedLane(16 + j, 8);
                }
            }
        }
        try (Simulation sim = model.open(7)) {
            StreamSource src = sim.source("s_axis", 700);
            StreamSink snk = sim.sink("m_axis", 700);
            sim.reset(2);
            src.pushAll(row);
            sim.runUntilSinksHave(256, 10_000);
            List<Beat> got = snk.take();
            for (int k = 0; k < 256; k++) {
                if ((int) got.get(k).dataLong() != (int) expect[k]) {
                    throw new IllegalStateException("MAC sum " + k + ": expected " + expect[k] + ", got "
                            + (int) got.get(k).dataLong());
                }
            }
        }
    }
}
