package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.emit.Emitter;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntLayerNorm;
import io.vitgen.golden.Seeds;
import io.vitgen.golden.ShiftGelu;
import io.vitgen.hw.struct.Instance;
import io.vitgen.hw.struct.Netlist;
import io.vitgen.hw.struct.Port;
import io.vitgen.hw.struct.TopBuilder;
import io.vitgen.hw.struct.UnitDefs;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Lint;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two real units composed by the structural builder: LayerNorm (int8 out) streaming into ShiftGELU
 * (int8 out), 4 lanes, 40 channels. The printed top lints clean under Verilator and Icarus; under
 * random stalls every output row equals the golden chain requant(ShiftGELU(requant(I-LayerNorm(x)))).
 */
class LayerNormGeluChainCosimTest {
    private static final int LANES = 4;
    private static final int C = 40;

    static Netlist chain() {
        TopBuilder b = TopBuilder.module("vitgen_ln_gelu_chain")
                .describe("I-LayerNorm (int8 out) streaming into ShiftGELU (int8 out), " + LANES + " lanes:",
                        "the structural builder composing two generated units.");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        Instance ln = b.instance("u_layernorm", UnitDefs.layerNorm(LANES, 48, true));
        Instance gelu = b.instance("u_gelu", UnitDefs.shiftGelu(LANES, 48, true));
        b.clockAndReset(aclk, aresetn);
        b.expose(ln.axis("s_axis_param"), "s_axis_param");
        b.expose(ln.axis("s_axis"), "s_axis");
        b.connect(ln.axis("m_axis"), gelu.axis("s_axis"));
        b.expose(gelu.axis("m_axis"), "m_axis");
        b.expose(gelu.port("cfg_x"), "cfg_x");
        b.expose(gelu.port("cfg_m"), "cfg_m");
        b.expose(gelu.port("cfg_k"), "cfg_k");
        b.expose(ln.port("status_length_error"), "status_ln_length_error");
        b.expose(gelu.port("status_length_error"), "status_gelu_length_error");
        return b.build();
    }

    static List<Path> emit() {
        return Emitter.writeModules(List.of(chain().spec()), Path.of("target", "cosim-rtl", "vitgen_ln_gelu_chain"));
    }

    @Test
    void lintsClean() throws Exception {
        List<Path> rtl = emit();
        assertEquals("", Lint.run(rtl, "vitgen_ln_gelu_chain", Map.of()), "verilator -Wall must print nothing");
        assertEquals("", StructChainCosimTest.icarus(rtl, "vitgen_ln_gelu_chain"), "iverilog -g2005 -Wall must print nothing");
    }

    @Test
    void everyRowEqualsTheGoldenChainUnderRandomStalls() {
        long seed = Seeds.of("LayerNormGeluChainCosimTest", 0x1A6E_0001L);
        Random rnd = new Random(seed);
        VerilatedModel model = VerilatedModel.build(emit(), "vitgen_ln_gelu_chain", Map.of());
        long[] bias = new long[C];
        DyadicScale[] lnScale = new DyadicScale[C];
        for (int j = 0; j < C; j++) {
            bias[j] = rnd.nextInt(1 << 22) - (1 << 21);
            lnScale[j] = DyadicScale.fromRatio(Math.scalb(0.5 + rnd.nextDouble() * 0.5, -22 - rnd.nextInt(4)));
        }
        long x = 1 + rnd.nextInt(127);
        DyadicScale geluScale = DyadicScale.fromRatio(0.3 + rnd.nextDouble());
        List<long[]> rows = new ArrayList<>();
        List<long[]> want = new ArrayList<>();
        for (int r = 0; r < 120; r++) {
            long[] row = new long[C];
            int spread = r % 5 == 0 ? 32768 : 1 + rnd.nextInt(4000);
            for (int j = 0; j < C; j++) {
                row[j] = r % 17 == 3 ? 1234 : Math.max(-32768, Math.min(32767, rnd.nextInt(2 * spread) - spread));
            }
            rows.add(row);
            long[] ln = IntLayerNorm.apply(row, bias);
            for (int j = 0; j < C; j++) {
                ln[j] = lnScale[j].apply(ln[j], 8);
            }
            want.add(geluScale.apply(ShiftGelu.apply(ln, x), 8));
        }
        long distinct = want.stream().flatMapToLong(java.util.Arrays::stream).distinct().count();
        System.out.println("golden chain outputs: " + distinct + " distinct int8 values");
        org.junit.jupiter.api.Assertions.assertTrue(distinct > 60, "the vectors must exercise the chain: " + distinct);
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource params = sim.source("s_axis_param", 1000);
            StreamSource in = sim.source("s_axis", 300 + rnd.nextInt(700));
            StreamSink out = sim.sink("m_axis", 300 + rnd.nextInt(700));
            sim.reset(4);
            sim.poke("cfg_x", x);
            sim.poke("cfg_m", geluScale.m());
            sim.poke("cfg_k", geluScale.k());
            for (int j = 0; j < C; j++) {
                BigInteger w = BigInteger.valueOf(bias[j] & 0xFFFF_FFFFL)
                        .or(BigInteger.valueOf(lnScale[j].m() & 0xFFFF_FFFFL).shiftLeft(32))
                        .or(BigInteger.valueOf(lnScale[j].k()).shiftLeft(64));
                params.push(w, j == C - 1);
            }
            while (params.pending() > 0) {
                sim.run(200);
            }
            for (long[] row : rows) {
                in.pushRow(row, 16);
            }
            int beats = rows.size() * ((C + LANES - 1) / LANES);
            sim.runUntilSinksHave(beats, 2_000_000);
            List<long[]> got = out.takeRows(8, true);
            BeatChecker.assertRows(sim, out, want, got);
            assertEquals(0, sim.peekLong("status_ln_length_error"));
            assertEquals(0, sim.peekLong("status_gelu_length_error"));
            System.out.printf("vitgen_ln_gelu_chain: %d rows of %d channels in %d cycles%n", rows.size(), C, sim.cycle());
        }
    }
}
