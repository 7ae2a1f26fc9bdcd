package io.vitgen.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.MacArray;

/** vitgen_mac_gemm (with its array, PEs and requantizer) lints clean over a matrix of shapes and widths. */
class MacLintTest {

    private static final Path DIR = Path.of("target", "rtl", "mac-lint");

    @Test
    void gemmLintsCleanForAMatrixOfShapes() throws Exception {
        MacArray.Shape[] shapes = {
            new MacArray.Shape(1, 1, 8, 8, 32, 8),
            new MacArray.Shape(2, 3, 8, 8, 26, 8),
            new MacArray.Shape(3, 2, 4, 4, 8, 4),
            new MacArray.Shape(4, 4, 4, 8, 20, 2),
            new MacArray.Shape(5, 7, 8, 4, 48, 32),
            new MacArray.Shape(16, 16, 8, 8, 32, 8),
            new MacArray.Shape(32, 8, 8, 8, 32, 16),
            new MacArray.Shape(1, 64, 8, 8, 16, 8),
            new MacArray.Shape(64, 1, 4, 4, 33, 8),
            new MacArray.Shape(1, 2, 8, 8, 16, 8, true),
            new MacArray.Shape(3, 4, 8, 8, 22, 8, true),
            new MacArray.Shape(16, 16, 8, 8, 32, 8, true),
            new MacArray.Shape(5, 64, 8, 8, 48, 32, true),
        };
        List<Path> files = Emitter.writeModules(List.of(MacArray.gemm(shapes[0])), DIR);
        StringBuilder problems = new StringBuilder();
        for (MacArray.Shape s : shapes) {
            problems.append(Verilator.lint(files, "vitgen_mac_gemm", s.parameters()));
        }
        assertEquals("", problems.toString());
    }
}
