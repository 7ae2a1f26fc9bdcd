package io.vitgen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Yosys' {@code synth_xilinx -family xcup} on a module and reads its cell counts. This is an
 * estimate (no timing, no place and route, no DSP packing inference), good for comparing
 * configurations and for the resource table in report.md.
 *
 * <p>The design is mapped hierarchically (no {@code -flatten}): each distinct module is optimized
 * and mapped once and {@code stat} sums the design hierarchy. Flattened, the accelerator top did
 * not finish in 30 minutes even at 2 x 2: in one netlist of the whole top, every round of Yosys'
 * {@code opt} loop costs seconds, and the pipelined dividers (ShiftGELU's, LayerNorm's) hand
 * constant bits on one stage per round, so the loop ran for hundreds of rounds. Hierarchically the
 * same loop runs on each small module; the totals differ from a flattened run only by what crosses
 * module boundaries (constant inputs, unused outputs; docs/fpga.md has both).
 */
public final class Synthesis {

    private static final Pattern CELL = Pattern.compile("^\\s+(\\w+)\\s+(\\d+)\\s*$");

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
     * Synthesizes {@code top} from {@code files} with the given parameter overrides and returns
     * its resources. Throws with Yosys' last lines when it fails.
     */
    public static Resources run(List<Path> files, String top, Map<String, Long> parameters) throws IOException {
        StringBuilder script = new StringBuilder();
        for (Path f : files) {
            script.append("read_verilog -defer ").append(f.toAbsolutePath()).append('\n');
        }
        script.append("hierarchy -top ").append(top);
        parameters.forEach((k, v) -> script.append(" -chparam ").append(k).append(' ').append(v));
        script.append('\n');
        script.append("synth_xilinx -family xcup -top ").append(top).append('\n');
        script.append("stat\n");
        Path dir = Files.createTempDirectory("vitgen-yosys");
        try {
            Path ys = dir.resolve("synth.ys");
            Files.writeString(ys, script.toString(), StandardCharsets.UTF_8);
            Path log = dir.resolve("yosys.log");
            Process p = new ProcessBuilder("yosys", "-q", "-l", log.toString(), "-s", ys.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
            boolean done = p.waitFor(30, TimeUnit.MINUTES);
            if (!done) {
                p.destroyForcibly();
                throw new IOException("yosys did not finish synthesizing " + top + " within 30 minutes");
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                List<String> tail = lines.subList(Math.max(0, lines.size() - 15), lines.size());
                throw new IOException("yosys failed on " + top + ":\n" + String.join("\n", tail));
            }
            return parse(top, lines);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while synthesizing " + top, e);
        } finally {
            deleteTree(dir);
        }
    }

    static Resources parse(String top, List<String> lines) {
        // The last "Number of cells" table of the log is the design hierarchy's total (or the only module's).
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

    static void deleteTree(Path dir) {
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
