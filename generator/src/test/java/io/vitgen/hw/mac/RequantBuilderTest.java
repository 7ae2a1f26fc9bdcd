package io.vitgen.hw.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.Requant;

/** Generation-time checks and rendering of the requantization unit. */
class RequantBuilderTest {

    @Test
    void parametersAreCheckedWithTheOffendingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Requant.parameters(0, 32, 8));
        assertTrue(e.getMessage().contains("LANES = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Requant.parameters(4, 65, 8));
        assertTrue(e.getMessage().contains("IN_W = 65"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Requant.parameters(4, 8, 40));
        assertTrue(e.getMessage().contains("OUT_W = 40"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Requant.residualParameters(4, 8, 1, 8));
        assertTrue(e.getMessage().contains("RES_W = 1"), e.getMessage());
        assertEquals(Map.of("LANES", 16L, "IN_W", 48L, "OUT_W", 8L), Requant.parameters(16, 48, 8));
    }

    @Test
    void scalesPackAsKAboveM() {
        assertEquals((5L << 32) | 0xFFFF_FFFFL, Requant.packScale(-1, 5));
        assertEquals((62L << 32) | 0x7FFF_FFFFL, Requant.packScale((1L << 31) - 1, 62));
        assertThrows(IllegalArgumentException.class, () -> Requant.packScale(1L << 31, 0));
        assertThrows(IllegalArgumentException.class, () -> Requant.packScale(0, 64));
    }

    @Test
    void bothVariantsRenderWithTheirStreams() {
        Map<String, String> plain = Emitter.render(List.of(Requant.unit()));
        String text = plain.get("vitgen_requant.v");
        assertTrue(text.contains("s_axis_scale_tdata"), "scale side stream");
        assertTrue(!text.contains("s_axis_res_tdata"), "no residual stream in the plain unit");
        assertTrue(plain.containsKey("vitgen_requant_scale.v") && plain.containsKey("vitgen_axis_skid.v"));
        String residual = Emitter.render(List.of(Requant.residualUnit())).get("vitgen_requant_residual.v");
        assertTrue(residual.contains("s_axis_res_tdata") && residual.contains("u_scale_res"));
    }

    /**
     * The output width limits: IN_W + 31 for the plain unit, max(IN_W, RES_W) + 32 for the residual
     * unit (the RTL's own check is OUT_W < SUM_W; RequantLintTest lints both limits and
     * RequantCosimTest runs the residual unit bit-exact at its limit). Each header states its own.
     */
    @Test
    void outputWidthLimitsMatchTheHeaders() {
        assertEquals(39L, Requant.parameters(1, 8, 39).get("OUT_W"));
        assertThrows(IllegalArgumentException.class, () -> Requant.parameters(1, 8, 40));
        assertEquals(40L, Requant.residualParameters(1, 8, 6, 40).get("OUT_W"));
        assertEquals(40L, Requant.residualParameters(1, 6, 8, 40).get("OUT_W"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Requant.residualParameters(1, 8, 6, 41));
        assertTrue(e.getMessage().contains("OUT_W = 41"), e.getMessage());
        String plain = Emitter.render(List.of(Requant.unit())).get("vitgen_requant.v");
        assertTrue(plain.contains("OUT_W     bits of the signed output, 2..IN_W+31"), "plain header");
        String residual = Emitter.render(List.of(Requant.residualUnit())).get("vitgen_requant_residual.v");
        assertTrue(residual.contains("OUT_W     bits of the signed output, 2..max(IN_W, RES_W)+32"), "residual header");
        assertTrue(!residual.contains("2..IN_W+31"), "the residual header must not state the plain unit's limit");
    }
}
