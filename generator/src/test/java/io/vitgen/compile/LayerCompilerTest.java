package io.vitgen.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import org.junit.jupiter.api.Test;

/** Models a configuration cannot run are refused with every reason, each naming the tensor and the limit. */
class LayerCompilerTest {

    static Config config(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>(Map.of("model.preset", "custom", "model.tokens", "13", "model.channels", "40",
                "model.heads", "5", "model.mlp", "72"));
        m.putAll(overrides);
        try {
            return new ConfigLoader().setAll(m).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> refuse(EncoderLayer.Calibrated cal, Config cfg, BufferPlan plan) {
        CompileException e = assertThrows(CompileException.class, () -> LayerCompiler.compile(
                List.of(IntEncoderLayer.of(cal.layer())), cal.input(), cfg, plan));
        System.out.println(e.getMessage());
        return e.problems();
    }

    static void assertHas(List<String> problems, String... parts) {
        for (String p : problems) {
            boolean all = true;
            for (String part : parts) {
                all &= p.contains(part);
            }
            if (all) {
                return;
            }
        }
        throw new AssertionError("no problem mentions " + List.of(parts) + " in " + problems);
    }

    @Test
    void unitLimitsAndAccumulatorAreNamed() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(InterpreterTest.ODD, 1, EncoderLayer.SoftmaxMode.SHIFTMAX);
        // the configuration is for a smaller model: its units' row limits are below this model's rows
        Config cfg = config(Map.of("softmax.max.row", "12", "layernorm.max.channels", "32", "gelu.max.row", "64",
                "quant.acc.bits", "20", "model.tokens", "8", "model.channels", "10", "model.mlp", "16", "softmax.out.bits", "16"));
        List<String> p = refuse(cal, cfg, BufferPlan.forShape(InterpreterTest.ODD, 64, 2));
        assertHas(p, "tensor scores", "N = 13 keys", "softmax.max.row = 12");
        assertHas(p, "tensor x / res1", "C = 40", "layernorm.max.channels = 32");
        assertHas(p, "tensor fc1", "MLP = 72", "gelu.max.row = 64");
        assertHas(p, "GEMM fc2 (K = MLP) = 72 exceeds K_MAX = 31 of the 20-bit accumulator");
        assertHas(p, "GEMM qkv (K = C) = 40 exceeds K_MAX = 31");
        assertEquals(7, p.size(), p.toString());
    }

    @Test
    void buffersTooSmallNameTheTensor() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(InterpreterTest.ODD, 2, EncoderLayer.SoftmaxMode.SHIFTMAX);
        Config cfg = InterpreterTest.config(InterpreterTest.ODD, "shiftmax", 16, "shiftgelu");
        BufferPlan exact = BufferPlan.forShape(InterpreterTest.ODD, 64, 2);
        Map<Space, Long> cap = new HashMap<>(exact.capacity());
        cap.put(Space.WGT, cap.get(Space.WGT) - 1);
        cap.put(Space.ATT, 100L);
        List<String> p = refuse(cal, cfg, new BufferPlan(cap, 64));
        assertHas(p, "buffer WGT holds " + (exact.bytes(Space.WGT) - 1) + " bytes; weight slot 1 (proj, fc2) needs bytes");
        assertHas(p, "buffer ATT holds 100 bytes; scores slot 0 (largest attention block x N int8) needs bytes [0, 169)");
        assertEquals(2, p.size(), p.toString());
        // a DeiT-Small layer on buffers sized for DeiT-Tiny
        EncoderLayer.Calibrated small = EncoderLayer.random(ModelShape.DEIT_SMALL, 3, EncoderLayer.SoftmaxMode.SHIFTMAX);
        List<String> q = refuse(small, InterpreterTest.config(ModelShape.DEIT_SMALL, "shiftmax", 16, "shiftgelu"),
                BufferPlan.forModel(ConfigLoader.defaults()));
        assertHas(q, "buffer RES holds 151296 bytes; res1 (N x C int16) needs bytes [151296, 302592)");
        assertHas(q, "buffer WGT");
    }

