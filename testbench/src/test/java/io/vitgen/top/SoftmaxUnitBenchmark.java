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

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 20260101L;
        Random rnd = new Random(seed);
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
    }

    private static void print(String unit, String cmd, int rows, SoftmaxUnitRig.Outcome o, long ideal) {
        List<Long> w = o.writeBeatCycles();
        int perRow = w.size() / rows;
        double steady = (double) (w.get((rows - 1) * perRow) - w.get(0)) / (rows - 1);
        System.out.printf("| %s | %s | %d | %d | %.1f | %d |%n", unit, cmd, rows, o.cycles(), steady, ideal);
    }
}
