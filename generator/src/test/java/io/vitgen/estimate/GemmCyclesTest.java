package io.vitgen.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.config.ModelShape;
import io.vitgen.hw.MacArray;

/**
 * The GEMM cycle model against the cycles simulated by MacBenchmark (docs/mac.md, "Benchmark:
 * DeiT-Tiny GEMMs on 16x16": every stream at full rate, 4 requantizer lanes).
 */
class GemmCyclesTest {

    private static final MacArray.Shape DEFAULT = new MacArray.Shape(16, 16, 8, 8, 32, 8).withReqLanes(4);

    @Test
    void reproducesTheSimulatedDeitTinyGemms() {
        assertEquals(89_906, GemmCycles.cycles(DEFAULT, 197, 192, 576));
        assertEquals(10_866, GemmCycles.cycles(DEFAULT, 197, 64, 197));
        assertEquals(10_294, GemmCycles.cycles(DEFAULT, 197, 197, 64));
        assertEquals(30_002, GemmCycles.cycles(DEFAULT, 197, 192, 192));
        assertEquals(119_858, GemmCycles.cycles(DEFAULT, 197, 192, 768));
        assertEquals(119_858, GemmCycles.cycles(DEFAULT, 197, 768, 192));
        assertEquals(85_104, GemmCycles.ideal(DEFAULT, 197, 192, 576));
    }

    @Test
    void aLayerOfDeitTiny() {
        List<GemmCycles.Gemm> g = GemmCycles.layer(DEFAULT, ModelShape.preset("deit-tiny"), true, false);
        assertEquals(List.of("QKV projection", "q k^T (per head)", "attention x V (per head)", "output projection", "FC1",
                "FC2"), g.stream().map(GemmCycles.Gemm::name).toList());
        long total = g.stream().mapToLong(x -> x.cycles() * x.count()).sum();
        // 89,906 + 3 x 10,866 + 3 x 10,294 + 30,002 + 2 x 119,858
        assertEquals(423_104, total);
        assertEquals(6, GemmCycles.layer(DEFAULT, ModelShape.preset("deit-tiny"), true, true).get(2).count(),
                "b = 16: attention x V in two int8 passes per head");
        assertEquals(5, GemmCycles.layer(DEFAULT, ModelShape.preset("deit-tiny"), false, false).size(),
                "log2: attention x V on the shift unit");
    }
}
