package io.vitgen.softmax;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.estimate.ResourceModel;
import io.vitgen.estimate.Usage;
import io.vitgen.hw.softmax.SoftmaxUnit;

/**
 * {@code ./bench softmax-lanes}: Yosys 0.23 {@code synth_xilinx -family xcup} (hierarchical, {@link
 * Synthesis#script}) of {@code vitgen_softmax} as a DeiT-Tiny configuration selects it (the divider
 * bank sized for rows of 197 keys) at 16, 32 and 64 lanes, next to ResourceModel's formula, with the
 * error of each. Not a test: each run takes minutes. Arguments: the lanes to run (default 16 32 64),
 * and {@code log2} (the log2 output) or {@code b16} (Shiftmax b = 16) instead of Shiftmax b = 8.
 */
public final class SoftmaxLaneResources {

    private SoftmaxLaneResources() {
    }

    public static void main(String[] args) throws Exception {
        if (!Synthesis.available()) {
            throw new IllegalStateException("yosys is not on the PATH");
        }
        boolean log2 = List.of(args).contains("log2");
        int outBits = List.of(args).contains("b16") ? 16 : 8;
        List<Integer> lanes = new ArrayList<>();
        for (String a : args) {
            if (a.matches("\\d+")) {
                lanes.add(Integer.parseInt(a));
            }
        }
        if (lanes.isEmpty()) {
            lanes = List.of(16, 32, 64);
        }
        System.out.println("| vitgen_softmax | dividers | LUT est / Yosys | FF est / Yosys | DSP est / Yosys |"
                + " BRAM36 est / Yosys (RAMB36 + RAMB18 / 2) | Yosys time |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (int l : lanes) {
            Config c = config(l, log2, outBits);
            SoftmaxUnit.Params p = SoftmaxUnit.params(c);
            Path dir = Path.of("target", "rtl", "softmax-lanes-" + (log2 ? "log2-" : "b8-") + l);
            List<Path> files = Emitter.writeModules(List.of(SoftmaxUnit.spec(p)), dir);
            Map<String, Long> params = new HashMap<>();
            p.verilogParameters().forEach((k, v) -> params.put(k, Long.parseLong(v)));
            long t0 = System.nanoTime();
            Resources r = Synthesis.run(files, SoftmaxUnit.NAME, params, false,
                    System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1))
                    .orElseThrow(() -> new IllegalStateException("yosys did not finish within an hour"));
            Usage e = ResourceModel.softmax(p.lanes(), p.maxRow(), p.log2(), p.outBits());
            double bram = r.bram36() + r.bram18() / 2.0;
            System.out.printf(Locale.ROOT, "| %s, %d lanes, MAX_ROW %d | %s | %,d / %,d (%+.1f %%) | %,d / %,d (%+.1f %%)"
                    + " | %d / %d | %.1f / %.1f | %.0f s |%n",
                    log2 ? "log2" : "Shiftmax b = " + p.outBits(), l, p.maxRow(),
                    p.log2() ? "none" : p.divPipelined() ? "pipelined" : p.dividers() + " iterative",
                    e.luts(), r.luts(), pct(e.luts(), r.luts()), e.flipFlops(), r.flipFlops(), pct(e.flipFlops(), r.flipFlops()),
                    e.dsps(), r.dsps(), e.bram36(), bram, (System.nanoTime() - t0) / 1e9);
        }
    }

    static double pct(long est, long meas) {
        return 100.0 * (est - meas) / meas;
    }

    /** DeiT-Tiny, a 512-bit port, the given lanes and output. */
    static Config config(int lanes, boolean log2, int outBits) throws Exception {
        Map<String, String> m = new HashMap<>(Map.of("target.mem.bits", "512", "softmax.lanes", "" + lanes,
                "softmax.variant", log2 ? "log2" : "shiftmax"));
        if (!log2) {
            m.put("softmax.out.bits", "" + outBits);
        }
        return new ConfigLoader().warnings(w -> { }).setAll(m).load();
    }
}
