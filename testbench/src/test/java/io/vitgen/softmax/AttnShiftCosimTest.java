package io.vitgen.softmax;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.golden.Seeds;
import io.vitgen.emit.Emitter;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.hw.softmax.AttnShiftUnit;
import io.vitgen.hw.softmax.SoftmaxUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import io.vitgen.softmax.SoftmaxHarness.Row;

/**
 * Attention x V by shifts under Verilator, compared with Log2Softmax.attentionTimesV: alone on
 * random code rows (every code, zero flags, all-zero rows, extreme V) and composed with the
 * softmax unit (its log2 output stream wired straight into the shift unit), random stalls on
 * every stream. Seeds: -Dvitgen.seed=N.
 */
class AttnShiftCosimTest {

    private static long seed(long fixed) {
        return Seeds.of("AttnShiftCosimTest", fixed);
    }

    /** One query row: codes with zero flags and the N x D matrix V (int8). */
    record Query(int[] code, boolean[] zero, long[][] v) {
    }

    private static Query randomQuery(Random rnd, int n, int d) {
        int[] code = new int[n];
        boolean[] zero = new boolean[n];
        long[][] v = new long[n][d];
        int kind = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            zero[i] = kind == 1 || rnd.nextInt(6) == 0;
            code[i] = zero[i] ? 0 : (kind == 2 ? 0 : rnd.nextInt(16));
            for (int j = 0; j < d; j++) {
                v[i][j] = kind == 3 ? (rnd.nextBoolean() ? 127 : -128) : kind == 4 ? -128 : rnd.nextInt(256) - 128;
            }
        }
        return new Query(code, zero, v);
    }

    private static void pushQuery(StreamSource codes, StreamSource vs, Query q, int codeLanes, int vLanes,
            Random junk) {
        int n = q.code().length;
        for (int at = 0; at < n; at += codeLanes) {
            int k = Math.min(codeLanes, n - at);
            long[] lanes = new long[codeLanes];
            for (int i = 0; i < codeLanes; i++) {
                lanes[i] = i < k ? (q.zero()[at + i] ? 16 : q.code()[at + i]) : junk.nextInt(32); // junk outside tkeep
            }
            codes.push(Beat.ofLanes(lanes, 5, at + codeLanes >= n, (1L << k) - 1));
        }
        pushV(vs, q.v(), vLanes);
    }

    private static void pushV(StreamSource vs, long[][] v, int vLanes) {
        for (long[] row : v) {
            for (int at = 0; at < row.length; at += vLanes) {
                vs.push(Beat.ofLanes(java.util.Arrays.copyOfRange(row, at, at + vLanes), 8, false, 0));
            }
        }
    }

    private static void standalone(AttnShiftUnit.Params p, int maxKeys, int queries, long seed, String name) {
        System.out.println("attn x V co-simulation " + name + " " + p + ", seed " + seed);
        Random rnd = new Random(seed);
        Path dir = Path.of("target", "rtl", "attn-cosim", name);
        List<Path> files = Emitter.writeModules(List.of(AttnShiftUnit.spec(p)), dir);
        VerilatedModel model = VerilatedModel.build(files, AttnShiftUnit.NAME, p.verilogParameters());
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource codes = sim.source("s_axis_code");
            StreamSource vs = sim.source("s_axis_v");
            StreamSink out = sim.sink("m_axis");
            sim.reset(4);
            int sent = 0;
            for (int phase = 0; sent < queries; phase++) {
                int chunk = Math.min(40, queries - sent);
                boolean heavy = phase == 1;   // heavy back-pressure: inputs valid, output ready 1 cycle in 8
                codes.setValidPermille(heavy ? 1000 : SoftmaxHarness.pickRate(rnd));
                vs.setValidPermille(heavy ? 1000 : SoftmaxHarness.pickRate(rnd));
                out.setReadyPermille(heavy ? 125 : SoftmaxHarness.pickRate(rnd));
                List<long[]> want = new ArrayList<>();
                for (int c = 0; c < chunk; c++) {
                    int n = c % 7 == 0 ? maxKeys : 1 + rnd.nextInt(maxKeys);
                    Query q = randomQuery(rnd, n, p.headDim());
                    pushQuery(codes, vs, q, p.codeLanes(), p.vLanes(), rnd);
                    want.add(Log2Softmax.attentionTimesV(q.code(), q.zero(), q.v()));
                }
                sim.runUntilSinksHave(chunk * p.groups(), 2_000_000);
                BeatChecker.assertRows(sim, out, want, out.takeRows(p.accW(), true));
                sent += chunk;
            }
            // no stalls: one V beat per cycle, the output two cycles after the last V beat
            codes.setValidPermille(1000);
            vs.setValidPermille(1000);
            out.setReadyPermille(1000);
            List<long[]> want = new ArrayList<>();
            int vBeats = 0;
            long start = sim.cycle();
            for (int c = 0; c < 10; c++) {
                Query q = randomQuery(rnd, maxKeys, p.headDim());
                pushQuery(codes, vs, q, p.codeLanes(), p.vLanes(), rnd);
                want.add(Log2Softmax.attentionTimesV(q.code(), q.zero(), q.v()));
                vBeats += maxKeys * p.groups();
            }
            sim.runUntilSinksHave(10 * p.groups(), 1_000_000);
            List<Beat> beats = new ArrayList<>(out.beats());
            BeatChecker.assertRows(sim, out, want, out.takeRows(p.accW(), true));
            // the code slice delays the first V beat by one cycle after the first code beat
            long lastV = start + 1 + vBeats - 1;
            long firstVOfLastKey = lastV - (p.groups() - 1);
            long at = beats.get(beats.size() - p.groups()).cycle();
            long end = beats.get(beats.size() - 1).cycle();
            // the documented latency: 2 cycles from the last key's first V beat to the first output
            // beat, 2 cycles from the row's last V beat to the last output beat
            if (at - firstVOfLastKey != 2 || end - lastV != 2) {
                BeatChecker.fail(sim, out, "the last query's output beats at cycles " + at + ".." + end
                        + ": first " + (at - firstVOfLastKey) + " cycles after the last key's first V beat, last "
                        + (end - lastV) + " after the last V beat; expected 2 and 2");
            }
            if (p.groups() >= 3 && at > lastV) {
                BeatChecker.fail(sim, out, "with " + p.groups() + " groups the first output beat must leave before the"
                        + " row's last V beat (cycle " + lastV + "), it left at " + at);
            }
            // the longest query (maxKeys x groups V beats) plus the latency of 2, and margin
            BeatChecker.assertDrained(sim, out, (long) maxKeys * p.groups() + 2 + 64);
            System.out.printf("  %d queries, %d output stall cycles, code/V wait cycles %d/%d, cycle %d%n",
                    queries + 10, out.stallCycles(), codes.waitCycles(), vs.waitCycles(), sim.cycle());
        }
    }

    @Test
    void fourCodeLanesThreeGroups() {
        standalone(new AttnShiftUnit.Params(4, 4, 12, 32), 300, 160, seed(0xA77E_0004L), "c4-v4-d12");
    }

    @Test
    void oneCodeLaneOneGroupNarrowAccumulator() {
        // 4 keys at most: |acc| <= 4 * 2^22, exactly 25 signed bits
        standalone(new AttnShiftUnit.Params(1, 2, 2, 25), 4, 200, seed(0xA77E_0001L), "c1-v2-d2");
    }

    /** The softmax unit's log2 output stream wired unchanged into the shift unit. */
    @Test
    void composedWithTheSoftmaxUnit() throws IOException {
        long seed = seed(0xA77E_50F7L);
        SoftmaxUnit.Params sp = new SoftmaxUnit.Params(4, 256, true, 16);
        AttnShiftUnit.Params ap = new AttnShiftUnit.Params(4, 8, 16, AttnShiftUnit.accBits(256));
        System.out.println("softmax -> attn x V co-simulation " + sp + " " + ap + ", seed " + seed);
        Random rnd = new Random(seed);
        Path dir = Path.of("target", "rtl", "attn-cosim", "composed");
        List<Path> files = new ArrayList<>(Emitter.writeModules(
                List.of(SoftmaxUnit.spec(sp), AttnShiftUnit.spec(ap)), dir));
        Path top = dir.resolve("tb_softmax_attn.v");
        Emitter.writeIfChanged(top, composedWrapper(sp, ap).getBytes(StandardCharsets.UTF_8));
        files.add(top);
        VerilatedModel model = VerilatedModel.build(files, "tb_softmax_attn", java.util.Map.of());
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource scores = sim.source("s_axis_score");
            StreamSource vs = sim.source("s_axis_v");
            StreamSink out = sim.sink("m_axis");
            sim.reset(4);
            for (int chunk = 0; chunk < 6; chunk++) {
                // chunk 1: heavy back-pressure (output ready 1 cycle in 8); chunk 4: full rate
                boolean heavy = chunk == 1;
                boolean full = chunk == 4;
                scores.setValidPermille(heavy || full ? 1000 : SoftmaxHarness.pickRate(rnd));
                vs.setValidPermille(heavy || full ? 1000 : SoftmaxHarness.pickRate(rnd));
                out.setReadyPermille(heavy ? 125 : full ? 1000 : SoftmaxHarness.pickRate(rnd));
                List<long[]> want = new ArrayList<>();
                for (int q = 0; q < 12; q++) {
                    int n = q == 0 ? 256 : 1 + rnd.nextInt(256);
                    int X = 1 + rnd.nextInt(127);
                    Row row = q % 3 == 0 ? SoftmaxRows.narrow(rnd, n, X) : SoftmaxRows.uniform(rnd, n, X);
                    scores.pushAll(SoftmaxHarness.beats(row, sp.lanes()));
                    long[][] v = new long[n][ap.headDim()];
                    for (long[] vr : v) {
                        for (int j = 0; j < vr.length; j++) {
                            vr[j] = rnd.nextInt(256) - 128;
                        }
                    }
                    pushV(vs, v, ap.vLanes());
                    Log2Softmax.Result g = Log2Softmax.apply(row.x(), row.X());
                    want.add(Log2Softmax.attentionTimesV(g.code(), g.zero(), v));
                }
                sim.runUntilSinksHave(12 * ap.groups(), 2_000_000);
                BeatChecker.assertRows(sim, out, want, out.takeRows(ap.accW(), true));
            }
            SoftmaxHarness.finish(sim, out, sp, false);
            System.out.printf("  72 queries, %d output stall cycles, score/V wait cycles %d/%d, cycle %d%n",
                    out.stallCycles(), scores.waitCycles(), vs.waitCycles(), sim.cycle());
        }
    }

    private static String composedWrapper(SoftmaxUnit.Params sp, AttnShiftUnit.Params ap) {
        return """
                `timescale 1ns / 1ps
                `default_nettype none
                // Test top: scores -> vitgen_softmax (log2) -> vitgen_attn_shift <- V; X in s_axis_score_tuser.
                module tb_softmax_attn (
                    input  wire aclk,
                    input  wire aresetn,
                    input  wire [%1$d*8-1:0] s_axis_score_tdata,
                    input  wire [%1$d-1:0] s_axis_score_tkeep,
                    input  wire [6:0] s_axis_score_tuser,
                    input  wire s_axis_score_tvalid,
                    output wire s_axis_score_tready,
                    input  wire s_axis_score_tlast,
                    input  wire [%3$d*8-1:0] s_axis_v_tdata,
                    input  wire s_axis_v_tvalid,
                    output wire s_axis_v_tready,
                    output wire [%3$d*%5$d-1:0] m_axis_tdata,
                    output wire m_axis_tvalid,
                    input  wire m_axis_tready,
                    output wire m_axis_tlast,
                    output wire status_row_cut
                );
                    wire [%1$d*5-1:0] code_tdata;
                    wire [%1$d-1:0] code_tkeep;
                    wire code_tvalid, code_tready, code_tlast;
                    vitgen_softmax #(.LANES(%1$d), .MAX_ROW(%2$d), .OUT_MODE(1), .OUT_BITS(16), .DIV_PIPELINED(0), .DIVIDERS(1)) u_softmax (
                        .aclk(aclk), .aresetn(aresetn), .cfg_x(s_axis_score_tuser),
                        .s_axis_tdata(s_axis_score_tdata), .s_axis_tkeep(s_axis_score_tkeep),
                        .s_axis_tvalid(s_axis_score_tvalid), .s_axis_tready(s_axis_score_tready),
                        .s_axis_tlast(s_axis_score_tlast),
                        .m_axis_tdata(code_tdata), .m_axis_tkeep(code_tkeep), .m_axis_tvalid(code_tvalid),
                        .m_axis_tready(code_tready), .m_axis_tlast(code_tlast),
                        .status_row_cut(status_row_cut)
                    );
                    vitgen_attn_shift #(.CODE_LANES(%1$d), .V_LANES(%3$d), .HEAD_DIM(%4$d), .ACC_W(%5$d)) u_attn (
                        .aclk(aclk), .aresetn(aresetn),
                        .s_axis_code_tdata(code_tdata), .s_axis_code_tkeep(code_tkeep),
                        .s_axis_code_tvalid(code_tvalid), .s_axis_code_tready(code_tready),
                        .s_axis_code_tlast(code_tlast),
                        .s_axis_v_tdata(s_axis_v_tdata), .s_axis_v_tvalid(s_axis_v_tvalid),
                        .s_axis_v_tready(s_axis_v_tready),
                        .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
                        .m_axis_tlast(m_axis_tlast)
                    );
                endmodule
                `default_nettype wire
                """.formatted(sp.lanes(), sp.maxRow(), ap.vLanes(), ap.headDim(), ap.accW());
    }
}
