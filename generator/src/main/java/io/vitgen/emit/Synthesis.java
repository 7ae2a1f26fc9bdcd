package io.vitgen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Yosys' {@code synth_xilinx -family xcup} on a module and reads its cell counts. This is an
 * estimate (no timing, no place and route, no DSP packing inference), good for comparing
 * configurations and for the resource table in report.md.
 */
public final class Synthesis {

    private static final Pattern CELL = Pattern.compile("^\\s+(\\S+)\\s+(\\d+)\\s*$");

    private Synthesis() {
    }

    /** True when a {@code yosys} executable is on the PATH. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("yosys", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Synthesizes {@code top} from {@code files} with the given parameter overrides, flattened, and
     * returns its resources. Throws with Yosys' last lines when it fails or runs over 30 minutes.
     */
    public static Resources run(List<Path> files, String top, Map<String, Long> parameters) throws IOException {
        return run(files, top, parameters, true, System.nanoTime() + TimeUnit.MINUTES.toNanos(30))
                .orElseThrow(() -> new IOException("yosys did not finish synthesizing " + top + " within 30 minutes"));
    }

    /**
     * The Yosys script of one run: read the files, set the top's parameters, {@code synth_xilinx
     * -family xcup} ({@code -flatten} or hierarchical: each distinct module mapped once and the
     * design hierarchy's totals counted, which makes a 64x64 array take minutes instead of hours;
     * on the 16x16 array the two agree within 0.2 % LUT and 3 % FF), then {@code stat}.
     */
    public static String script(List<Path> files, String top, Map<String, Long> parameters, boolean flatten) {
        StringBuilder script = new StringBuilder();
        for (Path f : files) {
            script.append("read_verilog -defer ").append(f.toAbsolutePath()).append('\n');
        }
        script.append("hierarchy -top ").append(top);
        parameters.forEach((k, v) -> script.append(" -chparam ").append(k).append(' ').append(v));
        script.append('\n');
        script.append("synth_xilinx -family xcup").append(flatten ? " -flatten" : "").append(" -top ").append(top)
                .append('\n');
        script.append("stat\n");
        return script.toString();
    }

    /**
     * Runs {@link #script} in a temporary folder until {@code deadlineNanos} ({@link System#nanoTime()}).
     * Empty when the deadline passed (Yosys and its children are killed); throws with Yosys' last
     * lines when it fails, and kills Yosys when the calling thread is interrupted.
     */
    public static Optional<Resources> run(List<Path> files, String top, Map<String, Long> parameters, boolean flatten,
            long deadlineNanos) throws IOException {
        Path dir = Files.createTempDirectory("vitgen-yosys");
        Process p = null;
        try {
            Path ys = dir.resolve("synth.ys");
            Files.writeString(ys, script(files, top, parameters, flatten), StandardCharsets.UTF_8);
            Path log = dir.resolve("yosys.log");
            p = new ProcessBuilder("yosys", "-q", "-l", log.toString(), "-s", ys.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                kill(p);
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                List<String> tail = lines.subList(Math.max(0, lines.size() - 15), lines.size());
                throw new IOException("yosys failed on " + top + ":\n" + String.join("\n", tail));
            }
            return Optional.of(parse(top, lines));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while synthesizing " + top, e);
        } finally {
            deleteTree(dir);
        }
    }

    private static void kill(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The cells of the last "Number of cells" table of a Yosys log: the flattened top's, or for a
     * hierarchical run the design hierarchy's totals (printed after every module's own table).
     * LUT counts LUT1-6 plus LUT RAM and shift registers (they live in LUTs).
     */
    public static Resources parse(String top, List<String> lines) {
        // The last "Number of cells" table of the log is the flattened top.
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("Number of cells:")) {
                start = i;
            }
        }
        long lut = 0, ff = 0, dsp = 0, bram36 = 0, bram18 = 0, carry = 0;
        if (start >= 0) {
            for (int i = start + 1; i < lines.size(); i++) {
                Matcher m = CELL.matcher(lines.get(i));
                if (!m.matches()) {
                    if (lines.get(i).isBlank()) {
                        continue;
                    }
                    break;
                }
                String cell = m.group(1);
                long n = Long.parseLong(m.group(2));
                if (cell.matches("LUT[1-6]")) {
                    lut += n;
                } else if (cell.matches("FD[CPRSE]+")) {
                    ff += n;
                } else if (cell.startsWith("DSP48E2")) {
                    dsp += n;
                } else if (cell.startsWith("RAMB36")) {
                    bram36 += n;
                } else if (cell.startsWith("RAMB18")) {
                    bram18 += n;
                } else if (cell.startsWith("CARRY")) {
                    carry += n;
                } else if (cell.startsWith("RAM") || cell.startsWith("SRL")) {
                    lut += n; // distributed RAM and shift registers live in LUTs
                }
            }
        }
        return new Resources(top, lut, ff, dsp, bram36, bram18, carry);
    }

    /** Deletes a temporary folder this class or its callers made (never a user's). */
    public static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
