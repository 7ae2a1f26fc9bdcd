package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Board;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.DesignWriter;

/**
 * Every board preset ({@code target.board}) generates a top that is silent under
 * {@code verilator --lint-only -Wall -f filelist.f} and {@code iverilog -g2005 -Wall}, and that
 * elaborates: {@code vvp} runs the top's time-0 parameter checks (the cells' {@code initial}
 * blocks that {@code $error} on an out-of-range parameter, which a lint does not execute) and must
 * print nothing. This is what found the ZCU102 preset's 64-column GEMM unit stopping on the table
 * FIFO's width. The designs go to {@code target/boards/<board>/}; Verilator, Icarus or vvp missing
 * fails the test.
 */
class BoardPresetTopLintTest {

    record Run(int exit, String output) {
    }

    static Run run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(cmd.get(0) + " cannot be started (" + e.getMessage() + "); the test needs it", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        return new Run(p.exitValue(), text.strip());
    }

    @Test
    void everyBoardPresetWritesATopThatLintsAndElaborates() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Board b : Board.ALL) {
            long t0 = System.nanoTime();
            Path out = Path.of("target", "boards", b.name()).toAbsolutePath();
            io.vitgen.config.Config cfg = new ConfigLoader().warnings(w -> { }).set("target.board=" + b.name()).load();
            Path d = new DesignWriter(cfg, s -> { }).write(out).dir();
            String top = Files.readString(d.resolve("filelist.f")).strip().lines().reduce((x, y) -> y).orElseThrow();
            assertTrue(top.endsWith("_top.v"), b.name() + ": the file list ends with the top, not " + top);
            String module = top.substring(top.lastIndexOf('/') + 1, top.length() - 2);
            long t1 = System.nanoTime();
            Run lint = run(d, List.of("verilator", "--lint-only", "-Wall", "-f", "filelist.f"));
            long t2 = System.nanoTime();
            Run iv = run(d, List.of("iverilog", "-g2005", "-Wall", "-o", "elab.vvp", "-s", module, "-f", "filelist.f"));
            Run vvp = iv.exit() == 0 ? run(d, List.of("vvp", "-n", "elab.vvp")) : new Run(-1, "(not run)");
            long t3 = System.nanoTime();
            Files.deleteIfExists(d.resolve("elab.vvp"));
            System.out.printf("board %-13s %s: generate %.1f s, verilator lint %.1f s, iverilog + vvp %.1f s%n", b.name(),
                    b.describe().replaceAll("target.part=[^,]*, ", ""), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
            if (lint.exit() != 0 || !lint.output().isEmpty()) {
                problems.add(b.name() + ": verilator --lint-only -Wall (exit " + lint.exit() + "):\n" + lint.output());
            }
            if (iv.exit() != 0 || !iv.output().isEmpty()) {
                problems.add(b.name() + ": iverilog -g2005 -Wall (exit " + iv.exit() + "):\n" + iv.output());
            }
            if (vvp.exit() != 0 || !vvp.output().isEmpty()) {
                problems.add(b.name() + ": vvp elaboration (exit " + vvp.exit() + "):\n" + vvp.output());
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }
}
