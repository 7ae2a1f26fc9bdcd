package io.vitgen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Softmax output bits and GELU variant as parameters of the golden layer; the exact b = 16 split. */
class EncoderLayerVariantsTest {

    private static final ModelShape ODD = new ModelShape(13, 40, 5, 72);

    @Test
    void oldConstructorIsShiftmax16WithShiftGelu() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(ODD, 4, EncoderLayer.SoftmaxMode.SHIFTMAX);
        EncoderLayer l = cal.layer();
        assertEquals(16, l.softmaxBits());
        assertEquals(EncoderLayer.GeluMode.SHIFTGELU, l.geluMode());
        EncoderLayer explicit = new EncoderLayer(l.shape(), l.params(), l.scales(), l.mode(), 16,
                EncoderLayer.GeluMode.SHIFTGELU);
        long[][] a = l.forward(cal.input());
        long[][] b = explicit.forward(cal.input());
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        assertArrayEquals(a[3], l.trace(cal.input()).get("out")[3]);
    }

    @Test
    void eightBitSoftmaxFeedsInt8ProbabilitiesAndTracksFloat() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_TINY, 1, EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.SHIFTGELU);
        var t = cal.layer().trace(cal.input());
        for (int h = 0; h < 3; h++) {
            for (long[] row : t.get("probs." + h)) {
                for (long p : row) {
                    assertTrue(p >= 0 && p <= 127, "b = 8 probability " + p);
                }
            }
        }
        double cos = EncoderLayer.cosine(cal.layer().dequantizeOutput(t.get("out")), cal.runFloat());
        System.out.println("DeiT-Tiny Shiftmax b = 8: cosine " + cos);
        // regression guard below the measured value (seed 1: 0.99714; P has 7 bits instead of 15)
        assertTrue(cos > 0.996, "cosine " + cos);
    }

    @Test
    void iGeluLayerRunsAndTracksFloatCoarsely() {
        EncoderLayer.Calibrated cal = EncoderLayer.random(ModelShape.DEIT_TINY, 1, EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.IGELU);
        assertTrue(cal.layer().scales().fc1() <= EncoderLayer.IGELU_MAX_SCALE);
        double cos = EncoderLayer.cosine(cal.layer().dequantizeOutput(cal.runInteger()), cal.runFloat());
        System.out.println("DeiT-Tiny i-GELU (S_fc1 capped): cosine " + cos);
        assertTrue(cos > 0.9, "cosine " + cos);
        assertThrows(IllegalStateException.class, () -> cal.layer().geluX());
    }

    @Test
    void log2WithEightBitsAndOtherBitsAreRejected() {
        EncoderLayer l = EncoderLayer.random(ODD, 2, EncoderLayer.SoftmaxMode.LOG2).layer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EncoderLayer(l.shape(),
                l.params(), l.scales(), EncoderLayer.SoftmaxMode.LOG2, 8, EncoderLayer.GeluMode.SHIFTGELU));
        assertTrue(e.getMessage().contains("log2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EncoderLayer(l.shape(), l.params(), l.scales(),
                EncoderLayer.SoftmaxMode.SHIFTMAX, 12, EncoderLayer.GeluMode.SHIFTGELU));
        assertTrue(e.getMessage().contains("8 or 16"), e.getMessage());
    }

    /** The two int8 passes equal the 16-bit product for random and extreme P, any int8 W. */
    @Test
    void splitProductIsExact() {
        Random rnd = new Random(16);
        for (int trial = 0; trial < 200; trial++) {
            int m = 1 + rnd.nextInt(9);
            int k = 1 + rnd.nextInt(300);
            int n = 1 + rnd.nextInt(7);
            long[][] p = new long[m][k];
            long[][] w = new long[k][n];
            for (long[] row : p) {
                for (int j = 0; j < k; j++) {
                    int pick = rnd.nextInt(5);
                    row[j] = pick == 0 ? 0 : pick == 1 ? SplitOperand.MAX_P : rnd.nextInt(32768);
                }
            }
            for (long[] row : w) {
                for (int j = 0; j < n; j++) {
                    row[j] = rnd.nextBoolean() ? (rnd.nextBoolean() ? -128 : 127) : rnd.nextInt(256) - 128;
                }
            }
            long[][] exact = IntGemm.apply(p, w, null);
            long[][] split = SplitOperand.product(p, w);
            for (int i = 0; i < m; i++) {
                assertArrayEquals(exact[i], split[i], "trial " + trial + " row " + i);
            }
            for (long[] row : SplitOperand.hi(p)) {
                IntOps.requireSigned(row, 8, "hi");
            }
            for (long[] row : SplitOperand.lo(p)) {
                IntOps.requireSigned(row, 8, "lo");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SplitOperand.hi(32768));
        assertThrows(IllegalArgumentException.class, () -> SplitOperand.lo(-1));
    }
}
