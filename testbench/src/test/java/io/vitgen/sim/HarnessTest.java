package io.vitgen.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.golden.Seeds;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself, on hand-written DUTs: ports, errors, cache, initial state. */
class HarnessTest {

    private static VerilatedModel wide(int width) {
        return VerilatedModel.build(List.of(TestDuts.file("tdut_wide.v")), "tdut_wide",
                Map.of("WIDTH", Integer.toString(width)));
    }

    private static BigInteger mask(int width) {
        return BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
    }

    @Test
    void portsWiderThan64BitsRoundTripAndInputsAreMasked() {
        long seed = Seeds.of("HarnessTest", 0x5EED_0001L);
        Random rnd = new Random(seed);
        VerilatedModel m = wide(130);
        assertEquals(130, m.port("a").width());
        assertEquals(Port.Direction.OUT, m.port("sum_q").direction());
        try (Simulation sim = m.open(seed)) {
            sim.reset(2);
            for (int i = 0; i < 50; i++) {
                BigInteger a = new BigInteger(130, rnd);
                BigInteger b = new BigInteger(130, rnd);
                sim.poke("a", a);
                sim.poke("b", b);
                assertEquals(a.not().and(mask(130)), sim.peek("y_comb"), "~a, seed " + seed);
                sim.step(1);
                assertEquals(a.add(b).and(mask(130)), sim.peek("sum_q"), "a+b, seed " + seed);
            }
            // bits above the port width are dropped; negative values are two's complement
            sim.poke("a", BigInteger.ONE.shiftLeft(140).or(BigInteger.valueOf(5)));
            assertEquals(mask(130).xor(BigInteger.valueOf(5)), sim.peek("y_comb"));
            sim.poke("a", -1L);
            assertEquals(BigInteger.ZERO, sim.peek("y_comb"));
        }
    }

    @Test
    void twoVariantsOfOneModuleRunSideBySide() {
        VerilatedModel narrow = wide(8);
        VerilatedModel broad = wide(130);
        assertNotEquals(narrow.executable(), broad.executable());
        assertEquals(8, narrow.port("sum_q").width());
        try (Simulation s8 = narrow.open(1); Simulation s130 = broad.open(1)) {
            for (Simulation s : List.of(s8, s130)) {
                s.reset(1);
                s.poke("a", 0xFF);
                s.poke("b", 0x01);
                s.step(1);
            }
            assertEquals(BigInteger.ZERO, s8.peek("sum_q"));
            assertEquals(BigInteger.valueOf(0x100), s130.peek("sum_q"));
        }
    }

    @Test
    void secondBuildOfTheSameRtlComesFromTheCache(@TempDir Path cache) {
        BuildOptions opts = BuildOptions.defaults().withCacheDir(cache);
        List<Path> rtl = List.of(TestDuts.file("tdut_wide.v"));
        VerilatedModel first = VerilatedModel.build(rtl, "tdut_wide", Map.of("WIDTH", "33"), opts);
        VerilatedModel second = VerilatedModel.build(rtl, "tdut_wide", Map.of("WIDTH", "33"), opts);
        VerilatedModel other = VerilatedModel.build(rtl, "tdut_wide", Map.of("WIDTH", "33"),
                opts.withExtraVerilatorFlags(List.of("-DVITGEN_UNUSED_DEFINE")));
        System.out.printf("cold build %d ms, cached %d ms, other flags %d ms%n", first.buildMillis(),
                second.buildMillis(), other.buildMillis());
        assertFalse(first.fromCache(), "fresh cache directory");
        assertTrue(second.fromCache(), "same RTL, parameters and flags");
        assertFalse(other.fromCache(), "different flags are a different key");
        assertEquals(first.executable(), second.executable());
        assertNotEquals(first.cacheKey(), other.cacheKey());
        try (Simulation sim = second.open(3)) {
            sim.poke("a", 0);
            assertEquals(mask(33), sim.peek("y_comb"));
        }
    }

    @Test
    void fatalInTheModelBecomesAnExceptionNamingCycleAndMessage() {
        VerilatedModel m = VerilatedModel.build(List.of(TestDuts.file("tdut_fatal.v")), "tdut_fatal");
        try (Simulation sim = m.open(7)) {
            sim.reset(4);
            sim.poke("en", 1);
            sim.poke("mode", 0);
            SimulationException e = assertThrows(SimulationException.class, () -> sim.run(5000));
            // count_q counts from cycle 4 on and equals 1000 on the edge of cycle 1004
            assertEquals(1004, e.cycle(), e.getMessage());
            assertTrue(e.getMessage().contains("count reached 1000"), e.getMessage());
            assertTrue(e.getMessage().contains("cycle 1004"), e.getMessage());
            assertTrue(e.replay().isPresent() && Files.isRegularFile(e.replay().get()), e.getMessage());
            assertThrows(IllegalStateException.class, () -> sim.step(1), "a failed simulation stays failed");
        }
        try (Simulation sim = m.open(8)) {
            sim.reset(1);
            sim.poke("en", 1);
            sim.poke("mode", 1);
            SimulationException e = assertThrows(SimulationException.class, () -> sim.run(5000));
            assertEquals(1001, e.cycle(), e.getMessage());
            assertTrue(e.getMessage().contains("error at count 1000"), e.getMessage());
        }
    }

    @Test
    void randomInitialStateFollowsTheSeed() {
        VerilatedModel m = wide(8);
        long zero;
        long r1;
        long r1again;
        long r2;
        try (Simulation sim = m.open(11)) {
            zero = sim.peekLong("noreset_q");
        }
        try (Simulation sim = m.open(11, SimOptions.randomInitialState())) {
            r1 = sim.peekLong("noreset_q");
        }
        try (Simulation sim = m.open(11, SimOptions.randomInitialState())) {
            r1again = sim.peekLong("noreset_q");
        }
        try (Simulation sim = m.open(12, SimOptions.randomInitialState())) {
            r2 = sim.peekLong("noreset_q");
        }
        assertEquals(0L, zero);
        assertEquals(r1, r1again, "same seed, same initial state");
        assertNotEquals(r1, r2, "different seeds, different initial state");
        assertNotEquals(0L, r1);
    }

    @Test
    void aCrashedHarnessBecomesAnExceptionNotADeadJvm() {
        try (Simulation sim = wide(8).open(21)) {
            sim.reset(1);
            sim.step(10);
            ProcessHandle.of(sim.pid()).ifPresent(ProcessHandle::destroyForcibly);
            SimulationException e = assertThrows(SimulationException.class, () -> sim.step(10));
            assertTrue(e.getMessage().contains("harness died near cycle 11"), e.getMessage());
            assertTrue(e.getMessage().contains("SIGKILL"), e.getMessage());
        }
    }

    @Test
    void harnessExitsWhenItsInputCloses() throws Exception {
        Process p = new ProcessBuilder(wide(8).executable().toString()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "harness still running");
        assertEquals(0, p.exitValue());
    }
}
