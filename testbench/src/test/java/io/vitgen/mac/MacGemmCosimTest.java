package io.vitgen.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.vitgen.golden.IntGemm;
import io.vitgen.hw.MacArray;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * vitgen_mac_gemm against the golden GEMM + per-channel requantization ({@link IntGemm}), every
 * output compared: random shapes (K = 1, M and N smaller than the array, partial tiles), several
 * GEMMs back to back in one simulation, all-extreme operands with the tightest accumulator the
 * largest K allows, random stalls on all four streams, random per-channel m/k including ties, and
 * full-rate runs (16x16, packed 4x6, 4x6 with one requantizer lane) where every output row must
 * arrive on its exact cycle (tiles back to back) and a single tile's first row exactly
 * {@link MacArray.Shape#latency()} cycles after its last operand beat, 48-bit accumulators with sums beyond
 * 32 bits, and the K limit (err_k_overflow). Every simulation ends with no extra output beat and
 * no error flag (except where the K-limit test raises it on purpose).
 */
class MacGemmCosimTest {

    private static final Path DIR = Path.of("target", "rtl", "mac-cosim");

    @Test
    void smallArrayRandomShapesStallsAndExtremes() {
        long seed = Seeds.of("MacGemmCosimTest.smallArrayRandomShapesStallsAndExtremes", 0x3AC0_0001L);
        // 22-bit accumulators are exactly wide enough for K = 64 (docs/arithmetic.md section 8).
        MacArray.Shape shape = new MacArray.Shape(2, 3, 8, 8, IntGemm.requiredAccBits(8, 8, 64), 8);
        Random rnd = new Random(seed);
        List<GemmJob> jobs = new ArrayList<>();
        int[][] fixed = {{1, 1, 1}, {5, 1, 7}, {1, 9, 2}, {2, 4, 3}, {7, 64, 8}, {4, 3, 6}, {3, 2, 1}};
        for (int[] mkn : fixed) {
            jobs.add(randomJob(rnd, shape, mkn[0], mkn[1], mkn[2]));
        }
        for (int i = 0; i < 10; i++) {
            jobs.add(randomJob(rnd, shape, 1 + rnd.nextInt(9), 1 + rnd.nextInt(20), 1 + rnd.nextInt(10)));
        }
        jobs.addAll(extremeJobs(rnd, shape, 64));
        run(shape, jobs, seed, new int[] {700, 750, 500, 600}, SimOptions.randomInitialState());
    }

    @Test
    void fourBitAndMixedOperands() {
        long seed = Seeds.of("MacGemmCosimTest.fourBitAndMixedOperands", 0x3AC0_0002L);
        Random rnd = new Random(seed);
        MacArray.Shape int4 = new MacArray.Shape(4, 4, 4, 4, IntGemm.requiredAccBits(4, 4, 64), 4);
        List<GemmJob> jobs = new ArrayList<>();
        jobs.add(randomJob(rnd, int4, 9, 64, 6));
        jobs.add(randomJob(rnd, int4, 1, 1, 1));
        jobs.add(randomJob(rnd, int4, 3, 17, 5));
        jobs.addAll(extremeJobs(rnd, int4, 64));
        run(int4, jobs, seed, new int[] {800, 600, 700, 700}, SimOptions.defaults());

        MacArray.Shape mixed = new MacArray.Shape(1, 1, 8, 4, IntGemm.requiredAccBits(8, 4, 200), 8);
        jobs.clear();
        jobs.add(randomJob(rnd, mixed, 3, 200, 2));
        jobs.add(randomJob(rnd, mixed, 2, 1, 3));
        jobs.addAll(extremeJobs(rnd, mixed, 200));
        run(mixed, jobs, seed + 1, new int[] {900, 900, 300, 500}, SimOptions.defaults());
    }

    @Test
    void array16x16StallsThenFullRate() {
        long seed = Seeds.of("MacGemmCosimTest.array16x16StallsThenFullRate", 0x3AC0_0003L);
        Random rnd = new Random(seed);
        MacArray.Shape shape = new MacArray.Shape(16, 16, 8, 8, 32, 8);
        VerilatedModel model = build(shape);
        try (Simulation sim = model.open(seed)) {
            sim.reset(2);
            Streams s = Streams.open(sim, new int[] {800, 850, 600, 700});
            check(sim, s, randomJob(rnd, shape, 37, 50, 35));

            // Full rate: 3 x 3 tiles with K = 64 must run back to back.
            s.full();
            GemmJob job = randomJob(rnd, shape, 48, 64, 48);
            long start = sim.cycle();
            List<Beat> beats = check(sim, s, job);
            assertFullRateCycles("16x16", shape, job, start, beats, seed);
            finish(sim, s);
            assertFirstRowLatency(sim, s, rnd, shape, seed);
            // by hand (docs/mac.md): COLS + 12 + 1 = 16 + 13 with one requantizer lane per column (the
            // last flag crosses row 0, the drain starts, drain register, row FIFO, serializer,
            // requantizer, reassembly)
            assertFirstRowLatencyIs(sim, s, rnd, shape, 31);
        }
    }

    @Test
    void int8x2PackingIsBitExact() {
        long seed = Seeds.of("MacGemmCosimTest.int8x2PackingIsBitExact", 0x3AC0_0004L);
        Random rnd = new Random(seed);
        MacArray.Shape packed = new MacArray.Shape(3, 4, 8, 8, IntGemm.requiredAccBits(8, 8, 64), 8, true);
        List<GemmJob> jobs = new ArrayList<>();
        int[][] fixed = {{1, 1, 1}, {4, 1, 5}, {1, 7, 2}, {3, 64, 4}, {7, 64, 9}};
        for (int[] mkn : fixed) {
            jobs.add(randomJob(rnd, packed, mkn[0], mkn[1], mkn[2]));
        }
        for (int i = 0; i < 6; i++) {
            jobs.add(randomJob(rnd, packed, 1 + rnd.nextInt(9), 1 + rnd.nextInt(20), 1 + rnd.nextInt(10)));
        }
        jobs.addAll(extremeJobs(rnd, packed, 64));
        run(packed, jobs, seed, new int[] {650, 800, 500, 550}, SimOptions.randomInitialState());

        // Full rate on 4x6 (3 cells per row): tiles back to back from K = max(3 + 2, 4) = 5 on.
        fullRateAtAndAboveBackToBackK("packed 4x6", new MacArray.Shape(4, 6, 8, 8, 32, 8, true), rnd, seed);
    }

    /**
     * Every stream at full rate on {@code shape}: 3 x 2 tiles at the smallest back-to-back K and at
     * K = 40, each output row at its exact cycle; then the documented first-row latency.
     */
    private static void fullRateAtAndAboveBackToBackK(String what, MacArray.Shape shape, Random rnd, long seed) {
        try (Simulation sim = build(shape).open(seed + 1)) {
            sim.reset(2);
            Streams s = Streams.open(sim, new int[] {1000, 1000, 1000, 1000});
            for (int k : new int[] {shape.backToBackK(), 40}) {
                GemmJob job = randomJob(rnd, shape, 3 * shape.rows(), k, 2 * shape.cols());
                long start = sim.cycle();
                List<Beat> beats = check(sim, s, job);
                assertFullRateCycles(what, shape, job, start, beats, seed);
            }
            finish(sim, s);
            assertFirstRowLatency(sim, s, rnd, shape, seed + 1);
        }
    }

    /**
     * Requantizers narrower than the array (REQ_LANES < COLS: row FIFO, serializer, reassembly):
     * 3x7 with 3 lanes (7 is no multiple of 3: the last part of each row is padded), random shapes,
     * K = 1, partial tiles, extremes, random stalls and random initial state; 2x3 with 1 lane and
     * int8x2-packed 3x4 with 3 lanes the same way; then 4x6 with 1 lane at full rate, where the requantizer (4 rows x 6 beats = 24
     * cycles per tile) and not the drain (6 + 2 = 8) bounds the back-to-back K, at that K and above.
     */
    @Test
    void narrowRequantizerIsBitExact() {
        long seed = Seeds.of("MacGemmCosimTest.narrowRequantizerIsBitExact", 0x3AC0_0005L);
        Random rnd = new Random(seed);
        int acc = IntGemm.requiredAccBits(8, 8, 64);
        for (MacArray.Shape shape : new MacArray.Shape[] {
            new MacArray.Shape(3, 7, 8, 8, acc, 8).withReqLanes(3),
            new MacArray.Shape(2, 3, 8, 8, acc, 8).withReqLanes(1),
            new MacArray.Shape(3, 4, 8, 8, acc, 8, true, 3)}) {
            List<GemmJob> jobs = new ArrayList<>();
            int[][] fixed = {{1, 1, 1}, {5, 1, 9}, {1, 9, 2}, {3, 4, 7}, {7, 64, 15}, {4, 2, 1}};
            for (int[] mkn : fixed) {
                jobs.add(randomJob(rnd, shape, mkn[0], mkn[1], mkn[2]));
            }
            for (int i = 0; i < 6; i++) {
                jobs.add(randomJob(rnd, shape, 1 + rnd.nextInt(9), 1 + rnd.nextInt(20), 1 + rnd.nextInt(16)));
            }
            jobs.addAll(extremeJobs(rnd, shape, 64));
            run(shape, jobs, seed, new int[] {700, 750, 500, 600}, SimOptions.randomInitialState());
        }

        MacArray.Shape one = new MacArray.Shape(4, 6, 8, 8, 32, 8).withReqLanes(1);
        assertEquals(24, one.backToBackK());
        fullRateAtAndAboveBackToBackK("4x6 with 1 requantizer lane", one, rnd, seed);
    }

    /**
     * ACC_W = 48 (SUM_W = 49 into the requantizer): one tile with K = 270,000 > 2^18, so the
     * accumulators pass 2^32 (min x min gives +4.4e9, min x max -4.4e9), with int32 extreme biases
     * and extreme m/k; then random GEMMs whose acc + bias leaves the int32 range, with extreme
     * scales. (The requantizer's product at SUM_W = 49 - up to 81 bits - is covered to its full
     * range in RequantCosimTest at IN_W = 49; a GEMM sum near 2^48 would need K ~ 2^34.)
     */
    @Test
    void acc48SumsBeyond32Bits() {
        long seed = Seeds.of("MacGemmCosimTest.acc48SumsBeyond32Bits", 0x3AC0_0006L);
        Random rnd = new Random(seed);
        MacArray.Shape shape = new MacArray.Shape(1, 4, 8, 8, 48, 32);
        int k = 270_000;
        long[][] a = new long[2][];
        a[0] = GemmJob.constantMatrix(1, k, -128)[0];
        a[1] = GemmJob.extremeMatrix(rnd, 1, k, 8)[0];
        long[][] w = GemmJob.constantMatrix(k, 4, -128);
        for (int kk = 0; kk < k; kk++) {
            w[kk][1] = 127;
            w[kk][2] = rnd.nextBoolean() ? -128 : 127;
            w[kk][3] = rnd.nextInt(256) - 128;
        }
        long[] bias = {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE};
        long mMax = (1L << 31) - 1;
        // col 0: 4.4e9 * ~1/4 fits int32; col 1: -4.4e9 * -1/2^62 -> 0; col 2: saturates; col 3: ~1/2
        DyadicScale[] scales = {new DyadicScale(mMax, 33), new DyadicScale(-mMax, DyadicScale.MAX_K),
            new DyadicScale(mMax, 0), new DyadicScale(1L << 30, 31)};
        List<GemmJob> jobs = new ArrayList<>();
        jobs.add(new GemmJob(shape, a, w, bias, scales));
        jobs.add(new GemmJob(shape, a, w, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1},
                new DyadicScale[] {new DyadicScale(-mMax, 34), new DyadicScale(mMax, 33),
                    new DyadicScale(-1, 0), new DyadicScale(1, DyadicScale.MAX_K)}));
        for (int i = 0; i < 3; i++) {
            int n = 1 + rnd.nextInt(9);
            GemmJob job = randomJob(rnd, shape, 1 + rnd.nextInt(4), 1 + rnd.nextInt(300), n);
            for (int j = 0; j < n; j++) {
                job.bias[j] = rnd.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                job.scales[j] = extremeScale(rnd);
            }
            jobs.add(job);
        }
        run(shape, jobs, seed, new int[] {950, 900, 500, 800}, SimOptions.defaults());
    }

    /**
     * K_MAX = 127 for 8-bit operands and 22-bit accumulators: a tile of exactly K_MAX all-extreme
     * beats is exact and leaves err_k_overflow low; one tile of K_MAX + 1 beats raises it (that
     * tile's results are undefined and only counted); the flag stays set while the next GEMM is
     * computed correctly.
     */
    @Test
    void tileOverKLimitRaisesStickyFlag() {
        long seed = Seeds.of("MacGemmCosimTest.tileOverKLimitRaisesStickyFlag", 0x3AC0_0007L);
        Random rnd = new Random(seed);
        MacArray.Shape shape = new MacArray.Shape(2, 3, 8, 8, IntGemm.requiredAccBits(8, 8, 64), 8);
        int kMax = (int) shape.kLimit();
        assertEquals(127, kMax);
        try (Simulation sim = build(shape).open(seed)) {
            sim.reset(2);
            Streams s = Streams.open(sim, new int[] {800, 700, 600, 750});
            for (GemmJob job : extremeJobs(rnd, shape, kMax)) {
                check(sim, s, job);
            }
            if (sim.peekLong("err_k_overflow") != 0) {
                BeatChecker.fail(sim, s.out(), "err_k_overflow set by tiles of K = K_MAX = " + kMax);
            }
            GemmJob over = randomJob(rnd, shape, shape.rows(), kMax + 1, shape.cols());
            over.push(s.a(), s.w(), s.chan());
            sim.runUntilSinksHave(over.outputBeats(), 50L * (kMax + 1) + 2000);
            s.out().take();   // undefined results: only the beat count is the contract
            if (sim.peekLong("err_k_overflow") != 1) {
                BeatChecker.fail(sim, s.out(), "err_k_overflow not set by a tile of K = K_MAX + 1 = " + (kMax + 1));
            }
            check(sim, s, randomJob(rnd, shape, 5, 40, 4));
            BeatChecker.assertDrained(sim, s.out(), 200);
            if (sim.peekLong("err_k_overflow") != 1) {
                BeatChecker.fail(sim, s.out(), "err_k_overflow is not sticky");
            }
            if (sim.peekLong("err_tlast_mismatch") != 0) {
                BeatChecker.fail(sim, s.out(), "err_tlast_mismatch set");
            }
            // documented recovery: reset clears the flag; the engine computes exactly again
            sim.reset(2);
            assertFlag(sim, s, "err_k_overflow", 0, "after reset");
            check(sim, s, randomJob(rnd, shape, 3, kMax, 5));
            finish(sim, s);
        }
    }

    /**
     * err_tlast_mismatch (docs/mac.md): the flag rises when a joined A/W beat has
     * s_axis_a_tlast != s_axis_w_tlast, and s_axis_a_tlast is the one obeyed - so a tile whose W
     * stream drops its tlast, or ends it early, is still the K-beat tile A delimits, and its results
     * equal the golden model's. The flag is sticky through later, well-formed GEMMs and is
     * cleared by reset. The first GEMM runs under heavy back-pressure (output ready 1 cycle in 8).
     */
    @Test
    void tlastMismatchIsFlaggedAndATileEndsOnATlast() {
        long seed = Seeds.of("MacGemmCosimTest.tlastMismatchIsFlaggedAndATileEndsOnATlast", 0x3AC0_0008L);
        Random rnd = new Random(seed);
        MacArray.Shape shape = new MacArray.Shape(2, 3, 8, 8, IntGemm.requiredAccBits(8, 8, 64), 8);
        try (Simulation sim = build(shape).open(seed)) {
            sim.reset(2);
            Streams s = Streams.open(sim, new int[] {900, 900, 800, 125});
            check(sim, s, randomJob(rnd, shape, 5, 9, 7));
            assertFlag(sim, s, "err_tlast_mismatch", 0, "after well-formed tiles");
            // W never raises tlast: A ends every tile
            GemmJob noWLast = randomJob(rnd, shape, 3, 12, 4);
            checkWith(sim, s, noWLast, kk -> false);
            assertFlag(sim, s, "err_tlast_mismatch", 1, "after tiles whose W stream has no tlast");
            // W raises tlast in the middle of the tile and not at its end
            GemmJob early = randomJob(rnd, shape, 4, 10, 3);
            checkWith(sim, s, early, kk -> kk == 4);
            // a well-formed GEMM afterwards is exact, the flag stays
            s.out().setReadyPermille(700);
            check(sim, s, randomJob(rnd, shape, 6, 17, 5));
            assertFlag(sim, s, "err_tlast_mismatch", 1, "sticky after well-formed tiles");
            BeatChecker.assertDrained(sim, s.out(), 200);
            sim.reset(2);
            assertFlag(sim, s, "err_tlast_mismatch", 0, "after reset");
            check(sim, s, randomJob(rnd, shape, 2, 33, 3));
            finish(sim, s);
            System.out.printf("  %d output stall cycles, A/W/chan wait cycles %d/%d/%d, cycle %d%n",
                    s.out().stallCycles(), s.a().waitCycles(), s.w().waitCycles(), s.chan().waitCycles(), sim.cycle());
        }
    }

    private static void checkWith(Simulation sim, Streams s, GemmJob job, java.util.function.IntPredicate wLast) {
        job.pushWithWTlast(s.a(), s.w(), s.chan(), wLast);
        int beats = job.outputBeats();
        sim.runUntilSinksHave(beats, 50L * (job.tiles() * (long) job.k() + beats) + 2000);
        BeatChecker.assertRows(sim, s.out(), job.expectedTiles(), s.out().takeRows(job.shape.outW(), true));
    }

    private static void assertFlag(Simulation sim, Streams s, String flag, long expected, String when) {
        long got = sim.peekLong(flag);
        if (got != expected) {
            BeatChecker.fail(sim, s.out(), flag + " = " + got + " " + when + ", expected " + expected);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The four streams of one simulation. */
    record Streams(StreamSource a, StreamSource w, StreamSource chan, StreamSink out) {
        static Streams open(Simulation sim, int[] permille) {
            return new Streams(sim.source("s_axis_a", permille[0]), sim.source("s_axis_w", permille[1]),
                    sim.source("s_axis_chan", permille[2]), sim.sink("m_axis", permille[3]));
        }

        void full() {
            a.setValidPermille(1000);
            w.setValidPermille(1000);
            chan.setValidPermille(1000);
            out.setReadyPermille(1000);
        }
    }

    /**
     * The engine's files for a DSP packing (a generation-time choice: packed and plain engines are
     * different texts, so each has its own directory); sizes and widths are parameters.
     */
    static List<Path> emit(Path dir, boolean packInt8x2) {
        MacArray.Shape base = new MacArray.Shape(4, 4, 8, 8, 32, 8, packInt8x2);
        return Emitter.writeModules(List.of(MacArray.gemm(base)),
                packInt8x2 ? dir.resolveSibling(dir.getFileName() + "-int8x2") : dir);
    }

    static VerilatedModel build(MacArray.Shape shape) {
        // the drain checks idle 200 cycles: more than a tile's latency plus all its output rows
        // (a plain check, not JUnit's: ./bench mac builds its model through here outside the test runner)
        if (shape.latency() + shape.rows() * shape.reqBeats() + 64 > 200) {
            throw new AssertionError("drain window for " + shape);
        }
        List<Path> files = emit(DIR, shape.packInt8x2());
        Map<String, String> params = new HashMap<>();
        shape.parameters().forEach((k, v) -> params.put(k, Long.toString(v)));
        return VerilatedModel.build(files, "vitgen_mac_gemm", params);
    }

    private static void run(MacArray.Shape shape, List<GemmJob> jobs, long seed, int[] permille, SimOptions opts) {
        VerilatedModel model = build(shape);
        try (Simulation sim = model.open(seed, opts)) {
            sim.reset(2);
            Streams s = Streams.open(sim, permille);
            for (GemmJob job : jobs) {
                check(sim, s, job);
            }
            finish(sim, s);
        }
    }

    /**
     * Exact timing of a GEMM streamed at full rate (all sources valid every cycle, sink always
     * ready) into an idle engine with K at or above {@link MacArray.Shape#backToBackK()}: the
     * engine takes one joined A/W beat per cycle from the first cycle of the run (cycle
     * {@code start}, the harness stamps a transfer with the cycle count before its edge), so
     * tile t's last operand beat transfers at {@code start + (t+1)*K - 1}; the last tile's first
     * row follows {@link MacArray.Shape#latency()} cycles later and its remaining rows one per
     * {@link MacArray.Shape#reqBeats()} cycles. Every output row is checked, not only the last:
     * tile t's row r at {@code start + (t+1)*K - 1 + latency + r*reqBeats}. The RTL is
     * deterministic here, so no slack.
     */
    private static void assertFullRateCycles(String what, MacArray.Shape shape, GemmJob job, long start,
            List<Beat> beats, long seed) {
        assertTrue(job.k() >= shape.backToBackK(), "test setup: K = " + job.k() + " below the back-to-back bound");
        int i = 0;
        for (int t = 0; t < job.tiles(); t++) {
            int rowTile = t / job.colTiles();
            int rv = Math.min(shape.rows(), job.m() - rowTile * shape.rows());
            long lastOperand = start + (long) (t + 1) * job.k() - 1;
            for (int r = 0; r < rv; r++, i++) {
                long expected = lastOperand + shape.latency() + (long) r * shape.reqBeats();
                assertEquals(expected, beats.get(i).cycle(), what + " at full rate, K = " + job.k() + ": tile " + t
                        + " row " + r + " (output beat " + i + ") at cycle " + beats.get(i).cycle() + ", expected "
                        + expected + " = start " + start + " + " + (t + 1) + "*K - 1 + latency " + shape.latency()
                        + " + " + r + "*" + shape.reqBeats() + " (seed " + seed + ")");
            }
        }
        assertEquals(beats.size(), i, "output beat count");
    }

    /**
     * The documented latency ({@link MacArray.Shape#latency()}, docs/mac.md) measured on a single
     * tile into an idle, drained engine at full rate with an always-ready sink: for K = 1 and
     * K = 2R + C + 5 (longer than the skews) the first output row transfers exactly latency()
     * cycles after the tile's last operand beat. With every source valid on every cycle and the
     * engine idle (A/W tready = the other stream's tvalid, the channel register empty), the K
     * operand beats transfer on cycles start .. start + K - 1 (start = the cycle count when the
     * run begins, which is the stamp of a transfer on the run's first edge).
     */
    private static void assertFirstRowLatency(Simulation sim, Streams s, Random rnd, MacArray.Shape shape, long seed) {
        s.full();
        for (int k : new int[] {1, 2 * shape.rows() + shape.cols() + 5}) {
            GemmJob job = randomJob(rnd, shape, shape.rows(), k, shape.cols());
            long start = sim.cycle();
            List<Beat> beats = check(sim, s, job);
            long lastOperand = start + k - 1;
            assertEquals(shape.latency(), beats.get(0).cycle() - lastOperand, "single tile " + shape.rows() + "x"
                    + shape.cols() + (shape.packInt8x2() ? " packed" : "") + " with " + shape.reqBeats()
                    + " requantizer beat(s) per row, K = " + k + ": first output row at cycle " + beats.get(0).cycle()
                    + ", last operand beat at cycle " + lastOperand + " (seed " + seed + ")");
            for (int r = 1; r < beats.size(); r++) {
                assertEquals(shape.reqBeats(), beats.get(r).cycle() - beats.get(r - 1).cycle(),
                        "row " + r + " one row per reqBeats cycles (seed " + seed + ")");
            }
            finish(sim, s);
        }
    }

    /** A single full tile's first output row exactly {@code literal} cycles after its last operand beat. */
    private static void assertFirstRowLatencyIs(Simulation sim, Streams s, Random rnd, MacArray.Shape shape,
            int literal) {
        s.full();
        int k = 2 * shape.rows() + shape.cols() + 5;
        GemmJob job = randomJob(rnd, shape, shape.rows(), k, shape.cols());
        long start = sim.cycle();
        List<Beat> beats = check(sim, s, job);
        assertEquals(literal, beats.get(0).cycle() - (start + k - 1), "first-row latency against docs/mac.md (seed "
                + sim.seed() + ")");
        finish(sim, s);
    }

    /** No extra output beat after the last expected one, and no error flag raised. */
    private static void finish(Simulation sim, Streams s) {
        BeatChecker.assertDrained(sim, s.out(), 200);
        System.out.printf("  cycle %d: %d output stall cycles, A/W/chan wait cycles %d/%d/%d so far%n", sim.cycle(),
                s.out().stallCycles(), s.a().waitCycles(), s.w().waitCycles(), s.chan().waitCycles());
        for (String flag : new String[] {"err_tlast_mismatch", "err_k_overflow"}) {
            if (sim.peekLong(flag) != 0) {
                BeatChecker.fail(sim, s.out(), flag + " set");
            }
        }
    }

    /** An extreme per-channel scale: |m| = 2^31 - 1 or 1, k = 0, 31..34 or 62, either sign. */
    private static DyadicScale extremeScale(Random rnd) {
        long m = rnd.nextBoolean() ? (1L << 31) - 1 : 1 + rnd.nextInt(3);
        int[] ks = {0, 31, 32, 33, 34, DyadicScale.MAX_K};
        return new DyadicScale(rnd.nextBoolean() ? m : -m, ks[rnd.nextInt(ks.length)]);
    }

    /** Streams one GEMM, waits for every output beat and compares each tile with the golden model. */
    static List<Beat> check(Simulation sim, Streams s, GemmJob job) {
        job.push(s.a(), s.w(), s.chan());
        int beats = job.outputBeats();
        sim.runUntilSinksHave(beats, 50L * (job.tiles() * (long) job.k() + beats) + 2000);
        List<Beat> got = new ArrayList<>(s.out().beats());
        List<long[]> rows = s.out().takeRows(job.shape.outW(), true);
        BeatChecker.assertRows(sim, s.out(), job.expectedTiles(), rows);
        return got;
    }

    static GemmJob randomJob(Random rnd, MacArray.Shape shape, int m, int k, int n) {
        int accLog2 = shape.aW() + shape.wW() - 1 + IntGemm.ceilLog2(k);
        return new GemmJob(shape, GemmJob.randomMatrix(rnd, m, k, shape.aW()),
                GemmJob.randomMatrix(rnd, k, n, shape.wW()), GemmJob.randomBias(rnd, n),
                GemmJob.randomScales(rnd, n, accLog2));
    }

    /**
     * Extreme operands with K = the largest K the accumulator allows: the largest positive sum
     * (min x min), the most negative (min x max), and random extremes. Bias 0; the scales map the
     * exact sum into the output range without saturating (so an accumulator overflow would flip
     * the sign of the result), plus identity scales that saturate.
     */
    static List<GemmJob> extremeJobs(Random rnd, MacArray.Shape shape, int k) {
        long aMin = -(1L << (shape.aW() - 1));
        long wMin = -(1L << (shape.wW() - 1));
        long wMax = (1L << (shape.wW() - 1)) - 1;
        int m = shape.rows() + 1;
        int n = shape.cols() + 1;
        // |sum| <= K * 2^(aW+wW-2) = 2^(sumLog2); scale it to at most 2^(outW-2).
        int sumLog2 = IntGemm.ceilLog2(k) + shape.aW() + shape.wW() - 2;
        DyadicScale down = new DyadicScale(1L << 30, 30 + sumLog2 - (shape.outW() - 2));
        DyadicScale[] scaled = new DyadicScale[n];
        DyadicScale[] mixed = new DyadicScale[n];
        for (int j = 0; j < n; j++) {
            scaled[j] = down;
            mixed[j] = j % 2 == 0 ? down : new DyadicScale(1L << 30, 30);
        }
        long[] zero = new long[n];
        List<GemmJob> jobs = new ArrayList<>();
        jobs.add(new GemmJob(shape, GemmJob.constantMatrix(m, k, aMin), GemmJob.constantMatrix(k, n, wMin), zero, scaled));
        jobs.add(new GemmJob(shape, GemmJob.constantMatrix(m, k, aMin), GemmJob.constantMatrix(k, n, wMax), zero, scaled));
        jobs.add(new GemmJob(shape, GemmJob.extremeMatrix(rnd, m, k, shape.aW()),
                GemmJob.extremeMatrix(rnd, k, n, shape.wW()), zero, mixed));
        return jobs;
    }
}
