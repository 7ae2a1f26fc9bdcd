package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.config.Config;
import io.vitgen.golden.VitModel;
import io.vitgen.model.Safetensors.DType;

class ModelFileTest {

    @TempDir
    static Path dir;

    static VitModel model;
    static Path valid;
    /** The models here are quantized with Shiftmax b = 16 (the quantizer's default), so the configuration says so. */
    static final Config CFG = Fixtures.config(Fixtures.SMALL, "softmax.out.bits=16");

    @BeforeAll
    static void write() throws Exception {
        model = Fixtures.model(11);
        valid = dir.resolve("valid.safetensors");
        ModelFile.write(model, Map.of("method", "test"), valid);
    }

    private static String problems(Path p, Config cfg) {
        ModelException e = assertThrows(ModelException.class, () -> ModelFile.read(p, cfg));
        return String.join("\n", e.problems());
    }

    @Test
    void metadataSaysWhatTheFileIs() throws Exception {
        try (Safetensors st = Safetensors.open(valid)) {
            assertEquals(ModelFile.FORMAT, st.metadata().get("format"));
            assertTrue(st.metadata().containsKey("vitgen.version"));
            String doc = st.metadata().get("vitgen.model");
            assertTrue(doc.contains("\"geometry\":{\"image\":32,\"patch\":8,\"channels\":32,\"heads\":2"), doc);
            assertTrue(doc.contains("\"softmax\":\"shiftmax\""), doc);
            assertTrue(doc.contains("\"scales\":{\"image\":"), doc);
            assertEquals(DType.I8, st.tensor("blocks.1.mlp.fc2.weight_integer").dtype());
            assertArrayEquals(new long[] {32, 64}, st.tensor("blocks.1.mlp.fc2.weight_integer").shape());
            assertEquals(DType.I16, st.tensor("pos_embed_integer").dtype());
        }
        ModelFile.Loaded l = ModelFile.read(valid, CFG);
        assertEquals(model.scales(), l.model().scales());
    }

    @Test
    void aStoredConstantThatDisagreesWithItsDerivationIsNamed() throws Exception {
        Path p = dir.resolve("tampered.safetensors");
        long m = model.layers().get(1).constants().fc1Requant()[9].m();
        Rewrite.of(valid).setInt("blocks.1.mlp.fc1.requant.m", 9, m + 1).write(p);
        String msg = problems(p, CFG);
        assertTrue(msg.contains("tensor 'blocks.1.mlp.fc1.requant.m' holds " + (m + 1) + " at index [9] but the"
                + " parameters and scales give " + m), msg);
    }

    @Test
    void shiftmaxWithEightOutputBitsRoundTrips() throws Exception {
        Quantizer.Options o = Quantizer.Options.defaults().withSoftmax(io.vitgen.golden.EncoderLayer.SoftmaxMode.SHIFTMAX, 8);
        VitModel m8 = Quantizer.calibrate(Fixtures.weights(11), RandomModel.images(Fixtures.SMALL, 11, 3), o);
        assertEquals(8, m8.softmaxBits());
        Path p = dir.resolve("b8.safetensors");
        ModelFile.write(m8, Map.of(), p);
        Config cfg8 = Fixtures.config(Fixtures.SMALL, "softmax.out.bits=8");
        VitModel back = ModelFile.read(p, cfg8).model();
        assertTrue(ModelFile.summary(back).endsWith("shiftmax b=8"), ModelFile.summary(back));
        long[][][] px = EvalImages.quantize(RandomModel.images(Fixtures.SMALL, 12, 1).get(0), EvalImages.IMAGE_SCALE);
        assertArrayEquals(m8.forward(px), back.forward(px));
        String msg = problems(p, CFG);
        assertTrue(msg.contains("quantized for Shiftmax with 8 output bits, the configuration says softmax.out.bits=16"),
                msg);
    }

    @Test
    void unexpectedTensorsAreNamed() throws Exception {
        Path p = dir.resolve("extra.safetensors");
        Rewrite.of(valid).floats("blocks.0.attn.extra", new long[] {2}, 1f, 2f).write(p);
        String msg = problems(p, CFG);
        assertTrue(msg.contains("unexpected tensor 'blocks.0.attn.extra'"), msg);
    }

