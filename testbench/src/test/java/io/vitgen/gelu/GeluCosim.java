package io.vitgen.gelu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vitgen.golden.Seeds;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;

/**
 * The co-simulation loop both GELU units share: rows pushed in chunks, one chunk per stall
 * pattern, every output element compared with the golden rows, and no beat after the last.
 */
final class GeluCosim {

    /** Stall patterns (valid, ready per mille): back-to-back, random, back-pressure, starved input. */
    static final int[][] PHASES = {{1000, 1000}, {650, 550}, {1000, 150}, {250, 1000}};

    /**
     * One input row: its elements, its tuser (run-time constants) and the golden output, which is
     * shorter than the input when the unit cuts the row.
     */
    record Case(long[] x, long user, long[] expected) {
    }

    /**
     * Lanes per beat, output lane width and tuser width of the unit under test, and its documented
     * latency from a row's last input beat to its first output beat (no stalls).
     */
    record Shape(int lanes, int outW, int userBits, int latency) {
    }

    private GeluCosim() {
    }

    /** The seed of a co-simulation: -Dvitgen.seed or the default; printed before anything runs. */
    static long seed(String what, long defaultSeed) {
        return Seeds.of(what, defaultSeed);
    }

    /**
     * Runs {@code cases} split evenly over {@code phases}, compares every chunk with its golden
     * rows, then checks that nothing more comes out.
     */
    static void runPhases(Simulation sim, StreamSource in, StreamSink out, List<Case> cases, Shape shape,
                          int[][] phases, Random rnd) {
        int chunk = (cases.size() + phases.length - 1) / phases.length;
        int maxBeats = 1;
        for (Case c : cases) {
            maxBeats = Math.max(maxBeats, GeluStreams.beatCount(c.x().length, shape.lanes()));
        }
        for (int p = 0; p < phases.length; p++) {
            List<Case> part = cases.subList(Math.min(cases.size(), p * chunk), Math.min(cases.size(), (p + 1) * chunk));
            in.setValidPermille(phases[p][0]);
            out.setReadyPermille(phases[p][1]);
            runChunk(sim, in, out, part, shape, rnd);
        }
        // idle long enough for a spurious copy of the longest row to come out: its input beats,
        // the documented latency, its output beats, and margin
        BeatChecker.assertDrained(sim, out, 2L * maxBeats + shape.latency() + 64);
        System.out.printf("  %d rows in %d phases; %d output stall cycles, %d input wait cycles in all%n",
                cases.size(), phases.length, out.stallCycles(), in.waitCycles());
    }

    /**
     * One row into the idle, drained unit at full rate: its first output beat must come exactly
     * {@code shape.latency()} (the builder's figure) and {@code literal} (the number docs/gelu.md
     * derives by hand) cycles after its last input beat ({@code fromFirstBeat}: after its first,
     * for a per-beat pipeline), and equal the golden output.
     */
    static void assertLoneRowLatency(Simulation sim, StreamSource in, StreamSink out, Case c, Shape shape,
                                     int literal, boolean fromFirstBeat, Random rnd) {
        in.setValidPermille(1000);
        out.setReadyPermille(1000);
        List<Beat> b = GeluStreams.rowBeats(c.x(), shape.lanes(), c.user(), shape.userBits(), true, rnd);
        long start = sim.cycle();
        in.pushAll(b);
        int outBeats = GeluStreams.beatCount(c.expected().length, shape.lanes());
        sim.runUntilSinksHave(outBeats, 100_000);
        List<Beat> got = out.take();
        List<long[]> actual = GeluStreams.rows(sim, out, got, shape.lanes(), shape.outW(), List.of(c.expected().length));
        BeatChecker.assertRows(sim, out, List.of(c.expected()), actual);
        long latency = got.get(0).cycle() - (fromFirstBeat ? start : start + b.size() - 1);
        if (latency != shape.latency() || latency != literal) {
            BeatChecker.fail(sim, out, "lone row of " + c.x().length + " elements: latency " + latency
                    + " cycles, builder says " + shape.latency() + ", docs/gelu.md " + literal);
        }
        System.out.printf("  lone row of %d elements: latency %d cycles (documented %d)%n", c.x().length, latency,
                literal);
    }

    /** Pushes the rows (junk in the lanes outside tkeep and in tuser after a row's first beat). */
    static void runChunk(Simulation sim, StreamSource in, StreamSink out, List<Case> cases, Shape shape, Random rnd) {
        List<long[]> expected = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        int inBeats = 0;
        int outBeats = 0;
        for (Case c : cases) {
            expected.add(c.expected());
            lengths.add(c.expected().length);
            List<Beat> b = GeluStreams.rowBeats(c.x(), shape.lanes(), c.user(), shape.userBits(), true, rnd);
            in.pushAll(b);
            inBeats += b.size();
            outBeats += GeluStreams.beatCount(c.expected().length, shape.lanes());
        }
        sim.runUntilSinksHave(outBeats, 200L * inBeats + 10_000);
        List<long[]> actual = GeluStreams.rows(sim, out, out.take(), shape.lanes(), shape.outW(), lengths);
        BeatChecker.assertRows(sim, out, expected, actual);
        System.out.printf("  %d rows, %d elements in, %d beats out compared; cycle %d%n", cases.size(),
                cases.stream().mapToInt(c -> c.x().length).sum(), outBeats, sim.cycle());
    }
}
