package io.vitgen.mac;

import java.util.List;
import java.util.Random;

import io.vitgen.golden.DyadicScale;
import io.vitgen.hw.MacArray;
import io.vitgen.sim.Beat;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.VerilatedModel;

/**
 * The GEMM engine alone at full rate (every operand stream always valid, output always ready),
 * checked against the golden model: the reference the GEMM unit's benchmark compares with
 * (io.vitgen.top.GemmUnitBenchmark).
 */
public final class EngineAlone {

    private final MacArray.Shape shape;
    private final VerilatedModel model;

    public EngineAlone(MacArray.Shape shape) {
        this.shape = shape;
        java.nio.file.Path dir = java.nio.file.Path.of("target", "rtl", "engine-alone" + (shape.packInt8x2() ? "-int8x2" : ""));
        List<java.nio.file.Path> files = io.vitgen.emit.Emitter.writeModules(List.of(MacArray.gemm(shape)), dir);
        java.util.Map<String, String> params = new java.util.HashMap<>();
        shape.parameters().forEach((k, v) -> params.put(k, Long.toString(v)));
        this.model = VerilatedModel.build(files, "vitgen_mac_gemm", params);
    }

    /** Cycles from the first operand beat to the last output row of an M x K x N GEMM (bit-exact checked). */
    public long cycles(int m, int k, int n, long seed) {
        Random rnd = new Random(seed);
        DyadicScale[] sc = new DyadicScale[n];
        for (int i = 0; i < n; i++) {
            sc[i] = DyadicScale.fromRatio(1e-3 * (0.5 + rnd.nextDouble()));
        }
        GemmJob job = new GemmJob(shape, GemmJob.randomMatrix(rnd, m, k, 8), GemmJob.randomMatrix(rnd, k, n, 8),
                GemmJob.randomBias(rnd, n), sc);
        try (Simulation sim = model.open(seed)) {
            sim.reset(2);
            MacGemmCosimTest.Streams s = MacGemmCosimTest.Streams.open(sim, new int[] {1000, 1000, 1000, 1000});
            long start = sim.cycle();
            List<Beat> beats = MacGemmCosimTest.check(sim, s, job);
            return beats.get(beats.size() - 1).cycle() - start + 1;
        }
    }
}
