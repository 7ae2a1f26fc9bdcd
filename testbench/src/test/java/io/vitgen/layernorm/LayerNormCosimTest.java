package io.vitgen.layernorm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.golden.IntLayerNorm;
import io.vitgen.golden.Seeds;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;

/**
 * {@code vitgen_layernorm} under Verilator, every output compared with the golden model
 * ({@link IntLayerNorm}, then {@code DyadicScale} for int8): random rows, all-equal rows (V = 0),
 * full-scale rows, rows engineered to hit the Newton corner cases (V = 0, 1, 1000, 20000, 142882,
 * 34968, 2^32 - 1 and large V), C = 1, non-power-of-two C, random biases and m/k, several
 * parameter loads (each waiting for the rows in flight), random stalls on all three streams.
 * Every run prints its seed; a failure names it.
 */
class LayerNormCosimTest {

    /** V values with known Newton answers (docs/arithmetic.md section 6) and others around 64^2 and 2^32. */
    static final long[] ENGINEERED_V = {
        0, 1, 2, 63, 64 * 64, 1000, 20000, 34968, 142882, (1L << 32) - 1, (1L << 32) - 2, 5_000_000_001L,
    };
    /** Large V (k_1 above 2^16); rows of C >= 17 reach them (full-scale rows reach C 2^30). */
    static final long[] ENGINEERED_LARGE_V = {
        1L << 32, (1L << 32) + 1, 3L << 31, 123_456_789_012L >> 4, 16_000_000_001L,
    };

    @Test
    void fourLanesInt8DeitShapes() {
        LayerNormRig rig = new LayerNormRig(4, 768, true);
        long seed = Seeds.of("layernorm 4x768 int8", 0x1A7E_0004L);
        try (Simulation sim = rig.model.open(seed, SimOptions.randomInitialState())) {
            Session s = new Session(rig, sim, seed, 600);
            s.table(192, 700, 800, 150);
            s.table(197, 1000, 1000, 80);
            s.table(768, 500, 600, 30);
            s.table(1, 900, 800, 60);
            s.table(20, 1000, 1000, 100);    // 5-beat rows: the engine's one-row-per-11-cycles limit
            s.table(333, 800, 900, 40);
            s.table(384, 1000, 1000, 30);
            s.table(7, 1000, 1000, 60);
            s.finish();
            s.lengthErrorsFollowTheDocumentedCut(13);
        }
    }

    @Test
    void oneLaneRaw() {
        LayerNormRig rig = new LayerNormRig(1, 768, false);
        long seed = Seeds.of("layernorm 1x768 raw", 0x1A7E_0001L);
        try (Simulation sim = rig.model.open(seed)) {
            Session s = new Session(rig, sim, seed, 750);
            s.table(192, 800, 700, 60);
            s.table(1, 1000, 1000, 30);
            s.table(9, 600, 500, 40);
            s.table(768, 1000, 900, 12);
            s.table(31, 1000, 1000, 40);
            s.table(2, 1000, 1000, 30);
            s.finish();
            s.lengthErrorsFollowTheDocumentedCut(5);
        }
    }

    @Test
    void eightLanesInt8ShortRows() {
        LayerNormRig rig = new LayerNormRig(8, 40, true);
        long seed = Seeds.of("layernorm 8x40 int8", 0x1A7E_0008L);
        try (Simulation sim = rig.model.open(seed)) {
            Session s = new Session(rig, sim, seed, 1000);
            s.table(40, 700, 600, 80);
            s.table(40, 1000, 1000, 60, 120);    // heavy back-pressure: output ready 1 cycle in 8
            s.table(3, 1000, 1000, 80);          // full rate
            s.table(17, 1000, 1000, 80, 150);
            s.finish();
            s.lengthErrorsFollowTheDocumentedCut(40);    // CAP = 40: a 41-channel row is cut after 40
        }
    }

    @Test
    void sixteenLanesRaw() {
        LayerNormRig rig = new LayerNormRig(16, 256, false);
        long seed = Seeds.of("layernorm 16x256 raw", 0x1A7E_0016L);
        try (Simulation sim = rig.model.open(seed)) {
            Session s = new Session(rig, sim, seed, 800);
            s.table(192, 1000, 1000, 100);
            s.table(256, 600, 700, 60);
            s.table(201, 1000, 900, 60);
            s.table(33, 1000, 1000, 60);
            s.table(1, 1000, 1000, 30);
            s.finish();
            s.lengthErrorsFollowTheDocumentedCut(100);
        }
    }

