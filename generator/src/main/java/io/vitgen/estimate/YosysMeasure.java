package io.vitgen.estimate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vitgen.config.Config;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.ModuleSpec;

/**
 * Yosys on one configuration ({@code vitgen sweep --yosys}): every block whose resources the estimate
 * models ({@link ResourceModel#blocks}: the GEMM engine, softmax, LayerNorm, GELU), with {@code synth_xilinx -family xcup} hierarchically (each distinct module mapped once,
 * the design hierarchy's totals counted - what makes a 64-column array take minutes, not hours; on
 * the 16x16 array it agrees with the flattened run within 0.2 % LUT, 3 % FF), LUT (LUT1-6, SRL,
 * LUT RAM), FF and DSP48E2 summed over the blocks. Bounded: a run still going at the deadline is
 * killed and the point reported as timed out.
 */
public final class YosysMeasure {

    private static final Pattern CELL = Pattern.compile("^\\s+(\\S+)\\s+(\\d+)\\s*$");

    private YosysMeasure() {
    }

    /** The measured cells of one configuration; {@code status} is "ok", "timeout" or "failed: ...". */
    public record Measured(long luts, long flipFlops, long dsps, double seconds, String status) {
        public boolean ok() {
            return "ok".equals(status);
        }
    }

    /** True when a {@code yosys} executable runs (the same probe as the generator's synthesis). */
    public static boolean available() {
        return io.vitgen.emit.Synthesis.available();
    }

    /**
     * Synthesizes the blocks of {@code config} until {@code deadlineNanos} ({@link System#nanoTime()});
     * throws InterruptedException (after killing Yosys) when interrupted.
     */
    public static Measured run(Config config, long deadlineNanos) throws InterruptedException {
        long t0 = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vitgen-sweep-yosys-");
            List<ModuleSpec> blocks = Accelerator.blocks(config);
            for (Map.Entry<String, String> e : Emitter.render(blocks).entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            // the blocks the estimate's columns cover (ResourceModel.blocks), so the two compare
            java.util.Set<String> estimated = new java.util.HashSet<>();
            for (Usage u : ResourceModel.blocks(config)) {
                estimated.add(u.block());
            }
            long lut = 0;
            long ff = 0;
            long dsp = 0;
            for (ModuleSpec b : blocks) {
                if (!b.synthesize() || !estimated.contains(b.name())) {
                    continue;
                }
                List<Path> files = new ArrayList<>();
                for (ModuleSpec m : b.flatten()) {
                    files.add(dir.resolve(m.name() + ".v"));
                }
                long[] cells = synthesize(dir, files, b.name(), deadlineNanos);
                if (cells == null) {
                    return new Measured(0, 0, 0, (System.nanoTime() - t0) / 1e9, "timeout");
                }
                lut += cells[0];
                ff += cells[1];
                dsp += cells[2];
            }
            return new Measured(lut, ff, dsp, (System.nanoTime() - t0) / 1e9, "ok");
        } catch (IOException | RuntimeException e) {
            return new Measured(0, 0, 0, (System.nanoTime() - t0) / 1e9, "failed: " + e.getMessage());
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    /** {LUT, FF, DSP} of {@code top}, or null when the deadline passed (Yosys killed). */
    private static long[] synthesize(Path dir, List<Path> files, String top, long deadlineNanos)
            throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder();
        for (Path f : files) {
            script.append("read_verilog -defer ").append(f.toAbsolutePath()).append('\n');
        }
        script.append("hierarchy -top ").append(top).append('\n');
        script.append("synth_xilinx -family xcup -top ").append(top).append('\n');
        script.append("stat\n");
        Path ys = dir.resolve(top + ".ys");
        Path log = dir.resolve(top + ".log");
        Files.writeString(ys, script.toString(), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("yosys", "-q", "-l", log.toString(), "-s", ys.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(top + ".out").toFile()).start();
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                kill(p);
                return null;
            }
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("yosys failed on " + top + ": "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        }
        return cells(lines);
    }

    /** {LUT, FF, DSP} of the last totals of a Yosys log (the design hierarchy's, or the only module's). */
    static long[] cells(List<String> lines) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("=== design hierarchy ===")) {
                start = i;
            }
        }
        if (start < 0) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("Number of cells:")) {
                    start = i - 1;
                }
            }
        }
        long lut = 0;
        long ff = 0;
        long dsp = 0;
        boolean counting = false;
        for (int i = Math.max(0, start); i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.contains("Number of cells:")) {
                counting = true;
                continue;
            }
            if (!counting) {
                continue;
            }
            Matcher m = CELL.matcher(l);
            if (!m.matches()) {
                if (l.isBlank()) {
                    continue;
                }
                break;
            }
            String cell = m.group(1);
            long n = Long.parseLong(m.group(2));
            if (cell.matches("LUT[1-6]") || cell.startsWith("SRL") || (cell.startsWith("RAM") && !cell.startsWith("RAMB"))) {
                lut += n;
            } else if (cell.matches("FD[CPRSE]+")) {
                ff += n;
            } else if (cell.startsWith("DSP48E2")) {
                dsp += n;
            }
        }
        return new long[] {lut, ff, dsp};
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            Collections.reverse(all);
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
