package io.vitgen.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.vitgen.config.Config;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitModel;
import io.vitgen.model.EvalImages;
import io.vitgen.model.RandomModel;
import org.junit.jupiter.api.Test;

/**
 * compile.batch: several images compiled into one stream whose commands interleave GEMM by GEMM
 * and whose weight and constant loads are shared. Every image's probed tensors and output equal the
 * golden model on its own input, in any legal order the interpreter picks.
 */
class BatchCompilerTest {

    private static List<long[][]> inputs(ModelShape s, int count, long seed) {
        List<long[][]> in = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            in.add(EncoderLayer.random(s, seed + 17 * b, EncoderLayer.SoftmaxMode.SHIFTMAX).input());
        }
        return in;
    }

    @Test
    void layerStreamsOfTwoAndThreeImagesEqualTheGoldenLayers() {
        ModelShape s = InterpreterTest.ODD;
        for (int batch : new int[] {2, 3}) {
            for (EncoderLayer.SoftmaxMode mode : EncoderLayer.SoftmaxMode.values()) {
                boolean log2 = mode == EncoderLayer.SoftmaxMode.LOG2;
                List<EncoderLayer> golden = new ArrayList<>();
                List<IntEncoderLayer> layers = new ArrayList<>();
                for (int l = 0; l < 2; l++) {
                    EncoderLayer g = EncoderLayer.random(s, 40 + l + batch, mode, log2 ? 16 : 8,
                            EncoderLayer.GeluMode.SHIFTGELU).layer();
                    golden.add(g);
                    layers.add(IntEncoderLayer.of(g));
                }
                Config cfg = InterpreterTest.config(s, log2 ? "log2" : "shiftmax", log2 ? 16 : 8, "shiftgelu");
                List<long[][]> in = inputs(s, batch, 5 + batch);
                Program p = LayerCompiler.compileBatch(layers, in, cfg);
                StreamChecker.Result chk = p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
                assertEquals(0, chk.backwardTokens(), "every token goes forward in the stream");
                assertEquals(batch, p.batch());
                for (long seed = 1; seed <= 3; seed++) {
                    Interpreter.Run run = Interpreter.run(p, seed, 1 + (int) seed % 4);
                    assertEquals(Optional.empty(), GoldenCheck.firstMismatch(golden, in, p, run), "batch " + batch + " " + mode);
                }
                // the shared loads: each layer's weights and constants once for the batch
                assertEquals(2, p.labels().stream().filter(x -> x.endsWith("load w.qkv columns q")).count());
                assertEquals(2, p.labels().stream().filter(x -> x.endsWith("load w.fc2")).count());
                assertTrue(p.labels().stream().noneMatch(x -> x.startsWith("image 1: ") && x.contains("load w.")));
                // each image its own input and output region
                for (int b = 0; b < batch; b++) {
                    String suffix = b == 0 ? "" : "." + b;
                    assertEquals(p.inputs().get(b), p.image().region("input" + suffix));
                    assertEquals(p.outputs().get(b), p.image().region("output" + suffix));
                }
            }
        }
    }

    @Test
    void theGemmUnitAlternatesBetweenTheImages() {
        ModelShape s = InterpreterTest.ODD;
        EncoderLayer g = EncoderLayer.random(s, 3, EncoderLayer.SoftmaxMode.SHIFTMAX).layer();
        Config cfg = InterpreterTest.config(s, "shiftmax", 16, "shiftgelu");
        Program p = LayerCompiler.compileBatch(List.of(IntEncoderLayer.of(g)), inputs(s, 2, 9), cfg);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < p.commands().size(); i++) {
            if (p.commands().get(i) instanceof Command.Gemm) {
                order.add(p.labels().get(i).startsWith("image 1: ") ? 1 : 0);
            }
        }
        assertEquals(0, order.size() % 2);
        for (int k = 0; k < order.size(); k++) {
            assertEquals(k % 2, order.get(k), "GEMM " + k + " of " + order);
        }
        // a wrong input for image 1 is found and named
        List<long[][]> other = inputs(s, 2, 9);
        other.set(1, inputs(s, 1, 99).get(0));
        Interpreter.Run run = Interpreter.run(p, 1, 4);
        String d = GoldenCheck.firstMismatch(List.of(g), other, p, run).orElseThrow();
        assertTrue(d.startsWith("image 1: layer 0 tensor "), d);
    }

    @Test
    void wholeModelsOfTwoImagesEqualTheirGoldenTraces() {
        ModelCompilerTest.Case k = ModelCompilerTest.build(ModelCompilerTest.SMALL, 21, EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.IGELU);
        long[][][] second = EvalImages.quantize(RandomModel.images(ModelCompilerTest.SMALL, 77, 1).get(0),
                k.model().scales().image());
        List<long[][][]> images = List.of(k.image(), second);
        Program p = LayerCompiler.compileModelBatch(k.ints(), images, k.config());
        p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
        List<VitModel.Trace> golden = List.of(GoldenCheck.reference(k.model(), k.layers(), k.image()),
                GoldenCheck.reference(k.model(), k.layers(), second));
        for (long seed = 1; seed <= 3; seed++) {
            Interpreter.Run run = Interpreter.run(p, seed, 1 + (int) seed % 4);
            assertEquals(Optional.empty(), GoldenCheck.firstMismatch(golden, p, run));
            assertTrue(run.tensors().keySet().containsAll(List.of("embed", "logits", "image1.embed", "image1.norm",
                    "image1.logits", "image1.L1.out")), run.tensors().keySet().toString());
        }
        assertEquals("logits.1", p.outputs().get(1).name());
        assertTrue(p.image().regions().containsKey("input.1"));
        assertEquals(1, p.labels().stream().filter(x -> x.equals("load embed.w")).count());
    }

    @Test
    void buffersForOneImageRefuseTwoNamingTheSecondImagesTensor() {
        ModelShape s = InterpreterTest.ODD;
        EncoderLayer g = EncoderLayer.random(s, 3, EncoderLayer.SoftmaxMode.SHIFTMAX).layer();
        Config cfg = InterpreterTest.config(s, "shiftmax", 16, "shiftgelu");
        BufferPlan one = BufferPlan.forShape(s, BufferPlan.rowBlock(cfg), 2);
        CompileException e = assertThrows(CompileException.class, () -> LayerCompiler.compileBatch(
                List.of(IntEncoderLayer.of(g)), inputs(s, 2, 1), cfg, one, false));
        assertTrue(e.problems().stream().anyMatch(x -> x.startsWith("buffer RES holds " + one.bytes(Space.RES)
                + " bytes; image 1: x / layer output")), e.problems().toString());
        // a batch plan is the one-image plan's per-image spaces times the batch, the shared ones once
        BufferPlan two = BufferPlan.forShape(s, BufferPlan.rowBlock(cfg), 2, 2);
        for (Space sp : List.of(Space.RES, Space.ACT, Space.QKV, Space.ATT, Space.HID)) {
            assertEquals(BufferPlan.imageSpan(BufferPlan.layout(s, BufferPlan.rowBlock(cfg), 2), sp) + one.bytes(sp),
                    two.bytes(sp), sp.name());
        }
        assertEquals(one.bytes(Space.WGT), two.bytes(Space.WGT));
        assertEquals(one.bytes(Space.CONST), two.bytes(Space.CONST));
        // no input at all
        assertThrows(CompileException.class, () -> LayerCompiler.compileBatch(List.of(IntEncoderLayer.of(g)), List.of(),
                cfg));
    }
}
