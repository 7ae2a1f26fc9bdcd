package io.vitgen.layernorm;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vitgen.emit.Emitter;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntLayerNorm;
import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * Drives one generated {@code vitgen_layernorm}: builds it, loads parameter tables, pushes rows
 * and computes what the golden model ({@link IntLayerNorm}, {@link DyadicScale}) expects. Input
 * construction only; every expected value comes from the golden model.
 */
final class LayerNormRig {

    /** One parameter table: per-channel bias and, for int8 output, per-channel scale. */
    record Table(long[] bias, DyadicScale[] scale) {
        int channels() {
            return bias.length;
        }
    }

    final LayerNormGeometry geometry;
    final VerilatedModel model;

    LayerNormRig(int lanes, int maxChannels, boolean int8) {
        this.geometry = LayerNormUnit.geometry(lanes, maxChannels, int8);
        Path dir = Path.of("target", "rtl", "layernorm-" + lanes + "x" + maxChannels + (int8 ? "-int8" : "-raw"));
        List<Path> files = Emitter.writeModules(List.of(LayerNormUnit.spec(lanes, maxChannels, int8)), dir);
        this.model = VerilatedModel.build(files, "vitgen_layernorm");
    }

    int lanes() {
        return geometry.lanes();
    }

    boolean int8() {
        return geometry.int8();
    }

    /** Random int32 biases (full range, sometimes small) and dyadic scales of random ratios. */
    Table randomTable(int channels, Random rnd) {
        long[] bias = new long[channels];
        DyadicScale[] scale = new DyadicScale[channels];
        boolean small = rnd.nextBoolean();
        for (int c = 0; c < channels; c++) {
            bias[c] = small ? rnd.nextInt(1 << 20) - (1 << 19) : rnd.nextInt();
            // LayerNorm outputs reach ~2^31; ratios 2^-30 .. 2^-18 map them to int8, some saturating
            double ratio = Math.scalb(0.5 + rnd.nextDouble() * 0.5, -18 - rnd.nextInt(13));
            scale[c] = DyadicScale.fromRatio(rnd.nextInt(8) == 0 ? -ratio : ratio);
        }
        return new Table(bias, scale);
    }

    /** Queues a table on s_axis_param: one channel per beat, tlast on the last channel. */
    void pushTable(StreamSource params, Table t) {
        for (int c = 0; c < t.channels(); c++) {
            BigInteger word = BigInteger.valueOf(t.bias()[c] & 0xFFFF_FFFFL);
            if (int8()) {
                word = word.or(BigInteger.valueOf(t.scale()[c].m() & 0xFFFF_FFFFL).shiftLeft(32))
                        .or(BigInteger.valueOf(t.scale()[c].k()).shiftLeft(64));
            }
            params.push(word, c == t.channels() - 1);
        }
    }

    /** Loads a table and runs until the unit has taken all of it. */
    void load(Simulation sim, StreamSource params, Table t) {
        pushTable(params, t);
        long limit = sim.cycle() + 200_000L + 20L * t.channels();
        while (params.pending() > 0) {
            if (sim.cycle() > limit) {
                throw new AssertionError("parameter load of " + t.channels() + " channels not taken by cycle "
                        + sim.cycle() + ", seed " + sim.seed());
            }
            sim.run(500);
        }
    }

    /** The golden output row (raw out_i, or int8 after the channel's requantization). */
    long[] expected(long[] x, Table t) {
        long[] out = IntLayerNorm.apply(x, t.bias());
        if (int8()) {
            for (int c = 0; c < out.length; c++) {
                out[c] = t.scale()[c].apply(out[c], 8);
            }
        }
        return out;
    }

    /**
     * Idle cycles after the last expected beat in which no further beat may appear: a full row
     * time plus the unit's latency, so a spurious row would have come out.
     */
    long drainCycles() {
        return geometry.latency() + 2L * geometry.maxBeats() + 64;
    }

    /** Output beats of a row of {@code channels}. */
    int beats(int channels) {
        return (channels + lanes() - 1) / lanes();
    }

    /**
     * Pushes the rows, runs until all their beats are out and returns the output rows (lanes of
     * the output width, signed). Fails after {@code maxCycles}.
     */
    List<long[]> stream(Simulation sim, StreamSource in, StreamSink out, List<long[]> rows, long maxCycles) {
        int beats = 0;
        for (long[] r : rows) {
            in.pushRow(r, 16);
            beats += beats(r.length);
        }
        sim.runUntilSinksHave(beats, maxCycles);
        return out.takeRows(geometry.outW(), true);
    }

    /**
     * Timing of one row length with valid and ready always high.
     *
     * @param latency        cycles from a lone row's last input beat to its first output beat
     * @param channelsPerCycle steady-state output channels per cycle of back-to-back rows
     * @param rowPeriod      steady-state cycles per row
     */
    record Timing(long latency, double channelsPerCycle, double rowPeriod) {
    }

