package io.vitgen.softmax;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.hw.softmax.AttnShiftUnit;
import io.vitgen.hw.softmax.Log2CodeCell;
import io.vitgen.hw.softmax.ShiftExpCell;
import io.vitgen.hw.softmax.SoftmaxUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import io.vitgen.softmax.SoftmaxHarness.Row;

/**
 * Benchmark (not a test) of the softmax unit and the attention x V shift unit: simulated cycles,
 * elements per cycle and latency for DeiT-Tiny attention (3 heads x 197 rows of 197 scores) and
 * for rows of the maximum length, every stream at full rate, every output checked against the
 * golden model; then Yosys resources. Run (see docs/softmax.md):
 * <pre>
 * mvn -q -o -pl testbench -am package -DskipTests
 * java -cp testbench/target/test-classes:testbench/target/classes:generator/target/vitgen.jar \
 *      io.vitgen.softmax.SoftmaxBenchmark [seed] [--no-synth]
 * </pre>
 */
public final class SoftmaxBenchmark {

    private SoftmaxBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long seed = args.length > 0 && !args[0].startsWith("--") ? Long.parseLong(args[0]) : 20260101L;
        boolean synth = !List.of(args).contains("--no-synth");
        List<SoftmaxUnit.Params> units = List.of(
                new SoftmaxUnit.Params(4, 1024, false, 16),
                new SoftmaxUnit.Params(4, 1024, true, 16),
                new SoftmaxUnit.Params(8, 1024, false, 16, false, 2),
                new SoftmaxUnit.Params(1, 1024, false, 16));
        System.out.println("softmax unit, seed " + seed + ", full rate, outputs checked against the golden model");
        System.out.println("| unit | workload | elements | cycles | elements/cycle | steady elements/cycle "
                + "| latency last-in -> first-out | first-in -> first-out |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (SoftmaxUnit.Params p : units) {
            VerilatedModel model = SoftmaxHarness.build(p, "bench-" + name(p));
            Random rnd = new Random(seed);
            List<Row> deit = new ArrayList<>();
            for (int head = 0; head < 3; head++) {
                int X = 8 + rnd.nextInt(24); // a typical score scale 1/8 .. 1/32
                for (int q = 0; q < 197; q++) {
                    deit.add(SoftmaxRows.uniform(rnd, 197, X));
                }
            }
            List<Row> longest = new ArrayList<>();
            for (int r = 0; r < 48; r++) {
                longest.add(SoftmaxRows.uniform(rnd, p.maxRow(), 1 + rnd.nextInt(127)));
            }
            run(model, p, "DeiT-Tiny attention 3 x 197 x 197", deit, seed);
            run(model, p, "48 rows of " + p.maxRow(), longest, seed);
        }
        attention(seed);
        if (synth) {
            resources(units);
        }
    }

    private static String name(SoftmaxUnit.Params p) {
        return "l" + p.lanes() + "-" + (p.log2() ? "log2" : "lin" + p.outBits())
                + (p.log2() ? "" : p.divPipelined() ? "-pipe" : "-div" + p.dividers());
    }

    private static void run(VerilatedModel model, SoftmaxUnit.Params p, String what, List<Row> rows, long seed) {
        try (Simulation sim = model.open(seed)) {
            StreamSource in = sim.source("s_axis");
            StreamSink out = sim.sink("m_axis");
            sim.reset(4);
            int beats = SoftmaxHarness.beatCount(rows, p.lanes());
            long elements = rows.stream().mapToLong(r -> r.x().length).sum();
            int firstRowBeats = (rows.get(0).x().length + p.lanes() - 1) / p.lanes();
            for (Row r : rows) {
                in.pushAll(SoftmaxHarness.beats(r, p.lanes()));
            }
            long start = sim.cycle();
            long wall = System.nanoTime();
            sim.runUntilSinksHave(beats, 100L * beats + 100_000);
            double seconds = (System.nanoTime() - wall) / 1e9;
            List<Beat> got = new ArrayList<>(out.beats());
            List<long[]> want = rows.stream().map(r -> SoftmaxHarness.expected(r, p)).toList();
            SoftmaxHarness.check(sim, out, rows, want, out.takeRows(p.laneOutBits(), false));
            long first = got.get(0).cycle();
            long last = got.get(got.size() - 1).cycle();
            long cycles = last - start + 1;
            // inputs are taken one beat per cycle from `start` (the unit never stalls them here)
            long latency = first - (start + firstRowBeats - 1);
            System.out.printf("| %s | %s | %d | %d | %.3f | %.3f | %d | %d |%n", name(p), what, elements, cycles,
                    (double) elements / cycles, (double) elements / (last - first + 1), latency, first - start);
            System.err.printf("  (%s: %.2f M simulated cycles/s)%n", name(p), cycles / seconds / 1e6);
        }
    }

    /** One DeiT-Tiny head of attention x V by shifts: 197 query rows x 197 keys x 64 columns. */
    private static void attention(long seed) {
        AttnShiftUnit.Params ap = new AttnShiftUnit.Params(4, 16, 64, AttnShiftUnit.accBits(1024));
        Path dir = Path.of("target", "rtl", "attn-bench");
        List<java.nio.file.Path> files = Emitter.writeModules(List.of(AttnShiftUnit.spec(ap)), dir);
        VerilatedModel model = VerilatedModel.build(files, AttnShiftUnit.NAME, ap.verilogParameters());
        Random rnd = new Random(seed);
        try (Simulation sim = model.open(seed)) {
            StreamSource codes = sim.source("s_axis_code");
            StreamSource vs = sim.source("s_axis_v");
            StreamSink out = sim.sink("m_axis");
            sim.reset(4);
            long[][] v = new long[197][64];
            for (long[] r : v) {
                for (int j = 0; j < 64; j++) {
                    r[j] = rnd.nextInt(256) - 128;
                }
            }
            List<long[]> want = new ArrayList<>();
            for (int q = 0; q < 197; q++) {
                Log2Softmax.Result g = Log2Softmax.apply(SoftmaxRows.uniform(rnd, 197, 16).x(), 16);
                for (int at = 0; at < 197; at += 4) {
                    int k = Math.min(4, 197 - at);
                    long[] lanes = new long[4];
                    for (int i = 0; i < k; i++) {
                        lanes[i] = g.zero()[at + i] ? 16 : g.code()[at + i];
                    }
                    codes.push(Beat.ofLanes(lanes, 5, at + 4 >= 197, (1L << k) - 1));
                }
                for (long[] r : v) {
                    for (int at = 0; at < 64; at += 16) {
                        vs.push(Beat.ofLanes(java.util.Arrays.copyOfRange(r, at, at + 16), 8, false, 0));
                    }
                }
                want.add(Log2Softmax.attentionTimesV(g.code(), g.zero(), v));
            }
            long start = sim.cycle();
            sim.runUntilSinksHave(197 * 4, 10_000_000);
            List<Beat> got = new ArrayList<>(out.beats());
            io.vitgen.sim.BeatChecker.assertRows(sim, out, want, out.takeRows(ap.accW(), true));
            long cycles = got.get(got.size() - 1).cycle() - start + 1;
            long shiftAdds = 197L * 197 * 64;
            System.out.printf("%nattention x V by shifts, one DeiT-Tiny head (197 x 197 keys x 64), %s: %d cycles, "
                    + "%.2f shift-adds/cycle (ideal %d), all 197 x 64 sums checked%n", ap, cycles,
                    (double) shiftAdds / cycles, ap.vLanes());
        }
    }

    private static void resources(List<SoftmaxUnit.Params> units) throws Exception {
        System.out.println();
        System.out.println("Yosys synth_xilinx -family xcup (LUT includes LUT-RAM and SRL; CARRY4 not counted)");
        System.out.println("| module | parameters | LUT | FF | DSP | RAMB36 | RAMB18 | seconds |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        Path dir = Path.of("target", "rtl", "softmax-synth");
        List<Path> files = Emitter.writeModules(List.of(SoftmaxUnit.spec(units.get(0)),
                AttnShiftUnit.spec(new AttnShiftUnit.Params(4, 16, 64, 33))), dir);
        synth(files, ShiftExpCell.class.getSimpleName(), "vitgen_softmax_exp", Map.of("LANES", 4L));
        synth(files, Log2CodeCell.class.getSimpleName(), "vitgen_softmax_log2code", Map.of("LANES", 4L));
        for (SoftmaxUnit.Params p : units) {
            Map<String, Long> g = new java.util.LinkedHashMap<>();
            p.verilogParameters().forEach((k, v) -> g.put(k, Long.parseLong(v)));
            synth(files, name(p), SoftmaxUnit.NAME, g);
        }
        Map<String, Long> a = new java.util.LinkedHashMap<>();
        new AttnShiftUnit.Params(4, 16, 64, 33).verilogParameters().forEach((k, v) -> a.put(k, Long.parseLong(v)));
        synth(files, "DeiT-Tiny head", AttnShiftUnit.NAME, a);
    }

    private static void synth(List<Path> files, String label, String top, Map<String, Long> params) throws Exception {
        long t0 = System.nanoTime();
        Resources r = Synthesis.run(files, top, params);
        System.out.printf("| %s | %s %s | %d | %d | %d | %d | %d | %.0f |%n", top, label, params, r.luts(), r.flipFlops(),
                r.dsps(), r.bram36(), r.bram18(), (System.nanoTime() - t0) / 1e9);
    }
}
