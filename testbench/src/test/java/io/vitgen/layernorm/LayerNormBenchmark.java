package io.vitgen.layernorm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;

/**
 * Benchmark of {@code vitgen_layernorm} (not a test): for DeiT row lengths C = 192, 384, 768 it
 * streams back-to-back rows with valid and ready always high and prints the steady-state
 * channels per cycle and the latency of a lone row; with {@code --synth} it also runs Yosys
 * ({@code synth_xilinx -family xcup}) on each configuration. Outputs are checked against the
 * golden model on the way. Run (from the repository root, see docs/layernorm.md):
 *
 * <pre>
 * ./bench layernorm [--synth] [lanes:maxC:int8|raw ...]
 * </pre>
 * Default configurations: 4:768:int8 (the shipped defaults), 1:768:raw, 16:768:int8.
 */
public final class LayerNormBenchmark {

    private static final int[] SHAPES = {192, 384, 768};
    private static final int ROWS = Integer.getInteger("rows", 200);

    private LayerNormBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        boolean synth = false;
        List<String> configs = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--synth")) {
                synth = true;
            } else {
                configs.add(a);
            }
        }
        if (configs.isEmpty()) {
            configs = List.of("4:768:int8", "1:768:raw", "16:768:int8");
        }
        System.out.println("| lanes | max C | output | C | channels/cycle | of lanes | latency last-in -> first-out"
                + " (documented) | first-in -> first-out | row period (cycles) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<String> synthLines = new ArrayList<>();
        for (String cfg : configs) {
            String[] p = cfg.split(":");
            int lanes = Integer.parseInt(p[0]);
            int maxC = Integer.parseInt(p[1]);
            boolean int8 = p[2].equals("int8");
            LayerNormRig rig = new LayerNormRig(lanes, maxC, int8);
            for (int c : SHAPES) {
                if (c <= rig.geometry.channelCap()) {
                    measure(rig, c);
                }
            }
            if (synth) {
                Path dir = Path.of("target", "rtl", "layernorm-synth-" + lanes + "x" + maxC + "-" + p[2]);
                List<Path> files = Emitter.writeModules(List.of(LayerNormUnit.spec(lanes, maxC, int8)), dir);
                long t0 = System.nanoTime();
                Resources r = Synthesis.run(files, "vitgen_layernorm", java.util.Map.of());
                synthLines.add("| " + lanes + " | " + maxC + " | " + p[2] + " | " + r.luts() + " | " + r.flipFlops()
                        + " | " + r.dsps() + " | " + r.bram36() + " | " + r.bram18() + " | " + r.carry() + " | "
                        + String.format("%.0f s", (System.nanoTime() - t0) / 1e9) + " |");
            }
        }
        if (synth) {
            System.out.println();
            System.out.println("| lanes | max C | output | LUT | FF | DSP48E2 | RAMB36 | RAMB18 | CARRY8 | Yosys time |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            synthLines.forEach(System.out::println);
        }
    }

    private static void measure(LayerNormRig rig, int c) {
        LayerNormGeometry g = rig.geometry;
        LayerNormRig.Timing t = rig.measure(c, ROWS, 0xBE4C_0000L + 1000L * g.lanes() + c);
        int beats = rig.beats(c);
        System.out.printf("| %d | %d | %s | %d | %.3f | %.1f%% | %d (%d) | %d | %.2f |%n", g.lanes(), g.maxChannels(),
                g.int8() ? "int8" : "raw", c, t.channelsPerCycle(), 100.0 * t.channelsPerCycle() / g.lanes(),
                t.latency(), g.latency(), t.latency() + beats - 1, t.rowPeriod());
    }
}
