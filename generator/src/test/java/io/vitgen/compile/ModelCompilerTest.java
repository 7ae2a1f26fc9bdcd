package io.vitgen.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.ModelException;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;
import org.junit.jupiter.api.Test;

/**
 * A whole ViT image compiled into one stream (patch embedding, class token and position embedding,
 * the layers, final LayerNorm, head): the interpreter's logits and every probed tensor equal
 * {@code VitModel.trace} bit for bit.
 */
class ModelCompilerTest {

    /** 32 px, patch 8 (17 tokens), C 40, 5 heads (width 8), MLP 72, 2 layers, 10 classes: multiples of nothing. */
    static final VitGeometry SMALL = new VitGeometry(32, 8, 40, 5, 72, 2, 10);

    record Case(VitModel model, List<EncoderLayer> layers, long[][][] image, Config config) {
        IntVitModel ints() {
            return IntVitModel.of(model, layers);
        }

        VitModel.Trace golden() {
            return GoldenCheck.reference(model, layers, image);
        }
    }

    static Case build(VitGeometry g, long seed, EncoderLayer.SoftmaxMode mode, int bits, EncoderLayer.GeluMode gelu,
            String... sets) {
        boolean log2 = mode == EncoderLayer.SoftmaxMode.LOG2;
        VitModel m;
        try {
            m = Quantizer.calibrate(RandomModel.weights(g, seed), RandomModel.images(g, seed, 1),
                    Quantizer.Options.defaults().withSoftmax(mode, bits));
        } catch (ModelException e) {
            throw new IllegalStateException(e);
        }
        List<EncoderLayer> layers = gelu == EncoderLayer.GeluMode.SHIFTGELU ? m.layers() : GoldenCheck.layersWith(m, gelu);
        long[][][] image = EvalImages.quantize(RandomModel.images(g, seed + 100, 1).get(0), m.scales().image());
        Map<String, String> kv = new HashMap<>(Map.of("model.preset", "custom", "model.tokens", "" + g.tokens(),
                "model.channels", "" + g.channels(), "model.heads", "" + g.heads(), "model.mlp", "" + g.mlp(),
                "softmax.variant", log2 ? "log2" : "shiftmax", "gelu.variant",
                gelu == EncoderLayer.GeluMode.IGELU ? "igelu" : "shiftgelu"));
        if (!log2) {
            kv.put("softmax.out.bits", "" + bits);
        }
        for (String s : sets) {
            String[] p = s.split("=", 2);
            kv.put(p[0], p[1]);
            if (p[0].equals("model.preset")) {
                kv.keySet().removeAll(List.of("model.tokens", "model.channels", "model.heads", "model.mlp"));
            }
        }
        try {
            return new Case(m, layers, image, new ConfigLoader().setAll(kv).load());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compiles, proves the stream legal, interprets it and compares with the golden model; returns the program. */
    static Program runAndCompare(Case k, BufferPlan plan, long seed) {
        long t0 = System.nanoTime();
        Program p = plan == null ? LayerCompiler.compileModel(k.ints(), k.image(), k.config())
                : LayerCompiler.compileModel(k.ints(), k.image(), k.config(), plan);
        long t1 = System.nanoTime();
        StreamChecker.Result check = p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
        assertEquals(0, check.backwardTokens(), "every token goes forward in the stream");
        long t2 = System.nanoTime();
        Interpreter.Run run = Interpreter.run(p, seed, StreamChecker.DEFAULT_QUEUE_DEPTH);
        long t3 = System.nanoTime();
        VitModel.Trace golden = k.golden();
        Optional<String> d = GoldenCheck.firstMismatch(golden, p, run);
        long t4 = System.nanoTime();
        System.out.printf("%s %s b=%d %s: %d commands, %d words, image %,d bytes, %d probes; compile %.0f ms, check %.0f ms,"
                + " interpret %.0f ms, golden + compare %.0f ms%n", k.model().geometry(), k.model().mode(),
                k.model().softmaxBits(), k.layers().get(0).geluMode(), p.commands().size(), p.words().length,
                p.image().size(), p.probes().size(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6);
        assertEquals(Optional.empty(), d, "seed " + seed);
        // every probed tensor was compared: embed, each layer's, norm, logits
        assertTrue(run.tensors().keySet().containsAll(List.of("embed", "norm", "logits",
                "L" + (k.layers().size() - 1) + ".out")), run.tensors().keySet().toString());
        // the logits in memory are the golden logits (GoldenCheck compared them; check the region too)
        assertEquals(List.of(1, k.model().geometry().classes(), 4), List.of(p.output().rows(), p.output().cols(),
                p.output().elemBytes()));
        return p;
    }

    @Test
    void smallModelEverySoftmaxAndGelu() {
        long seed = 1;
        for (EncoderLayer.GeluMode gelu : EncoderLayer.GeluMode.values()) {
            runAndCompare(build(SMALL, seed++, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, gelu), null, seed);
            runAndCompare(build(SMALL, seed++, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, gelu), null, seed);
            runAndCompare(build(SMALL, seed++, EncoderLayer.SoftmaxMode.LOG2, 16, gelu), null, seed);
        }
    }

    /**
     * Row blocks of 4 tokens (patch rows 1..3, 4..7, .., 16) and 500 classes: the head needs 3
     * column panels (a weight slot holds 192 columns of C = 40), panel 2 reuses slot 0; one layer.
     */
    @Test
    void smallRowBlocksAndHeadPanels() {
        VitGeometry g = new VitGeometry(32, 8, 40, 5, 72, 1, 500);
        Case k = build(g, 11, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU);
        BufferPlan plan = BufferPlan.forVit(g, 4, 2);
        assertEquals(3, BufferPlan.headPanels(g, BufferPlan.layout(g, 4, 2).get(Space.WGT).get(0).bytes()).length);
        Program p = runAndCompare(k, plan, 3);
        assertTrue(p.image().regions().containsKey("head.w.2"));
        // random legal orders give the same bytes
        for (long seed = 4; seed < 8; seed++) {
            Interpreter.Run r = Interpreter.run(p, seed, 1 + (int) seed % 4);
            assertEquals(Optional.empty(), GoldenCheck.firstMismatch(k.golden(), p, r));
        }
    }

    /** A whole DeiT-Tiny (12 layers of random weights, Shiftmax b = 16, ShiftGELU) on one image. */
    @Test
    void deitTinyWholeModel() {
        Case k = build(VitGeometry.DEIT_TINY, 21, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU,
                "model.preset=deit-tiny");
        Program p = runAndCompare(k, BufferPlan.forModel(k.config()), 21);
        // the buffers of the default configuration (DeiT-Tiny, b = 8) hold this b = 16 model's: the same in
        // every space but ATT, where two 128-row blocks of 2-byte probabilities take no more than whole heads at b = 8
        Map<Space, Long> def = BufferPlan.forModel(ConfigLoader.defaults()).capacity();
        for (Space s : def.keySet()) {
            assertTrue(s == Space.ATT ? def.get(s) >= p.plan().bytes(s) : def.get(s) == p.plan().bytes(s), s.toString());
        }
        assertEquals(List.of("input", "embed.w", "embed.pos", "model.const"),
                List.copyOf(p.image().regions().keySet()).subList(0, 4));
        assertTrue(p.image().regions().containsKey("head.w.1") && !p.image().regions().containsKey("head.w.2"),
                "192 x 1000 int8 in two panels: " + p.image().regions().keySet());
        assertEveryInputByteLoadedOnce(p);
        String described = p.plan().describe();
        System.out.print(described);
        assertTrue(described.contains("sized for the whole model") && described.contains("head in 2 column panels of 500 classes")
                && described.contains("patch rows slot 0"), described);
    }

    /**
     * Every byte of every region the stream reads (patches, weights, constants, position
     * embedding) is loaded exactly once, and nothing else is read from memory.
     */
    static void assertEveryInputByteLoadedOnce(Program p) {
        int size = (int) p.image().size();
        byte[] count = new byte[size];
        for (Command c : p.commands()) {
            if (c instanceof Command.Load l) {
                for (int r = 0; r < l.rows(); r++) {
                    long a = l.src().addr() + r * l.src().stride();
                    for (long b = 0; b < l.rowBytes(); b++) {
                        count[(int) (a + b)]++;
                    }
                }
            }
        }
        for (MemoryImage.Region r : p.image().regions().values()) {
            boolean read = !r.name().equals("logits") && !r.name().equals("commands");
            for (long b = 0; b < r.bytes(); b++) {
                int n = count[(int) (r.addr() + b)];
                if (n != (read ? 1 : 0)) {
                    throw new AssertionError("region " + r.name() + " byte " + b + " is loaded " + n + " times");
                }
                count[(int) (r.addr() + b)] = 0;
            }
        }
        for (int i = 0; i < size; i++) {
            assertEquals(0, count[i], "byte " + i + " outside every region is loaded");
        }
    }

    @Test
    void everyTokenIsNeededAndTheStreamRoundTrips() {
        Case k = build(SMALL, 31, EncoderLayer.SoftmaxMode.LOG2, 16, EncoderLayer.GeluMode.IGELU);
        Program p = LayerCompiler.compileModel(k.ints(), k.image(), k.config(), BufferPlan.forVit(SMALL, 8, 1));
        assertEquals(p.commands(), CommandCodec.decode(p.words()));
        assertTrue(p.check(1).ok(), "queue depth 1 suffices: " + p.check(1).problems());
        int pairs = 0;
        for (int i = 0; i < p.commands().size(); i++) {
            for (Unit u : Unit.values()) {
                if (p.commands().get(i).deps().waitsOn(u)) {
                    StreamChecker.Result r = StreamChecker.check(StreamCheckerTest.dropPair(p.commands(), i, u), p.labels(), 8);
                    assertTrue(r.problems().stream().anyMatch(s -> s.startsWith("unordered:")),
                            "dropping the " + u + " token of #" + i + " (" + p.labels().get(i) + ") left " + r.problems());
                    pairs++;
                }
            }
        }
        assertTrue(pairs > 50, "pairs " + pairs);
    }

    /** A flipped byte is named by the first tensor it reaches, with token and channel. */
    @Test
    void aMismatchNamesTensorLayerTokenAndChannel() {
        Case k = build(SMALL, 41, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compileModel(k.ints(), k.image(), k.config());
        VitModel.Trace golden = k.golden();
        Object[][] cases = {
            {"embed.w", 5 * 40 + 7, "tensor embed differs first at token ", ", channel 7: expected "},
            {"L0.w.fc1", 3 * 72 + 17, "layer 0 tensor fc1 differs first at token ", ", channel 17: expected "},
            // the last layer computes k for every token (and q only for the class token)
            {"L1.w.qkv", 3 * 120 + 45, "layer 1 tensor qkv differs first at token ", ", channel 45: expected "},
            {"head.w.0", 2 * 10 + 9, "tensor logits differs first at token 0, channel 9: expected ", ""},
        };
        for (Object[] c : cases) {
            MemoryImage.Region w = p.image().region((String) c[0]);
            byte[] img = p.image().toBytes();
            int at = (int) (w.addr() + (Integer) c[1]);
            img[at] = (byte) (img[at] ^ 0x40);
            Interpreter.Run run = Interpreter.run(p.commands(), p.labels(), img, p.plan(), p.probes(), 1, 8);
            String d = GoldenCheck.firstMismatch(golden, p, run).orElseThrow();
            System.out.println(d);
            assertTrue(d.startsWith((String) c[2]) && d.contains((String) c[3]), d);
        }
        // a probe left out is a gap, not a pass: drop the last layer's q probe (row 0, channels 0..C-1)
        List<Program.Probe> probes = new java.util.ArrayList<>(p.probes());
        assertTrue(probes.removeIf(pr -> pr.tensor().equals("L1.qkv") && pr.colOffset() == 0));
        Program cut = new Program(p.commands(), p.labels(), p.image(), p.plan(), probes, p.input(), p.output(), p.stream(),
                p.layers());
        String d = GoldenCheck.firstMismatch(golden, cut, Interpreter.run(cut, 1, 8)).orElseThrow();
        assertEquals("layer 1 tensor qkv is not computed at token 0, channel 0", d);
    }

    static List<String> refuse(Case k, Config cfg, BufferPlan plan, long[][][] image) {
        CompileException e = assertThrows(CompileException.class,
                () -> LayerCompiler.compileModel(k.ints(), image, cfg, plan));
        System.out.println(e.getMessage());
        return e.problems();
    }

    @Test
    void refusalsNameTheTensorAndTheLimit() {
        Case k = build(SMALL, 51, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU);
        BufferPlan exact = BufferPlan.forVit(SMALL, 64, 2);
        // an accumulator wide enough for the layers (the configuration checks those) but not for
        // the patch embedding's K = 3 P^2 = 768 (patch 16)
        VitGeometry big = new VitGeometry(32, 16, 40, 5, 72, 1, 10);
        Case kb = build(big, 50, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU,
                "quant.acc.bits=23");
        List<String> p = refuse(kb, kb.config(), BufferPlan.forVit(big, 64, 2), kb.image());
        assertEquals(List.of("GEMM patch embedding (K = 3P^2) = 768 exceeds K_MAX = 255 of the 23-bit accumulator"
                + " (quant.acc.bits)"), p);
        // buffers: the patch rows and the logits overlays are named
        Map<Space, Long> cap = new HashMap<>(exact.capacity());
        cap.put(Space.HID, 100L);
        cap.put(Space.ATT, 39L);
        p = refuse(k, k.config(), new BufferPlan(cap, 64), k.image());
        LayerCompilerTest.assertHas(p, "buffer HID holds 100 bytes; FC1 output slot 0");
        LayerCompilerTest.assertHas(p, "buffer ATT holds 39 bytes");
        cap = new HashMap<>(exact.capacity());
        cap.put(Space.ATT, exact.bytes(Space.ATT));
        cap.put(Space.HID, 5100L); // the layers' four HID slots end at 5064, the second patch-row slot at 6144
        p = refuse(k, k.config(), new BufferPlan(cap, 64), k.image());
        assertEquals(List.of("buffer HID holds 5100 bytes; patch rows slot 1 (row block x 3P^2 int8) needs bytes [3072, 6144)"),
                p);
        // a layer buffer plan (no model overlays) for a model whose logits do not fit the score slots
        VitGeometry many = new VitGeometry(32, 8, 40, 5, 72, 2, 2000);
        Case km = build(many, 52, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU);
        p = refuse(km, km.config(), BufferPlan.forShape(many.layerShape(), 64, 2), km.image());
        LayerCompilerTest.assertHas(p, "logits (classes int32, over the score slots) needs bytes [0, 8000)");
        // the image must match the geometry
        p = refuse(k, k.config(), exact, new long[3][16][16]);
        assertEquals(List.of("image must be 3 x 32 x 32 int8 pixels"), p);
        long[][][] bad = new long[3][32][32];
        bad[1][2][3] = 200;
        p = refuse(k, k.config(), exact, bad);
        assertEquals(List.of("image pixel [1, 2, 3] = 200 is not int8"), p);
    }
}