    /**
     * The documented fixed latency holds, and back-to-back DeiT rows stream at LANES channels per
     * cycle in steady state (4 lanes int8, C = 192 and 768; 1 lane raw, C = 192).
     */
    @Test
    void fixedLatencyAndFullRate() {
        for (int[] cfg : new int[][] {{4, 192, 160}, {4, 768, 40}, {1, 192, 40}}) {
            LayerNormRig rig = cfg[0] == 4 ? new LayerNormRig(4, 768, true) : new LayerNormRig(1, 768, false);
            long seed = Seeds.of("layernorm " + cfg[0] + "x768 C = " + cfg[1] + " timing", 0x1A7E_1000L + cfg[1]);
            LayerNormRig.Timing t = rig.measure(cfg[1], cfg[2], seed);
            System.out.printf("  latency %d cycles, %.3f channels/cycle%n", t.latency(), t.channelsPerCycle());
            assertEquals(rig.geometry.latency(), t.latency(), "latency, seed " + seed);
            // docs/layernorm.md derives it by hand: 4 + clog2(LANES) + 10 (D + 3) + D + 1 + 1 + 4
            // [+ 5 requant] + 2 with D = 26: 335 at 4 lanes int8, 328 at 1 lane raw
            assertEquals(cfg[0] == 4 ? 335 : 328, t.latency(), "latency against docs/layernorm.md, seed " + seed);
            assertEquals(rig.beats(cfg[1]), t.rowPeriod(), 1e-9, "cycles per row, seed " + seed);
        }
    }

    /** One simulation: tables loaded in turn, rows pushed after each, all outputs checked at the end. */
    static final class Session {
        final LayerNormRig rig;
        final Simulation sim;
        final long seed;
        final Random rnd;
        final StreamSource params;
        final StreamSource in;
        final StreamSink out;
        final int defaultReady;
        final List<long[]> expected = new ArrayList<>();
        int beats;

        Session(LayerNormRig rig, Simulation sim, long seed, int outReady) {
            this.rig = rig;
            this.sim = sim;
            this.seed = seed;
            this.rnd = new Random(seed);
            this.params = sim.source("s_axis_param", 1000);
            this.in = sim.source("s_axis", 1000);
            this.out = sim.sink("m_axis", outReady);
            this.defaultReady = outReady;
            sim.reset(4);
        }

        /**
         * Loads a random table of {@code c} channels (the unit waits for the rows still in flight),
         * then pushes {@code randomRows} random rows plus the corner rows for this C, with the given
         * valid rates (per mille), and waits until the unit has taken every row. (The sink's ready
         * rate is the session's unless given.)
         */
        void table(int c, int paramValid, int inValid, int randomRows) {
            table(c, paramValid, inValid, randomRows, defaultReady);
        }

        /** As above, with the output ready rate (per mille) for these rows. */
        void table(int c, int paramValid, int inValid, int randomRows, int outReady) {
            out.setReadyPermille(outReady);
            params.setValidPermille(paramValid);
            in.setValidPermille(inValid);
            LayerNormRig.Table t = rig.randomTable(c, rnd);
            rig.load(sim, params, t);
            List<long[]> rows = new ArrayList<>();
            for (int i = 0; i < randomRows; i++) {
                rows.add(LayerNormRig.randomRow(c, rnd));
            }
            rows.add(LayerNormRig.constantRow(c, 0));
            rows.add(LayerNormRig.constantRow(c, rnd.nextInt(65536) - 32768));
            rows.addAll(LayerNormRig.fullScaleRows(c, rnd));
            List<Long> engineered = new ArrayList<>();
            if (c >= 9) {
                for (long v : ENGINEERED_V) {
                    engineered.add(v);
                }
            }
            if (c >= 17) {
                for (long v : ENGINEERED_LARGE_V) {
                    engineered.add(v);
                }
            }
            for (long v : engineered) {
                long[] x = LayerNormRig.rowWithVariance(c, v, rnd);
                assertEquals(v, IntLayerNorm.trace(x, new long[c]).v(), "constructed row's V");
                rows.add(x);
            }
            java.util.Collections.shuffle(rows, rnd);
            for (long[] x : rows) {
                in.pushRow(x, 16);
                beats += rig.beats(c);
                expected.add(rig.expected(x, t));
            }
            long limit = sim.cycle() + 100_000L + 40L * rows.size() * rig.beats(c);
            while (in.pending() > 0) {
                if (sim.cycle() > limit) {
                    throw new AssertionError("rows of C = " + c + " not taken by cycle " + sim.cycle() + ", seed " + seed);
                }
                sim.run(2000);
            }
        }

        /** Waits for every output beat and compares all rows with the golden model. */
        void finish() {
            sim.runUntilSinksHave(beats, 4_000_000L);
            List<long[]> actual = out.takeRows(rig.geometry.outW(), true);
            BeatChecker.assertRows(sim, out, expected, actual);
            BeatChecker.assertDrained(sim, out, rig.drainCycles());
            if (sim.peekLong("status_length_error") != 0) {
                BeatChecker.fail(sim, out, "status_length_error set after rows of the loaded length");
            }
            System.out.println("  " + expected.size() + " rows, " + beats + " output beats, " + sim.cycle()
                    + " cycles, " + out.stallCycles() + " output stall cycles, " + in.waitCycles()
                    + " input wait cycles so far, all equal to the golden model");
            expected.clear();
            beats = 0;
        }

