package io.vitgen.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.golden.Seeds;
import io.vitgen.emit.Emitter;
import io.vitgen.golden.DyadicScale;
import io.vitgen.hw.Requant;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * vitgen_requant and vitgen_requant_residual against {@link DyadicScale} bit for bit: random
 * values and scales, exact ties (z * m an odd multiple of 2^(k-1)), negative z and m, saturation
 * at both ends, k = 0 and k = 62, extreme z and m; random stalls on every stream, rows with partial
 * last beats (tkeep), random initial state, and a full-rate phase that must move one beat per cycle.
 */
class RequantCosimTest {

    private static final Path DIR = Path.of("target", "rtl", "requant-cosim");

    /** One element: input z and its scale. */
    record Element(long z, DyadicScale s) {
    }

    @Test
    void plainUnitIsBitExact() {
        long seed = Seeds.of("RequantCosimTest.plainUnitIsBitExact", 0x7E90_0001L);
        runPlain(seed, 3, 32, 8, 6000);
        runPlain(seed + 1, 1, 49, 32, 3000);   // SUM_W of a GEMM with ACC_W = 48
    }

    @Test
    void residualUnitIsBitExact() {
        long seed = Seeds.of("RequantCosimTest.residualUnitIsBitExact", 0x7E90_0002L);
        runResidual(seed, 2, 32, 16, 16, 4000);
        // the widest output the residual unit allows, max(IN_W, RES_W) + 32: never saturates
        runResidual(seed + 1, 1, 8, 6, 8 + 32, 1500);
    }

    private static void runPlain(long seed, int lanes, int inW, int outW, int elements) {
        Random rnd = new Random(seed);
        List<Path> files = Emitter.writeModules(List.of(Requant.unit()), DIR);
        VerilatedModel model = VerilatedModel.build(files, "vitgen_requant",
                strings(Requant.parameters(lanes, inW, outW)));
        List<List<Element>> rows = rows(rnd, inW, elements);
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            sim.reset(3);
            StreamSource data = sim.source("s_axis", 700);
            StreamSource scale = sim.source("s_axis_scale", 800);
            StreamSink out = sim.sink("m_axis", 650);
            List<long[]> expected = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                List<Element> row = rows.get(r);
                if (r == rows.size() / 2) {
                    flush(sim, out, expected, outW, lanes);
                    heavyBackPressure(data, scale, null, out);   // the second half: output ready 1 cycle in 8
                }
                long[] z = new long[row.size()];
                long[] y = new long[row.size()];
                for (int i = 0; i < row.size(); i++) {
                    z[i] = row.get(i).z();
                    y[i] = row.get(i).s().apply(z[i], outW);
                }
                data.pushRow(z, inW);
                pushScales(scale, lanes, row, null, rnd);
                expected.add(y);
            }
            flush(sim, out, expected, outW, lanes);

