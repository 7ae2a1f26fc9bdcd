package io.vitgen.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.hw.MacArray;
import io.vitgen.sim.Lint;

/**
 * vitgen_mac_gemm (with its array, PEs and requantizer) lints clean over a matrix of shapes and
 * widths, and K limits from 1 to the 2^31 - 1 cap.
 */
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
            // narrower requantizers: 1 lane, divisors and non-divisors of COLS, packed, 64 x 1
            new MacArray.Shape(1, 2, 8, 8, 16, 8).withReqLanes(1),
            new MacArray.Shape(2, 3, 8, 8, 26, 8).withReqLanes(2),
            new MacArray.Shape(5, 7, 8, 4, 48, 32).withReqLanes(3),
            new MacArray.Shape(16, 16, 8, 8, 32, 8).withReqLanes(4),
            new MacArray.Shape(16, 16, 8, 8, 32, 8).withReqLanes(5),
            new MacArray.Shape(16, 16, 8, 8, 32, 8, true).withReqLanes(1),
            new MacArray.Shape(1, 64, 8, 8, 48, 32).withReqLanes(63),
            new MacArray.Shape(4, 64, 8, 8, 48, 32).withReqLanes(21),
        };
        StringBuilder problems = new StringBuilder();
        List<Path> files = MacGemmCosimTest.emit(DIR, false);
        for (MacArray.Shape s : shapes) {
            problems.append(Lint.run(MacGemmCosimTest.emit(DIR, s.packInt8x2()), "vitgen_mac_gemm", s.parameters()));
        }
        // K limits: 1 (ACC_W = A_W + W_W), a power of two, and the 2^31 - 1 cap
        long[] kLimits = {1L, 64L, 1000L, MacArray.K_LIMIT_CAP};
        for (long k : kLimits) {
            Map<String, Long> p = new LinkedHashMap<>(shapes[1].parameters());
            p.put("K_MAX", k);
            problems.append(Lint.run(files, "vitgen_mac_gemm", p));
        }
        assertEquals("", problems.toString());
    }
}
