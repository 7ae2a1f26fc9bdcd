package io.vitgen.hw.gelu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.golden.PolyGelu;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.ModuleSpec;

class GeluUnitTest {

    @Test
    void configurationSelectsTheVariant() throws Exception {
        ConfigLoader shift = new ConfigLoader();
        shift.set("gelu.variant=shiftgelu");
        List<String> names = Accelerator.blocks(shift.load()).stream().map(ModuleSpec::name).toList();
        assertTrue(names.contains("vitgen_shiftgelu"), names.toString());

        ConfigLoader poly = new ConfigLoader();
        poly.set("gelu.variant=igelu");
        List<String> polyNames = Accelerator.blocks(poly.load()).stream().map(ModuleSpec::name).toList();
        assertTrue(polyNames.contains("vitgen_igelu"), polyNames.toString());
    }

    @Test
    void childrenFollowTheOutputChoice() {
        List<String> int16 = ShiftGeluUnit.spec(4, 3072, false).flatten().stream().map(ModuleSpec::name).toList();
        assertEquals(List.of("vitgen_axis_fifo", "vitgen_divider", "vitgen_gelu_shiftexp", "vitgen_shiftgelu"), int16);
        List<String> int8 = ShiftGeluUnit.spec(4, 3072, true).flatten().stream().map(ModuleSpec::name).toList();
        assertTrue(int8.contains("vitgen_requant") && int8.contains("vitgen_requant_scale"), int8.toString());
        List<String> poly = IGeluUnit.spec(2, false).flatten().stream().map(ModuleSpec::name).toList();
        assertEquals(List.of("vitgen_axis_fifo", "vitgen_igelu"), poly);
    }

    @Test
    void latenciesAndCreditsAreConsistent() {
        // read 2 + ShiftExp 8 + e/t 2 + divider 32 + products 3 + FIFO 2
        assertEquals(49, ShiftGeluUnit.issueLatency(false));
        assertEquals(54, ShiftGeluUnit.issueLatency(true));
        assertEquals(2 + 3 + 49, ShiftGeluUnit.rowLatency(4, false));
        assertEquals(0 + 3 + 49, ShiftGeluUnit.rowLatency(1, false));
        assertEquals(4 + 3 + 49, ShiftGeluUnit.rowLatency(16, false));
        assertTrue(ShiftGeluUnit.fifoDepth(false) > ShiftGeluUnit.issueLatency(false));
        assertEquals(9, IGeluUnit.latency(false));
        assertEquals(14, IGeluUnit.latency(true));
        assertTrue(IGeluUnit.fifoDepth(true) > IGeluUnit.latency(true));
        assertEquals(0, ShiftGeluUnit.levels(1));
        assertEquals(1, ShiftGeluUnit.levels(2));
        assertEquals(2, ShiftGeluUnit.levels(3));
        assertEquals(4, ShiftGeluUnit.levels(16));
    }

    @Test
    void buildersRejectBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> ShiftGeluUnit.spec(0, 768, false));
        assertThrows(IllegalArgumentException.class, () -> ShiftGeluUnit.spec(65, 768, false));
        assertThrows(IllegalArgumentException.class, () -> ShiftGeluUnit.spec(4, 0, false));
        assertThrows(IllegalArgumentException.class, () -> ShiftGeluUnit.spec(4, 65537, false));
        assertThrows(IllegalArgumentException.class, () -> IGeluUnit.spec(0, true));
    }

    @Test
    void goldenConstantsFitThePorts() {
        for (double s : new double[] {2.6e-6, 1e-5, 1e-4, 1e-3, 0.005, 0.0052}) {
            PolyGelu.Constants k = PolyGelu.Constants.of(s);
            IGeluUnit.Cfg cfg = IGeluUnit.constants(k);
            assertEquals(k.b(), cfg.b());
            assertEquals(k.c(), cfg.c());
            assertEquals(k.one(), cfg.one());
        }
        assertThrows(IllegalArgumentException.class,
                () -> IGeluUnit.constants(new PolyGelu.Constants(1, -5, -20, 0.001)));
    }

    @Test
    void everyVariantRenders() throws Exception {
        for (boolean int8 : new boolean[] {false, true}) {
            Map<String, String> shift = Emitter.render(List.of(ShiftGeluUnit.spec(4, 3072, int8)));
            String text = shift.get("vitgen_shiftgelu.v");
            assertTrue(text.contains("module vitgen_shiftgelu"), text);
            assertEquals(int8, text.contains("cfg_m"));
            assertTrue(text.contains("parameter integer LANES   = 4"));
            assertTrue(text.contains("parameter integer MAX_ROW = 3072"));
            Map<String, String> poly = Emitter.render(List.of(IGeluUnit.spec(8, int8)));
            assertTrue(poly.get("vitgen_igelu.v").contains("[LANES*" + IGeluUnit.outputBits(int8) + "-1:0]"));
        }
    }

    /** Emits a few configurations under target/rtl for inspection and manual lint. */
    @Test
    void emitsForInspection() {
        Path dir = Path.of("target", "rtl", "gelu-units");
        List<Path> files = Emitter.writeModules(List.of(ShiftGeluUnit.spec(4, 3072, true), IGeluUnit.spec(4, true)), dir);
        assertTrue(files.stream().allMatch(Files::isRegularFile));
    }
}
