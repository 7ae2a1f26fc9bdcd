package io.vitgen.softmax;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code verilator --lint-only -Wall} on a set of files; returns what it printed (empty = clean). */
final class Lint {

    private Lint() {
    }

    static String run(List<Path> files, String top, Map<String, ?> parameters) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "--top-module", top));
        parameters.forEach((k, v) -> cmd.add("-G" + k + "=" + v));
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
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("verilator lint of " + top + " timed out");
        }
        if (p.exitValue() != 0 && text.isBlank()) {
            text = "verilator exited with " + p.exitValue();
        }
        return text.isBlank() ? "" : "== " + top + " " + parameters + "\n" + text.strip() + "\n";
    }
}
