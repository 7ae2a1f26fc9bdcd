package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.model.EvalImages;
import io.vitgen.model.Quantizer;
import io.vitgen.model.RandomModel;

/**
 * The whole-ViT golden model (docs/arithmetic.md section 10, docs/model.md): each step checked
 * against an independent statement of it - the patch embedding as a convolution over the image,
 * the class-token row, the final LayerNorm and head - and DeiT-Tiny end to end against its float
 * twin on one picture.
 */
class VitModelTest {

    static final VitGeometry SMALL = new VitGeometry(32, 8, 32, 2, 64, 2, 10);

    static VitModel model(VitGeometry g, long seed, int images) throws Exception {
        return Quantizer.calibrate(RandomModel.weights(g, seed), RandomModel.images(g, seed, images),
                Quantizer.Options.defaults());
    }

    @Test
    void everyStepMatchesItsIndependentStatement() throws Exception {
        VitModel m = model(SMALL, 31, 2);
        VitGeometry g = m.geometry();
        long[][][] img = EvalImages.quantize(RandomModel.images(g, 77, 1).get(0), m.scales().image());
        VitModel.Trace tr = m.trace(img);
        int p = g.patch();
        int c = g.channels();
        double sRes0 = m.scales().layers().get(0).in();
        // patch embedding as the convolution it replaces: weight [C, 3, P, P] at stride P
        for (int t = 1; t < g.tokens(); t++) {
            int py = (t - 1) / g.grid();
            int px = (t - 1) % g.grid();
            for (int j = 0; j < c; j++) {
                long acc = m.constants().embedBias()[j];
                for (int ch = 0; ch < 3; ch++) {
                    for (int r = 0; r < p; r++) {
                        for (int col = 0; col < p; col++) {
                            long w = m.params().embed().w()[(ch * p + r) * p + col][j];
                            acc += w * img[ch][py * p + r][px * p + col];
                        }
                    }
                }
                DyadicScale d = DyadicScale.fromRatio(m.scales().image() * m.params().embed().wScale()[j] / sRes0);
                long pos = Math.max(-32768, Math.min(32767, (long) Math.rint(m.params().embed().pos()[t][j] / sRes0)));
                long expected = Math.max(-32768, Math.min(32767, d.scale(acc) + pos));
                assertEquals(expected, tr.embed()[t][j], "token " + t + " channel " + j);
            }
        }
        // class-token row: class token + position embedding, quantized with RNE, no GEMM term
        for (int j = 0; j < c; j++) {
            double v = m.params().embed().cls()[j] + m.params().embed().pos()[0][j];
            assertEquals(Math.max(-32768, Math.min(32767, (long) Math.rint(v / sRes0))), tr.embed()[0][j]);
        }
        // the encoder layers compose
        long[][] x = tr.embed();
        for (int i = 0; i < g.depth(); i++) {
            x = m.layers().get(i).forward(x);
            for (int t = 0; t < g.tokens(); t++) {
                assertArrayEquals(x[t], tr.blocks().get(i)[t]);
            }
        }
        // final LayerNorm of the class token only, requantized per channel, then the head
        long[] ln = IntLayerNorm.apply(x[0], IntLayerNorm.biasFrom(m.params().norm().beta(), m.params().norm().gamma()));
        for (int j = 0; j < c; j++) {
            DyadicScale d = DyadicScale.fromRatio(Math.sqrt(c) / Math.scalb(1.0, 30) * m.params().norm().gamma()[j]
                    / m.scales().norm());
            assertEquals(d.apply(ln[j], 8), tr.norm()[j], "norm channel " + j);
        }
        for (int k = 0; k < g.classes(); k++) {
            long acc = (long) Math.rint(m.params().head().bias()[k] / (m.scales().norm() * m.params().head().wScale()));
            for (int j = 0; j < c; j++) {
                acc += tr.norm()[j] * m.params().head().w()[j][k];
            }
            assertEquals(acc, tr.logits()[k], "logit " + k);
        }
    }

    @Test
    void deitTinyOnOnePictureAgreesWithItsFloatTwin() throws Exception {
        long t0 = System.nanoTime();
        VitModel m = model(VitGeometry.DEIT_TINY, 1, 1);
        double[][][] real = RandomModel.images(VitGeometry.DEIT_TINY, 2, 1).get(0);
        long[][][] px = EvalImages.quantize(real, m.scales().image());
        long t1 = System.nanoTime();
        long[] logits = m.forward(px);
        long t2 = System.nanoTime();
        double[] f = m.forwardFloat(px).logits();
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int k = 0; k < logits.length; k++) {
            double a = logits[k] * m.scales().norm() * m.params().head().wScale();
            ab += a * f[k];
            aa += a * a;
            bb += f[k] * f[k];
        }
        double cos = ab / Math.sqrt(aa * bb);
        int[] it = VitModel.topK(logits, 5);
        int[] ft = VitModel.topK(f, 5);
        System.out.printf("DeiT-Tiny: quantize %.1f s, integer model %.1f s; logits cosine %.5f; top-5 integer %s float %s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, cos, java.util.Arrays.toString(it), java.util.Arrays.toString(ft));
        assertEquals(1000, logits.length);
        assertTrue(cos > 0.99, "logits cosine " + cos);
        assertTrue(List.of(it[0], it[1], it[2], it[3], it[4]).contains(ft[0]), "float top-1 in integer top-5");
        for (long l : logits) {
            assertTrue(Math.abs(l) < (1L << 31), "int32 logits");
        }
    }

    @Test
    void tiesGoToTheLowerIndexAndShapesAreChecked() throws Exception {
        assertArrayEquals(new int[] {1, 3, 0}, VitModel.topK(new long[] {5, 9, 2, 9}, 3));
        VitModel m = model(SMALL, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(new long[3][16][16]));
        assertTrue(e.getMessage().contains("image must be 3 x 32 x 32"), e.getMessage());
    }
}
