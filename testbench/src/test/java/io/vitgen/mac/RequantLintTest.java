package io.vitgen.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.Requant;
import io.vitgen.sim.Lint;

/** The requantization unit lints clean over lanes 1..16 and input widths 8..48 (plus the cell's limits). */
class RequantLintTest {

    private static final Path DIR = Path.of("target", "rtl", "requant-lint");

    @Test
    void plainUnitLintsCleanAtCorners() throws Exception {
        List<Path> files = Emitter.writeModules(List.of(Requant.unit()), DIR);
        StringBuilder problems = new StringBuilder();
        int[][] corners = {
            {1, 8, 2}, {1, 8, 8}, {2, 16, 8}, {3, 24, 16}, {4, 32, 8}, {8, 26, 8}, {16, 48, 8},
            {16, 48, 32}, {5, 2, 2}, {1, 64, 95}, {16, 8, 39}, {7, 33, 17},
        };
        for (int[] c : corners) {
            problems.append(Lint.run(files, "vitgen_requant", Requant.parameters(c[0], c[1], c[2])));
        }
        assertEquals("", problems.toString());
    }

    @Test
    void residualUnitLintsCleanAtCorners() throws Exception {
        List<Path> files = Emitter.writeModules(List.of(Requant.residualUnit()), DIR);
        StringBuilder problems = new StringBuilder();
        int[][] corners = {
            {1, 8, 8, 8}, {1, 32, 16, 16}, {4, 32, 16, 8}, {16, 48, 16, 16}, {16, 16, 48, 8},
            {3, 8, 48, 80}, {2, 2, 2, 2}, {5, 64, 64, 96},
        };
        for (int[] c : corners) {
            problems.append(Lint.run(files, "vitgen_requant_residual",
                    Requant.residualParameters(c[0], c[1], c[2], c[3])));
        }
        assertEquals("", problems.toString());
    }
}
