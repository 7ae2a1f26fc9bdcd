package io.vitgen.fpga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;

/**
 * The simulation kit {@code out/<design>/sim/} works without Java: {@code make -C sim run} builds the
 * generated top with Verilator, runs the memory image vitgen wrote (random memory latency and
 * backpressure, random initial state), and exits 0 with every output byte equal to expected.bin
 * (the command interpreter's result); the test compares outputs.bin with expected.bin itself and
 * reads the counters. A wrong expectation makes the same binary exit 1 naming the first
 * differing byte. The design is generated into {@code target/simkit/} so that an unchanged
 * generation keeps the kit's build (make sees nothing new; ccache covers the rest). Verilator,
 * make or a C++ compiler missing fails the test.
 */
class SimKitTest {

    record Run(int exit, String output) {
    }

    static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(cmd[0] + " cannot be started (" + e.getMessage() + "); the kit needs Verilator, make and g++", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        return new Run(p.exitValue(), text);
    }

    @Test
    void theKitBuildsAndRunsTheImageBitExactAndFailsOnAWrongExpectation() throws Exception {
        Path out = Path.of("target", "simkit").toAbsolutePath();
        Path d = new DesignWriter(new ConfigLoader().set("design.name=kit").load(), s -> { }).write(out).dir();
        Path sim = d.resolve("sim");

        Run ok = run(sim, "make", "run");
        assertEquals(0, ok.exit(), "make run:\n" + ok.output());
        assertTrue(ok.output().contains("vitgen sim: PASS"), ok.output());
        byte[] expected = Files.readAllBytes(sim.resolve("expected.bin"));
        assertTrue(expected.length > 1000, "the kit's program produces outputs");
        assertArrayEquals(expected, Files.readAllBytes(sim.resolve("outputs.bin")), "outputs.bin equals expected.bin");

        Map<String, Long> counters = new HashMap<>();
        for (String line : Files.readAllLines(sim.resolve("counters.txt"))) {
            String[] f = line.split(" ");
            counters.put(f[0], Long.parseLong(f[1]));
        }
        assertEquals(2L, counters.get("STATUS"), "done, no error");
        assertEquals(0L, counters.get("ERROR"));
        String cfg = Files.readString(sim.resolve("run.cfg"));
        long commands = Long.parseLong(cfg.replaceAll("(?s).*# (\\d+) commands.*", "$1"));
        assertEquals(commands, counters.get("CMD_DONE"), "every command of the stream completed");
        assertTrue(counters.get("CYC_TOTAL") > 0 && counters.get("CYC_LOAD") > 0 && counters.get("CYC_STORE") > 0,
                counters.toString());
        System.out.printf("simulation kit: %d commands, %d cycles to the interrupt, %d output bytes%n", commands,
                counters.get("cycles_to_interrupt"), expected.length);

        // the same binary with one expected byte changed: exit 1, the byte named
        byte[] bad = expected.clone();
        bad[777] ^= 0x10;
        Files.write(sim.resolve("bad-expected.bin"), bad);
        Files.writeString(sim.resolve("bad.cfg"), cfg.replace("expected expected.bin", "expected bad-expected.bin"));
        Run fail = run(sim, "./obj_dir/Vkit", "bad.cfg");
        assertEquals(1, fail.exit(), fail.output());
        assertTrue(fail.output().contains("FAIL: 1 bytes differ; first: output output byte 777"), fail.output());
        for (String f : List.of("bad.cfg", "bad-expected.bin")) {
            Files.delete(sim.resolve(f));
        }
    }
}
