package io.vitgen.gelu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.PolyGelu;
import io.vitgen.hw.gelu.IGeluUnit;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * vitgen_igelu against the golden PolyGelu (and DyadicScale for the int8 output): every int8
 * input under each of 16 constant sets spanning the valid input scales (exhaustive), then random
 * rows, full-scale rows and rows of one element with the constant set and m/k changing row by
 * row, junk in the constants of every beat but a row's first, under four stall patterns, at 1, 4,
 * 5 and 16 lanes; no beat after the last expected one.
 * Seed: -Dvitgen.seed=N.
 */
class IGeluCosimTest {

    /** Input scales S from the smallest valid (|c| just below 2^40) to the largest (|one| >= 16). */
    static final double[] SCALES = {2.52e-6, 5e-6, 1e-5, 3e-5, 1e-4, 2.5e-4, 5e-4, 7.5e-4, 1e-3, 1.5e-3, 2e-3,
        2.5e-3, 3e-3, 4e-3, 4.7e-3, 5.2e-3};

    static List<PolyGelu.Constants> constants() {
        List<PolyGelu.Constants> k = new ArrayList<>();
        for (double s : SCALES) {
            k.add(PolyGelu.Constants.of(s));
        }
        return k;
    }

    /** One row, its constant set and requantization. */
    record Row(long[] x, int sel, DyadicScale scale) {
    }

    @ParameterizedTest(name = "LANES={0} int8={1}")
    @CsvSource({"4, true", "1, false", "5, false", "16, true"})
    void everyElementMatchesTheGoldenModel(int lanes, boolean int8) {
        List<PolyGelu.Constants> table = constants();
        List<IGeluUnit.Cfg> cfg = table.stream().map(IGeluUnit::constants).toList();
        VerilatedModel model = GeluDut.iGelu(lanes, int8, cfg);
        long seed = GeluCosim.seed("vitgen_igelu LANES=" + lanes + " int8=" + int8,
                0x16E1L * 1000 + lanes * 17L + (int8 ? 3 : 0));
        Random rnd = new Random(seed);

        List<Row> rows = new ArrayList<>();
        for (int sel = 0; sel < table.size(); sel++) {
            long[] all = new long[256];
            for (int v = 0; v < 256; v++) {
                all[v] = v - 128;
            }
            rows.add(new Row(all, sel, ShiftGeluCosimTest.randomScale(rnd)));
        }
        for (int i = 0; i < 60; i++) {
            int len = 1 + rnd.nextInt(i % 3 == 0 ? 3 : 300);
            long[] x = switch (i % 4) {
                case 0 -> ShiftGeluCosimTest.fullScaleRow(rnd, len);
                case 1 -> ShiftGeluCosimTest.smallRow(rnd, len);
                default -> ShiftGeluCosimTest.randomRow(rnd, len);
            };
            rows.add(new Row(x, rnd.nextInt(table.size()), ShiftGeluCosimTest.randomScale(rnd)));
        }
        rows.add(new Row(new long[] {-128}, 0, new DyadicScale((1L << 31) - 1, 0)));
        rows.add(new Row(new long[] {127, -128, 0}, 15, new DyadicScale(-(1L << 31) + 1, 62)));
        java.util.Collections.shuffle(rows, rnd);

        List<GeluCosim.Case> cases = new ArrayList<>();
        for (Row r : rows) {
            long[] y = PolyGelu.apply(r.x(), table.get(r.sel()));
            cases.add(new GeluCosim.Case(r.x(), GeluDut.polyUser(r.sel(), r.scale().m(), r.scale().k(), int8),
                    int8 ? r.scale().apply(y, 8) : y));
        }
        GeluCosim.Shape shape = new GeluCosim.Shape(lanes, IGeluUnit.outputBits(int8), int8 ? 42 : 4,
                IGeluUnit.latency(int8));
        SimOptions options = lanes == 1 ? SimOptions.randomInitialState() : SimOptions.defaults();
        try (Simulation sim = model.open(seed, options)) {
            StreamSource in = sim.source("s_axis", 1000);
            StreamSink out = sim.sink("m_axis", 1000);
            sim.reset(5);
            GeluCosim.runPhases(sim, in, out, cases, shape, GeluCosim.PHASES, rnd);
            // docs/gelu.md, by hand: 9 cycles raw, 14 int8 (+ the requantizer's 5)
            GeluCosim.assertLoneRowLatency(sim, in, out, cases.get(0), shape, int8 ? 14 : 9, true, rnd);
        }
    }
}
