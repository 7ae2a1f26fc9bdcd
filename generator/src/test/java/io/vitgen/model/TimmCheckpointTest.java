package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.config.ModelShape;
import io.vitgen.golden.FloatVit;

class TimmCheckpointTest {

    @TempDir
    Path dir;

    Path valid;
    FloatVit.Weights weights;
    final ModelShape shape = Fixtures.config(Fixtures.SMALL).model();

    @BeforeEach
    void write() throws Exception {
        weights = Fixtures.weights(3);
        valid = dir.resolve("valid.safetensors");
        TimmCheckpoint.write(weights, Safetensors.DType.F32, valid);
    }

    private String problems(Path p, ModelShape s) {
        ModelException e = assertThrows(ModelException.class, () -> {
            try (Safetensors st = Safetensors.open(p)) {
                TimmCheckpoint.read(st, s);
            }
        });
        return String.join("\n", e.problems());
    }

    @Test
    void halfAndBfloatCheckpointsReadAsTheirRoundedValues() throws Exception {
        for (Safetensors.DType dt : new Safetensors.DType[] {Safetensors.DType.F16, Safetensors.DType.BF16}) {
            Path p = dir.resolve(dt + ".safetensors");
            TimmCheckpoint.write(weights, dt, p);
            try (Safetensors st = Safetensors.open(p)) {
                FloatVit.Weights w = TimmCheckpoint.read(st, shape);
                float orig = weights.blocks().get(1).fc1().w()[5][7];
                float back = w.blocks().get(1).fc1().w()[5][7];
                float expected = dt == Safetensors.DType.F16
                        ? Safetensors.halfToFloat(Safetensors.floatToHalf(orig))
                        : Float.intBitsToFloat((Safetensors.floatToBf16(orig) & 0xffff) << 16);
                assertEquals(expected, back, dt.toString());
                assertEquals(Fixtures.SMALL, w.geometry());
            }
        }
    }

    @Test
    void infersTheShapeAndChecksItAgainstTheConfiguration() throws Exception {
        String m = problems(valid, Fixtures.defaults().model());
        assertTrue(m.contains("the checkpoint has 17 (pos_embed), the configuration model.tokens=197"), m);
        assertTrue(m.contains("the checkpoint has 32 (patch_embed.proj.weight)"), m);
        assertTrue(m.contains("choose the matching preset"), m);
        m = problems(valid, Fixtures.config(Fixtures.SMALL, "model.heads=3", "model.channels=33").model());
        assertTrue(m.contains("channels: the checkpoint has 32"), m);
    }

    @Test
    void headsInTheMetadataAreCheckedAgainstTheConfiguration() throws Exception {
        Path p = dir.resolve("heads.safetensors");
        Rewrite r = Rewrite.of(valid);
        r.metadata.put("num_heads", "4");
        r.write(p);
        String m = problems(p, shape);
        assertTrue(m.contains("__metadata__ says num_heads=4, the configuration model.heads=2"), m);
    }

    @Test
    void missingTensorsAreAllNamedAtOnce() throws Exception {
        Path p = dir.resolve("missing.safetensors");
        Rewrite.of(valid).remove("blocks.1.attn.proj.bias").remove("norm.weight").remove("cls_token").write(p);
        String m = problems(p, shape);
        assertTrue(m.contains("3 tensors are missing: cls_token, norm.weight, blocks.1.attn.proj.bias"), m);
    }

    @Test
    void wrongShapesNameExpectedAndFound() throws Exception {
        Path p = dir.resolve("shape.safetensors");
        Rewrite.of(valid).floats("blocks.1.mlp.fc2.weight", new long[] {32, 63}, new float[32 * 63])
                .floats("head.bias", new long[] {11}, new float[11]).write(p);
        String m = problems(p, shape);
        assertTrue(m.contains("tensor 'blocks.1.mlp.fc2.weight' has shape [32, 63], expected [32, 64]"), m);
        assertTrue(m.contains("tensor 'head.bias' has shape [11], expected [10]"), m);
    }

    @Test
    void nonFiniteWeightsAndUnsupportedVariantsAreNamed() throws Exception {
        Path p = dir.resolve("nan.safetensors");
        Rewrite.of(valid).setFloat("blocks.0.attn.qkv.weight", 40, Double.NaN)
                .floats("dist_token", new long[] {1, 1, 32}, new float[32])
                .floats("blocks.0.ls1.gamma", new long[] {32}, new float[32]).write(p);
        String m = problems(p, shape);
        assertTrue(m.contains("tensor 'dist_token': the distillation token of distilled DeiT is not supported"), m);
        assertTrue(m.contains("tensor 'blocks.0.ls1.gamma' is not part of timm's ViT/DeiT layer"), m);
        Path q = dir.resolve("nan2.safetensors");
        Rewrite.of(valid).setFloat("blocks.0.attn.qkv.weight", 40, Double.NaN).write(q);
        m = problems(q, shape);
        assertTrue(m.contains("tensor 'blocks.0.attn.qkv.weight' holds NaN at index [1, 8]"), m);
    }

    @Test
    void otherNamingSchemesGetAHint() throws Exception {
        Path p = dir.resolve("hf.safetensors");
        new SafetensorsWriter().floats("vit.embeddings.cls_token", Safetensors.DType.F32, new long[] {1, 1, 4},
                new float[4]).write(p);
        String m = problems(p, shape);
        assertTrue(m.contains("no timm ViT/DeiT tensor names found"), m);
    }

    @Test
    void readingTwiceGivesTheSameFloatModel() throws Exception {
        try (Safetensors st = Safetensors.open(valid)) {
            FloatVit.Weights w = TimmCheckpoint.read(st, shape);
            assertArrayEquals(weights.patch().w()[100], w.patch().w()[100]);
            assertArrayEquals(weights.pos()[16], w.pos()[16]);
        }
    }
}
