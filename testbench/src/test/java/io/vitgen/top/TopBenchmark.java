package io.vitgen.top;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;

/**
 * Benchmark of the accelerator top so far (not a test): LOAD/STORE streams run from memory, read
 * from the top's own cycle counters over AXI4-Lite. Two streams per configuration and memory
 * latency: "bulk" (8 LOADs of a buffer half, each followed by its STORE) gives the bytes moved per
 * cycle; "small" (64 LOAD/STORE pairs of 64 bytes) gives the cycles per command, which the
 * two-read command fetch dominates. Every copied byte is checked; the simulation speed of the
 * whole top is printed in cycles per second of wall time. Run from the repository root:
 *
 * <pre>
 * ./bench top
 * </pre>
 */
public final class TopBenchmark {

    private TopBenchmark() {
    }

    public static void main(String[] args) {
        System.out.println("| port bits | latency | stream | commands | cycles | bytes moved / cycle | cycles / command"
                + " | fetch busy | memory stall | sim cycles/s |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (AcceleratorTop.Params p : List.of(TopLoadStoreCosimTest.P, AcceleratorTop.Params.defaults("vt"))) {
            for (int lat : new int[] {20, 100}) {
                run(p, lat, "bulk", 8, p.bufferBytes() / 2);
                run(p, lat, "small", 64, 64);
            }
        }
    }

    private static void run(AcceleratorTop.Params p, int latency, String name, int pairs, int bytes) {
        int rowBytes = Math.min(bytes, 4096);
        int rows = bytes / rowBytes;
        long in = 0x10000;
        long out = in + (long) pairs * bytes + 4096;
        long cmds = out + (long) pairs * bytes + 4096;
        List<Command> cs = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            long slot = (long) (i % 2) * (p.bufferBytes() / 2);
            List<Unit> w = i >= 2 ? List.of(Unit.STORE) : List.of();
            cs.add(new Command.Load(Command.Deps.of(w, List.of(Unit.STORE)),
                    Operand.of(Space.DRAM, in + (long) i * bytes, rowBytes), Operand.of(Space.WGT, slot, rowBytes), rows,
                    rowBytes));
            cs.add(new Command.Store(Command.Deps.of(List.of(Unit.LOAD), i + 2 < pairs ? List.of(Unit.LOAD) : List.of()),
                    Operand.of(Space.WGT, slot, rowBytes), Operand.of(Space.DRAM, out + (long) i * bytes, rowBytes), rows,
                    rowBytes));
        }
        cs.add(new Command.End(Command.Deps.NONE));
        AcceleratorTop.requireSupported(cs, null);
        byte[] src = new byte[pairs * bytes];
        new Random(latency).nextBytes(src);
        byte[] stream = CommandCodec.toBytes(CommandCodec.encode(cs));
        try (TopRig rig = new TopRig(p, 1, AxiMemory.Config.fixed(latency))) {
            rig.mem.load(in, src);
            rig.mem.load(cmds, stream);
            long t0 = System.nanoTime();
            TopRig.Outcome o = rig.start(cmds, in, cmds + stream.length - in, 50_000_000);
            double secs = (System.nanoTime() - t0) / 1e9;
            if (o.error() != 0 || !o.done()) {
                throw new AssertionError("run failed: ERROR " + o.error() + ", STATUS " + o.status());
            }
            if (!Arrays.equals(src, rig.mem.dump(out, src.length))) {
                throw new AssertionError("copied bytes differ (" + name + ", latency " + latency + ")");
            }
            long total = o.counters().get("total");
            System.out.printf("| %d | %d | %s (%d x %d B) | %d | %d | %.2f | %.1f | %d | %d | %.0f |%n", p.dataW(),
                    latency, name, pairs, bytes, cs.size(), total, 2.0 * src.length / total,
                    (double) total / cs.size(), o.counters().get("fetch"), o.counters().get("stall"), o.cycles() / secs);
        }
    }
}
