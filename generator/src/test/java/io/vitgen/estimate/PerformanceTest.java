package io.vitgen.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.Command;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.Program;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;

/**
 * The performance estimate: its GEMM cycles against the simulated 16x16 numbers of docs/mac.md and
 * the study (literal numbers, within 0.1 %), the overlap arithmetic of the phases, the loss table,
 * batching, and its DDR bytes against the bytes the compiler's stream moves.
 */
class PerformanceTest {

    static Config config(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        try {
            return new ConfigLoader().warnings(w -> { }).setAll(m).load();
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static Performance.Op op(Performance.Estimate e, String prefix) {
        return e.layerOps().stream().filter(o -> o.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static void within(long measured, long model, double tolerance, String what) {
        double err = Math.abs(model - measured) / (double) measured;
        assertTrue(err <= tolerance, what + ": model " + model + " vs measured " + measured + " ("
                + String.format("%.3f%%", 100 * err) + ")");
    }

    @Test
    void gemmCyclesMatchTheSimulated16x16Numbers() {
        Performance.Estimate e = Performance.of(config("softmax.out.bits", "16"));   // the numbers below are b = 16's
        // docs/mac.md, "Benchmark: DeiT-Tiny GEMMs on 16x16" (4 requantizer lanes, simulated)
        within(89_904, op(e, "QKV").cycles(), 0.001, "QKV (mac.md)");
        within(10_864, op(e, "q k^T").cycles(), 0.001, "q k^T (mac.md)");
        within(10_292, op(e, "attention x V").cycles(), 0.001, "attention x V (mac.md)");
        within(30_000, op(e, "output projection").cycles(), 0.001, "projection (mac.md)");
        within(119_856, op(e, "FC1").cycles(), 0.001, "FC1 (mac.md)");
        within(119_856, op(e, "FC2").cycles(), 0.001, "FC2 (mac.md)");
        // shared/notes/top-study.md, 16x16 column (three heads summed; b = 16 doubles attention x V)
        within(89_914, op(e, "QKV").cycles(), 0.001, "QKV (study)");
        within(32_622, 3 * op(e, "q k^T").cycles(), 0.001, "q k^T x 3 (study)");
        within(61_812, op(e, "attention x V").count() * op(e, "attention x V").cycles(), 0.001, "attn x V b=16 (study)");
        within(30_010, op(e, "output projection").cycles(), 0.001, "projection (study)");
        within(119_866, op(e, "FC1").cycles(), 0.001, "FC1 (study)");
        within(30_906, 3 * Performance.of(config("softmax.out.bits", "8")).layerOps().stream()
                .filter(o -> o.name().startsWith("attention x V")).findFirst().orElseThrow().cycles(), 0.001,
                "attention x V b=8 x 3 (study)");
        // the tiles: 13 row tiles x 36 column tiles for QKV
        assertEquals(468, op(e, "QKV").tiles());
        assertEquals("197 x 192 x 576", op(e, "QKV").shape());
    }

    @Test
    void phaseFormulasTimeBatchesAndTheStreamTimesBatchOne() {
        Performance.Estimate stream = Performance.of(config());
        assertEquals("stream", stream.timing());
        assertTrue(stream.phases().isEmpty());
        assertEquals(47, stream.layerCommands());
        assertEquals(478, stream.imageCommands());
        // a batch is timed as its compiled stream too
        Performance.Estimate two = Performance.of(config("compile.batch", "2"));
        assertEquals("stream", two.timing());
        assertEquals(2, two.batch());
        // the formula path: a configuration the compiler refuses (the layer needs the int8 LayerNorm output)
        Performance.Estimate e = Performance.of(config("compile.batch", "2", "layernorm.output", "raw"));
        assertEquals("formula", e.timing());
        for (Performance.Phase p : e.phases()) {
            assertEquals(Math.max(p.gemmCycles(), p.unitCycles()) + p.exposed() + p.stall(), p.cycles(), p.name());
        }
        assertEquals(e.phases().stream().mapToLong(Performance.Phase::cycles).sum(), e.layerCycles());
        // slow units: with one lane the GELU work (2 x 197 x 768) exceeds FC1 + FC2 and sets the phase
        Performance.Estimate slow = Performance.of(config("mac.rows", "64", "mac.cols", "64", "mac.requant.lanes", "64",
                "gelu.lanes", "1", "target.fit", "off", "compile.batch", "2", "layernorm.output", "raw"));
        Performance.Phase p4 = slow.phases().get(3);
        assertEquals(2L * 197 * 768, p4.unitCycles());
        assertTrue(p4.unitCycles() > p4.gemmCycles());
    }

    @Test
    void lossesAddUpToTheImage() {
        for (Config c : List.of(config(), config("target.board", "zcu102"),
                config("softmax.variant", "log2"), config("compile.batch", "3", "mac.rows", "32"))) {
            Performance.Estimate e = Performance.of(c);
            long sum = e.losses().stream().mapToLong(Performance.Loss::cycles).sum();
            assertTrue(Math.abs(sum - e.imageCycles()) <= e.losses().size(), e.losses() + " vs " + e.imageCycles());
            assertEquals(e.macsPerImage() / (double) e.imageCycles() / (e.rows() * e.cols()), e.macUtilisation(), 0.01);
        }
        // DeiT-Tiny MACs per image: 12 layers + patch embedding + head = 1.254 G (ANCHORS: ~1.26 G); the
        // compiled stream's GEMMs skip 87,080,448 of them (the last layer computes the class token only
        // after attention's k and v: docs/commands.md)
        long model = 12L * (197L * 192 * 576 + 2L * 3 * 197 * 64 * 197 + 197L * 192 * 192 + 2L * 197 * 192 * 768)
                + 196L * 768 * 192 + 192L * 1000;
        assertEquals(1_253_683_200L, model);
        assertEquals(model - 87_080_448L, Performance.of(config()).macsPerImage());
        assertEquals(model - 87_080_448L, Performance.of(config("compile.batch", "2")).macsPerImage());
    }

    @Test
    void batchingSharesTheWeightsAndTheImageCyclesStayPerImage() {
        Performance.Estimate two = Performance.of(config("mac.rows", "50", "mac.cols", "64", "mac.dsp.packing", "int8x2",
                "compile.batch", "2"));
        Performance.Estimate four = Performance.of(config("mac.rows", "50", "mac.cols", "64", "mac.dsp.packing", "int8x2",
                "compile.batch", "4"));
        assertEquals("stream", two.timing());
        assertEquals("stream", four.timing());
        // loaded once per batch: the layers' weights and constant tables (8 (14 C + 2 MLP) bytes), the patch
        // embedding's weights and tables (16 C), the head's weights and the final norm's and head's tables
        // (16 C + 8 x 1000); the patches, the class and position embeddings and the logits are per image
        long shared = 12L * (4L * 192 * 192 + 2L * 192 * 768) + 768L * 192 + 192L * 1000
                + 12L * 8 * (14 * 192 + 2 * 768) + 16L * 192 + 16L * 192 + 8L * 1000;
        assertEquals(shared / 2.0 - shared / 4.0, two.ddrBytesPerImage() - four.ddrBytesPerImage(), 1.0,
                "a batch of four reads what the images share half as often per image as a batch of two");
        assertEquals("197 x 192 x 576", four.layerOps().get(0).shape());
        assertEquals(4, four.layerOps().get(0).count());
        assertEquals(two.macsPerImage(), four.macsPerImage());
        Performance.Estimate single = Performance.of(config("mac.rows", "50", "mac.cols", "64", "mac.dsp.packing", "int8x2"));
        assertEquals(single.macsPerImage(), two.macsPerImage());
        assertTrue(single.ddrBytesPerImage() > two.ddrBytesPerImage());
        // the interleaved images hide each other's LayerNorm, softmax and GELU: fewer cycles per image
        assertTrue(two.imageCycles() < single.imageCycles(), two.imageCycles() + " vs " + single.imageCycles());
        assertTrue(four.imageCycles() <= two.imageCycles() + two.imageCycles() / 100);
    }

    @Test
    void ddrBytesOfALayerAreTheBytesTheCompiledStreamMoves() {
        ModelShape s = new ModelShape(13, 40, 5, 72);
        Config c = config("model.preset", "custom", "model.tokens", "13", "model.channels", "40", "model.heads", "5",
                "model.mlp", "72", "softmax.out.bits", "8");
        EncoderLayer.Calibrated cal = EncoderLayer.random(s, 7, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), c);
        long moved = 0;
        for (Command cmd : p.commands()) {
            if (cmd instanceof Command.Load l) {
                moved += l.rows() * l.rowBytes();
            } else if (cmd instanceof Command.Store st) {
                moved += st.rows() * st.rowBytes();
            }
        }
        Performance.Estimate e = Performance.of(c);
        // the estimate's image is 12 such layers with the residual stream in and out once
        long inOut = 2L * 2 * 13 * 40;
        assertEquals(moved - inOut, (e.ddrBytesPerImage() - inOut) / 12, "bytes of one layer");
    }
}
