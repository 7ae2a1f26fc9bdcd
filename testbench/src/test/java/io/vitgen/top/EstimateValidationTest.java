package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.config.Config;
import io.vitgen.estimate.Performance;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.sim.AxiMemory;
import org.junit.jupiter.api.Test;

/**
 * The estimate against the RTL (issue 14 item 2): one encoder layer of the configured model runs
 * through the generated accelerator top in Verilator (memory at a fixed latency, equal to the
 * configuration's estimate.mem.latency) and its output must equal the golden layer in every token
 * and channel ({@link TopLayerCosimTest#runLayer}); then {@link Performance#of}'s layer cycles -
 * the timed command stream of the same configuration, computed without the RTL - must be within
 * 2 % of the top's CYC_TOTAL (START to interrupt). Three configurations: the 16x16 default on a
 * DeiT-Tiny layer, a packed non-square 8x16 int8x2 array on a small custom model, and a 4x4 array
 * with one lane in every unit, a 64-bit port and i-GELU on another.
 */
class EstimateValidationTest {

    /** |estimate - RTL| / RTL that the test allows per layer. */
    static final double BOUND = 0.02;

    private static void check(String what, ModelShape shape, EncoderLayer.SoftmaxMode mode, int bits,
            EncoderLayer.GeluMode gelu, int latency, String... sets) {
        String[] all = new String[sets.length + 1];
        System.arraycopy(sets, 0, all, 0, sets.length);
        all[sets.length] = "estimate.mem.latency=" + latency;
        Config cfg = TopLayerCosimTest.config(shape, mode, bits, gelu, all);
        Performance.Estimate e = Performance.of(cfg);
        assertEquals("stream", e.timing(), what + ": the estimate must come from the timed stream");
        TopLayerCosimTest.Run run = TopLayerCosimTest.runLayer(shape, 14, mode, bits, gelu, cfg,
                AxiMemory.Config.fixed(latency));
        assertEquals(run.commands(), e.layerCommands(), what + ": the estimate timed another stream");
        // with compile.batch the estimate's layer cycles are per image: the batch's stream divided by the batch
        long estimate = e.layerCycles() * e.batch();
        double err = (estimate - run.cycles()) / (double) run.cycles();
        System.out.printf("%s: RTL %,d cycles, estimate %,d (%+.2f %%)%n", what, run.cycles(), estimate, 100 * err);
        assertTrue(Math.abs(err) <= BOUND, String.format("%s: estimate %,d cycles vs RTL %,d: %+.2f %% (bound 2 %%)", what,
                estimate, run.cycles(), 100 * err));
    }

    @Test
    void deitTinyLayerOnThe16x16Default() {
        check("DeiT-Tiny layer, 16x16 default", ModelShape.DEIT_TINY, EncoderLayer.SoftmaxMode.SHIFTMAX, 16,
                EncoderLayer.GeluMode.SHIFTGELU, 25, "model.preset=deit-tiny", "softmax.out.bits=16");
    }

    @Test
    void packedNonSquareArray() {
        check("50 x 64 layer, 8x16 int8x2, b = 8", new ModelShape(50, 64, 2, 128), EncoderLayer.SoftmaxMode.SHIFTMAX,
                8, EncoderLayer.GeluMode.SHIFTGELU, 8, "mac.rows=8", "mac.cols=16", "mac.dsp.packing=int8x2");
    }

    /**
     * compile.batch=2 (the ZCU102 preset's): two images' commands interleaved GEMM by GEMM, each
     * image's output exact, the batch's cycles within the bound.
     */
    @Test
    void packedNonSquareArrayTwoImagesInterleaved() {
        check("50 x 64 layer, 8x16 int8x2, b = 8, two images", new ModelShape(50, 64, 2, 128),
                EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.IGELU, 8, "mac.rows=8", "mac.cols=16",
                "mac.dsp.packing=int8x2", "compile.batch=2");
    }

    @Test
    void smallArrayWithOneLaneUnits() {
        check("24 x 48 layer, 4x4, one lane everywhere, 64-bit port, i-GELU", new ModelShape(24, 48, 2, 96),
                EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.IGELU, 20, "mac.rows=4", "mac.cols=4",
                "mac.requant.lanes=1", "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1", "target.mem.bits=64");
    }
}
