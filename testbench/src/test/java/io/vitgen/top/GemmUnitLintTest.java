package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.top.GemmUnit;
import io.vitgen.sim.Lint;

/**
 * vitgen_top_gemm lints clean (verilator -Wall, iverilog -g2005 -Wall) for the shapes the
 * co-simulation runs and the corners: 1x1 and 64-wide arrays, BB 8 and 128, packed int8x2,
 * one requantizer lane, a 48-bit accumulator, the smallest and largest tile rows.
 */
class GemmUnitLintTest {

    static final Path DIR = Path.of("target", "rtl", "top-gemm-lint");

    static GemmUnit.Params params(int rows, int cols, int acc, boolean packed, int lanes, int bb, int kb) {
        MacArray.Shape s = new MacArray.Shape(rows, cols, 8, 8, acc, 8, packed).withReqLanes(lanes);
        return new GemmUnit.Params(s, bb, kb);
    }

    static List<Path> emit(GemmUnit.Params p, Path dir) {
        return Emitter.writeModules(List.of(GemmUnit.spec(p)), dir);
    }

    @Test
    void lintsCleanAcrossShapesAndBeats() throws Exception {
        GemmUnit.Params[] configs = {
            params(16, 16, 32, false, 4, 16, 1536),
            params(8, 16, 32, true, 4, 8, 200),
            params(2, 2, 24, false, 1, 16, 100),
            params(1, 1, 32, false, 1, 8, 2),
            params(4, 64, 48, true, 7, 128, 65535),
            params(64, 3, 17, false, 3, 32, 1000),
        };
        StringBuilder problems = new StringBuilder();
        int i = 0;
        for (GemmUnit.Params p : configs) {
            List<Path> files = emit(p, DIR.resolve("c" + i++));
            problems.append(Lint.run(files, GemmUnit.MODULE, Map.of()));
            problems.append(Lint.iverilog(files, GemmUnit.MODULE, Map.of()));
        }
        assertEquals("", problems.toString());
    }
}
