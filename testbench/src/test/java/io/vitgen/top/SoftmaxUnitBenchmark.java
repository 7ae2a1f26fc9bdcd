package io.vitgen.top;

import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.hw.top.SoftmaxUnit;
import java.util.List;
import java.util.Random;

/**
 * {@code ./bench top-softmax}: the accelerator top's softmax unit alone at full rate (buffers
 * answer every descriptor within 4 cycles, never stall): cycles per SOFTMAX row and per ATTNV
 * query row in steady state (between the first write beats of the first and the last row), and
 * whole commands from the command handshake to done. Every byte is checked against the
 * interpreter (the benchmark fails otherwise).
 */
public final class SoftmaxUnitBenchmark {

    private SoftmaxUnitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long seed = args.length > 0 && !args[0].equals("wide") ? Long.parseLong(args[0]) : 20260101L;
        Random rnd = new Random(seed);
        if (List.of(args).contains("wide")) {
            wide(seed, rnd);
            return;
        }
        System.out.println("| unit | command | rows | cycles (cmd -> done) | cycles/row steady | ideal cycles/row |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (int[] cfg : new int[][] {{16, 4}, {8, 1}, {16, 8}}) {
            int bb = cfg[0];
            int lanes = cfg[1];
            SoftmaxUnit.Params lin = SoftmaxUnit.params(bb, lanes, 256, false, 16, 64, 197);
            try (SoftmaxUnitRig rig = new SoftmaxUnitRig(lin, "bench-lin-" + bb + "-" + lanes, seed, rnd, true)) {
                rig.chunk = 4;
                for (int bits : new int[] {16, 8}) {
                    int rows = 64;
                    SoftmaxUnitRig.Outcome o = SoftmaxUnitRig.softmax(rig, rnd, rows, 197, false, bits, 1 + rnd.nextInt(127),
                            Operand.of(Space.ATT, 0, 197), Operand.of(Space.HID, 0, 197 * 2));
                    print("Shiftmax, BB " + bb + ", lanes " + lanes, "SOFTMAX b=" + bits + " 197 keys", rows, o,
                            SoftmaxUnit.cyclesPerSoftmaxRow(lin, 197));
                }
            }
            SoftmaxUnit.Params log = SoftmaxUnit.params(bb, lanes, 256, true, 16, 64, 197);
            try (SoftmaxUnitRig rig = new SoftmaxUnitRig(log, "bench-log2-" + bb + "-" + lanes, seed, rnd, true)) {
                rig.chunk = 4;
                int rows = 64;
                SoftmaxUnitRig.Outcome o = SoftmaxUnitRig.softmax(rig, rnd, rows, 197, true, 16, 1 + rnd.nextInt(127),
                        Operand.of(Space.ATT, 0, 197), Operand.of(Space.HID, 0, 197));
                print("log2, BB " + bb + ", lanes " + lanes, "SOFTMAX log2 197 keys", rows, o,
                        SoftmaxUnit.cyclesPerSoftmaxRow(log, 197));
                rows = 16;
                o = SoftmaxUnitRig.attnv(rig, rnd, rows, 197, 64, Operand.of(Space.ATT, 0, 197), Operand.of(Space.QKV, 0, 576),
                        Operand.of(Space.ACT, 0, 64), SoftmaxUnitRig.attnScale(rnd, 197));
                print("log2, BB " + bb + ", lanes " + lanes + ", V_LANES " + log.attn().vLanes(), "ATTNV 197 keys x 64", rows, o,
                        SoftmaxUnit.cyclesPerAttnRow(log, 197));
            }
        }
        wide(seed, rnd);
    }

    /**
     * The wide units (softmax.lanes 32 and 64 at 256- and 512-bit ports, Shiftmax b = 8 as the
     * zcu102 preset has it, the divider bank sized for 197-key rows): DeiT-Tiny SOFTMAX commands
     * of 64 and 197 rows, the command's cycles beside StreamCosts' (the stream-timed estimate).
     */
    static void wide(long seed, Random rnd) throws Exception {
        System.out.println();
        System.out.println("| unit | command | cycles (cmd -> done) | estimate (StreamCosts) | error | cycles/row steady |"
                + " ideal cycles/row |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        // {lanes, tokens of the model the divider is sized for}: DeiT-Tiny at 32 and 64 lanes, and the
        // 12-token layer of TopLayerCosimTest (64 lanes, one chunk per row: the pipelined divider)
        for (int[] u : new int[][] {{32, 197}, {64, 197}, {64, 12}}) {
            int lanes = u[0];
            java.util.Map<String, String> m = new java.util.HashMap<>(java.util.Map.of("target.mem.bits", "" + 8 * lanes,
                    "softmax.lanes", "" + lanes, "softmax.out.bits", "8"));
            if (u[1] != 197) {
                m.putAll(java.util.Map.of("model.preset", "custom", "model.tokens", "" + u[1], "model.channels", "64",
                        "model.heads", "2", "model.mlp", "128"));
            }
            io.vitgen.config.Config cfg = new io.vitgen.config.ConfigLoader().warnings(w -> { }).setAll(m).load();
            SoftmaxUnit.Params p = SoftmaxUnit.params(cfg, lanes);
            io.vitgen.estimate.StreamCosts costs = io.vitgen.estimate.StreamCosts.of(cfg);
            String unit = "Shiftmax b = 8, BB " + lanes + ", lanes " + lanes + ", "
                    + (p.softmax().divPipelined() ? "pipelined divider" : p.softmax().dividers() + " dividers");
            try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "bench-wide-b8-" + lanes + "-" + u[1], seed, rnd, true)) {
                rig.chunk = 4;
                for (int[] c : new int[][] {{64, 197}, {197, 197}, {12, 12}, {64, 64}, {16, 128}}) {
                    int rows = c[0];
                    int len = c[1];
                    int x = 1 + rnd.nextInt(127);
                    Operand in = Operand.of(Space.ATT, 0, len);
                    Operand out = Operand.of(Space.HID, 0, len);
                    SoftmaxUnitRig.Outcome o = SoftmaxUnitRig.softmax(rig, rnd, rows, len, false, 8, x, in, out);
                    long est = costs.cycles(new io.vitgen.compile.Command.Softmax(io.vitgen.compile.Command.Deps.NONE, false, 8,
                            in, out, rows, len, x));
                    List<Long> w = o.writeBeatCycles();
                    int perRow = w.size() / rows;
                    double steady = (double) (w.get((rows - 1) * perRow) - w.get(0)) / (rows - 1);
                    System.out.printf("| %s | SOFTMAX b=8 %d x %d | %d | %d | %+.2f %% | %.1f | %d |%n", unit, rows, len,
                            o.cycles(), est, 100.0 * (est - o.cycles()) / o.cycles(), steady,
                            SoftmaxUnit.cyclesPerSoftmaxRow(p, len));
                }
            }
        }
    }

    private static void print(String unit, String cmd, int rows, SoftmaxUnitRig.Outcome o, long ideal) {
        List<Long> w = o.writeBeatCycles();
        int perRow = w.size() / rows;
        double steady = (double) (w.get((rows - 1) * perRow) - w.get(0)) / (rows - 1);
        System.out.printf("| %s | %s | %d | %d | %.1f | %d |%n", unit, cmd, rows, o.cycles(), steady, ideal);
    }
}
