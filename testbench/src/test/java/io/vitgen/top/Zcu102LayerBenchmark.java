package io.vitgen.top;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.Performance;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.sim.AxiMemory;

/**
 * {@code ./bench zcu102-layer [key=value...]}: one DeiT-Tiny encoder layer through the top of the
 * ZCU102 preset (50 x 64 int8x2, 512-bit port, two images interleaved) in Verilator at the
 * estimate's fixed memory latency: every output of both images against the golden layer, then the
 * RTL's cycles beside the stream-timed estimate's. The Verilator build of the 3,200-MAC top takes
 * long (tens of minutes on this machine, once: the build is cached by content).
 */
public final class Zcu102LayerBenchmark {

    private Zcu102LayerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ConfigLoader l = new ConfigLoader().warnings(w -> { }).set("target.board=zcu102");
        for (String a : args) {
            l.set(a);
        }
        Config cfg = l.load();
        if (System.getenv("TRACE") != null) {
            trace(cfg);
            return;
        }
        if (System.getenv("IMAGE") != null) {
            image(cfg);
            return;
        }
        Performance.Estimate e = Performance.of(cfg);
        int latency = Integer.parseInt(cfg.values().getOrDefault("estimate.mem.latency", "25"));
        long t0 = System.nanoTime();
        TopLayerCosimTest.Run r = TopLayerCosimTest.runLayer(ModelShape.DEIT_TINY, 14, EncoderLayer.SoftmaxMode.SHIFTMAX,
                cfg.softmax().outBits(), "igelu".equals(cfg.gelu().variant()) ? EncoderLayer.GeluMode.IGELU
                        : EncoderLayer.GeluMode.SHIFTGELU, cfg, AxiMemory.Config.fixed(latency));
        double total = (System.nanoTime() - t0) / 1e9;
        long est = e.layerCycles() * e.batch();
        System.out.printf("%s, batch %d, DeiT-Tiny layer: RTL %,d cycles (%d commands, every output exact), estimate %,d"
                        + " (%+.2f %%); per image %,d cycles; simulation %.1f s (%.0f cycles/s), build and run %.0f s%n",
                e.array(), e.batch(), r.cycles(), r.commands(), est, 100.0 * (est - r.cycles()) / r.cycles(),
                r.cycles() / e.batch(), r.wallSeconds(), r.cycles() / r.wallSeconds(), total);
        System.out.println("RTL counters: " + r.counters());
    }

    /**
     * {@code IMAGE=1}: whole DeiT-Tiny images (random weights calibrated on a synthetic picture;
     * compile.batch of them in one stream) through the preset's top, every logit against the golden
     * model, the RTL's cycles beside the stream-timed estimate's.
     */
    private static void image(Config cfg) {
        Performance.Estimate e = Performance.of(cfg);
        int latency = Integer.parseInt(cfg.values().getOrDefault("estimate.mem.latency", "25"));
        TopModelCosimTest.Run r = TopModelCosimTest.runImage(io.vitgen.golden.VitGeometry.DEIT_TINY, 197, cfg,
                AxiMemory.Config.fixed(latency));
        long est = e.imageCycles() * e.batch();
        double hz = cfg.target().clockMhz() * 1e6;
        System.out.printf("%s, batch %d, whole DeiT-Tiny images: RTL %,d cycles (%d commands, every logit exact) = %.1f"
                        + " images/s at %d MHz; estimate %,d (%+.2f %%) = %.1f images/s; simulation %.1f s (%.0f cycles/s)%n",
                e.array(), e.batch(), r.cycles(), r.commands(), hz * e.batch() / r.cycles(), cfg.target().clockMhz(), est,
                100.0 * (est - r.cycles()) / r.cycles(), e.imagesPerSecond(), r.wallSeconds(), r.cycles() / r.wallSeconds());
        System.out.println("RTL counters: " + r.counters());
    }

    /**
     * {@code TRACE=1}: every command's completion in the RTL (CMD_DONE polled over AXI4-Lite, a few
     * cycles' resolution) beside the stream-timed model's end, for finding where they part.
     */
    private static void trace(Config cfg) {
        io.vitgen.golden.ModelShape s = ModelShape.DEIT_TINY;
        EncoderLayer.GeluMode gelu = "igelu".equals(cfg.gelu().variant()) ? EncoderLayer.GeluMode.IGELU
                : EncoderLayer.GeluMode.SHIFTGELU;
        int bits = cfg.softmax().outBits();
        EncoderLayer.Calibrated cal = EncoderLayer.random(s, 14, EncoderLayer.SoftmaxMode.SHIFTMAX, bits, gelu);
        int batch = io.vitgen.compile.BufferPlan.batch(cfg);
        java.util.List<long[][]> inputs = new java.util.ArrayList<>();
        inputs.add(cal.input());
        for (int b = 1; b < batch; b++) {
            inputs.add(EncoderLayer.random(s, 14 + 1000L * b, EncoderLayer.SoftmaxMode.SHIFTMAX, bits, gelu).input());
        }
        io.vitgen.compile.Program p = io.vitgen.compile.LayerCompiler.compileBatch(
                java.util.List.of(io.vitgen.compile.IntEncoderLayer.of(cal.layer())), inputs, cfg,
                io.vitgen.compile.BufferPlan.forShape(s, io.vitgen.compile.BufferPlan.rowBlock(cfg), bits == 16 ? 2 : 1, batch),
                false);
        io.vitgen.estimate.StreamTiming.Result r = io.vitgen.estimate.StreamTiming.run(p.commands(),
                io.vitgen.estimate.StreamCosts.of(cfg), Performance.QUEUE_DEPTH);
        io.vitgen.hw.top.AcceleratorTop top = io.vitgen.hw.top.AcceleratorTop.forProgram(cfg, p);
        byte[] img = p.image().toBytes();
        int latency = Integer.parseInt(cfg.values().getOrDefault("estimate.mem.latency", "25"));
        try (TopRig rig = new TopRig(top, 14, AxiMemory.Config.fixed(latency))) {
            rig.mem.load(0, img);
            rig.ctl.write(0x04, 3);
            rig.ctl.write(0x08, 3);
            rig.ctl.write(io.vitgen.hw.top.AcceleratorTop.REG_CMD_ADDR, p.image().region("commands").addr());
            rig.ctl.write(io.vitgen.hw.top.AcceleratorTop.REG_IMG_BASE, 0);
            rig.ctl.write(io.vitgen.hw.top.AcceleratorTop.REG_IMG_SIZE, img.length);
            long t0 = rig.sim.cycle();
            rig.ctl.write(io.vitgen.hw.top.AcceleratorTop.REG_CONTROL, 1);
            long last = 0;
            long[] done = new long[p.commands().size()];
            while (last < p.commands().size() - 1) {
                long d = rig.ctl.readOk(io.vitgen.hw.top.AcceleratorTop.REG_CMD_DONE);
                for (long k = last; k < d; k++) {
                    done[(int) k] = rig.sim.cycle() - t0;
                }
                last = d;
            }
            // CMD_DONE counts completions in stream order; the model's in-order completion of command k
            long modelDone = 0;
            for (int k = 0; k < p.commands().size() - 1; k++) {
                modelDone = Math.max(modelDone, r.end()[k]);
                System.out.printf("%4d %-10s %-40s rtl %7d model %7d  diff %+6d  (model start %7d cost %6d)%n", k,
                        p.commands().get(k).getClass().getSimpleName(), p.labels().get(k), done[k], modelDone,
                        done[k] - modelDone, r.start()[k], r.cost()[k]);
            }
        }
    }
}
