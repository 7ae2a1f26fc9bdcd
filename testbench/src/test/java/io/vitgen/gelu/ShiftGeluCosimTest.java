package io.vitgen.gelu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.ShiftGelu;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * vitgen_shiftgelu against the golden ShiftGelu (and DyadicScale for the int8 output), every
 * element of every row compared: random rows, DeiT hidden widths, all-equal rows, full-scale rows
 * (-128/127), rows of one element, all-negative rows (negative row maxima, saturated e_m), every X
 * in 1..127, random requantization m/k, junk in the lanes outside tkeep and in the constants of
 * every beat but a row's first, under four stall patterns (full speed back-to-back, random on both
 * sides, heavy output back-pressure, starved input). Seed: -Dvitgen.seed=N.
 */
class ShiftGeluCosimTest {

    /** One row and its run-time constants. */
    record Row(long[] x, long xConst, DyadicScale scale) {
    }

    @ParameterizedTest(name = "LANES={0} MAX_ROW={1} int8={2}")
    @CsvSource({"4, 3072, true", "1, 96, false", "3, 200, false"})
    void everyElementMatchesTheGoldenModel(int lanes, int maxRow, boolean int8) {
        VerilatedModel model = GeluDut.shiftGelu(lanes, maxRow, int8);
        long seed = Long.getLong("vitgen.seed", 0x6E1L * 1000 + lanes * 31L + maxRow + (int8 ? 7 : 0));
        Random rnd = new Random(seed);
        List<Row> rows = workload(rnd, maxRow, int8);
        assertCovers(rows);
        // Stall patterns (valid, ready per mille): back-to-back, random, back-pressure, starved.
        int[][] phases = {{1000, 1000}, {650, 550}, {1000, 150}, {250, 1000}};
        SimOptions options = lanes == 1 ? SimOptions.randomInitialState() : SimOptions.defaults();
        try (Simulation sim = model.open(seed, options)) {
            StreamSource in = sim.source("s_axis", 1000);
            StreamSink out = sim.sink("m_axis", 1000);
            sim.reset(5);
            int chunk = (rows.size() + phases.length - 1) / phases.length;
            for (int p = 0; p < phases.length; p++) {
                List<Row> part = rows.subList(Math.min(rows.size(), p * chunk), Math.min(rows.size(), (p + 1) * chunk));
                in.setValidPermille(phases[p][0]);
                out.setReadyPermille(phases[p][1]);
                runChunk(sim, in, out, part, lanes, int8, rnd);
            }
        }
    }

    private static void runChunk(Simulation sim, StreamSource in, StreamSink out, List<Row> rows, int lanes,
                                 boolean int8, Random rnd) {
        List<long[]> expected = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        int beats = 0;
        for (Row r : rows) {
            long[] y = ShiftGelu.apply(r.x(), r.xConst());
            if (int8) {
                y = r.scale().apply(y, 8);
            }
            expected.add(y);
            lengths.add(r.x().length);
            long user = GeluDut.shiftUser(r.xConst(), int8 ? r.scale().m() : 0, int8 ? r.scale().k() : 0, int8);
            List<Beat> rowBeats = GeluStreams.rowBeats(r.x(), lanes, user, int8 ? 45 : 7, true, rnd);
            in.pushAll(rowBeats);
            beats += rowBeats.size();
        }
        sim.runUntilSinksHave(beats, 200L * beats + 10_000);
        List<long[]> actual = GeluStreams.rows(out.take(), lanes, int8 ? 8 : 16, lengths);
        BeatChecker.assertRows(sim, out, expected, actual);
        System.out.printf("  %d rows, %d elements, %d beats compared; cycle %d%n", rows.size(),
                lengths.stream().mapToInt(Integer::intValue).sum(), beats, sim.cycle());
    }

