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
}
