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
        runAndCompare(shape, seed, mode, bits, gelu, layers, 0);
    }

    /** rowBlock 0: the configuration's default row block. */
    static void runAndCompare(ModelShape shape, long seed, EncoderLayer.SoftmaxMode mode, int bits,
            EncoderLayer.GeluMode gelu, int layers, int rowBlock) {
        long t0 = System.nanoTime();
        List<EncoderLayer> golden = new java.util.ArrayList<>();
        EncoderLayer.Calibrated cal = EncoderLayer.random(shape, seed, mode, bits, gelu);
        golden.add(cal.layer());
        for (int l = 1; l < layers; l++) {
            golden.add(EncoderLayer.random(shape, seed + l, mode, bits, gelu).layer());
        }
        Config cfg = config(shape, mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax",
                mode == EncoderLayer.SoftmaxMode.LOG2 ? 16 : bits, gelu == EncoderLayer.GeluMode.IGELU ? "igelu" : "shiftgelu");
        List<IntEncoderLayer> ints = golden.stream().map(IntEncoderLayer::of).toList();
        Program p = rowBlock == 0 ? LayerCompiler.compile(ints, cal.input(), cfg)
                : LayerCompiler.compile(ints, cal.input(), cfg, BufferPlan.forShape(shape, rowBlock,
                        mode == EncoderLayer.SoftmaxMode.SHIFTMAX && bits == 16 ? 2 : 1));
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

    /** Row blocks of 4 tokens: 13 = 4 + 4 + 4 + 1, attention blocks alternate slots across rows and heads. */
    @Test
    void oddShapeSmallRowBlocks() {
        runAndCompare(ODD, 21, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, 1, 4);
        runAndCompare(ODD, 22, EncoderLayer.SoftmaxMode.LOG2, 16, EncoderLayer.GeluMode.IGELU, 2, 4);
        runAndCompare(ODD, 23, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.SHIFTGELU, 1, 3);
    }

    @Test
    void deitSmallLayer() {
        runAndCompare(ModelShape.DEIT_SMALL, 31, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.SHIFTGELU, 1);
    }

    /** A corrupted weight byte is found in the first tensor it reaches, named with token and channel. */
    @Test
    void aMismatchNamesTensorTokenAndChannel() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(ODD, 41, EncoderLayer.SoftmaxMode.SHIFTMAX, 16,
                EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(),
                config(ODD, "shiftmax", 16, "shiftgelu"));
        // flip fc1's weight [k = 3][n = 17]: FC1 output column 17 changes for some token
        MemoryImage.Region w = p.image().region("L0.w.fc1");
        byte[] img = p.image().toBytes();
        int at = (int) (w.addr() + 3 * w.stride() + 17);
        img[at] = (byte) (img[at] ^ 0x40);
        Interpreter.Run run = Interpreter.run(p.commands(), p.labels(), img, p.plan(), p.probes(), 1, 8);
        String d = GoldenCheck.firstMismatch(List.of(cal.layer()), cal.input(), p, run).orElseThrow();
        System.out.println(d);
        assertTrue(d.startsWith("layer 0 tensor fc1 differs first at token "), d);
        assertTrue(d.contains(", channel 17: expected "), d);
    }

    /** Different seeds give different legal orders of the units; the bytes are the same. */
    @Test
    void everyLegalOrderGivesTheSameBytes() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(ODD, 51, EncoderLayer.SoftmaxMode.LOG2, 16,
                EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), config(ODD, "log2", 16,
                "shiftgelu"), BufferPlan.forShape(ODD, 4, 1));
        Interpreter.Run first = Interpreter.run(p, 1, 8);
        java.util.Set<String> orders = new java.util.HashSet<>();
        for (long seed = 1; seed <= 20; seed++) {
            Interpreter.Run r = Interpreter.run(p, seed, 1 + (int) (seed % 8));
            orders.add(java.util.Arrays.toString(r.order()));
            assertTrue(java.util.Arrays.equals(MemoryImage.read(first.dram(), p.output())[5],
                    MemoryImage.read(r.dram(), p.output())[5]));
            assertEquals(Optional.empty(), GoldenCheck.firstMismatch(List.of(cal.layer()), cal.input(), p, r));
        }
        assertTrue(orders.size() > 10, "distinct orders " + orders.size());
    }

    @Test
    void deitTinyLayer() {
        runAndCompare(ModelShape.DEIT_TINY, 11, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, 1);
        runAndCompare(ModelShape.DEIT_TINY, 12, EncoderLayer.SoftmaxMode.LOG2, 16, EncoderLayer.GeluMode.IGELU, 1);
    }
}
