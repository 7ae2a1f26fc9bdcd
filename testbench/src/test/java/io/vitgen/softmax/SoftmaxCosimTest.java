package io.vitgen.softmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.golden.Seeds;
import io.vitgen.hw.softmax.SoftmaxUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import io.vitgen.softmax.SoftmaxHarness.Row;

/**
 * The softmax unit under Verilator, every output compared with the golden model (Shiftmax,
 * Log2Softmax): in each build, every X from 1 to 127 on a row holding all 256 int8 values, then
 * random rows of random lengths 1..MAX_ROW (uniform, narrow, all-equal, one-hot, extreme,
 * sum-clamp), X changing from row to row, random stalls on both streams and random initial
 * state; then latency and full-rate throughput with no stalls. Seeds: -Dvitgen.seed=N.
 */
class SoftmaxCosimTest {

    private static long seed(long fixed) {
        return Seeds.of("SoftmaxCosimTest", fixed);
    }

    /** Runs the whole plan on one build; returns the simulation's cycle count. */
    private static void runPlan(SoftmaxUnit.Params p, String name, long seed, int mixedRows) {
        System.out.println("softmax co-simulation " + name + " " + p + ", seed " + seed);
        if (p.maxRow() < 256) {
            throw new IllegalArgumentException("the plan sends rows of all 256 int8 values: MAX_ROW >= 256");
        }
        Random rnd = new Random(seed);
        VerilatedModel model = SoftmaxHarness.build(p, name);
        List<Row> everyX = SoftmaxRows.everyX(rnd);
        List<Row> mixed = SoftmaxRows.mixed(rnd, p.maxRow(), p.lanes(), mixedRows);
        mixed.addAll(SoftmaxRows.clampRows(rnd, p.maxRow(), 12));
        java.util.Collections.shuffle(mixed, rnd);
        if (p.log2()) {
            // every code 0..15 and the zero flag (lane value 16) occur in the expected outputs
            java.util.Set<Long> seen = new java.util.TreeSet<>();
            List<Row> all = new ArrayList<>(everyX);
            all.addAll(mixed);
            for (Row r : all) {
                for (long v : SoftmaxHarness.expected(r, p)) {
                    seen.add(v);
                }
            }
            assertEquals(17, seen.size(), "codes covered: " + seen);
        }
        if (p.maxRow() * 127L * 32768 >= (1L << 31)) {
            assertTrue(SoftmaxRows.clampedCount(mixed) >= 12, "the corpus reaches the sum clamp");
        }
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource in = sim.source("s_axis");
            StreamSink out = sim.sink("m_axis");
            sim.reset(5);
            SoftmaxHarness.sendAndCheck(sim, in, out, p, everyX, rnd, false);
            SoftmaxHarness.sendAndCheck(sim, in, out, p, mixed, rnd, false);
            checkLatencyAndThroughput(sim, in, out, p, rnd);
            SoftmaxHarness.finish(sim, out, p, false);
            System.out.println("softmax co-simulation " + name + ": " + (everyX.size() + mixed.size())
                    + " rows, " + sim.cycle() + " cycles");
        }
    }

    /**
     * No stalls: a lone row comes out exactly {@link SoftmaxUnit#latency} cycles after its last
     * beat went in, and back-to-back rows (DeiT-Tiny's 197 and the maximum) leave one beat per
     * cycle without a gap.
     */
    private static void checkLatencyAndThroughput(Simulation sim, StreamSource in, StreamSink out,
            SoftmaxUnit.Params p, Random rnd) {
        in.setValidPermille(1000);
        out.setReadyPermille(1000);
        for (int len : new int[] {1, Math.min(197, p.maxRow()), p.maxRow()}) {
            Row row = SoftmaxRows.uniform(rnd, len, 1 + rnd.nextInt(127));
            List<Beat> beats = SoftmaxHarness.beats(row, p.lanes());
            long start = sim.cycle();
            in.pushAll(beats);
            sim.runUntilSinksHave(beats.size(), 100_000);
            List<Beat> got = new ArrayList<>(out.beats());
            SoftmaxHarness.check(sim, out, List.of(row), List.of(SoftmaxHarness.expected(row, p)),
                    out.takeRows(p.laneOutBits(), false));
            long lastIn = start + beats.size() - 1;
            long latency = got.get(0).cycle() - lastIn;
            if (latency != SoftmaxUnit.latency(p, beats.size())) {
                BeatChecker.fail(sim, out, "latency of a lone row of " + len + " elements is " + latency
                        + " cycles, documented " + SoftmaxUnit.latency(p, beats.size()));
            }
            Integer pinned = pinnedLatency(p, len);
            if (pinned != null && latency != pinned) {
                BeatChecker.fail(sim, out, "latency of a lone row of " + len + " elements is " + latency
                        + " cycles, docs/softmax.md states " + pinned);
            }
        }
        for (int len : new int[] {Math.min(197, p.maxRow()), p.maxRow()}) {
            if ((len + p.lanes() - 1) / p.lanes() < p.minFullRateBeats()) {
                continue; // one division per row does not keep up with rows this short
            }
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                rows.add(SoftmaxRows.uniform(rnd, len, 1 + rnd.nextInt(127)));
            }
            int total = SoftmaxHarness.beatCount(rows, p.lanes());
            for (Row r : rows) {
                in.pushAll(SoftmaxHarness.beats(r, p.lanes()));
            }
            sim.runUntilSinksHave(total, 100L * total + 10_000);
            List<Beat> got = new ArrayList<>(out.beats());
            List<long[]> want = rows.stream().map(r -> SoftmaxHarness.expected(r, p)).toList();
            SoftmaxHarness.check(sim, out, rows, want, out.takeRows(p.laneOutBits(), false));
            long span = got.get(got.size() - 1).cycle() - got.get(0).cycle();
            if (span != total - 1) {
                BeatChecker.fail(sim, out, "12 back-to-back rows of " + len + " elements (" + total
                        + " beats) left over " + (span + 1) + " cycles, not one beat per cycle");
            }
        }
    }

    /**
     * Latencies pinned to the literal numbers of docs/softmax.md (derived by hand there, not by the
     * builder's formula): LANES 4, B = 50 beats (197 keys) or 256 (1024 keys), clog2(4) = 2:
     * linear B + 4 + 48 = 102 / 308, log2 B + 4 + 18 = 72 / 278.
     */
    private static Integer pinnedLatency(SoftmaxUnit.Params p, int len) {
        if (p.lanes() != 4 || p.maxRow() != 1024 || (len != 197 && len != 1024)) {
            return null;
        }
        return p.log2() ? (len == 197 ? 72 : 278) : (len == 197 ? 102 : 308);
    }

    @Test
    void fourLanesLinear16() {
        runPlan(new SoftmaxUnit.Params(4, 1024, false, 16), "l4-lin16-iter", seed(0x50F7_0004L), 260);
    }

    @Test
    void fourLanesLog2() {
        runPlan(new SoftmaxUnit.Params(4, 1024, true, 16), "l4-log2", seed(0x50F7_1004L), 260);
    }

    @Test
    void oneLaneLinear8PipelinedDivider() {
        runPlan(new SoftmaxUnit.Params(1, 1024, false, 8, true, 1), "l1-lin8-pipe", seed(0x50F7_0001L), 90);
    }

    @Test
    void eightLanesLinear16TwoDividers() {
        // DeiT rows are 25 beats here: two iterative dividers take them in turn
        runPlan(new SoftmaxUnit.Params(8, 512, false, 16, false, 2), "l8-lin16-bank2", seed(0x50F7_0008L), 160);
    }

    @Test
    void oneLaneLog2() {
        runPlan(new SoftmaxUnit.Params(1, 300, true, 16), "l1-log2", seed(0x50F7_1001L), 140);
    }

    /** 16 lanes, 8-bit linear output, a bank of three iterative dividers (rows of 13 beats). */
    @Test
    void sixteenLanesLinear8ThreeDividers() {
        runPlan(new SoftmaxUnit.Params(16, 512, false, 8, false, 3), "l16-lin8-bank3", seed(0x50F7_0016L), 40);
    }

    @Test
    void twoLanesLog2() {
        runPlan(new SoftmaxUnit.Params(2, 259, true, 16), "l2-log2", seed(0x50F7_1002L), 60);
    }

    /** MAX_ROW = 4096: lone rows of 1 and 4096 elements, 12 back-to-back 4096-element rows. */
    @Test
    void maxRow4096() {
        runPlan(new SoftmaxUnit.Params(8, 4096, false, 16), "l8-lin16-r4096", seed(0x50F7_4096L), 12);
    }

    /**
     * A row longer than MAX_ROW is cut after ceil(MAX_ROW / LANES) beats; the rest is a new row.
     * status_row_cut is low before, rises with the beat that cuts the row, stays high through a
     * normal row and is cleared by reset.
     */
    @Test
    void overlongRowIsCut() {
        SoftmaxUnit.Params p = new SoftmaxUnit.Params(4, 1024, false, 16);
        long seed = seed(0x50F7_CCC1L);
        System.out.println("softmax co-simulation overlong row " + p + ", seed " + seed);
        Random rnd = new Random(seed);
        VerilatedModel model = SoftmaxHarness.build(p, "l4-lin16-iter");
        Row normal = SoftmaxRows.uniform(rnd, 1024, 17);
        Row longRow = SoftmaxRows.uniform(rnd, 1024 + 6, 9);
        List<Beat> longBeats = SoftmaxHarness.beats(longRow, p.lanes());
        Row head = new Row(java.util.Arrays.copyOf(longRow.x(), 1024), 9, "cut head");
        // the rest is a new row: its X is the one its first beat (beat 256) carries in cfg_x
        Row tail = new Row(java.util.Arrays.copyOfRange(longRow.x(), 1024, 1030), (int) longBeats.get(256).user(),
                "cut tail");
        Row after = SoftmaxRows.uniform(rnd, 197, 40);
        try (Simulation sim = model.open(seed)) {
            StreamSource in = sim.source("s_axis", 700);
            StreamSink out = sim.sink("m_axis", 600);
            sim.reset(3);
            // a row of exactly MAX_ROW elements is not cut
            in.pushAll(SoftmaxHarness.beats(normal, p.lanes()));
            sim.runUntilSinksHave(256, 100_000);
            SoftmaxHarness.check(sim, out, List.of(normal), List.of(SoftmaxHarness.expected(normal, p)),
                    out.takeRows(p.laneOutBits(), false));
            SoftmaxHarness.assertRowCut(sim, out, false);
            // the first MAX_BEATS - 1 beats of the long row: nothing cut yet
            in.pushAll(longBeats.subList(0, 255));
            sim.run(2_000);
            SoftmaxHarness.assertRowCut(sim, out, false);
            in.pushAll(longBeats.subList(255, longBeats.size()));
            sim.runUntilSinksHave(258, 100_000);
            SoftmaxHarness.check(sim, out, List.of(head, tail),
                    List.of(SoftmaxHarness.expected(head, p), SoftmaxHarness.expected(tail, p)),
                    out.takeRows(p.laneOutBits(), false));
            SoftmaxHarness.assertRowCut(sim, out, true);
            // sticky: a normal row afterwards is processed correctly and does not clear it
            in.pushAll(SoftmaxHarness.beats(after, p.lanes()));
            sim.runUntilSinksHave(50, 100_000);
            SoftmaxHarness.check(sim, out, List.of(after), List.of(SoftmaxHarness.expected(after, p)),
                    out.takeRows(p.laneOutBits(), false));
            SoftmaxHarness.finish(sim, out, p, true);
            sim.reset(3);
            SoftmaxHarness.assertRowCut(sim, out, false);
        }
    }
}
