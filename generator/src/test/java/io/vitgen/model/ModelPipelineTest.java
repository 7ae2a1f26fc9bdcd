package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitModel;

/** Float checkpoint -> quantize -> model file -> read back: the same integers all the way. */
class ModelPipelineTest {

    @TempDir
    Path dir;

    @Test
    void checkpointQuantizeWriteReadGivesTheSameLogits() throws Exception {
        FloatVit.Weights w = Fixtures.weights(5);
        Path ckpt = dir.resolve("small.safetensors");
        TimmCheckpoint.write(w, Safetensors.DType.F32, ckpt);
        FloatVit.Weights back;
        try (Safetensors st = Safetensors.open(ckpt)) {
            back = TimmCheckpoint.read(st, Fixtures.config(Fixtures.SMALL).model());
        }
        assertEquals(Fixtures.SMALL, back.geometry());
        List<double[][][]> imgs = RandomModel.images(Fixtures.SMALL, 9, 4);
        double[] f1 = FloatVit.forward(w, imgs.get(0), null).logits();
        double[] f2 = FloatVit.forward(back, imgs.get(0), null).logits();
        assertArrayEquals(f1, f2, 0.0, "F32 round trip changes nothing");

        Quantizer.Result q = Quantizer.quantize(back, imgs, Quantizer.Options.defaults(), null);
        System.out.print(q.format());
        for (Quantizer.Cosine c : q.cosines()) {
            assertTrue(c.cosine() > 0.9, c.tensor() + " cosine " + c.cosine());
        }
        Path model = dir.resolve("small.vitgen.safetensors");
        ModelFile.write(q.model(), Map.of("method", "percentile"), model);
        VitModel m2 = ModelFile.read(model, Fixtures.config(Fixtures.SMALL, "softmax.out.bits=16")).model();
        for (double[][][] img : imgs) {
            long[][][] px = EvalImages.quantize(img, EvalImages.IMAGE_SCALE);
            assertArrayEquals(q.model().forward(px), m2.forward(px));
        }
    }
}
