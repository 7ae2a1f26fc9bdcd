package io.vitgen.gelu;

import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.estimate.ResourceModel;
import io.vitgen.estimate.Usage;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.gelu.IGeluUnit;
import io.vitgen.hw.gelu.ShiftGeluUnit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./bench gelu-lanes}: Yosys 0.23 {@code synth_xilinx -family xcup} (hierarchical: each
 * module mapped once, {@link Synthesis#script}) of the GELU block with int8 output at the given
 * lanes (default 32; i-GELU, or ShiftGELU at MAX_ROW 3072 with {@code shift}), next to
 * ResourceModel's formula and the error of each. Not a test: each run takes minutes.
 */
public final class GeluLaneResources {

    private GeluLaneResources() {
    }

    public static void main(String[] args) throws Exception {
        if (!Synthesis.available()) {
            throw new IllegalStateException("yosys is not on the PATH");
        }
        boolean shift = List.of(args).contains("shift");
        List<Integer> lanes = new ArrayList<>();
        for (String a : args) {
            if (a.matches("\\d+")) {
                lanes.add(Integer.parseInt(a));
            }
        }
        if (lanes.isEmpty()) {
            lanes = List.of(32);
        }
        System.out.println("| block | LUT est / Yosys | FF est / Yosys | DSP est / Yosys | BRAM36 est / Yosys"
                + " (RAMB36 + RAMB18 / 2) | Yosys time |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int l : lanes) {
            String name = shift ? "vitgen_shiftgelu" : "vitgen_igelu";
            ModuleSpec spec = shift ? ShiftGeluUnit.spec(l, 3072, true) : IGeluUnit.spec(l, true);
            List<Path> files = Emitter.writeModules(List.of(spec), Path.of("target", "rtl", "gelu-lanes-" + name + "-" + l));
            long t0 = System.nanoTime();
            Resources r = Synthesis.run(files, name, Map.of(), false,
                    System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1))
                    .orElseThrow(() -> new IllegalStateException("yosys did not finish within an hour"));
            Usage e = shift ? ResourceModel.shiftGelu(l, 3072, true) : ResourceModel.iGelu(l, true);
            double bram = r.bram36() + r.bram18() / 2.0;
            System.out.printf(Locale.ROOT, "| %s %d lanes, int8 | %,d / %,d (%+.1f %%) | %,d / %,d (%+.1f %%) | %d / %d"
                    + " | %.1f / %.1f | %.0f s |%n", name, l, e.luts(), r.luts(), pct(e.luts(), r.luts()), e.flipFlops(),
                    r.flipFlops(), pct(e.flipFlops(), r.flipFlops()), e.dsps(), r.dsps(), e.bram36(), bram,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    static double pct(long est, long meas) {
        return 100.0 * (est - meas) / meas;
    }
}
