package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EncoderLayerTest {

    static double maxLsbError(EncoderLayer.Calibrated cal, long[][] out) {
        double[][] ref = cal.runFloat();
        double[][] got = cal.layer().dequantizeOutput(out);
        double max = 0;
        for (int i = 0; i < ref.length; i++) {
            for (int j = 0; j < ref[i].length; j++) {
                max = Math.max(max, Math.abs(got[i][j] - ref[i][j]));
            }
        }
        return max / cal.layer().scales().out();
    }

    /**
     * DeiT-Tiny, both softmax variants: the integer layer tracks its float twin. The thresholds are
     * regression guards set below the measured values (seed 1: cosine 0.99989 Shiftmax, 0.99969
     * log2), not derived bounds; the operator bounds are in PropertiesTest.
     */
    @Test
    void deitTinyTracksFloatTwin() {
        for (EncoderLayer.SoftmaxMode mode : EncoderLayer.SoftmaxMode.values()) {
            EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_TINY, 1, mode);
            long[][] out = cal.runInteger();
            assertEquals(197, out.length);
            for (long[] row : out) {
                assertEquals(192, row.length);
                IntOps.requireSigned(row, 16, "layer output");
            }
            double cos = EncoderLayer.cosine(cal.layer().dequantizeOutput(out), cal.runFloat());
            double lsb = maxLsbError(cal, out);
            System.out.println("DeiT-Tiny " + mode + ": cosine " + cos + ", max error " + lsb + " LSB");
            assertTrue(cos > (mode == EncoderLayer.SoftmaxMode.SHIFTMAX ? 0.9995 : 0.999), mode + " cosine " + cos);
            assertTrue(lsb < 2000, mode + " max error " + lsb + " LSB");
        }
    }

    @Test
    void customShapeAndDeterminism() {
        ModelShape shape = new ModelShape(7, 12, 3, 20);
        for (long seed = 1; seed <= 20; seed++) {
            EncoderLayer.Calibrated a = EncoderLayer.random(shape, seed, EncoderLayer.SoftmaxMode.LOG2);
            EncoderLayer.Calibrated b = EncoderLayer.random(shape, seed, EncoderLayer.SoftmaxMode.LOG2);
            long[][] oa = a.runInteger();
            long[][] ob = b.runInteger();
            for (int i = 0; i < oa.length; i++) {
                assertArrayEquals(oa[i], ob[i], "seed " + seed + " must reproduce bit for bit");
            }
            double cos = EncoderLayer.cosine(a.layer().dequantizeOutput(oa), a.runFloat());
            assertTrue(cos > 0.99, "seed " + seed + " cosine " + cos);
        }
    }

    @Test
    void deitSmallRuns() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_SMALL, 3, EncoderLayer.SoftmaxMode.SHIFTMAX);
        double cos = EncoderLayer.cosine(cal.layer().dequantizeOutput(cal.runInteger()), cal.runFloat());
        System.out.println("DeiT-Small SHIFTMAX: cosine " + cos);
        assertTrue(cos > 0.9995, "cosine " + cos);
    }

    @Test
    void shapesAndScalesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(197, 192, 5, 768));
        assertThrows(IllegalArgumentException.class, () -> new ModelShape(0, 192, 3, 768));
        assertEquals(ModelShape.DEIT_BASE, ModelShape.parse("base"));
        assertEquals(new ModelShape(10, 32, 2, 64), ModelShape.parse("10,32,2,64"));
        assertThrows(IllegalArgumentException.class, () -> ModelShape.parse("huge"));
        EncoderLayer.Calibrated cal = EncoderLayer.random(new ModelShape(4, 8, 2, 8), 5, EncoderLayer.SoftmaxMode.SHIFTMAX);
        EncoderLayer.Scales s = cal.layer().scales();
        // S_fc1 small enough to need X > 127 is rejected by ShiftGELU's constant derivation
        EncoderLayer.Scales bad = new EncoderLayer.Scales(s.in(), s.ln1(), s.qkv(), s.attn(), s.ctx(), s.res1(), s.ln2(),
                1e-4, s.fc2in(), s.out());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new EncoderLayer(cal.layer().shape(), cal.layer().params(), bad, EncoderLayer.SoftmaxMode.SHIFTMAX));
        assertTrue(ex.getMessage().contains("127"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cal.layer().forward(new long[3][8]));
    }
}
