package io.vitgen.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;

/** target.fit: resources against the part, vendor against part, clock against the DSP limit. */
class FitCheckTest {

    private static Config load(List<String> warnings, String... sets) throws ConfigException {
        ConfigLoader l = new ConfigLoader().warnings(warnings::add);
        for (String s : sets) {
            l.set(s);
        }
        return l.load();
    }

    @Test
    void theDefaultConfigurationFitsTheZcu102Silently() throws Exception {
        List<String> warnings = new ArrayList<>();
        Config c = load(warnings);
        FitCheck.Result r = FitCheck.of(c);
        assertEquals(List.of(), r.problems());
        assertEquals(List.of(), warnings);
        assertEquals("xczu9eg", r.part().orElseThrow().prefix());
        assertTrue(r.total().dsps() > 256 && r.total().dsps() < 2_520, r.total().toString());
    }

    @Test
    void a64x64ArrayOnTheXczu9egIsFlagged() throws Exception {
        List<String> warnings = new ArrayList<>();
        Config c = load(warnings, "mac.rows=64", "mac.cols=64");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("vitgen: warning: the design needs about 4,162 DSP")
                && w.contains("xczu9eg (ZCU102) has 2,520")), warnings.toString());
        // the lean array (about 43 LUT per MAC) keeps a 64x64 engine inside the xczu9eg's LUTs...
        assertTrue(warnings.stream().noneMatch(w -> w.contains(" LUT ")), warnings.toString());
        assertEquals(64, c.mac().rows(), "warn keeps the configuration");
        // ...but not inside the Ultra96's 70,560
        List<String> small = new ArrayList<>();
        load(small, "mac.rows=64", "mac.cols=64", "target.part=xczu3eg-sbva484-1-e");
        assertTrue(small.stream().anyMatch(w -> w.contains(" LUT ") && w.contains("70,560")), small.toString());

        ConfigException e = assertThrows(ConfigException.class,
                () -> load(new ArrayList<>(), "mac.rows=64", "mac.cols=64", "target.fit=error"));
        assertTrue(e.getMessage().contains("target.fit=error: the design needs about 4,162 DSP"), e.getMessage());

        List<String> none = new ArrayList<>();
        load(none, "mac.rows=64", "mac.cols=64", "target.fit=off");
        assertEquals(List.of(), none);
    }

    @Test
    void otherPartsCapacities() throws Exception {
        // 16x16 (272 DSP in the GEMM alone) does not fit the Ultra96's 360 DSPs with the other blocks? It does;
        // a 20x20 array does not
        List<String> w = new ArrayList<>();
        load(w, "target.part=xczu3eg-sbva484-1-e", "mac.rows=20", "mac.cols=20");
        assertTrue(w.stream().anyMatch(x -> x.contains("DSP") && x.contains("xczu3eg (Ultra96) has 360")), w.toString());
        w.clear();
        load(w, "target.part=xc7z020clg400-1", "target.clock.mhz=200", "mac.rows=8", "mac.cols=8");
        assertEquals(List.of(), w, "8x8 fits the PYNQ-Z2 at 200 MHz");
        w.clear();
        load(w, "target.part=xc7a100tcsg324-1", "target.clock.mhz=200");
        assertTrue(w.stream().anyMatch(x -> x.contains("DSP") && x.contains("xc7a100t (Arty A7-100T) has 240")), w.toString());
        w.clear();
        load(w, "target.part=xck26-sfvc784-2LV-c");
        assertEquals(List.of(), w, "the default fits the K26");
        w.clear();
        load(w, "target.part=xczu7ev-ffvc1156-2-e");
        assertEquals(List.of(), w);
        w.clear();
        load(w, "target.vendor=intel");
        assertEquals(List.of(), w, "the default on the Arria 10 reference part");
    }

    @Test
    void vendorAndPartMustAgree() throws Exception {
        List<String> w = new ArrayList<>();
        load(w, "target.vendor=intel", "target.part=xczu9eg-ffvb1156-2-e");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("target.part=xczu9eg-ffvb1156-2-e is a Xilinx (AMD) part but target.vendor=intel"),
                w.get(0));
        w.clear();
        load(w, "target.vendor=xilinx", "target.part=10AX115S2F45I1SG");
        assertTrue(w.get(0).contains("is an Intel part but target.vendor=xilinx"), w.toString());
        w.clear();
        load(w, "target.vendor=generic", "target.part=xczu9eg-ffvb1156-2-e");
        assertEquals(List.of(), w, "generic constraints suit any part");
    }

    @Test
    void clockBeyondTheDspBlocks() throws Exception {
        List<String> w = new ArrayList<>();
        load(w, "target.clock.mhz=775");
        assertEquals(List.of(), w, "775 MHz is the -2 DSP48E2 limit");
        load(w, "target.clock.mhz=800");
        assertTrue(w.get(0).contains("target.clock.mhz=800 is above the 775 MHz at which the Zynq UltraScale+ DSP48E2"
                + " blocks of xczu9eg speed grade 2 run"), w.toString());
        w.clear();
        load(w, "target.part=xc7z020clg400-1", "target.clock.mhz=500", "mac.rows=4", "mac.cols=4");
        assertTrue(w.stream().anyMatch(x -> x.contains("above the 464 MHz") && x.contains("speed grade 1")), w.toString());
        w.clear();
        load(w, "target.part=xczu9eg-ffvb1156-3-e", "target.clock.mhz=800");
        assertEquals(List.of(), w, "-3 runs at 891 MHz");
    }

    @Test
    void anUnknownPartIsANoteNotAProblem() throws Exception {
        List<String> w = new ArrayList<>();
        Config c = load(w, "target.part=xcvu9p-flga2104-2-i", "target.fit=error");
        FitCheck.Result r = FitCheck.of(c);
        assertEquals(List.of(), r.problems());
        assertTrue(r.notes().get(0).contains("no capacity data for target.part=xcvu9p-flga2104-2-i"), r.notes().toString());
    }

    @Test
    void speedGrades() {
        assertEquals(2, Part.speedGrade("xczu9eg-ffvb1156-2-e"));
        assertEquals(1, Part.speedGrade("xc7z020clg400-1"));
        assertEquals(2, Part.speedGrade("xck26-sfvc784-2LV-c"));
        assertEquals(1, Part.speedGrade("10AX115S2F45I1SG"));
        assertEquals(0, Part.speedGrade("generic"));
    }
}
