package io.vitgen.estimate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
                java.util.Optional<io.vitgen.emit.Resources> cells =
                        io.vitgen.emit.Synthesis.run(files, b.name(), Map.of(), false, deadlineNanos);
                if (cells.isEmpty()) {
                    return new Measured(0, 0, 0, (System.nanoTime() - t0) / 1e9, "timeout");
                }
                lut += cells.get().luts();
                ff += cells.get().flipFlops();
                dsp += cells.get().dsps();
            }
            return new Measured(lut, ff, dsp, (System.nanoTime() - t0) / 1e9, "ok");
        } catch (IOException | RuntimeException e) {
            if (Thread.interrupted()) {
                // Synthesis killed Yosys and kept the interrupt: hand it on as the caller expects
                throw new InterruptedException(e.getMessage());
            }
            return new Measured(0, 0, 0, (System.nanoTime() - t0) / 1e9, "failed: " + e.getMessage());
        } finally {
            if (dir != null) {
                io.vitgen.emit.Synthesis.deleteTree(dir);
            }
        }
    }
}
