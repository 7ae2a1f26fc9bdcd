package io.vitgen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.golden.Seeds;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Cells;
import io.vitgen.hw.ModuleSpec;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The emitted stream cells under random stalls: every beat comes out unchanged and in order (the
 * cells' golden model is the identity), 100,000 beats each, random initial state, then full
 * throughput with both sides always ready. Seeds: -Dvitgen.seed=N overrides the fixed ones.
 */
class StreamCellsCosimTest {
    private static final int BEATS = 100_000;
    private static final int CHUNK = 25_000;

    private static VerilatedModel emitAndBuild(ModuleSpec cell, Map<String, String> params) {
        List<Path> rtl = Emitter.writeModules(List.of(cell), Path.of("target", "cosim-rtl", cell.name()));
        return VerilatedModel.build(rtl, cell.name(), params);
    }

    private static List<Beat> randomBeats(Random rnd, int n, int width) {
        List<Beat> beats = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            beats.add(Beat.of(new BigInteger(width, rnd), rnd.nextInt(9) == 0));
        }
        return beats;
    }

    /** Random stalls on both sides, pattern changing between chunks; then a full-rate burst. */
    private static void streamThrough(VerilatedModel model, int width, long seed, int latency) {
        Random rnd = new Random(seed);
        List<Beat> sent = randomBeats(rnd, BEATS, width);
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource in = sim.source("s_axis");
            StreamSink out = sim.sink("m_axis");
            sim.reset(3);
            List<Beat> got = new ArrayList<>(BEATS);
            for (int at = 0; at < BEATS; at += CHUNK) {
                boolean heavy = at == CHUNK;   // the second chunk: input always valid, output ready 1 in 8
                in.setValidPermille(heavy ? 1000 : 100 + rnd.nextInt(901));
                out.setReadyPermille(heavy ? 125 : 100 + rnd.nextInt(901));
                in.pushAll(sent.subList(at, at + CHUNK));
                sim.runUntilSinksHave(CHUNK, 40L * CHUNK);
                got.addAll(out.take());
            }
            BeatChecker.assertBeats(sim, out, sent, got);
            System.out.printf("%s: %d beats in %d cycles under random stalls, %d output stall cycles, %d input wait"
                    + " cycles%n", model.top(), got.size(), sim.cycle(), out.stallCycles(), in.waitCycles());

            // both sides always ready: one beat per cycle after the latency
            in.setValidPermille(1000);
            out.setReadyPermille(1000);
            List<Beat> burst = randomBeats(rnd, 2_000, width);
            long start = sim.cycle();
            in.pushAll(burst);
            sim.runUntilSinksHave(burst.size(), 10_000);
            List<Beat> burstOut = out.take();
            BeatChecker.assertBeats(sim, out, burst, burstOut);
            assertEquals(start + latency + burst.size() - 1, burstOut.get(burstOut.size() - 1).cycle(),
                    "full throughput, seed " + seed);
        }
    }

    @Test
    void skidBufferPassesEveryBeatUnderRandomStalls() {
        long seed = Seeds.of("StreamCellsCosimTest", 0x5C1D_0001L);
        VerilatedModel skid = emitAndBuild(Cells.skidBuffer(), Map.of("DATA_W", "37"));
        assertEquals(37, skid.port("m_axis_tdata").width());
        streamThrough(skid, 37, seed, 1);
    }

    @Test
    void fifoPassesEveryBeatUnderRandomStalls() {
        long seed = Seeds.of("StreamCellsCosimTest", 0xF1F0_0002L);
        VerilatedModel fifo = emitAndBuild(Cells.fifo(), Map.of("DATA_W", "70", "DEPTH", "5"));
        assertTrue(fifo.port("s_axis_tdata").width() > 64);
        streamThrough(fifo, 70, seed, 2);
    }

    /** A new ready rate while the DUT holds a stalled beat keeps the contract monitor's state. */
    @Test
    void changingTheReadyRateWhileAStalledBeatIsHeldIsNoViolation() {
        long seed = Seeds.of("StreamCellsCosimTest", 0xF1F0_0003L);
        VerilatedModel fifo = emitAndBuild(Cells.fifo(), Map.of("DATA_W", "70", "DEPTH", "5"));
        List<Beat> sent = randomBeats(new Random(seed), 12, 70);
        try (Simulation sim = fifo.open(seed)) {
            StreamSource in = sim.source("s_axis", 1000);
            StreamSink out = sim.sink("m_axis", 1);
            sim.reset(2);
            in.pushAll(sent);
            sim.run(40);
            assertEquals(1, sim.peekLong("m_axis_tvalid"), "the FIFO shows a beat the sink does not take");
            out.setReadyPermille(1000);
            sim.runUntilSinksHave(sent.size(), 1000);
            BeatChecker.assertBeats(sim, out, sent, out.take());
        }
    }
}