    /**
     * The workload must reach the corners of INTOPS 5 (checked on the golden model's trace, so a
     * change of the generator cannot silently drop them): every X, e_m saturated at 2^31 - 1,
     * e_m from a positive d below the saturation, the most negative maximum, rows of one element.
     */
    static void assertCovers(List<Row> rows) {
        java.util.Set<Long> xs = new java.util.HashSet<>();
        int saturated = 0;
        int positiveUnsaturated = 0;
        int minMax = 0;
        int single = 0;
        for (Row r : rows) {
            ShiftGelu.Trace t = ShiftGelu.trace(r.x(), r.xConst());
            xs.add(r.xConst());
            saturated += t.em() == (1L << 31) - 1 ? 1 : 0;
            positiveUnsaturated += t.max() < 0 && t.em() < (1L << 31) - 1 ? 1 : 0;
            minMax += t.max() == -128 ? 1 : 0;
            single += r.x().length == 1 ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertEquals(127, xs.size(), "every X in 1..127");
        org.junit.jupiter.api.Assertions.assertTrue(saturated >= 3 && positiveUnsaturated >= 3 && minMax >= 3
                && single >= 10, "corners: saturated e_m " + saturated + ", positive d below saturation "
                + positiveUnsaturated + ", max -128 " + minMax + ", one element " + single);
    }

    /** The rows of one test, scaled to MAX_ROW. */
    static List<Row> workload(Random rnd, int maxRow, boolean int8) {
        List<Row> rows = new ArrayList<>();
        // every X in 1..127 over a batch of random rows
        for (int x = 1; x <= 127; x++) {
            rows.add(row(randomRow(rnd, 1 + rnd.nextInt(Math.min(maxRow, 96))), x, rnd));
        }
        // DeiT hidden widths that fit, and the maximum row
        for (int len : new int[] {768, 1536, 3072, maxRow}) {
            if (len <= maxRow) {
                rows.add(row(randomRow(rnd, len), randomX(rnd), rnd));
            }
        }
        for (int i = 0; i < 24; i++) {
            int len = 1 + rnd.nextInt(maxRow);
            switch (i % 6) {
                case 0 -> rows.add(row(randomRow(rnd, len), randomX(rnd), rnd));
                case 1 -> rows.add(row(constantRow(len, rnd.nextInt(256) - 128), randomX(rnd), rnd));
                case 2 -> rows.add(row(fullScaleRow(rnd, len), randomX(rnd), rnd));
                case 3 -> rows.add(row(negativeRow(rnd, len), randomX(rnd), rnd));
                case 4 -> rows.add(row(smallRow(rnd, len), randomX(rnd), rnd));
                default -> rows.add(row(randomRow(rnd, 1 + rnd.nextInt(Math.min(maxRow, 8))), randomX(rnd), rnd));
            }
        }
        // corners: one element, equal rows at the extremes, the most negative maximum
        for (long v : new long[] {-128, -127, -1, 0, 1, 127}) {
            for (long x : new long[] {1, 64, 127}) {
                rows.add(row(new long[] {v}, x, rnd));
                rows.add(row(constantRow(Math.min(maxRow, 5 + rnd.nextInt(40)), v), x, rnd));
            }
        }
        rows.add(row(constantRow(maxRow, -128), 127, rnd));
        rows.add(row(constantRow(maxRow, 127), 1, rnd));
        if (int8) {
            // requantization corners: k = 0 (saturates), k = 62, the extreme m
            rows.add(new Row(fullScaleRow(rnd, Math.min(maxRow, 40)), 20, new DyadicScale((1L << 31) - 1, 0)));
            rows.add(new Row(randomRow(rnd, Math.min(maxRow, 40)), 20, new DyadicScale(-(1L << 31) + 1, 62)));
            rows.add(new Row(randomRow(rnd, Math.min(maxRow, 40)), 20, new DyadicScale(-12345678, 20)));
        }
        java.util.Collections.shuffle(rows, rnd);
        return rows;
    }

    private static Row row(long[] x, long xConst, Random rnd) {
        return new Row(x, xConst, randomScale(rnd));
    }

    /** Either a realistic ratio through DyadicScale.fromRatio or raw m/k anywhere in range. */
    static DyadicScale randomScale(Random rnd) {
        if (rnd.nextBoolean()) {
            double ratio = Math.scalb(0.5 + rnd.nextDouble(), -(1 + rnd.nextInt(10))) * (rnd.nextInt(8) == 0 ? -1 : 1);
            return DyadicScale.fromRatio(ratio);
        }
        long m = rnd.nextLong() % (1L << 31);
        return new DyadicScale(m, rnd.nextInt(DyadicScale.MAX_K + 1));
    }

    private static long randomX(Random rnd) {
        return 1 + rnd.nextInt(127);
    }

    static long[] randomRow(Random rnd, int len) {
        long[] r = new long[len];
        for (int i = 0; i < len; i++) {
            r[i] = rnd.nextInt(256) - 128;
        }
        return r;
    }

    /** Values of a trained network's FC1 output: mostly small, a few large. */
    static long[] smallRow(Random rnd, int len) {
        long[] r = new long[len];
        for (int i = 0; i < len; i++) {
            r[i] = Math.max(-128, Math.min(127, Math.round(rnd.nextGaussian() * 12)));
        }
        return r;
    }

    static long[] constantRow(int len, long v) {
        long[] r = new long[len];
        java.util.Arrays.fill(r, v);
        return r;
    }

    static long[] fullScaleRow(Random rnd, int len) {
        long[] r = new long[len];
        for (int i = 0; i < len; i++) {
            r[i] = rnd.nextBoolean() ? 127 : -128;
        }
        return r;
    }

    /** All elements negative: a negative row maximum, down to -128. */
    static long[] negativeRow(Random rnd, int len) {
        long[] r = new long[len];
        int floor = rnd.nextInt(128);
        for (int i = 0; i < len; i++) {
            r[i] = -128 + rnd.nextInt(128 - floor);
        }
        return r;
    }
}
