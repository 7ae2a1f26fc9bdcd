package io.vitgen.top;


import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.GoldenCheck;
import io.vitgen.compile.IntVitModel;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.MemoryImage;
import io.vitgen.compile.Program;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.Seeds;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.model.EvalImages;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;
import io.vitgen.sim.AxiMemory;
import org.junit.jupiter.api.Test;

/**
 * A whole ViT image through the generated accelerator top: patch embedding with the position
 * embedding, class token, every encoder layer, final LayerNorm and head, compiled into one stream
 * ({@link LayerCompiler#compileModel}); the logits the top writes must equal the golden model's
 * ({@link VitModel#trace}) in every class.
 */
class TopModelCosimTest {

    /** 32 px, patch 8 (17 tokens), C 40, 5 heads, MLP 72, 2 layers, 10 classes. */
    static final VitGeometry SMALL = new VitGeometry(32, 8, 40, 5, 72, 2, 10);

    /** What a whole-image run measured. */
    record Run(long cycles, Map<String, Long> counters, int commands, double wallSeconds) {
    }

    static Config config(VitGeometry g, String... sets) {
        // the models here are post-training quantized with Shiftmax b = 16 (docs/top.md, "Attention arithmetic")
        Map<String, String> kv = new HashMap<>(Map.of("model.preset", "custom", "model.tokens", "" + g.tokens(),
                "model.channels", "" + g.channels(), "model.heads", "" + g.heads(), "model.mlp", "" + g.mlp(),
                "softmax.out.bits", "16"));
        for (String s : sets) {
            String[] p = s.split("=", 2);
            kv.put(p[0], p[1]);
            if (p[0].equals("model.preset")) {
                kv.keySet().removeAll(List.of("model.tokens", "model.channels", "model.heads", "model.mlp"));
            }
        }
        try {
            return new ConfigLoader().warnings(w -> { }).setAll(kv).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Quantizes a random model of geometry g (Shiftmax with the configuration's output bits; the
     * configuration's GELU), runs one image (compile.batch images), compares the logits.
     */
    static Run runImage(VitGeometry g, long seed, Config cfg, AxiMemory.Config mem) {
        VitModel m;
        try {
            m = Quantizer.calibrate(RandomModel.weights(g, seed), RandomModel.images(g, seed, 1),
                    Quantizer.Options.defaults().withSoftmax(EncoderLayer.SoftmaxMode.SHIFTMAX, cfg.softmax().outBits()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<EncoderLayer> layers = "igelu".equals(cfg.gelu().variant())
                ? GoldenCheck.layersWith(m, EncoderLayer.GeluMode.IGELU) : m.layers();
        // compile.batch: image b is the seeded random picture seed + 100 (b + 1)
        int batch = BufferPlan.batch(cfg);
        List<long[][][]> images = new java.util.ArrayList<>();
        for (int b = 0; b < batch; b++) {
            images.add(EvalImages.quantize(RandomModel.images(g, seed + 100L * (b + 1), 1).get(0), m.scales().image()));
        }
        Program p = batch == 1 ? LayerCompiler.compileModel(IntVitModel.of(m, layers), images.get(0), cfg)
                : LayerCompiler.compileModelBatch(IntVitModel.of(m, layers), images, cfg);
        AcceleratorTop top = AcceleratorTop.forProgram(cfg, p);
        top.requireRunnable(p.commands(), p.labels());
        byte[] img = p.image().toBytes();
        try (TopRig rig = new TopRig(top, seed, mem)) {
            long t0 = System.nanoTime();
            TopRig.Outcome o = rig.run(img, 0, p.image().region("commands").addr(), 0, img.length, 200_000_000);
            double wall = (System.nanoTime() - t0) / 1e9;
            check(o.done() && !o.failed(), g + ": STATUS " + o.status() + ", ERROR " + o.error() + " at command #"
                    + o.errCmd() + (o.errCmd() < p.labels().size() ? " (" + p.labels().get((int) o.errCmd()) + ")" : ""));
            check(o.counters().get("commands") == p.commands().size(), g + ": CMD_DONE " + o.counters().get("commands"));
            byte[] dram = rig.mem.dump(0, img.length);
            for (int b = 0; b < batch; b++) {
                long[] want = GoldenCheck.reference(m, layers, images.get(b)).logits();
                long[][] got = MemoryImage.read(dram, p.outputs().get(b));
                check(want.length == got[0].length, g + ": " + got[0].length + " logits, " + want.length + " classes");
                for (int k = 0; k < want.length; k++) {
                    if (got[0][k] != want[k]) {
                        throw new AssertionError(g + ": " + (batch > 1 ? "image " + b + "'s " : "") + "logit " + k + " expected " + want[k]
                                + ", got " + got[0][k]);
                    }
                }
            }
            return new Run(o.counters().get("total"), o.counters(), p.commands().size(), wall);
        }
    }

    /** A failed check of {@link #runImage}: an AssertionError (no JUnit class, so benchmarks can call it). */
    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    @Test
    void aSmallModelRunsWholeAndEqualsTheGoldenLogits() {
        long seed = Seeds.of("TopModelCosimTest", 1);
        Run r = runImage(SMALL, seed, config(SMALL, "mac.rows=4", "mac.cols=4"), AxiMemory.Config.random(1, 40, 700));
        System.out.printf("whole small model: %d commands, %d cycles, array %d, %.2f s%n", r.commands(), r.cycles(),
                r.counters().get("array"), r.wallSeconds());
    }

    /**
     * compile.batch=2: two images through the small model in one interleaved stream - shared weight
     * loads, the last layer's class tokens and the head as two-row commands - under random memory
     * latency; both images' logits exact.
     */
    @Test
    void twoImagesInterleavedEqualTheirGoldenLogits() {
        long seed = Seeds.of("TopModelCosimTest", 2);
        Run r = runImage(SMALL, seed, config(SMALL, "mac.rows=4", "mac.cols=4", "compile.batch=2"),
                AxiMemory.Config.random(1, 40, 700));
        System.out.printf("whole small model, two images: %d commands, %d cycles, array %d, %.2f s%n", r.commands(),
                r.cycles(), r.counters().get("array"), r.wallSeconds());
    }

    /** A whole DeiT-Tiny image (12 layers of random weights) on the default configuration. */
    @Test
    void deitTinyWholeImage() {
        long seed = Seeds.of("TopModelCosimTest", 197);
        Config cfg = config(VitGeometry.DEIT_TINY, "model.preset=deit-tiny");
        Run r = runImage(VitGeometry.DEIT_TINY, seed, cfg, AxiMemory.Config.random(10, 40, 800));
        System.out.printf("whole DeiT-Tiny image: %d commands, %d cycles (%.1f images/s at %d MHz), counters %s,"
                + " %.1f s of simulation (%.0f cycles/s)%n", r.commands(), r.cycles(),
                cfg.target().clockMhz() * 1e6 / r.cycles(), cfg.target().clockMhz(), r.counters(), r.wallSeconds(),
                r.cycles() / r.wallSeconds());
    }
}