    @Test
    void variantsMustMatchTheUnits() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(InterpreterTest.ODD, 4, EncoderLayer.SoftmaxMode.SHIFTMAX, 16,
                EncoderLayer.GeluMode.IGELU);
        List<String> p = refuse(cal, config(Map.of("softmax.out.bits", "8", "gelu.output", "int16")),
                BufferPlan.forShape(InterpreterTest.ODD, 64, 2));
        assertHas(p, "L0 needs Shiftmax b = 16 but the unit outputs softmax.out.bits = 8");
        assertHas(p, "L0 uses i-GELU but gelu.variant = shiftgelu");
        assertHas(p, "gelu.output = int16");
        p = refuse(cal, config(Map.of("softmax.variant", "log2", "gelu.variant", "igelu")),
                BufferPlan.forShape(InterpreterTest.ODD, 64, 2));
        assertEquals(List.of("L0 uses the shiftmax softmax but softmax.variant = log2"), p);
    }

    @Test
    void defaultPlanForDeitTinyAndTheImageMap() {
        BufferPlan plan = BufferPlan.forModel(ConfigLoader.defaults());
        System.out.print(plan.describe());
        assertEquals(64, plan.rowBlock());
        assertEquals(2L * 197 * 192 * 2, plan.bytes(Space.RES));
        assertEquals(2L * 192 * 768, plan.bytes(Space.WGT));
        assertEquals(235, plan.bram36(), "BRAM36 of the DeiT-Tiny plan (docs/top.md)");
        // a whole head's scores (197 x 197 int8) in each of the two attention slots; the probabilities in HID
        assertEquals(BufferPlan.align(197L * 197) + 197L * 197, plan.bytes(Space.ATT));
        java.util.Map<Space, List<BufferPlan.Slot>> layout = BufferPlan.layout(io.vitgen.golden.VitGeometry.DEIT_TINY, 64, 1);
        BufferPlan.Slot p1 = layout.get(Space.HID).get(BufferPlan.slotIndex(layout, Space.HID, BufferPlan.PROBS + "1"));
        assertEquals(List.of(BufferPlan.align(197L * 197), 197L * 197), List.of(p1.offset(), p1.bytes()));
        assertTrue(p1.end() <= plan.bytes(Space.HID), "the probabilities fit over the FC1/GELU slots");
        EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_TINY, 5, EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), ConfigLoader.defaults(),
                plan);
        assertEquals(List.of("input", "L0.w.qkv", "L0.w.proj", "L0.w.fc1", "L0.w.fc2", "L0.const", "output", "commands"),
                List.copyOf(p.image().regions().keySet()));
        for (MemoryImage.Region r : p.image().regions().values()) {
            assertEquals(0, r.addr() % MemoryImage.ALIGN, r.name());
        }
        // the stream in the image decodes to the program's commands
        MemoryImage.Region cmd = p.image().region("commands");
        long[][] words = MemoryImage.read(p.image().toBytes(), cmd);
        long[] flat = new long[words.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = words[i][0];
        }
        assertEquals(p.commands(), CommandCodec.decode(flat));
        // every weight byte is loaded exactly once
        long loaded = p.commands().stream().filter(c -> c instanceof Command.Load l && l.dst().space() == Space.WGT)
                .mapToLong(c -> ((Command.Load) c).rows() * ((Command.Load) c).rowBytes()).sum();
        assertEquals(192L * 576 + 192 * 192 + 2L * 192 * 768, loaded);
        System.out.print(p.listing());
    }

    @Test
    void compileRowBlockSetsTheTopsBuffersTheProgramAndTheEstimatesStream() throws Exception {
        // 13 tokens on a 2-row array: 4 x 2 = 8 by default (blocks 8 + 5); compile.row.block=6 cuts
        // 6 + 7 (a last remainder under a quarter block joins the block before it)
        Config dflt = config(Map.of("mac.rows", "2", "mac.cols", "2"));
        Config six = config(Map.of("mac.rows", "2", "mac.cols", "2", "compile.row.block", "6"));
        assertEquals(8, BufferPlan.rowBlock(dflt));
        assertEquals(6, BufferPlan.rowBlock(six));
        assertEquals(6, BufferPlan.forModel(six).rowBlock());
        assertEquals(6, io.vitgen.estimate.StreamPrograms.rowBlock(six));
        EncoderLayer.Calibrated cal = EncoderLayer.random(InterpreterTest.ODD, 3, EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.SHIFTGELU);
        List<Integer> lnRows = new java.util.ArrayList<>();
        for (Command c : LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), six).commands()) {
            if (c instanceof Command.LayerNorm l) {
                lnRows.add(l.rows());
            }
        }
        // LN1 and LN2 per row block
        assertEquals(List.of(6, 7, 6, 7), lnRows);
    }

    @Test
    void probeStoresCopyEveryIntermediateTensorToMemory() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(InterpreterTest.ODD, 3, EncoderLayer.SoftmaxMode.SHIFTMAX, 16,
                EncoderLayer.GeluMode.SHIFTGELU);
        Config cfg = InterpreterTest.config(InterpreterTest.ODD, "shiftmax", 16, "shiftgelu");
        Program p = LayerCompiler.compileStoringProbes(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), cfg);
        p.check(StreamChecker.DEFAULT_QUEUE_DEPTH).requireOk();
        assertEquals(p.probes().size(), p.labels().stream().filter(l -> l.startsWith("store probe ")).count());
        Interpreter.Run run = Interpreter.run(p, 3, StreamChecker.DEFAULT_QUEUE_DEPTH);
        java.util.Map<String, long[][]> stored = p.storedTensors(run.dram());
        assertEquals(run.tensors().keySet(), stored.keySet());
        for (String t : stored.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(run.tensors().get(t), stored.get(t), t);
        }
        assertEquals(java.util.Optional.empty(), GoldenCheck.firstMismatch(List.of(cal.layer()), cal.input(), p,
                new Interpreter.Run(run.dram(), stored, null)));
    }
}