    @Test
    void badValuesAndMissingTensorsAreAllNamed() throws Exception {
        Path p = dir.resolve("bad.safetensors");
        Rewrite.of(valid).setFloat("blocks.0.attn.proj.weight_scale", 4, 0.0)
                .setFloat("blocks.1.mlp.fc1.bias", 2, Double.POSITIVE_INFINITY)
                .setFloat("norm.weight", 7, 0.0)
                .remove("head.bias").remove("blocks.0.norm2.bias")
                .put("blocks.1.attn.qkv.weight_integer", DType.I16, new long[] {96, 32}, new byte[96 * 32 * 2])
                .write(p);
        String msg = problems(p, CFG);
        assertTrue(msg.contains("2 tensors are missing: blocks.0.norm2.bias, head.bias"), msg);
        assertTrue(msg.contains("tensor 'blocks.0.attn.proj.weight_scale' holds scale 0.0 at index 4"), msg);
        assertTrue(msg.contains("tensor 'blocks.1.mlp.fc1.bias' holds Infinity at index [2]"), msg);
        assertTrue(msg.contains("tensor 'norm.weight' is 0 at channel 7"), msg);
        assertTrue(msg.contains("tensor 'blocks.1.attn.qkv.weight_integer' has dtype I16, expected I8"), msg);
    }

    @Test
    void metadataProblemsAreNamed() throws Exception {
        Path p = dir.resolve("meta.safetensors");
        Rewrite r = Rewrite.of(valid);
        r.metadata.put("vitgen.model", r.metadata.get("vitgen.model").replace("\"depth\":2", "\"depth\":\"two\"")
                .replace("\"norm\":", "\"norm\":-"));
        r.write(p);
        String msg = problems(p, CFG);
        assertTrue(msg.contains("geometry.depth is missing or not an integer"), msg);
        Path q = dir.resolve("notours.safetensors");
        Rewrite s = Rewrite.of(valid);
        s.metadata.remove("format");
        s.write(q);
        assertTrue(problems(q, CFG).contains("not a vitgen model file: __metadata__.format is absent"));
        Path u = dir.resolve("scale.safetensors");
        Rewrite t = Rewrite.of(valid);
        t.metadata.put("vitgen.model", t.metadata.get("vitgen.model").replaceFirst("\"ln2\":[0-9.eE-]+", "\"ln2\":0"));
        t.write(u);
        msg = problems(u, CFG);
        assertTrue(msg.contains("scales.layers[0].ln2 = 0.0; scales must be finite and positive"), msg);
    }

    @Test
    void theConfigurationMustBeAbleToRunTheModel() throws Exception {
        Config cfg = Fixtures.config(Fixtures.SMALL, "softmax.variant=log2", "gelu.variant=igelu",
                "layernorm.output=raw");
        String msg = problems(valid, cfg);
        assertTrue(msg.contains("quantized for softmax shiftmax (16 bits), the configuration says softmax.variant=log2"), msg);
        assertTrue(msg.contains("gelu.variant=igelu"), msg);
        assertTrue(msg.contains("layernorm.output=raw"), msg);
        msg = problems(valid, Fixtures.defaults());
        assertTrue(msg.contains("the model has 17 tokens, the configuration (model.preset=deit-tiny) model.tokens=197"), msg);
        assertTrue(msg.contains("the model has 2 heads"), msg);
        msg = problems(valid, Fixtures.config(Fixtures.SMALL, "softmax.out.bits=8"));
        assertTrue(msg.contains("softmax.out.bits=8"), msg);
    }

    @Test
    void neverReplacesAFileItDidNotWrite() throws Exception {
        Path mine = dir.resolve("mine.txt");
        Files.writeString(mine, "keep me");
        ModelException e = assertThrows(ModelException.class, () -> ModelFile.write(model, Map.of(), mine));
        assertTrue(e.getMessage().contains("exists and is not a vitgen model file"), e.getMessage());
        assertEquals("keep me", Files.readString(mine));
        Path ckpt = dir.resolve("ckpt.safetensors");
        TimmCheckpoint.write(Fixtures.weights(1), DType.F32, ckpt);
        assertThrows(ModelException.class, () -> ModelFile.write(model, Map.of(), ckpt));
        Path again = dir.resolve("again.safetensors");
        ModelFile.write(model, Map.of(), again);
        ModelFile.write(model, Map.of("second", true), again); // its own file: replaced
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no temporary left");
        }
    }

    @Test
    void truncatedFilesAreRefused() throws Exception {
        byte[] all = Files.readAllBytes(valid);
        for (int cut : new int[] {0, 7, 8, 100, all.length / 2, all.length - 1}) {
            Path p = dir.resolve("cut" + cut);
            Files.write(p, java.util.Arrays.copyOf(all, cut));
            String msg = problems(p, CFG);
            assertTrue(msg.contains("truncated") || msg.contains("beyond the end") || msg.contains("outside the data"),
                    cut + ": " + msg);
        }
    }

    @Test
    void derivedTensorsListEveryConstant() {
        List<ModelFile.IntTensor> d = ModelFile.derived(model);
        assertEquals(4 + 2 * 30 + 3 + 1, d.size());
    }
}
