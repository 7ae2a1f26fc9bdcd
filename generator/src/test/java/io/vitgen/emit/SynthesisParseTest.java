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
}
