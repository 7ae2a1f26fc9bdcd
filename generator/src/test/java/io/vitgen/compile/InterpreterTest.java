package io.vitgen.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import org.junit.jupiter.api.Test;

/**
 * The compiled stream, executed by the interpreter with the golden operators in random legal
 * orders, equals the golden encoder layer bit for bit: every intermediate tensor and the output.
 */
class InterpreterTest {

    static Config config(ModelShape s, String softmax, int bits, String gelu) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("model.preset", "custom", "model.tokens", "" + s.tokens(),
                "model.channels", "" + s.channels(), "model.heads", "" + s.heads(), "model.mlp", "" + s.mlp(),
                "softmax.variant", softmax, "gelu.variant", gelu));
        if (softmax.equals("shiftmax")) {
            m.put("softmax.out.bits", "" + bits);
        }
        try {
            return new ConfigLoader().setAll(m).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void runAndCompare(ModelShape shape, long seed, EncoderLayer.SoftmaxMode mode, int bits,
            EncoderLayer.GeluMode gelu, int layers) {
        long t0 = System.nanoTime();
        List<EncoderLayer> golden = new java.util.ArrayList<>();
        EncoderLayer.Calibrated cal = EncoderLayer.random(shape, seed, mode, bits, gelu);
        golden.add(cal.layer());
        for (int l = 1; l < layers; l++) {
            golden.add(EncoderLayer.random(shape, seed + l, mode, bits, gelu).layer());
        }
        Config cfg = config(shape, mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax",
                mode == EncoderLayer.SoftmaxMode.LOG2 ? 16 : bits, gelu == EncoderLayer.GeluMode.IGELU ? "igelu" : "shiftgelu");
        Program p = LayerCompiler.compile(golden.stream().map(IntEncoderLayer::of).toList(), cal.input(), cfg);
        StreamChecker.Result check = p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
        Interpreter.Run run = Interpreter.run(p, seed, StreamChecker.DEFAULT_QUEUE_DEPTH);
        Optional<String> d = GoldenCheck.firstMismatch(golden, cal.input(), p, run);
        System.out.printf("%s %s b=%d %s x%d: %d commands, %d words, image %d bytes, %d probes, max %d tokens, %.1f s%n",
                shape, mode, bits, gelu, layers, p.commands().size(), p.words().length, p.image().size(), p.probes().size(),
                check.maxOutstanding(), (System.nanoTime() - t0) / 1e9);
        assertEquals(Optional.empty(), d, "seed " + seed);
    }

    static final ModelShape ODD = new ModelShape(13, 40, 5, 72);

    @Test
    void oddShapeEveryVariant() {
        for (EncoderLayer.GeluMode g : EncoderLayer.GeluMode.values()) {
            runAndCompare(ODD, 1, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, g, 1);
            runAndCompare(ODD, 2, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, g, 1);
            runAndCompare(ODD, 3, EncoderLayer.SoftmaxMode.LOG2, 16, g, 1);
        }
    }

    @Test
    void oddShapeThreeLayersInOneStream() {
        runAndCompare(ODD, 7, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, 3);
    }

    @Test
    void deitTinyLayer() {
        runAndCompare(ModelShape.DEIT_TINY, 11, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, 1);
        runAndCompare(ModelShape.DEIT_TINY, 12, EncoderLayer.SoftmaxMode.LOG2, 16, EncoderLayer.GeluMode.IGELU, 1);
    }
}
