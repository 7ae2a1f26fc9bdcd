package io.vitgen.hw.layernorm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.golden.IntLayerNorm;
import io.vitgen.golden.IntOps;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.ModuleSpec;

/** Geometry of the LayerNorm unit: the widths hold what the golden model produces; the spec renders. */
class LayerNormUnitTest {

    private static final int[][] CONFIGS = {
        {1, 1}, {1, 768}, {2, 197}, {4, 192}, {4, 768}, {8, 24}, {16, 768}, {16, 4096}, {3, 4095},
    };

    @Test
    void widthsHoldTheLargestValuesOfTheGoldenModel() {
        for (int[] c : CONFIGS) {
            LayerNormGeometry g = LayerNormUnit.geometry(c[0], c[1], true);
            int cap = g.channelCap();
            // the largest V: half the channels at -32768, half at +32767 (and one extreme row of 1 channel)
            long[] x = new long[cap];
            for (int i = 0; i < cap; i++) {
                x[i] = (i & 1) == 0 ? -32768 : 32767;
            }
            IntLayerNorm.Trace t = IntLayerNorm.trace(x, new long[cap]);
            assertTrue(t.v() < (1L << g.vW()), "V = " + t.v() + " fits " + g.vW() + " bits at C = " + cap);
            long sumOff = cap * 65535L;
            assertTrue(sumOff < (1L << g.sumW()), "sum of x + 2^15 fits at C = " + cap);
            assertTrue(cap * (1L << 30) < (1L << g.sqW()), "sum of x^2 fits at C = " + cap);
            // every std of a V up to the bound fits the divisor, and g fits 25 bits
            long vBound = (long) cap << 30;
            for (long v : new long[] {0, 1, 4095, 1L << 32, (1L << 32) - 1, vBound / 3, vBound - 1, vBound,
                    vBound + cap / 4, t.v()}) {
                long std = IntLayerNorm.sqrtNewton(v);
                assertTrue(std >= 64 && std < (1L << g.denW()), "std(" + v + ") = " + std + " fits " + g.denW() + " bits");
                assertTrue(IntOps.INT31_MAX / std < (1L << LayerNormUnit.G_BITS), "g fits " + LayerNormUnit.G_BITS + " bits");
            }
            // the divider's quotients stay below 2^quotW: mean <= 2^16 - 1, g of the smallest std,
            // and V / floor(sqrt V) for the largest V (every Newton divisor k_j >= floor(sqrt V))
            long q = 1L << g.quotW();
            assertTrue(sumOff / cap < q, "mean quotient fits " + g.quotW() + " bits");
            assertTrue(IntOps.INT31_MAX / IntLayerNorm.sqrtNewton(0) < q, "g of std(0) fits " + g.quotW() + " bits");
            long vTop = vBound + cap / 4;
            long sTop = java.math.BigInteger.valueOf(vTop).sqrt().longValueExact();
            assertTrue(vTop / sTop < q, "V / floor(sqrt V) fits " + g.quotW() + " bits at C = " + cap);
            assertTrue(g.quotW() < g.vW(), "the divider skips dividend bits at C = " + cap);
            assertEquals(g.quotW() + 1, g.divLatency());
            // the first Newton step's k_1 = (2^16 + V / 2^16) / 2 for the largest V fits the divisor
            long k1 = ((1L << 16) + ((vBound + cap / 4) >> 16)) >> 1;
            assertTrue(k1 < (1L << g.denW()), "k_1 fits the divisor");
            assertTrue(cap < (1L << g.countW()) && cap <= (1L << g.denW()), "C fits");
            assertTrue(g.bufBeats() >= g.maxBeats(), "a whole row fits the buffer");
            assertTrue(g.fifoDepth() >= g.outPipe() + 3, "credits cover the output pipeline");
        }
    }

    @Test
    void rawOutputsOfFullScaleRowsFitTheOutputWidth() {
        long[] x = {-32768, 32767, 32767, 32767, 32767};
        long[] bias = new long[x.length];
        Arrays.fill(bias, Integer.MIN_VALUE);
        long lo = -(1L << (LayerNormUnit.RAW_BITS - 1));
        for (long o : IntLayerNorm.apply(x, bias)) {
            assertTrue(o >= lo, o + " fits " + LayerNormUnit.RAW_BITS + " bits");
        }
        bias = new long[4];
        Arrays.fill(bias, Integer.MAX_VALUE);
        for (long o : IntLayerNorm.apply(new long[] {32767, -32768, -32768, -32768}, bias)) {
            assertTrue(o < -lo, o + " fits " + LayerNormUnit.RAW_BITS + " bits");
        }
    }

    @Test
    void deitDefaultsGeometry() {
        LayerNormGeometry g = LayerNormUnit.geometry(4, 768, true);
        assertEquals(192, g.maxBeats());
        assertEquals(40, g.vW());                      // V < 768 (2^30 + 1/4) < 2^40
        assertEquals(25, g.quotW());                   // g < 2^25 bounds every quotient
        assertEquals(26, g.divLatency());
        assertEquals(29, g.passPeriod());
        assertEquals(16, g.slots());
        // rows of 24 beats: (24 + 323 + 8) / 24 -> 15 rows in flight + 1 <= 16 slots
        assertEquals(93, g.fullRateChannels());
        // sums 4 + 2 (tree), ten passes of 29, the g division, result, start, read pipe, requant, FIFO
        assertEquals(4 + 2 + 10 * 29 + 26 + 1 + 1 + 4 + 5 + 2, g.latency());
        assertEquals(70, g.paramW());
        assertEquals(8, g.outW());
    }

    @Test
    void rejectsOutOfRangeChoicesNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerNormUnit.geometry(0, 768, false));
        assertTrue(e.getMessage().contains("lanes = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerNormUnit.geometry(4, 4097, false));
        assertTrue(e.getMessage().contains("4097"), e.getMessage());
    }

    @Test
    void rendersWithItsCellsAndIsPartOfTheDefaultDesign() throws Exception {
        ModuleSpec spec = LayerNormUnit.spec(4, 768, true);
        Map<String, String> files = Emitter.render(List.of(spec));
        assertEquals(List.of("vitgen_axis_fifo.v", "vitgen_reduce_tree.v", "vitgen_divider.v", "vitgen_layernorm_stats.v",
                "vitgen_axis_skid.v", "vitgen_requant_scale.v", "vitgen_requant.v", "vitgen_layernorm.v"),
                List.copyOf(files.keySet()));
        String top = files.get("vitgen_layernorm.v");
        assertTrue(top.contains("module vitgen_layernorm #("), "module header");
        assertTrue(top.contains("localparam integer BUF_BEATS   = " + LayerNormUnit.geometry(4, 768, true).bufBeats()));
        assertTrue(spec.synthesize());
        String raw = Emitter.render(List.of(LayerNormUnit.spec(1, 1, false))).get("vitgen_layernorm.v");
        assertTrue(!raw.contains("vitgen_requant"), "the raw unit has no requantizer");

        Config config = new ConfigLoader().load();
        assertTrue(Accelerator.blocks(config).stream().anyMatch(m -> m.name().equals("vitgen_layernorm")));
    }
}