    /**
     * Loads a table of {@code c} channels, sends one row into the idle unit (its beats are taken
     * on consecutive cycles: the unit is ready) and then {@code rows} back-to-back rows; checks
     * every output against the golden model and measures the latency of the lone row and the
     * output rate from row rows/4 on.
     */
    Timing measure(int c, int rows, long seed) {
        Random rnd = new Random(seed);
        try (Simulation sim = model.open(seed)) {
            StreamSource params = sim.source("s_axis_param", 1000);
            StreamSource in = sim.source("s_axis", 1000);
            StreamSink out = sim.sink("m_axis", 1000);
            sim.reset(4);
            Table t = randomTable(c, rnd);
            load(sim, params, t);
            sim.run(20);
            int beats = beats(c);

            long[] lone = randomRow(c, rnd);
            long firstIn = sim.cycle();
            in.pushRow(lone, 16);
            sim.runUntilSinksHave(beats, 1_000_000L);
            List<Beat> loneOut = new ArrayList<>(out.beats());
            long latency = loneOut.get(0).cycle() - (firstIn + beats - 1);
            BeatChecker.assertRows(sim, out, List.of(expected(lone, t)), out.takeRows(geometry.outW(), true));

            List<long[]> expectedRows = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                long[] x = randomRow(c, rnd);
                expectedRows.add(expected(x, t));
                in.pushRow(x, 16);
            }
            sim.runUntilSinksHave(rows * beats, 10_000_000L);
            List<Beat> outBeats = new ArrayList<>(out.beats());
            BeatChecker.assertRows(sim, out, expectedRows, out.takeRows(geometry.outW(), true));
            BeatChecker.assertDrained(sim, out, drainCycles());
            int from = (rows / 4) * beats;
            long cycles = outBeats.get(outBeats.size() - 1).cycle() - outBeats.get(from).cycle() + 1;
            int measured = rows - rows / 4;
            return new Timing(latency, (double) measured * c / cycles, (double) cycles / measured);
        }
    }

    // ---- row construction ------------------------------------------------------------------

    static long[] randomRow(int c, Random rnd) {
        long[] x = new long[c];
        int kind = rnd.nextInt(4);
        int spread = kind == 0 ? 8 : kind == 1 ? 300 : kind == 2 ? 6000 : 32768;
        int centre = rnd.nextInt(65536) - 32768;
        for (int i = 0; i < c; i++) {
            long v = kind == 3 ? rnd.nextInt(65536) - 32768 : centre + rnd.nextInt(2 * spread + 1) - spread;
            x[i] = Math.max(-32768, Math.min(32767, v));
        }
        return x;
    }

    static long[] constantRow(int c, long value) {
        long[] x = new long[c];
        java.util.Arrays.fill(x, value);
        return x;
    }

    /** Full-scale rows: alternating +32767 / -32768, all -32768 but one +32767, random extremes. */
    static List<long[]> fullScaleRows(int c, Random rnd) {
        List<long[]> rows = new ArrayList<>();
        long[] alt = new long[c];
        long[] one = constantRow(c, -32768);
        long[] ext = new long[c];
        for (int i = 0; i < c; i++) {
            alt[i] = (i & 1) == 0 ? 32767 : -32768;
            ext[i] = rnd.nextBoolean() ? 32767 : -32768;
        }
        one[rnd.nextInt(c)] = 32767;
        rows.add(alt);
        rows.add(one);
        rows.add(ext);
        rows.add(constantRow(c, 32767));
        rows.add(constantRow(c, -32768));
        return rows;
    }

    /**
     * A row of {@code c >= 9} channels whose V is exactly {@code v}: pairs (a, -a) carry
     * 2 * floor(v / 2), a single 1 the odd part; the sum is 0 or 1, so mu = 0 and V = sum x^2.
     * With {@code c >= 17} two groups of four pairs share floor(v / 2) (split near the middle), which
     * reaches v up to ~1.6e10 and values such as 2^32 whose half has no four-square form below 2^15
     * (2^31 = 2 (2^15)^2 only); with 9 &lt;= c &lt; 17 one group, v &lt; 2^33. Positions are shuffled.
     */
    static long[] rowWithVariance(int c, long v, Random rnd) {
        if (c < 9) {
            throw new IllegalArgumentException("rowWithVariance needs at least 9 channels, got " + c);
        }
        long half = v / 2;
        long[] sq;
        if (c >= 17) {
            long first = half / 2 + (long) ((rnd.nextDouble() - 0.5) * (half / 32));
            long[] s1 = fourSquares(first, rnd);
            long[] s2 = fourSquares(half - first, rnd);
            sq = new long[] {s1[0], s1[1], s1[2], s1[3], s2[0], s2[1], s2[2], s2[3]};
        } else {
            sq = fourSquares(half, rnd);
        }
        long[] x = new long[c];
        int at = 0;
        for (long a : sq) {
            x[at++] = a;
            x[at++] = -a;
        }
        if ((v & 1) != 0) {
            x[at] = 1;
        }
        for (int i = c - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

    /**
     * Four values in [0, 32767] whose squares sum to {@code s}: a and b drawn at random in their
     * feasible ranges (a &gt;= b &gt;= c &gt;= d), then a search for c and d; retried until found.
     */
    static long[] fourSquares(long s, Random rnd) {
        for (int attempt = 0; attempt < 100_000; attempt++) {
            long aLo = isqrt((s + 3) / 4);
            long aHi = Math.min(32767, isqrt(s));
            if (aLo > aHi) {
                break;
            }
            long a = aLo + (long) (rnd.nextDouble() * (aHi - aLo + 1));
            long r1 = s - a * a;
            long bLo = isqrt((r1 + 2) / 3);
            long bHi = Math.min(a, isqrt(r1));
            if (bLo > bHi) {
                continue;
            }
            long b = bLo + (long) (rnd.nextDouble() * (bHi - bLo + 1));
            long r2 = r1 - b * b;
            for (long c = Math.min(b, isqrt(r2)); c >= 0 && 2 * c * c >= r2; c--) {
                long d = isqrt(r2 - c * c);
                if (d * d == r2 - c * c && d <= c) {
                    return new long[] {a, b, c, d};
                }
            }
        }
        throw new IllegalArgumentException(s + " was not written as a sum of four squares below 32768^2");
    }

    static long isqrt(long n) {
        return BigInteger.valueOf(n).sqrt().longValueExact();
    }
}
