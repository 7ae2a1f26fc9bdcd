package io.vitgen.mac;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntGemm;
import io.vitgen.hw.MacArray;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.VerilatedModel;

/**
 * Benchmark (not a test): the DeiT-Tiny GEMMs of one encoder layer on a 16x16 int8 array,
 * every operand stream at full rate and the output always ready, fully simulated under
 * Verilator. Prints simulated cycles against the ideal M*K*N/(ROWS*COLS), the utilisation, the
 * simulation speed, and checks every output against the golden model.
 *
 * <p>Run (docs/mac.md): {@code mvn -q -o install -DskipTests && cd testbench && java -cp
 * target/test-classes:target/classes:../generator/target/vitgen.jar io.vitgen.mac.MacBenchmark
 * [ROWS COLS SEED [none|int8x2 [REQ_LANES]]]} (REQ_LANES defaults to mac.requant.lanes)
 */
public final class MacBenchmark {

    private MacBenchmark() {
    }

    record Gemm(String name, int m, int k, int n) {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 20240601L;
        boolean packed = args.length > 3 && args[3].equals("int8x2");
        // requantizer lanes: the configuration's default mac.requant.lanes unless given
        int reqLanes = Math.min(cols, args.length > 4 ? Integer.parseInt(args[4])
                : ConfigLoader.defaults().mac().requantLanes());
        MacArray.Shape shape = new MacArray.Shape(rows, cols, 8, 8, 32, 8, packed, reqLanes);
        List<Gemm> gemms = List.of(
                new Gemm("QKV projection", 197, 192, 576),
                new Gemm("q k^T (per head)", 197, 64, 197),
                new Gemm("attention x V (per head)", 197, 197, 64),
                new Gemm("output projection", 197, 192, 192),
                new Gemm("FC1", 197, 192, 768),
                new Gemm("FC2", 197, 768, 192));
        System.out.printf(Locale.ROOT, "vitgen_mac_gemm %dx%d, int8 x int8, 32-bit accumulators, int8 out, DSP packing %s,"
                + " %d requantizer lanes (back to back from K = %d, latency %d); seed %d%n", rows, cols,
                packed ? "int8x2" : "none", reqLanes, shape.backToBackK(), shape.latency(), seed);
        long t0 = System.nanoTime();
        VerilatedModel model = MacGemmCosimTest.build(shape);
        System.out.printf(Locale.ROOT, "Verilator build %.1f s%n%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("| GEMM (M x K x N) | tiles | simulated cycles | ideal M*K*N/(R*C) | utilisation"
                + " | tile-bound | sim cycles/s | bit-exact |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        Random rnd = new Random(seed);
        long totalCycles = 0;
        double totalIdeal = 0;
        double totalWall = 0;
        double totalCpu = 0;
        for (Gemm g : gemms) {
            GemmJob job = new GemmJob(shape, GemmJob.randomMatrix(rnd, g.m(), g.k(), 8),
                    GemmJob.randomMatrix(rnd, g.k(), g.n(), 8), GemmJob.randomBias(rnd, g.n()),
                    scales(rnd, g.n(), g.k()));
            try (Simulation sim = model.open(seed)) {
                sim.reset(2);
                MacGemmCosimTest.Streams s = MacGemmCosimTest.Streams.open(sim, new int[] {1000, 1000, 1000, 1000});
                long start = sim.cycle();
                job.push(s.a(), s.w(), s.chan());
                long w0 = System.nanoTime();
                long c0 = simulatorCpuNanos();
                sim.runUntilSinksHave(job.outputBeats(), 4L * job.tiles() * job.k() + 10_000);
                double wall = (System.nanoTime() - w0) / 1e9;
                totalCpu += (simulatorCpuNanos() - c0) / 1e9;
                List<Beat> beats = new ArrayList<>(s.out().beats());
                BeatChecker.assertRows(sim, s.out(), job.expectedTiles(), s.out().takeRows(8, true));
                long cycles = beats.get(beats.size() - 1).cycle() - start + 1;
                long tileBound = (long) job.tiles() * job.k();
                totalCycles += cycles;
                totalIdeal += job.idealCycles();
                totalWall += wall;
                System.out.printf(Locale.ROOT, "| %s %dx%dx%d | %d | %d | %.0f | %.1f%% | %.1f%% | %.2f M | yes |%n",
                        g.name(), g.m(), g.k(), g.n(), job.tiles(), cycles, job.idealCycles(),
                        100.0 * job.idealCycles() / cycles, 100.0 * tileBound / cycles,
                        (sim.cycle() - start) / wall / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "| all six | | %d | %.0f | %.1f%% | | %.2f M | |%n", totalCycles, totalIdeal,
                100.0 * totalIdeal / totalCycles, totalCycles / totalWall / 1e6);
        System.out.printf(Locale.ROOT, "%nutilisation = ideal / simulated; tile-bound = tiles*K / simulated (1.0 means"
                + " the array never idles between tiles; the rest is partial-tile waste: ceil(M/R)*ceil(N/C)*R*C vs M*N)."
                + "%nsimulation wall time %.1f s (Verilator run incl. the stream transport; building the beats and the"
                + " golden check not included)%nsimulator CPU time %.1f s: %.3f M cycles per CPU second (the Verilator"
                + " process, stream transport included; what the model costs on a loaded machine)%n", totalWall,
                totalCpu, totalCycles / totalCpu / 1e6);
        kSweep(model, shape, rnd, seed);
    }

    /**
     * Back-to-back limit and latency: 4 full tiles (2R x 2C outputs) for K around
     * {@link MacArray.Shape#backToBackK()} (2R + C + 1, or 2R + C/2 + 1 packed), at
     * full rate; prints the cycles per tile, and the latency of a single K = 1 tile.
     */
    private static void kSweep(VerilatedModel model, MacArray.Shape shape, Random rnd, long seed) {
        int r = shape.rows();
        int c = shape.cols();
        System.out.println();
        System.out.println("| K | tiles | cycles from first operand beat to last output | cycles - tiles*K |");
        System.out.println("|---:|---:|---:|---:|");
        int b2b = shape.backToBackK();
        for (int k : new int[] {1, b2b - 2, b2b - 1, b2b, b2b + 1, 64}) {
            for (int reps : k == 1 ? new int[] {1, 4} : new int[] {4}) {
                int m = reps == 1 ? r : 2 * r;
                int n = reps == 1 ? c : 2 * c;
                GemmJob job = new GemmJob(shape, GemmJob.randomMatrix(rnd, m, k, 8), GemmJob.randomMatrix(rnd, k, n, 8),
                        GemmJob.randomBias(rnd, n), scales(rnd, n, k));
                try (Simulation sim = model.open(seed)) {
                    sim.reset(2);
                    MacGemmCosimTest.Streams s = MacGemmCosimTest.Streams.open(sim, new int[] {1000, 1000, 1000, 1000});
                    long start = sim.cycle();
                    List<Beat> beats = MacGemmCosimTest.check(sim, s, job);
                    long first = beats.get(0).cycle() - start;
                    long cycles = beats.get(beats.size() - 1).cycle() - start + 1;
                    if (reps == 1) {
                        System.out.printf(Locale.ROOT, "| %d | 1 | first output row %d cycles after the first (and"
                                + " last) operand beat is offered | |%n", k, first);
                    } else {
                        System.out.printf(Locale.ROOT, "| %d | %d | %d | %d |%n", k, job.tiles(), cycles,
                                cycles - (long) job.tiles() * k);
                    }
                }
            }
        }
    }

    /** CPU time (user + system) of this JVM's child processes so far: the Verilator simulator. */
    private static long simulatorCpuNanos() {
        return ProcessHandle.current().descendants()
                .mapToLong(h -> h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
    }

    /** Realistic per-channel scales for int8 outputs of a K-long int8 reduction. */
    private static DyadicScale[] scales(Random rnd, int n, int k) {
        int accLog2 = 15 + IntGemm.ceilLog2(k) / 2;   // typical |acc| of random int8 data ~ 2^14 sqrt(K)
        DyadicScale[] s = new DyadicScale[n];
        for (int i = 0; i < n; i++) {
            s[i] = DyadicScale.fromRatio(Math.scalb(0.5 + rnd.nextDouble(), 7 - accLog2));
        }
        return s;
    }
}
