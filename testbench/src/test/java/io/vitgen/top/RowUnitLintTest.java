package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.top.GeluUnit;
import io.vitgen.hw.top.LnormUnit;
import io.vitgen.sim.Lint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * vitgen_top_lnorm and vitgen_top_gelu lint clean: {@code verilator --lint-only -Wall} and
 * {@code iverilog -g2005 -Wall} print nothing, at BB 8, 16 and 128 and lanes 1, 4 and 16 (both
 * regrouping directions and the pass-through), GELU also at 32 lanes (BB 32 and 64) and 64 lanes
 * (BB 64), both GELU variants, the corner sizes.
 */
class RowUnitLintTest {

    static String lint(ModuleSpec spec, String tag) throws Exception {
        List<Path> rtl = Emitter.writeModules(List.of(spec), Path.of("target", "cosim-rtl", "rowunit-lint-" + tag));
        String v = Lint.run(rtl, spec.name(), Map.of());
        String i = Lint.iverilog(rtl, spec.name(), Map.of());
        return (v + i).strip();
    }

    @Test
    void layerNormUnitLintsClean() throws Exception {
        int[][] cases = {{1, 8, 40}, {4, 16, 768}, {16, 8, 192}, {8, 16, 1}, {4, 128, 4096}, {2, 32, 7}};
        for (int[] c : cases) {
            String tag = "ln-" + c[0] + "-" + c[1] + "-" + c[2];
            assertEquals("", lint(LnormUnit.spec(c[0], c[2], c[1]), tag), tag + ": linters must print nothing");
        }
    }

    @Test
    void geluUnitLintsClean() throws Exception {
        int[][] cases = {{1, 8, 72}, {4, 16, 3072}, {16, 8, 768}, {16, 16, 1}, {4, 128, 8192}, {32, 32, 768}, {32, 64, 3072},
            {64, 64, 3072}};
        for (int[] c : cases) {
            for (boolean shift : new boolean[] {true, false}) {
                String tag = "gelu-" + shift + "-" + c[0] + "-" + c[1] + "-" + c[2];
                assertEquals("", lint(GeluUnit.spec(shift, c[0], c[2], c[1]), tag), tag + ": linters must print nothing");
            }
        }
    }
}
