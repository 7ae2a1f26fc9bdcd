package io.vitgen.top;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import io.vitgen.config.ConfigLoader;
import io.vitgen.hw.top.GemmUnit;
import io.vitgen.mac.EngineAlone;

/**
 * Benchmark (not a test, {@code ./bench gemmunit}): the six DeiT-Tiny GEMMs of one row block (64
 * tokens) through vitgen_top_gemm at the default configuration (16x16, 4 requantizer lanes, BB = 16)
 * with buffers that answer at once, each bit-exact against the interpreter; prints the unit's cycles
 * (accept to done), the cycles mac_active was high, the MAC utilisation (useful MACs / (R x C x
 * cycles)) and the engine alone on the same M x K x N at full rate.
 */
public final class GemmUnitBenchmark {

    private GemmUnitBenchmark() {
    }

    record Row(String name, GemmUnitCosimTest.Shape shape) {
    }

    public static void main(String[] args) {
        int bb = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        GemmUnit.Params p = GemmUnit.Params.of(ConfigLoader.defaults(), bb);
        int r = p.shape().rows();
        int c = p.shape().cols();
        var REQ = io.vitgen.compile.Command.Epilogue.REQUANT;
        var RES = io.vitgen.compile.Command.Epilogue.RESIDUAL;
        Row[] rows = {
            new Row("QKV (per-channel, bias)", new GemmUnitCosimTest.Shape(64, 192, 576, REQ, false, false, true, true)),
            new Row("q k^T (W^T, K = 64)", new GemmUnitCosimTest.Shape(64, 64, 197, REQ, false, true, false, false)),
            new Row("attn x V (split16)", new GemmUnitCosimTest.Shape(64, 197, 64, REQ, true, false, false, false)),
            new Row("proj + residual", new GemmUnitCosimTest.Shape(64, 192, 192, RES, false, false, true, true)),
            new Row("FC1 (per-channel, bias)", new GemmUnitCosimTest.Shape(64, 192, 768, REQ, false, false, true, true)),
            new Row("FC2 + residual", new GemmUnitCosimTest.Shape(64, 768, 192, RES, false, false, true, true)),
        };
        System.out.printf(Locale.ROOT, "vitgen_top_gemm %dx%d, %d requantizer lanes, BB = %d, K limit %d (split16 %d)%n",
                r, c, p.shape().reqLanes(), bb, p.kLimit(false), p.kLimit(true));
        long t0 = System.nanoTime();
        GemmRig rig = new GemmRig(p, Path.of("target", "rtl", "top-gemm-bench"));
        EngineAlone engine = new EngineAlone(p.shape());
        System.out.printf(Locale.ROOT, "Verilator builds %.1f s%n%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("| GEMM (M x K x N) | unit cycles | mac_active cycles | ideal | MAC utilisation | engine alone"
                + " cycles | engine utilisation | bit-exact |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
        Random rnd = new Random(20261130L);
        long tu = 0;
        long te = 0;
        double ti = 0;
        for (Row row : rows) {
            GemmUnitCosimTest.Shape s = row.shape();
            GemmUnitCosimTest.Case cs = GemmUnitCosimTest.make(s, rnd);
            GemmRig.Result res = rig.run(cs.gemm(), cs.buffers(), rnd.nextLong(), 1000, 1000, GemmRig.Expect.MATCH, true);
            int passes = s.split() ? 2 : 1;
            double ideal = (double) s.m() * s.k() * s.n() * passes / (r * c);
            long eng = engine.cycles(s.m(), s.k(), s.n(), rnd.nextLong()) * passes;
            tu += res.cycles();
            te += eng;
            ti += ideal;
            System.out.printf(Locale.ROOT, "| %s %dx%dx%d | %d | %d | %.0f | %.1f%% | %d | %.1f%% | yes |%n", row.name(),
                    s.m(), s.k(), s.n(), res.cycles(), res.macActive(), ideal, 100 * ideal / res.cycles(), eng,
                    100 * ideal / eng);
        }
        System.out.printf(Locale.ROOT, "| all six | %d | | %.0f | %.1f%% | %d | %.1f%% | |%n", tu, ti, 100 * ti / tu, te,
                100 * ti / te);
        System.out.println();
        System.out.println("ideal = M*K*N*passes/(R*C) (split16: 2 passes); unit cycles from command accept to done (the last"
                + " status beat); engine alone = vitgen_mac_gemm fed at full rate, first operand beat to last output row"
                + " (split16: twice the one-pass run).");
    }
}
