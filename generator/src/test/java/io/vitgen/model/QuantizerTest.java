package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitModel;

class QuantizerTest {

    @Test
    void weightsArePerOutputChannelMaxAbs() {
        float[][] w = {{0.5f, -2f}, {-1f, 1f}, {0.25f, 0f}};
        EncoderLayer.Linear l = Quantizer.linear(new FloatVit.Linear(w, new double[] {0, 0}));
        assertEquals(1.0 / 127, l.wScale()[0], 1e-15);
        assertEquals(2.0 / 127, l.wScale()[1], 1e-15);
        assertEquals(64, l.w()[0][0]);
        assertEquals(-127, l.w()[1][0]);
        assertEquals(-127, l.w()[0][1]);
        assertEquals(64, l.w()[1][1]); // 63.5 rounds half to even
    }

    @Test
    void percentileClipsTheRareExtremes() {
        double[][] t = new double[100][100];
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 100; j++) {
                t[i][j] = (i * 100 + j) / 10000.0;
            }
        }
        t[3][3] = 50; // one outlier in 10 000
        double p = Quantizer.percentile(List.<double[][]>of(t), 99.9);
        assertTrue(p < 1.1 && p > 0.99 * 0.999, "percentile " + p);
        assertEquals(50, Quantizer.maxAbs(List.<double[][]>of(t)), 0.0);
    }

    @Test
    void maxAndPercentileCalibrationBothGiveAWorkingModel() throws Exception {
        for (Quantizer.Method m : Quantizer.Method.values()) {
            Quantizer.Result r = Quantizer.quantize(Fixtures.weights(8), RandomModel.images(Fixtures.SMALL, 8, 3),
                    new Quantizer.Options(m, 99.99, EncoderLayer.SoftmaxMode.LOG2), null);
            assertEquals(EncoderLayer.SoftmaxMode.LOG2, r.model().mode());
            assertEquals(3, r.images());
            Quantizer.Cosine logits = r.cosines().get(r.cosines().size() - 1);
            assertTrue(logits.cosine() > 0.95, m + " " + logits);
            VitModel.Head h = r.model().params().head();
            assertTrue(h.wScale() > 0);
            assertTrue(r.format().contains("top-1 agreement: "), r.format());
        }
    }

    @Test
    void aDeadActivationIsNamed() {
        FloatVit.Weights w = Fixtures.weights(8);
        // zero fc2 weights and biases of layer 1: its GELU output still varies but the layer adds nothing;
        // zero the norm2 gamma and beta instead: LayerNorm 2 of layer 1 outputs exactly 0
        java.util.Arrays.fill(w.blocks().get(1).norm2().gamma(), 0);
        java.util.Arrays.fill(w.blocks().get(1).norm2().beta(), 0);
        ModelException e = org.junit.jupiter.api.Assertions.assertThrows(ModelException.class,
                () -> Quantizer.calibrate(w, RandomModel.images(Fixtures.SMALL, 1, 1), Quantizer.Options.defaults()));
        assertTrue(e.getMessage().contains("block 1 norm2 output: the calibration images give a range of 0.0"),
                e.getMessage());
    }
}
