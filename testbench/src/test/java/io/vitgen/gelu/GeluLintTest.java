package io.vitgen.gelu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.gelu.GeluShiftExp;
import io.vitgen.hw.gelu.IGeluUnit;
import io.vitgen.hw.gelu.ShiftGeluUnit;
import io.vitgen.sim.Lint;

/**
 * {@code verilator --lint-only -Wall} prints nothing for the GELU units at corner parameters:
 * lanes 1, 2, 3, 4, 8 and 16 (64 once), maximum rows 1 to 8192 (and lanes above the row length), both
 * outputs of both variants, and the ShiftExp cell at tag widths 1 and 200. No skip: without
 * Verilator these tests fail.
 */
class GeluLintTest {

    private static final int[] LANES = {1, 2, 3, 4, 8};
    private static final int[] MAX_ROWS = {1, 7, 197, 768, 3072, 8192};

    @ParameterizedTest(name = "int8={0}")
    @ValueSource(booleans = {false, true})
    void shiftGeluLintsCleanAtCorners(boolean int8) throws Exception {
        List<Path> files = emit(ShiftGeluUnit.spec(4, 3072, int8), "shiftgelu" + (int8 ? "-int8" : "-int16"));
        StringBuilder problems = new StringBuilder();
        for (int lanes : LANES) {
            for (int maxRow : MAX_ROWS) {
                // lanes above the row length only at the small rows (one beat per row)
                if (lanes > maxRow && maxRow > 7) {
                    continue;
                }
                problems.append(Lint.run(files, "vitgen_shiftgelu", Map.of("LANES", lanes, "MAX_ROW", maxRow)));
            }
        }
        // wide units cost seconds per lint: 16 lanes at the extreme rows, 64 lanes once
        problems.append(Lint.run(files, "vitgen_shiftgelu", Map.of("LANES", 16, "MAX_ROW", 1)));
        problems.append(Lint.run(files, "vitgen_shiftgelu", Map.of("LANES", 16, "MAX_ROW", 8192)));
        if (int8) {
            problems.append(Lint.run(files, "vitgen_shiftgelu", Map.of("LANES", 64, "MAX_ROW", 8192)));
        }
        // the builder's own defaults (header text and parameters) at two corners
        problems.append(Lint.run(emit(ShiftGeluUnit.spec(1, 1, int8), "shiftgelu-1-1"), "vitgen_shiftgelu", Map.of()));
        problems.append(Lint.run(emit(ShiftGeluUnit.spec(16, 8192, int8), "shiftgelu-16-8192"), "vitgen_shiftgelu",
                Map.of()));
        assertEquals("", problems.toString());
    }

    @ParameterizedTest(name = "int8={0}")
    @ValueSource(booleans = {false, true})
    void iGeluLintsCleanAtCorners(boolean int8) throws Exception {
        List<Path> files = emit(IGeluUnit.spec(4, int8), "igelu" + (int8 ? "-int8" : "-raw"));
        StringBuilder problems = new StringBuilder();
        for (int lanes : new int[] {1, 2, 3, 4, 8, 16, 64}) {
            problems.append(Lint.run(files, "vitgen_igelu", Map.of("LANES", lanes)));
        }
        assertEquals("", problems.toString());
    }

    @ParameterizedTest(name = "TAG_W={0}")
    @ValueSource(ints = {1, 8, 200})
    void shiftExpCellLintsClean(int tagW) throws Exception {
        List<Path> files = emit(GeluShiftExp.spec(), "gelu-shiftexp");
        assertEquals("", Lint.run(files, "vitgen_gelu_shiftexp", Map.of("TAG_W", tagW)));
    }

    private static List<Path> emit(ModuleSpec spec, String name) {
        return Emitter.writeModules(List.of(spec), Path.of("target", "lint-rtl", name));
    }
}
