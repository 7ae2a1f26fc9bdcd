package io.vitgen.top;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.GoldenCheck;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.Program;
import io.vitgen.compile.StreamChecker;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelException;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./bench compile [LAYERS]}: the compiler, the stream checker and the command interpreter on
 * DeiT-Tiny and DeiT-Small layers, on a DeiT-Tiny encoder of LAYERS layers (default 12) and on a
 * whole DeiT-Tiny image (patch embedding to logits): stream size, memory image, buffers, and the
 * time of each step; every run is compared with the golden layers or model bit for bit (the
 * benchmark fails otherwise).
 */
public final class CompileBenchmark {

    private CompileBenchmark() {
    }

    public static void main(String[] args) {
        int encoderLayers = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        System.out.println("| model | softmax | layers | commands | words | image bytes | buffers (BRAM36) | compile ms | check ms | interpret ms | golden ms | bit-exact |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        run("DeiT-Tiny", ModelShape.DEIT_TINY, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, 1);
        run("DeiT-Tiny", ModelShape.DEIT_TINY, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, 1);
        run("DeiT-Tiny", ModelShape.DEIT_TINY, EncoderLayer.SoftmaxMode.LOG2, 16, 1);
        run("DeiT-Small", ModelShape.DEIT_SMALL, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, 1);
        run("DeiT-Tiny", ModelShape.DEIT_TINY, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, encoderLayers);
        wholeModel();
    }

    /**
     * A whole DeiT-Tiny image (random weights calibrated on one synthetic picture): patch
     * embedding, 12 layers, final norm, head; compared with {@code VitModel.trace} bit for bit.
     */
    private static void wholeModel() {
        VitGeometry g = VitGeometry.DEIT_TINY;
        VitModel model;
        try {
            model = Quantizer.calibrate(RandomModel.weights(g, 1), RandomModel.images(g, 1, 1), Quantizer.Options.defaults());
        } catch (ModelException e) {
            throw new IllegalStateException(e);
        }
        long[][][] image = EvalImages.quantize(RandomModel.images(g, 2, 1).get(0), model.scales().image());
        Config cfg = ConfigLoader.defaults();
        long t0 = System.nanoTime();
        Program p = LayerCompiler.compileModel(model, image, cfg);
        long t1 = System.nanoTime();
        p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
        long t2 = System.nanoTime();
        Interpreter.Run run = Interpreter.run(p, 1, StreamChecker.DEFAULT_QUEUE_DEPTH);
        long t3 = System.nanoTime();
        Optional<String> d = GoldenCheck.firstMismatch(GoldenCheck.reference(model, null, image), p, run);
        long t4 = System.nanoTime();
        BufferPlan plan = p.plan();
        System.out.printf("| DeiT-Tiny whole model (embed, 12 layers, norm, head) | shiftmax b=16 | %d | %d | %d | %,d | %,d (%d)"
                + " | %.0f | %.0f | %.0f | %.0f | %s |%n", g.depth(), p.commands().size(), p.words().length,
                p.image().size(), plan.totalBytes(), plan.bram36(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                (t4 - t3) / 1e6, d.isEmpty() ? "yes" : "NO");
        if (d.isPresent()) {
            throw new AssertionError(d.get());
        }
    }

    private static void run(String name, ModelShape s, EncoderLayer.SoftmaxMode mode, int bits, int layers) {
        List<EncoderLayer> golden = new ArrayList<>();
        EncoderLayer.Calibrated cal = EncoderLayer.random(s, 1, mode, bits, EncoderLayer.GeluMode.SHIFTGELU);
        golden.add(cal.layer());
        for (int l = 1; l < layers; l++) {
            golden.add(EncoderLayer.random(s, 1 + l, mode, bits, EncoderLayer.GeluMode.SHIFTGELU).layer());
        }
        Map<String, String> m = new HashMap<>(Map.of("model.preset", "custom", "model.tokens", "" + s.tokens(),
                "model.channels", "" + s.channels(), "model.heads", "" + s.heads(), "model.mlp", "" + s.mlp(),
                "softmax.variant", mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax"));
        if (mode == EncoderLayer.SoftmaxMode.SHIFTMAX) {
            m.put("softmax.out.bits", "" + bits);
        }
        Config cfg;
        try {
            cfg = new ConfigLoader().setAll(m).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long t0 = System.nanoTime();
        Program p = LayerCompiler.compile(golden.stream().map(IntEncoderLayer::of).toList(), cal.input(), cfg);
        long t1 = System.nanoTime();
        p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
        long t2 = System.nanoTime();
        Interpreter.Run run = Interpreter.run(p, 1, StreamChecker.DEFAULT_QUEUE_DEPTH);
        long t3 = System.nanoTime();
        Optional<String> d = GoldenCheck.firstMismatch(golden, cal.input(), p, run);
        long t4 = System.nanoTime();
        BufferPlan plan = p.plan();
        System.out.printf("| %s | %s | %d | %d | %d | %,d | %,d (%d) | %.0f | %.0f | %.0f | %.0f | %s |%n", name,
                mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax b=" + bits, layers, p.commands().size(),
                p.words().length, p.image().size(), plan.totalBytes(), plan.bram36(), (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                (t3 - t2) / 1e6, (t4 - t3) / 1e6, d.isEmpty() ? "yes" : "NO");
        if (d.isPresent()) {
            throw new AssertionError(d.get());
        }
    }
}
