package io.vitgen.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code verilator --lint-only -Wall} on a set of files. The project's rule is that it prints
 * nothing for every configuration the tests generate; a missing Verilator fails, never skips.
 */
public final class Lint {

    private Lint() {
    }

    /**
     * Lints {@code top} with the given parameter overrides; returns what Verilator printed, headed
     * by the top and parameters, or the empty string when it printed nothing.
     */
    public static String run(List<Path> files, String top, Map<String, ?> parameters) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "--top-module", top));
        parameters.forEach((k, v) -> cmd.add("-G" + k + "=" + v));
        return tool(cmd, files, "verilator", "== " + top + " " + parameters);
    }

    /**
     * Elaborates {@code top} with {@code iverilog -g2005 -Wall} (the parameter overrides as
     * {@code -P}); returns what Icarus printed, headed by the top and parameters, or the empty
     * string when it printed nothing.
     */
    public static String iverilog(List<Path> files, String top, Map<String, ?> parameters) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("iverilog", "-g2005", "-Wall", "-o", "/dev/null", "-s", top));
        parameters.forEach((k, v) -> cmd.add("-P" + top + "." + k + "=" + v));
        return tool(cmd, files, "iverilog", "== iverilog " + top + " " + parameters);
    }

    /** Runs a checker on the files; its output under {@code heading}, or "" when it printed nothing. */
    private static String tool(List<String> cmd, List<Path> files, String name, String heading) throws IOException {
        for (Path f : files) {
            cmd.add(f.toString());
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + name + " (" + e.getMessage() + "); install it with "
                    + "apt-get install -y " + name + " - the lint tests need it and do not skip", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(name + " on " + heading.substring(3) + " timed out after 300 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + name + " on " + heading.substring(3), e);
        }
        if (p.exitValue() != 0 && text.isBlank()) {
            text = name + " exited with " + p.exitValue();
        }
        return text.isBlank() ? "" : heading + "\n" + text.strip() + "\n";
    }
}
