package io.vitgen.layernorm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.layernorm.LayerNormUnit;

/**
 * {@code verilator --lint-only -Wall} prints nothing for the LayerNorm unit (and, as its top, the
 * statistics engine) over lanes 1, 2, 4, 8, 16 and maximum row lengths 1..4096 (powers of two,
 * non-powers, rows shorter than a beat), raw and int8 output. No skip without Verilator.
 */
class LayerNormLintTest {

    private static final Path DIR = Path.of("target", "rtl", "layernorm-lint");

    /** {lanes, max channels}: every lane count against small, odd, DeiT and maximal rows. */
    static final int[][] CORNERS = {
        {1, 1}, {1, 7}, {1, 768}, {1, 4096},
        {2, 1}, {2, 197}, {2, 4096},
        {4, 3}, {4, 192}, {4, 768}, {4, 4095},
        {8, 24}, {8, 384}, {8, 4096},
        {16, 1}, {16, 100}, {16, 768}, {16, 4096},
    };

    @Test
    void unitLintsCleanAtCorners() throws Exception {
        StringBuilder problems = new StringBuilder();
        int n = 0;
        for (int[] c : CORNERS) {
            for (boolean int8 : new boolean[] {false, true}) {
                // alternate the output kind on the cheap corners, both on the DeiT ones
                if (c[1] != 768 && c[1] != 4096 && ((n++ & 1) == 0) == int8) {
                    continue;
                }
                ModuleSpec spec = LayerNormUnit.spec(c[0], c[1], int8);
                Path dir = DIR.resolve(c[0] + "x" + c[1] + (int8 ? "-int8" : "-raw"));
                List<Path> files = Emitter.writeModules(List.of(spec), dir);
                problems.append(lint(files, "vitgen_layernorm"));
                problems.append(lint(files, "vitgen_layernorm_stats"));
            }
        }
        assertEquals("", problems.toString());
    }

    static String lint(List<Path> files, String top) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "--top-module", top));
        for (Path f : files) {
            cmd.add(f.toString());
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run verilator (" + e.getMessage() + "); the lint tests need it", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("verilator lint of " + top + " timed out");
        }
        if (p.exitValue() != 0 && text.isBlank()) {
            text = "verilator exited with " + p.exitValue();
        }
        return text.isBlank() ? "" : "== " + top + " in " + files.get(files.size() - 1).getParent() + "\n"
                + text.strip() + "\n";
    }
}