            fullRateMovesOneBeatPerCycle(sim, data, scale, null, out, lanes, inW, 0, outW, rnd);
            // docs/mac.md / the header: 5 cycles (multiply, shift, round, saturate, output register)
            assertLoneBeatLatency(sim, data, scale, null, out, lanes, inW, 0, outW, rnd, 5);
            BeatChecker.assertDrained(sim, out, 100);
        }
    }

    private static void runResidual(long seed, int lanes, int inW, int resW, int outW, int elements) {
        Random rnd = new Random(seed);
        List<Path> files = Emitter.writeModules(List.of(Requant.residualUnit()), DIR);
        VerilatedModel model = VerilatedModel.build(files, "vitgen_requant_residual",
                strings(Requant.residualParameters(lanes, inW, resW, outW)));
        List<List<Element>> rows = rows(rnd, inW, elements);
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            sim.reset(3);
            StreamSource data = sim.source("s_axis", 750);
            StreamSource res = sim.source("s_axis_res", 650);
            StreamSource scale = sim.source("s_axis_scale", 800);
            StreamSink out = sim.sink("m_axis", 600);
            List<long[]> expected = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                List<Element> row = rows.get(r);
                if (r == rows.size() / 2) {
                    flush(sim, out, expected, outW, lanes);
                    heavyBackPressure(data, scale, res, out);   // the second half: output ready 1 cycle in 8
                }
                List<Element> skip = new ArrayList<>();
                long[] z1 = new long[row.size()];
                long[] z2 = new long[row.size()];
                long[] y = new long[row.size()];
                for (int i = 0; i < row.size(); i++) {
                    Element e2 = element(rnd, resW);
                    skip.add(e2);
                    z1[i] = row.get(i).z();
                    z2[i] = e2.z();
                    y[i] = DyadicScale.residualAdd(z1[i], row.get(i).s(), z2[i], e2.s(), outW);
                }
                data.pushRow(z1, inW);
                pushResidual(res, lanes, resW, z2, rnd);
                pushScales(scale, lanes, row, skip, rnd);
                expected.add(y);
            }
            flush(sim, out, expected, outW, lanes);

            fullRateMovesOneBeatPerCycle(sim, data, scale, res, out, lanes, inW, resW, outW, rnd);
            // the header: 6 cycles (multiply, shift, round, add, saturate, output register)
            assertLoneBeatLatency(sim, data, scale, res, out, lanes, inW, resW, outW, rnd, 6);
            BeatChecker.assertDrained(sim, out, 100);
        }
    }

    /** Waits for the expected rows so far, compares them and prints the stall counts. */
    private static void flush(Simulation sim, StreamSink out, List<long[]> expected, int outW, int lanes) {
        int beats = 0;
        for (long[] e : expected) {
            beats += (e.length + lanes - 1) / lanes;
        }
        sim.runUntilSinksHave(beats, 40L * beats + 1000);
        BeatChecker.assertRows(sim, out, expected, out.takeRows(outW, true));
        System.out.printf("  %d rows, %d beats compared; %d output stall cycles so far, cycle %d%n", expected.size(),
                beats, out.stallCycles(), sim.cycle());
        expected.clear();
    }

    private static void heavyBackPressure(StreamSource data, StreamSource scale, StreamSource res, StreamSink out) {
        data.setValidPermille(1000);
        scale.setValidPermille(1000);
        if (res != null) {
            res.setValidPermille(1000);
        }
        out.setReadyPermille(125);
    }

    /**
     * One beat into the idle pipeline at full rate: it leaves exactly {@code literal} cycles after
     * it entered (the number the header states, checked against {@link Requant#LATENCY} too).
     */
    private static void assertLoneBeatLatency(Simulation sim, StreamSource data, StreamSource scale,
            StreamSource res, StreamSink out, int lanes, int inW, int resW, int outW, Random rnd, int literal) {
        BeatChecker.assertDrained(sim, out, 20);
        Element e = element(rnd, inW);
        Element e2 = element(rnd, resW == 0 ? inW : resW);
        long start = sim.cycle();
        data.pushRow(new long[] {e.z()}, inW);
        if (res != null) {
            pushResidual(res, lanes, resW, new long[] {e2.z()}, rnd);
        }
        pushScales(scale, lanes, List.of(e), res != null ? List.of(e2) : null, rnd);
        sim.runUntilSinksHave(1, 1000);
        List<Beat> got = new ArrayList<>(out.beats());
        long want = res != null ? DyadicScale.residualAdd(e.z(), e.s(), e2.z(), e2.s(), outW) : e.s().apply(e.z(), outW);
        BeatChecker.assertRows(sim, out, List.of(new long[] {want}), out.takeRows(outW, true));
        long latency = got.get(0).cycle() - start;
        int builder = res != null ? Requant.LATENCY_RESIDUAL : Requant.LATENCY;
        if (latency != literal || latency != builder) {
            BeatChecker.fail(sim, out, "lone beat latency " + latency + " cycles, header says " + literal
                    + ", builder " + builder);
        }
    }

    /**
     * With every stream at full rate, B beats leave in B consecutive cycles (1 beat per cycle),
     * bit-exact as well.
     */
    private static void fullRateMovesOneBeatPerCycle(Simulation sim, StreamSource data, StreamSource scale,
            StreamSource res, StreamSink out, int lanes, int inW, int resW, int outW, Random rnd) {
        data.setValidPermille(1000);
        scale.setValidPermille(1000);
        if (res != null) {
            res.setValidPermille(1000);
        }
        out.setReadyPermille(1000);
        int beats = 200;
        List<Element> row = new ArrayList<>();
        List<Element> skip = new ArrayList<>();
        long[] expected = new long[beats * lanes];
        for (int i = 0; i < beats * lanes; i++) {
            Element e = element(rnd, inW);
            row.add(e);
            if (res != null) {
                Element e2 = element(rnd, resW);
                skip.add(e2);
                expected[i] = DyadicScale.residualAdd(e.z(), e.s(), e2.z(), e2.s(), outW);
            } else {
                expected[i] = e.s().apply(e.z(), outW);
            }
        }
        data.pushRow(row.stream().mapToLong(Element::z).toArray(), inW);
        if (res != null) {
            pushResidual(res, lanes, resW, skip.stream().mapToLong(Element::z).toArray(), rnd);
        }
        pushScales(scale, lanes, row, res != null ? skip : null, rnd);
        sim.runUntilSinksHave(beats, 10L * beats);
        List<Beat> got = new ArrayList<>(out.beats());
        List<long[]> actual = out.takeRows(outW, true);
        BeatChecker.assertRows(sim, out, List.of(expected), actual);
        assertEquals(beats - 1, got.get(beats - 1).cycle() - got.get(0).cycle(),
                "at full rate " + beats + " beats must leave in consecutive cycles (seed " + sim.seed() + ")");
    }

    /** Rows of random length 1..3*lanes+1 (so last beats are often partial), total {@code count} elements. */
    private static List<List<Element>> rows(Random rnd, int inW, int count) {
        List<List<Element>> rows = new ArrayList<>();
        int made = 0;
        while (made < count) {
            int len = 1 + rnd.nextInt(10);
            List<Element> row = new ArrayList<>();
            for (int i = 0; i < len; i++) {
                row.add(element(rnd, inW));
            }
            rows.add(row);
            made += len;
        }
        return rows;
    }

    /** One element from a mix of corner categories (see the class comment). */
    static Element element(Random rnd, int inW) {
        long zMin = -(1L << (inW - 1));
        long zMax = (1L << (inW - 1)) - 1;
        long mMax = (1L << 31) - 1;
        switch (rnd.nextInt(8)) {
            case 0: { // exact tie: z = zo * 2^a, m = mo * 2^b, a + b = k - 1, zo and mo odd
                int k = 1 + rnd.nextInt(62);
                int a = Math.min(k - 1, rnd.nextInt(Math.min(inW - 2, 62) + 1));
                int b = k - 1 - a;
                if (b > 29) {
                    b = 29;
                    a = k - 1 - b;
                    if (a > inW - 2) {
                        return element(rnd, inW);
                    }
                }
                long zo = oddBelow(rnd, inW - 1 - a);
                long mo = oddBelow(rnd, 31 - b);
                long z = zo << a;
                long m = mo << b;
                return new Element(z, new DyadicScale(m, k));
            }
            case 1: // saturation: extreme z, large m, small k
                return new Element(rnd.nextBoolean() ? zMin : zMax,
                        new DyadicScale(rnd.nextBoolean() ? mMax : -mMax, rnd.nextInt(4)));
            case 2: // k = 0
                return new Element(signedBits(rnd, 1 + rnd.nextInt(inW)), new DyadicScale(signedBits(rnd, 1 + rnd.nextInt(31)), 0));
            case 3: // k = 62
                return new Element(rnd.nextBoolean() ? (rnd.nextBoolean() ? zMin : zMax) : signedBits(rnd, inW),
                        new DyadicScale(rnd.nextBoolean() ? mMax : signedBits(rnd, 31), 62));
            case 4: // realistic requant: k around 31..45, m in [2^30, 2^31) with either sign
                return new Element(signedBits(rnd, inW),
                        new DyadicScale((rnd.nextBoolean() ? 1 : -1) * ((1L << 30) + rnd.nextInt(1 << 30)),
                                20 + rnd.nextInt(30)));
            case 5: // small values near zero and small shifts: many ties by chance
                return new Element(rnd.nextInt(17) - 8, new DyadicScale(rnd.nextInt(17) - 8, rnd.nextInt(5)));
            default: // anything
                return new Element(signedBits(rnd, inW), new DyadicScale(signedBits(rnd, 31), rnd.nextInt(63)));
        }
    }

    /** A random odd value with |v| < 2^bits, random sign. */
    private static long oddBelow(Random rnd, int bits) {
        long mag = bits >= 63 ? (rnd.nextLong() >>> 1) : (rnd.nextLong() & ((1L << bits) - 1));
        mag |= 1;
        return rnd.nextBoolean() ? mag : -mag;
    }

    /** A uniform signed value of {@code bits} bits (|v| < 2^(bits-1), never the minimum for bits = 31 + 1). */
    private static long signedBits(Random rnd, int bits) {
        if (bits >= 64) {
            return rnd.nextLong();
        }
        long v = rnd.nextLong() & ((1L << bits) - 1);
        long half = 1L << (bits - 1);
        return v >= half ? v - (1L << bits) : v;
    }

    /** Scale beats matching the data beats of one row (lanes past the row's end are zero). */
    private static void pushScales(StreamSource scale, int lanes, List<Element> row, List<Element> skip, Random rnd) {
        int laneBits = skip == null ? Requant.SCALE_BITS : 2 * Requant.SCALE_BITS;
        for (int at = 0; at < row.size(); at += lanes) {
            BigInteger beat = BigInteger.ZERO;
            for (int l = row.size() - at; l < lanes; l++) {
                // lanes past the row's end (tkeep low on the data beat) carry junk
                beat = beat.or(new BigInteger(laneBits, rnd).shiftLeft(l * laneBits));
            }
            for (int l = 0; l < lanes && at + l < row.size(); l++) {
                DyadicScale s = row.get(at + l).s();
                BigInteger lane = BigInteger.valueOf(Requant.packScale(s.m(), s.k()));
                if (skip != null) {
                    DyadicScale s2 = skip.get(at + l).s();
                    lane = lane.or(BigInteger.valueOf(Requant.packScale(s2.m(), s2.k())).shiftLeft(Requant.SCALE_BITS));
                }
                beat = beat.or(lane.shiftLeft(l * laneBits));
            }
            scale.push(Beat.of(beat, false));
        }
    }

    /** Residual operand beats matching the data beats of one row (no tlast/tkeep on that stream). */
    private static void pushResidual(StreamSource res, int lanes, int resW, long[] z2, Random rnd) {
        for (int at = 0; at < z2.length; at += lanes) {
            long[] lane = new long[lanes];
            for (int l = 0; l < lanes; l++) {
                lane[l] = at + l < z2.length ? z2[at + l] : rnd.nextLong();   // junk past the row's end
            }
            res.push(Beat.ofLanes(lane, resW, false, 0L));
        }
    }

    private static int beatCount(List<List<Element>> rows, int lanes) {
        int beats = 0;
        for (List<Element> r : rows) {
            beats += (r.size() + lanes - 1) / lanes;
        }
        return beats;
    }

    private static Map<String, String> strings(Map<String, Long> params) {
        Map<String, String> out = new HashMap<>();
        params.forEach((k, v) -> out.put(k, Long.toString(v)));
        return out;
    }
}
