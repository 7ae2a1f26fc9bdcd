package io.vitgen.layernorm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.sim.Lint;

/**
 * {@code verilator --lint-only -Wall} prints nothing for the LayerNorm unit (and, as its top, the
 * statistics engine) over lanes 1, 2, 4, 8, 16 and maximum row lengths 1..4096 (powers of two,
 * non-powers, rows shorter than a beat), raw and int8 output. No skip without Verilator.
 */
class LayerNormLintTest {

    private static final Path DIR = Path.of("target", "rtl", "layernorm-lint");

    /** {lanes, max channels}: every lane count against small, odd, DeiT and maximal rows. */
    static final int[][] CORNERS = {
        {1, 1}, {1, 7}, {1, 768}, {1, 4096},
        {2, 1}, {2, 197}, {2, 4096},
        {4, 3}, {4, 192}, {4, 768}, {4, 4095},
        {8, 24}, {8, 384}, {8, 4096},
        {16, 1}, {16, 100}, {16, 768}, {16, 4096},
    };

    @Test
    void unitLintsCleanAtCorners() throws Exception {
        StringBuilder problems = new StringBuilder();
        int n = 0;
        for (int[] c : CORNERS) {
            for (boolean int8 : new boolean[] {false, true}) {
                // alternate the output kind on the cheap corners, both on the DeiT ones
                if (c[1] != 768 && c[1] != 4096 && ((n++ & 1) == 0) == int8) {
                    continue;
                }
                ModuleSpec spec = LayerNormUnit.spec(c[0], c[1], int8);
                Path dir = DIR.resolve(c[0] + "x" + c[1] + (int8 ? "-int8" : "-raw"));
                List<Path> files = Emitter.writeModules(List.of(spec), dir);
                problems.append(Lint.run(files, "vitgen_layernorm", Map.of()));
                problems.append(Lint.run(files, "vitgen_layernorm_stats", Map.of()));
            }
        }
        assertEquals("", problems.toString());
    }
}
