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
}