        /**
         * Every way into status_length_error, each output checked against what docs/layernorm.md
         * says the unit does, and the documented recovery (the next load clears the flag):
         * <ul>
         * <li>a row of C + 1 channels: processed with the table entries by position, so channel C
         *     uses the entry a longer earlier load left at position C (a row longer than the
         *     buffer, C + 1 > CAP, is cut into rows of CAP channels: C channels with the table,
         *     then a row of the rest, which starts again at entry 0);</li>
         * <li>a row of C - 1 channels: the first C - 1 entries;</li>
         * <li>a load longer than the memory (CAP + 3 entries): the flag rises with the load, the
         *     first CAP entries form a table of CAP channels, rows of CAP channels use it;</li>
         * <li>a row before any load (after reset): flagged; its output is taken but not compared
         *     (the memory holds whatever the earlier loads left);</li>
         * </ul>
         * and after each, a load clears the flag and a row of the loaded length is exact.
         */
        void lengthErrorsFollowTheDocumentedCut(int c) {
            int cap = rig.geometry.channelCap();
            // position c of the memory: written by a longer load first, kept by the shorter one
            LayerNormRig.Table longer = rig.randomTable(Math.min(c + 1, cap), rnd);
            rig.load(sim, params, longer);
            LayerNormRig.Table t = rig.randomTable(c, rnd);
            rig.load(sim, params, t);
            assertFlag(0, "after a load");
            long[] x = LayerNormRig.randomRow(c + 1, rnd);
            List<long[]> want = new ArrayList<>();
            if (c + 1 <= cap) {
                want.add(rig.expected(x, positional(t, longer, c + 1)));
            } else {
                want.add(rig.expected(java.util.Arrays.copyOf(x, cap), t));
                long[] rest = java.util.Arrays.copyOfRange(x, cap, c + 1);
                want.add(rig.expected(rest, positional(t, longer, rest.length)));
            }
            List<long[]> got = rig.stream(sim, in, out, List.of(x), 100_000L);
            BeatChecker.assertRows(sim, out, want, got);
            assertFlag(1, "after a row of C + 1 = " + (c + 1) + " channels");
            checkRecovery(t, "a row of C + 1 channels");

            if (c >= 2) {
                long[] shorter = LayerNormRig.randomRow(c - 1, rnd);
                got = rig.stream(sim, in, out, List.of(shorter), 100_000L);
                BeatChecker.assertRows(sim, out, List.of(rig.expected(shorter, positional(t, t, c - 1))), got);
                assertFlag(1, "after a row of C - 1 = " + (c - 1) + " channels");
                checkRecovery(t, "a row of C - 1 channels");
            }

            LayerNormRig.Table tooLong = rig.randomTable(cap + 3, rnd);
            rig.load(sim, params, tooLong);
            assertFlag(1, "after a load of CAP + 3 = " + (cap + 3) + " entries");
            long[] full = LayerNormRig.randomRow(cap, rnd);
            got = rig.stream(sim, in, out, List.of(full), 100_000L);
            BeatChecker.assertRows(sim, out, List.of(rig.expected(full, positional(tooLong, tooLong, cap))), got);
            assertFlag(1, "sticky after a row of CAP channels that matches the truncated table");
            checkRecovery(t, "a load longer than the memory");

            sim.reset(4);
            assertFlag(0, "after reset");
            long[] early = LayerNormRig.randomRow(c, rnd);
            in.pushRow(early, 16);
            sim.runUntilSinksHave(rig.beats(c), 100_000L);
            out.take();
            assertFlag(1, "after a row before any load");
            checkRecovery(t, "a row before any load");
        }

        /** The next load clears the flag; a row of the loaded length is then exact and leaves it low. */
        private void checkRecovery(LayerNormRig.Table t, String after) {
            rig.load(sim, params, t);
            assertFlag(0, "after the load that follows " + after);
            long[] x = LayerNormRig.randomRow(t.channels(), rnd);
            List<long[]> actual = rig.stream(sim, in, out, List.of(x), 100_000L);
            BeatChecker.assertRows(sim, out, List.of(rig.expected(x, t)), actual);
            BeatChecker.assertDrained(sim, out, rig.drainCycles());
            assertFlag(0, "after a matching row following " + after);
        }

        /** The memory's first {@code n} entries: {@code t}'s, then (past its end) {@code under}'s. */
        private static LayerNormRig.Table positional(LayerNormRig.Table t, LayerNormRig.Table under, int n) {
            long[] bias = new long[n];
            io.vitgen.golden.DyadicScale[] scale = new io.vitgen.golden.DyadicScale[n];
            for (int i = 0; i < n; i++) {
                LayerNormRig.Table from = i < t.channels() ? t : under;
                bias[i] = from.bias()[i];
                scale[i] = from.scale()[i];
            }
            return new LayerNormRig.Table(bias, scale);
        }

        private void assertFlag(long expected, String when) {
            long got = sim.peekLong("status_length_error");
            if (got != expected) {
                BeatChecker.fail(sim, out, "status_length_error = " + got + " " + when + ", expected " + expected);
            }
        }
    }
}
