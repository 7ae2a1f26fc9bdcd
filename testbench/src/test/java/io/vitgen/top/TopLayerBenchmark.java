package io.vitgen.top;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.IntVitModel;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.MemoryImage;
import io.vitgen.compile.Program;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.Performance;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.model.EvalImages;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;
import io.vitgen.sim.AxiMemory;

/**
 * {@code ./bench top-layer}: a DeiT-Tiny encoder layer (Shiftmax b = 16 and b = 8, the default) and a
 * whole DeiT-Tiny image through the generated top at the default configuration (16x16, 128-bit port,
 * memory latency 10..40 cycles with 80 % ready): cycles and unit counters from the RTL, whole-run
 * MAC utilisation (the stream's GEMM MACs / (256 x cycles)), images/s at target.clock.mhz, the estimate's cycles beside them
 * (the stream-timed estimate, which assumes a fixed latency of estimate.mem.latency = 25) with its error, and the
 * simulator's cycles per second of wall time. Every output is compared with the golden model; a
 * difference ends the benchmark with exit code 1.
 */
public final class TopLayerBenchmark {

    private TopLayerBenchmark() {
    }

    private static Config config(String... sets) throws Exception {
        Map<String, String> kv = new HashMap<>(Map.of("model.preset", "deit-tiny"));
        for (String s : sets) {
            String[] p = s.split("=", 2);
            kv.put(p[0], p[1]);
        }
        return new ConfigLoader().warnings(w -> { }).setAll(kv).load();
    }

    private static TopRig.Outcome run(AcceleratorTop top, Program p, long seed, double[] wall) {
        byte[] img = p.image().toBytes();
        try (TopRig rig = new TopRig(top, seed, AxiMemory.Config.random(10, 40, 800))) {
            long t0 = System.nanoTime();
            TopRig.Outcome o = rig.run(img, 0, p.image().region("commands").addr(), 0, img.length, 200_000_000);
            wall[0] = (System.nanoTime() - t0) / 1e9;
            if (!o.done() || o.failed()) {
                throw new IllegalStateException("the top stopped with STATUS " + o.status() + ", ERROR " + o.error());
            }
            dram = rig.mem.dump(0, img.length);
            return o;
        }
    }

    private static byte[] dram;

    /** Useful MACs of a program: M x K x N of every GEMM command (a split16 GEMM counts once). */
    static long macs(Program p) {
        long n = 0;
        for (io.vitgen.compile.Command c : p.commands()) {
            if (c instanceof io.vitgen.compile.Command.Gemm g) {
                n += (long) g.m() * g.k() * g.n();
            }
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        ModelShape s = ModelShape.DEIT_TINY;
        System.out.println("| run | commands | cycles (RTL) | estimate (timed stream) | error | array busy | MAC utilisation | images/s | sim s | cycles/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        int bad = 0;
        for (int bits : new int[] {16, 8}) {
            Config cfg = config("softmax.out.bits=" + bits);
            EncoderLayer.Calibrated cal = EncoderLayer.random(s, 197, EncoderLayer.SoftmaxMode.SHIFTMAX, bits,
                    EncoderLayer.GeluMode.SHIFTGELU);
            Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), cfg);
            double[] wall = new double[2];
            TopRig.Outcome o = run(AcceleratorTop.forProgram(cfg, p), p, 197, wall);
            long[][] want = cal.layer().forward(cal.input());
            long[][] got = MemoryImage.read(dram, p.image().region("output"));
            bad += java.util.Arrays.deepEquals(want, got) ? 0 : 1;
            long cyc = o.counters().get("total");
            Performance.Estimate e = Performance.of(cfg);
            System.out.printf("| DeiT-Tiny layer, b = %d | %d | %,d | %,d | %+.1f %% | %,d | %.1f %% | %.1f (x12 layers) | %.1f | %,.0f |%n",
                    bits, p.commands().size(), cyc, e.layerCycles(), 100.0 * (e.layerCycles() - cyc) / cyc,
                    o.counters().get("array"), 100.0 * macs(p) / (256.0 * cyc), cfg.target().clockMhz() * 1e6 / (12.0 * cyc),
                    wall[0], cyc / wall[0]);
        }
        Config cfg = config();
        VitGeometry g = VitGeometry.DEIT_TINY;
        VitModel m = Quantizer.calibrate(RandomModel.weights(g, 21), RandomModel.images(g, 21, 1),
                Quantizer.Options.defaults().withSoftmax(EncoderLayer.SoftmaxMode.SHIFTMAX, cfg.softmax().outBits()));
        long[][][] image = EvalImages.quantize(RandomModel.images(g, 121, 1).get(0), m.scales().image());
        Program p = LayerCompiler.compileModel(IntVitModel.of(m, m.layers()), image, cfg);
        double[] wall = new double[2];
        TopRig.Outcome o = run(AcceleratorTop.forProgram(cfg, p), p, 21, wall);
        long[] want = m.trace(image).logits();
        long[] got = MemoryImage.read(dram, p.image().region("logits"))[0];
        bad += java.util.Arrays.equals(want, got) ? 0 : 1;
        long cyc = o.counters().get("total");
        Performance.Estimate e = Performance.of(cfg);
        System.out.printf("| whole DeiT-Tiny image, b = " + cfg.softmax().outBits() + " | %d | %,d | %,d | %+.1f %% | %,d | %.1f %% | %.1f | %.1f | %,.0f |%n",
                p.commands().size(), cyc, e.imageCycles(), 100.0 * (e.imageCycles() - cyc) / cyc,
                o.counters().get("array"), 100.0 * macs(p) / (256.0 * cyc), cfg.target().clockMhz() * 1e6 / cyc,
                wall[0], cyc / wall[0]);
        if (bad > 0) {
            System.out.println(bad + " run(s) differ from the golden model");
            System.exit(1);
        }
        System.out.println("every output equals the golden model");
    }
}
