package io.vitgen.softmax;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.vitgen.emit.Emitter;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.golden.Shiftmax;
import io.vitgen.hw.softmax.SoftmaxUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * Test support for the softmax unit: builds it inside a thin wrapper that drives {@code cfg_x}
 * from the input stream's {@code tuser} (so X can change from row to row inside one run, sampled
 * at the first beat as the unit specifies), makes rows, sends them and compares every output
 * with the golden model ({@link Shiftmax}, {@link Log2Softmax}).
 */
final class SoftmaxHarness {

    static final String WRAPPER = "tb_softmax_x";

    /** One input row and its X. */
    record Row(long[] x, int X, String kind) {
        Row {
            if (x.length == 0 || X < 1 || X > SoftmaxUnit.MAX_X) {
                throw new IllegalArgumentException("bad row: " + x.length + " elements, X = " + X);
            }
        }

        String describe() {
            long[] head = Arrays.copyOf(x, Math.min(x.length, 12));
            return kind + " row of " + x.length + " elements, X = " + X + ", x = " + Arrays.toString(head)
                    + (x.length > 12 ? "..." : "");
        }
    }

    private SoftmaxHarness() {
    }

    /** Emits the unit and the wrapper into target/rtl/softmax-cosim/&lt;name&gt; and builds them. */
    static VerilatedModel build(SoftmaxUnit.Params p, String name) {
        Path dir = Path.of("target", "rtl", "softmax-cosim", name);
        List<Path> files = new ArrayList<>(Emitter.writeModules(List.of(SoftmaxUnit.spec(p)), dir));
        files.add(writeWrapper(dir));
        return VerilatedModel.build(files, WRAPPER, p.verilogParameters());
    }

