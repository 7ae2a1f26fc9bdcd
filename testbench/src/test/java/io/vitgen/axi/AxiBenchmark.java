package io.vitgen.axi;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;

/**
 * Benchmark of the AXI4 DMA (not a test): sustained read and write bandwidth in bytes per cycle,
 * and as a fraction of the data width, for back-to-back 4 KB descriptors (one 4096-byte row each,
 * consecutive 4 KB pages) at memory latencies 20, 100 and 200 cycles, no backpressure, streams
 * always ready. Sustained = bytes / (cycles from the first to the last data beat on the AXI bus);
 * the figure from the first descriptor to the last beat (one latency included) is printed too.
 * The data read is compared with memory and the memory written with the stream. Run from the
 * repository root (docs/axi.md):
 *
 * <pre>
 * ./bench axi [MAX_OUT ...]      (default: 4; e.g. ./bench axi 1 2 4 8)
 * </pre>
 */
public final class AxiBenchmark {

    private static final int DESCS = 64;
    private static final int SIZE = 4096;

    private AxiBenchmark() {
    }

    public static void main(String[] args) {
        List<Integer> outs = new ArrayList<>();
        for (String a : args) {
            outs.add(Integer.parseInt(a));
        }
        if (outs.isEmpty()) {
            outs.add(4);
        }
        System.out.println("| data bits | bursts outstanding | latency | read B/cycle | read % of width | write B/cycle"
                + " | write % of width | read, from the first descriptor | write, from the first descriptor |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int maxOut : outs) {
            for (int dataW : new int[] {64, 128, 256}) {
                for (int lat : new int[] {20, 100, 200}) {
                    double[] rd = run(dataW, maxOut, lat, true);
                    double[] wr = run(dataW, maxOut, lat, false);
                    int bytes = dataW / 8;
                    System.out.printf("| %d | %d | %d | %.2f | %.1f%% | %.2f | %.1f%% | %.1f%% | %.1f%% |%n", dataW, maxOut, lat,
                            rd[0], 100 * rd[0] / bytes, wr[0], 100 * wr[0] / bytes, 100 * rd[1] / bytes,
                            100 * wr[1] / bytes);
                }
            }
        }
    }

    /** {sustained bytes/cycle, bytes/cycle from the first descriptor}. */
    private static double[] run(int dataW, int maxOut, int latency, boolean read) {
        long base = 0x4000_0000L;
        Random rnd = new Random(dataW * 1000L + latency);
        byte[] image = new byte[DESCS * SIZE];
        rnd.nextBytes(image);
        try (DmaRig rig = new DmaRig(dataW, 32, 1, maxOut, 1, SimOptions.defaults(), AxiMemory.Config.fixed(latency))) {
            List<DmaRig.Desc> descs = new ArrayList<>();
            List<byte[]> rows = new ArrayList<>();
            for (int i = 0; i < DESCS; i++) {
                DmaRig.Desc d = new DmaRig.Desc(base + (long) i * SIZE, SIZE, 1, 0);
                descs.add(d);
                byte[] row = new byte[SIZE];
                System.arraycopy(image, i * SIZE, row, 0, SIZE);
                rows.add(row);
            }
            if (read) {
                rig.mem.load(base, image);
            } else {
                for (byte[] row : rows) {
                    rig.wrData.pushAll(rig.rowBeats(row, rnd, false));
                }
                rig.sim.run(4);   // the source shows its first beat before the descriptors come
            }
            long start = rig.sim.cycle();
            for (DmaRig.Desc d : descs) {
                (read ? rig.rdDesc : rig.wrDesc).push(rig.descBits(d), false);
            }
            int beats = DESCS * SIZE / rig.bytes;
            rig.runUntil(read ? beats : 0, read ? DESCS : 0, read ? 0 : DESCS, 50L * beats + 100_000);
            AxiMemory.Stats st = rig.mem.stats();
            if (read) {
                List<Beat> got = rig.rdData.take();
                rig.checkReadBeats(descs, rows, got);
            } else {
                rig.checkMemory(base, image);
            }
            double total = (double) DESCS * SIZE;
            double sustained = total / (st.lastBeatCycle() - st.firstBeatCycle() + 1);
            double overall = total / (st.lastBeatCycle() - start + 1);
            return new double[] {sustained, overall};
        }
    }
}
