package io.vitgen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.golden.Seeds;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stream source/sink drivers, the contract monitor and the failure report, on a hand-written slice. */
class StreamDriverTest {

    private static VerilatedModel slice(int dataW, boolean breakContract) {
        return VerilatedModel.build(List.of(TestDuts.file("tdut_axis_reg.v")), "tdut_axis_reg",
                Map.of("DATA_W", Integer.toString(dataW), "BREAK_CONTRACT", breakContract ? "1" : "0"));
    }

    private static List<Beat> randomBeats(Random rnd, int n, int dataW) {
        List<Beat> beats = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            beats.add(Beat.of(new BigInteger(dataW, rnd), rnd.nextInt(7) == 0)
                    .withKeep(rnd.nextInt(16)).withUser(rnd.nextInt(8)));
        }
        return beats;
    }

    @Test
    void wideBeatsPassUnchangedUnderRandomStallsOnBothSides() {
        long seed = Seeds.of("StreamDriverTest", 0xA5A5_0002L);
        Random rnd = new Random(seed);
        List<Beat> sent = randomBeats(rnd, 30_000, 100);
        try (Simulation sim = slice(100, false).open(seed)) {
            StreamSource src = sim.source("s_axis", 600);
            StreamSink snk = sim.sink("m_axis", 450);
            sim.reset(4);
            // fed in chunks, as a long test would
            for (int at = 0; at < sent.size(); at += 7_000) {
                src.pushAll(sent.subList(at, Math.min(sent.size(), at + 7_000)));
                sim.runUntilSinksHave(Math.min(sent.size(), at + 7_000), 1_000_000);
            }
            List<Beat> got = snk.take();
            BeatChecker.assertBeats(sim, snk, sent, got);
            for (int i = 1; i < got.size(); i++) {
                assertTrue(got.get(i).cycle() > got.get(i - 1).cycle(), "one transfer per cycle at most");
            }
            assertEquals(0, src.pending());
            // about 0.6 * 0.45 transfers per cycle are possible; the slice must not lose throughput
            double perCycle = got.size() / (double) (sim.cycle() - 4);
            assertTrue(perCycle > 0.2 && perCycle < 0.5, "transfers per cycle " + perCycle);
        }
    }

    @Test
    void rowsSplitIntoLanesWithOneKeepBitPerLane() {
        try (Simulation sim = slice(32, false).open(5)) {
            StreamSource src = sim.source("s_axis", 700);
            StreamSink snk = sim.sink("m_axis", 700);
            sim.reset(2);
            long[] row = new long[] {-128, 127, 5, -1, 0, 42, -7};   // 7 int8 values: 2 beats
            long[] row2 = new long[] {9};
            src.pushRow(row, 8).pushRow(row2, 8);
            sim.runUntilSinksHave(3, 1000);
            List<Beat> beats = snk.beats();
            assertEquals(0xFL, beats.get(0).keep());
            assertEquals(0x7L, beats.get(1).keep());
            assertTrue(beats.get(1).last());
            assertEquals(0x1L, beats.get(2).keep());
            List<long[]> rows = snk.takeRows(8, true);
            BeatChecker.assertRows(sim, snk, List.of(row, row2), rows);
        }
    }

    @Test
    void contractViolationOnTheOutputIsReported() {
        try (Simulation sim = slice(16, true).open(9)) {
            StreamSource src = sim.source("s_axis");
            sim.sink("m_axis", 100);
            sim.reset(2);
            for (int i = 0; i < 200; i++) {
                src.push(i, false);
            }
            SimulationException e = assertThrows(SimulationException.class,
                    () -> sim.runUntilSinksHave(200, 100_000));
            assertTrue(e.getMessage().contains("contract violated on m_axis_tvalid: tdata changed"), e.getMessage());
            assertTrue(e.cycle() > 2, e.getMessage());
        }
    }

    @Test
    void timeoutNamesTheMissingBeats() {
        try (Simulation sim = slice(32, false).open(10)) {
            StreamSource src = sim.source("s_axis");
            sim.sink("m_axis");
            sim.reset(2);
            src.push(1, true);
            SimulationTimeoutException e = assertThrows(SimulationTimeoutException.class,
                    () -> sim.runUntilSinksHave(2, 500));
            assertTrue(e.getMessage().contains("m_axis has 1"), e.getMessage());
            assertEquals(502, e.cycle());
        }
    }

    @Test
    void mismatchReportGivesCycleValuesSeedAndAReplayThatRunsWithoutJava() throws Exception {
        long seed = Seeds.of("StreamDriverTest", 77);
        Random rnd = new Random(seed);
        VerilatedModel model = slice(100, false);
        List<Beat> sent = randomBeats(rnd, 500, 100);
        try (Simulation sim = model.open(seed)) {
            StreamSource src = sim.source("s_axis", 500);
            StreamSink snk = sim.sink("m_axis", 500);
            sim.reset(3);
            src.pushAll(sent);
            sim.runUntilSinksHave(sent.size(), 100_000);
            List<Beat> got = snk.take();
            List<Beat> wrong = new ArrayList<>(sent);
            wrong.set(123, Beat.of(sent.get(123).data().flipBit(99), sent.get(123).last())
                    .withKeep(sent.get(123).keep()).withUser(sent.get(123).user()));
            AssertionError e = assertThrows(AssertionError.class, () -> BeatChecker.assertBeats(sim, snk, wrong, got));
            String msg = e.getMessage();
            assertTrue(msg.contains("m_axis: beat 123 (cycle " + got.get(123).cycle() + "): tdata expected 0x"), msg);
            assertTrue(msg.contains("actual 0x" + String.format("%025x", got.get(123).data())), msg);
            assertTrue(msg.contains("seed 77"), msg);
            Path replay = sim.replayFile();
            assertTrue(msg.contains("replay: " + replay), msg);

            Process p = new ProcessBuilder(model.executable().toString(), "--replay", replay.toString(), "--dump")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            String beat123 = "cycle " + got.get(123).cycle() + " data 0x" + String.format("%032x", got.get(123).data());
            assertTrue(out.contains(beat123), "replay prints the same beat 123: " + beat123 + "\n" + out);

            Path waves = sim.writeWaves(WaveFormat.FST);
            assertTrue(Files.size(waves) > 1000, "waveform " + waves);
        }
    }

    @Test
    void twoSourcesAndTwoSinksRunWithTheirOwnPatterns() {
        long seed = Seeds.of("StreamDriverTest", 0x10F0_0003L);
        Random rnd = new Random(seed);
        int n = 20_000;
        VerilatedModel m = VerilatedModel.build(List.of(TestDuts.file("tdut_join_fork.v")), "tdut_join_fork",
                Map.of("W", "16"));
        long[] a = new long[n];
        long[] b = new long[n];
        List<Beat> sums = new ArrayList<>();
        List<Beat> diffs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextInt(1 << 16);
            b[i] = rnd.nextInt(1 << 16);
            boolean last = i % 10 == 9;
            sums.add(Beat.of(a[i] + b[i], last));
            diffs.add(Beat.of((a[i] - b[i]) & 0x1FFFF, last));
        }
        try (Simulation sim = m.open(seed)) {
            StreamSource sa = sim.source("s_axis_a", 800);
            StreamSource sb = sim.source("s_axis_b", 300);
            StreamSink sum = sim.sink("m_axis_sum", 900);
            StreamSink diff = sim.sink("m_axis_diff", 500);
            assertTrue(sa.hasLast() && !sb.hasLast());
            sim.reset(2);
            for (int i = 0; i < n; i++) {
                sa.push(a[i], i % 10 == 9);
                sb.push(b[i], false);
            }
            sim.runUntilSinksHave(n, 50L * n);
            BeatChecker.assertBeats(sim, sum, sums, sum.take());
            BeatChecker.assertBeats(sim, diff, diffs, diff.take());
        }
    }
}