    private static Path writeWrapper(Path dir) {
        String text = """
                `timescale 1ns / 1ps
                `default_nettype none
                // Test wrapper: cfg_x comes from s_axis_tuser, so every row can carry its own X.
                module tb_softmax_x #(
                    parameter integer LANES = 4,
                    parameter integer MAX_ROW = 1024,
                    parameter integer OUT_MODE = 0,
                    parameter integer OUT_BITS = 16,
                    parameter integer DIV_PIPELINED = 0,
                    parameter integer DIVIDERS = 1
                ) (
                    input  wire aclk,
                    input  wire aresetn,
                    input  wire [LANES*8-1:0] s_axis_tdata,
                    input  wire [LANES-1:0] s_axis_tkeep,
                    input  wire [6:0] s_axis_tuser,
                    input  wire s_axis_tvalid,
                    output wire s_axis_tready,
                    input  wire s_axis_tlast,
                    output wire [LANES*((OUT_MODE != 0) ? 5 : OUT_BITS)-1:0] m_axis_tdata,
                    output wire [LANES-1:0] m_axis_tkeep,
                    output wire m_axis_tvalid,
                    input  wire m_axis_tready,
                    output wire m_axis_tlast,
                    output wire status_row_cut
                );
                    vitgen_softmax #(
                        .LANES(LANES), .MAX_ROW(MAX_ROW), .OUT_MODE(OUT_MODE), .OUT_BITS(OUT_BITS),
                        .DIV_PIPELINED(DIV_PIPELINED), .DIVIDERS(DIVIDERS)
                    ) u_dut (
                        .aclk(aclk), .aresetn(aresetn), .cfg_x(s_axis_tuser),
                        .s_axis_tdata(s_axis_tdata), .s_axis_tkeep(s_axis_tkeep), .s_axis_tvalid(s_axis_tvalid),
                        .s_axis_tready(s_axis_tready), .s_axis_tlast(s_axis_tlast),
                        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep), .m_axis_tvalid(m_axis_tvalid),
                        .m_axis_tready(m_axis_tready), .m_axis_tlast(m_axis_tlast),
                        .status_row_cut(status_row_cut)
                    );
                endmodule
                `default_nettype wire
                """;
        Path file = dir.resolve(WRAPPER + ".v");
        try {
            Emitter.writeIfChanged(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The golden output row: y_i (linear) or zero_i * 16 + code_i (log2, the 5-bit lane). */
    static long[] expected(Row r, SoftmaxUnit.Params p) {
        if (!p.log2()) {
            return Shiftmax.apply(r.x(), r.X(), p.outBits());
        }
        Log2Softmax.Result g = Log2Softmax.apply(r.x(), r.X());
        long[] out = new long[r.x().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = g.zero()[i] ? 16 : g.code()[i];
        }
        return out;
    }

    /**
     * Beats of a row: LANES int8 lanes, tkeep on the last beat. The row's X rides in tuser (the
     * wrapper's cfg_x) on the first beat only; every later beat carries a different, junk X, so
     * the unit must use the first beat's value as it documents. The lanes tkeep marks invalid
     * carry junk too. Both are seeded from the row, so a run reproduces.
     */
    static List<Beat> beats(Row r, int lanes) {
        java.util.SplittableRandom junk = new java.util.SplittableRandom(Arrays.hashCode(r.x()) * 131L + r.X());
        List<Beat> out = new ArrayList<>();
        for (int at = 0; at < r.x().length; at += lanes) {
            int n = Math.min(lanes, r.x().length - at);
            long[] lane = new long[lanes];
            System.arraycopy(r.x(), at, lane, 0, n);
            for (int i = n; i < lanes; i++) {
                lane[i] = junk.nextInt(256); // invalid lanes carry junk the unit must ignore
            }
            boolean last = at + lanes >= r.x().length;
            int x = at == 0 ? r.X() : otherX(junk, r.X());
            out.add(Beat.ofLanes(lane, 8, last, (1L << n) - 1).withUser(x));
        }
        return out;
    }

    /** A valid X (1..127) other than {@code x}: a row cut by the unit starts anew with it. */
    static int otherX(java.util.SplittableRandom junk, int x) {
        int v = 1 + junk.nextInt(126);
        return v >= x ? v + 1 : v;
    }

    static int beatCount(List<Row> rows, int lanes) {
        int n = 0;
        for (Row r : rows) {
            n += (r.x().length + lanes - 1) / lanes;
        }
        return n;
    }

    /**
     * Sends {@code rows} in chunks, each chunk with its own random valid / ready rates (from
     * {@code rnd}; 1000/1000 when {@code fullRate}), and compares every output row with the
     * golden model.
     */
    static void sendAndCheck(Simulation sim, StreamSource in, StreamSink out, SoftmaxUnit.Params p,
            List<Row> rows, Random rnd, boolean fullRate) {
        final int chunkRows = 150;
        for (int at = 0; at < rows.size(); at += chunkRows) {
            List<Row> chunk = rows.subList(at, Math.min(rows.size(), at + chunkRows));
            if (fullRate) {
                in.setValidPermille(1000);
                out.setReadyPermille(1000);
            } else if ((at / chunkRows) % 3 == 1) {
                // heavy back-pressure: the input always valid, the output ready on 1 cycle in 8
                in.setValidPermille(1000);
                out.setReadyPermille(125);
            } else {
                in.setValidPermille(pickRate(rnd));
                out.setReadyPermille(pickRate(rnd));
            }
            for (Row r : chunk) {
                in.pushAll(beats(r, p.lanes()));
            }
            int beats = beatCount(chunk, p.lanes());
            sim.runUntilSinksHave(beats, 40L * beats + 10_000);
            List<long[]> got = out.takeRows(p.laneOutBits(), false);
            List<long[]> want = new ArrayList<>();
            for (Row r : chunk) {
                want.add(expected(r, p));
            }
            check(sim, out, chunk, want, got);
        }
        System.out.printf("  %d rows, %d beats in, %d output stall cycles, %d input wait cycles, cycle %d%n",
                rows.size(), beatCount(rows, p.lanes()), out.stallCycles(), in.waitCycles(), sim.cycle());
    }

    /** Stall rates: mostly random in [100, 1000], sometimes the extremes. */
    static int pickRate(Random rnd) {
        int k = rnd.nextInt(8);
        return k == 0 ? 1000 : k == 1 ? 50 + rnd.nextInt(100) : 100 + rnd.nextInt(901);
    }

    /**
     * Idle cycles after the last expected beat in which no further beat may appear: the documented
     * latency of the longest row (MAX_ROW / LANES beats + the fixed offset, {@link
     * SoftmaxUnit#latency}) plus that row's length again, so a spurious row would have come out.
     */
    static long drainCycles(SoftmaxUnit.Params p) {
        int maxBeats = (p.maxRow() + p.lanes() - 1) / p.lanes();
        return SoftmaxUnit.latency(p, maxBeats) + maxBeats + 64;
    }

    /**
     * The end of every co-simulation of the unit: no beat beyond the expected ones, and
     * {@code status_row_cut} as expected (low unless the run sent an overlong row).
     */
    static void finish(Simulation sim, StreamSink out, SoftmaxUnit.Params p, boolean rowCut) {
        BeatChecker.assertDrained(sim, out, drainCycles(p));
        assertRowCut(sim, out, rowCut);
    }

    static void assertRowCut(Simulation sim, StreamSink out, boolean expected) {
        long got = sim.peekLong("status_row_cut");
        if (got != (expected ? 1 : 0)) {
            BeatChecker.fail(sim, out, "status_row_cut = " + got + " at cycle " + sim.cycle() + ", expected "
                    + (expected ? 1 : 0));
        }
    }

    static void check(Simulation sim, StreamSink out, List<Row> rows, List<long[]> want, List<long[]> got) {
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            if (!Arrays.equals(want.get(i), got.get(i))) {
                try {
                    BeatChecker.assertRows(sim, out, List.of(want.get(i)), List.of(got.get(i)));
                } catch (AssertionError e) {
                    throw new AssertionError(rows.get(i).describe() + ": " + e.getMessage(), e);
                }
            }
        }
        BeatChecker.assertRows(sim, out, want, got);
    }
}
