package io.vitgen.gelu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.PolyGelu;
import io.vitgen.golden.ShiftGelu;
import io.vitgen.hw.Divider;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.gelu.IGeluUnit;
import io.vitgen.hw.gelu.ShiftGeluUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * GELU benchmark (not a test): for ShiftGELU and i-GELU at DeiT hidden widths 768, 1536 and 3072,
 * the latency of one row into an idle unit and the steady-state elements per cycle of back-to-back
 * rows (input always valid, output always ready), every output checked against the golden model;
 * with {@code --yosys}, the resources of each unit from Yosys synth_xilinx -family xcup.
 *
 * <p>Run with {@code ./bench gelu [--lanes 1,4,16] [--widths 768,1536,3072] [--yosys] [--int16]}
 * (docs/gelu.md).
 */
public final class GeluBenchmark {

    private static final int ROWS = 12;

    private GeluBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> lanesList = new ArrayList<>(List.of(4));
        List<Integer> widths = new ArrayList<>(List.of(768, 1536, 3072));
        boolean yosys = false;
        boolean int8 = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--lanes" -> {
                    lanesList.clear();
                    for (String s : args[++i].split(",")) {
                        lanesList.add(Integer.parseInt(s.trim()));
                    }
                }
                case "--widths" -> {
                    widths.clear();
                    for (String s : args[++i].split(",")) {
                        widths.add(Integer.parseInt(s.trim()));
                    }
                }
                case "--yosys" -> yosys = true;
                case "--int16" -> int8 = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --lanes 1,4,16, --widths 768,1536,3072, --yosys, --int16)");
            }
        }
        System.out.printf("%-10s %5s %6s %10s %11s %15s %15s %8s %10s%n", "unit", "lanes", "width", "elem/cycle",
                "beats/cycle", "first in->out", "tlast in->out", "model", "sim c/s");
        for (int lanes : lanesList) {
            for (String variant : List.of("shiftgelu", "igelu")) {
                VerilatedModel model = variant.equals("shiftgelu") ? GeluDut.shiftGelu(lanes, 3072, int8)
                        : GeluDut.iGelu(lanes, int8, List.of(IGeluUnit.constants(PolyGelu.Constants.of(0.002))));
                for (int width : widths) {
                    measure(model, variant, lanes, width, int8);
                }
            }
        }
        if (yosys) {
            System.out.printf("%n%-28s %8s %8s %5s %7s %7s %7s%n", "Yosys synth_xilinx xcup", "LUT", "FF", "DSP",
                    "BRAM36", "BRAM18", "CARRY");
            // the per-element division: one vitgen_divider per lane, as ShiftGELU instantiates it
            List<Path> divider = Emitter.writeModules(List.of(Divider.spec()), Path.of("target", "bench-rtl", "divider"));
            Resources d = Synthesis.run(divider, "vitgen_divider", Map.of("DIVIDEND_W", 31L, "DIVISOR_W", 31L,
                    "TAG_W", 21L, "PIPELINED", 1L));
            System.out.printf("%-28s %8d %8d %5d %7d %7d %7d%n", "vitgen_divider 31/31 tag 21", d.luts(),
                    d.flipFlops(), d.dsps(), d.bram36(), d.bram18(), d.carry());
            for (int lanes : lanesList) {
                Map<String, ModuleSpec> units = new LinkedHashMap<>();
                units.put("vitgen_shiftgelu", ShiftGeluUnit.spec(lanes, 3072, int8));
                units.put("vitgen_igelu", IGeluUnit.spec(lanes, int8));
                for (Map.Entry<String, ModuleSpec> e : units.entrySet()) {
                    List<Path> files = Emitter.writeModules(List.of(e.getValue()),
                            Path.of("target", "bench-rtl", e.getKey() + "-" + lanes));
                    long t0 = System.nanoTime();
                    Resources r = Synthesis.run(files, e.getKey(), Map.of());
                    System.out.printf("%-28s %8d %8d %5d %7d %7d %7d   (%.0f s)%n",
                            e.getKey() + " lanes=" + lanes + (int8 ? " int8" : ""), r.luts(), r.flipFlops(), r.dsps(),
                            r.bram36(), r.bram18(), r.carry(), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }

    private static void measure(VerilatedModel model, String variant, int lanes, int width, boolean int8)
            throws Exception {
        Random rnd = new Random(width * 31L + lanes);
        DyadicScale scale = DyadicScale.fromRatio(1.0 / 96);
        PolyGelu.Constants k = PolyGelu.Constants.of(0.002);
        long xConst = 24;
        int beatsPerRow = GeluStreams.beatCount(width, lanes);
        try (Simulation sim = model.open(1)) {
            StreamSource in = sim.source("s_axis", 1000);
            StreamSink out = sim.sink("m_axis", 1000);
            sim.reset(4);
            // latency: one row into the idle unit
            long[] row = ShiftGeluCosimTest.randomRow(rnd, width);
            long user = variant.equals("shiftgelu") ? GeluDut.shiftUser(xConst, scale.m(), scale.k(), int8)
                    : GeluDut.polyUser(0, scale.m(), scale.k(), int8);
            long start = sim.cycle();
            in.pushAll(GeluStreams.rowBeats(row, lanes, user, 1, false, rnd));
            sim.runUntilSinksHave(beatsPerRow, 1_000_000);
            List<Beat> first = out.take();
            long firstOut = first.get(0).cycle() - start;
            long afterLast = firstOut - (beatsPerRow - 1);
            check(sim, out, variant, List.of(row), first, lanes, int8, xConst, k, scale);

            // throughput: back-to-back rows
            List<long[]> rows = new ArrayList<>();
            int beats = 0;
            for (int r = 0; r < ROWS; r++) {
                long[] x = ShiftGeluCosimTest.randomRow(rnd, width);
                rows.add(x);
                in.pushAll(GeluStreams.rowBeats(x, lanes, user, 1, false, rnd));
                beats += beatsPerRow;
            }
            long t0 = System.nanoTime();
            long c0 = sim.cycle();
            sim.runUntilSinksHave(beats, 10_000_000);
            double secs = (System.nanoTime() - t0) / 1e9;
            List<Beat> got = out.take();
            check(sim, out, variant, rows, got, lanes, int8, xConst, k, scale);
            // steady state: from the first beat of the second row to the last beat of the last row
            long from = got.get(beatsPerRow).cycle();
            long to = got.get(got.size() - 1).cycle();
            double perCycle = (double) (ROWS - 1) * width / (to - from + 1);
            long modelLatency = variant.equals("shiftgelu")
                    ? ShiftGeluUnit.rowLatency(lanes, int8) + beatsPerRow - 1 : IGeluUnit.latency(int8);
            double beatsPerCycle = (double) (ROWS - 1) * beatsPerRow / (to - from + 1);
            System.out.printf("%-10s %5d %6d %10.3f %11.3f %15d %15s %8d %10.0f%n", variant, lanes, width, perCycle,
                    beatsPerCycle, firstOut, variant.equals("shiftgelu") ? Long.toString(afterLast) : "-", modelLatency,
                    (sim.cycle() - c0) / secs);
        }
    }

    private static void check(Simulation sim, StreamSink out, String variant, List<long[]> rows, List<Beat> beats, int lanes, boolean int8,
                              long xConst, PolyGelu.Constants k, DyadicScale scale) {
        List<long[]> expected = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (long[] x : rows) {
            long[] y = variant.equals("shiftgelu") ? ShiftGelu.apply(x, xConst) : PolyGelu.apply(x, k);
            expected.add(int8 ? scale.apply(y, 8) : y);
            lengths.add(x.length);
        }
        int laneW = variant.equals("shiftgelu") ? ShiftGeluUnit.outputBits(int8) : IGeluUnit.outputBits(int8);
        List<long[]> actual = GeluStreams.rows(sim, out, beats, lanes, laneW, lengths);
        BeatChecker.assertRows(sim, out, expected, actual);
    }
}
