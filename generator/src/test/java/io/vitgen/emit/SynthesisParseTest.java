package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class SynthesisParseTest {

    @Test
    void readsTheLastCellTableOfAYosysLog() {
        List<String> log = List.of(
                "=== sub ===",
                "   Number of cells:                  3",
                "     LUT2                            3",
                "",
                "=== top ===",
                "",
                "   Number of wires:                 40",
                "   Number of cells:                 31",
                "     CARRY4                          2",
                "     DSP48E2                         4",
                "     FDRE                           12",
                "     FDSE                            1",
                "     LUT1                            1",
                "     LUT3                            5",
                "     LUT6                            2",
                "     RAMB18E2                        1",
                "     RAMB36E2                        2",
                "     SRL16E                          1",
                "",
                "End of script.");
        Resources r = Synthesis.parse("top", log);
        assertEquals(new Resources("top", 9, 13, 4, 2, 1, 2), r);
    }

    @Test
    void readsTheDesignHierarchyTotalsOfAHierarchicalRun() {
        List<String> log = List.of(
                "=== $paramod$97f7\\vitgen_mac_pe ===",
                "   Number of cells:                  4",
                "     DSP48E2                         1",
                "     LUT3                            3",
                "",
                "=== vitgen_mac_array ===",
                "   Number of cells:                  6",
                "     $paramod$97f7\\vitgen_mac_pe    4",
                "     LUT6                            2",
                "",
                "=== design hierarchy ===",
                "",
                "   vitgen_mac_array                  1",
                "     $paramod$97f7\\vitgen_mac_pe    4",
                "",
                "   Number of wires:                 40",
                "   Number of cells:                 18",
                "     DSP48E2                         4",
                "     FDRE                            2",
                "     LUT3                           12",
                "     LUT6                            2",
                "     SRLC32E                         1",
                "",
                "End of script.");
        assertEquals(new Resources("vitgen_mac_array", 15, 2, 4, 0, 0, 0), Synthesis.parse("vitgen_mac_array", log));
    }

    @Test
    void aModuleTableWithSubmoduleInstancesIsReadPastTheirLines() {
        List<String> log = List.of(
                "=== top ===",
                "   Number of cells:                  5",
                "     $paramod\\sub                   1",
                "     FDRE                            3",
                "     LUT2                            1");
        assertEquals(new Resources("top", 1, 3, 0, 0, 0, 0), Synthesis.parse("top", log));
    }
}
