package io.vitgen.estimate;

import java.util.List;
import java.util.Locale;

import io.vitgen.config.ConfigLoader;

/**
 * {@code ./bench sweep [THREADS]}: the estimate of the default and the ZCU102 configuration, then a
 * sweep of 2,808 ZCU102 points (array rows and columns, requantizer lanes, batch, GELU lanes and
 * variant) - points per second, the most images/s within LUT <= 80 %, and the Pareto front's size.
 */
public final class SweepBenchmark {

    private SweepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        for (String board : List.of("none", "zcu102")) {
            Performance.Estimate e = Performance.of(new ConfigLoader().warnings(w -> { })
                    .set("target.board=" + board).load());
            System.out.printf(Locale.ROOT, "target.board=%s: %s, %.1f images/s, %,d cycles/image, MAC use %.1f%%,"
                    + " %,d DDR bytes/image (%.2f GB/s), %,d LUT, %,d DSP%n", board, e.array(), e.imagesPerSecond(),
                    e.imageCycles(), 100 * e.macUtilisation(), e.ddrBytesPerImage(), e.bandwidthGBs(),
                    e.total().luts(), e.total().dsps());
        }
        List<Sweep.Axis> axes = List.of(Sweep.axis("mac.rows=16:64:4"), Sweep.axis("mac.cols=16,32,48,64"),
                Sweep.axis("mac.requant.lanes=16,32,64"), Sweep.axis("compile.batch=1,2"),
                Sweep.axis("gelu.lanes=4,8,16"), Sweep.axis("gelu.variant=shiftgelu,igelu"));
        for (int run = 0; run < 2; run++) {
            long t0 = System.nanoTime();
            Sweep.Result r = Sweep.run(() -> new ConfigLoader().set("target.board=zcu102"), axes, threads, d -> { });
            double s = (System.nanoTime() - t0) / 1e9;
            Sweep.Point best = null;
            for (Sweep.Point p : r.points()) {
                if (p.fits() && p.luts() <= 0.8 * 274_080 && (best == null || p.imagesPerSecond() > best.imagesPerSecond())) {
                    best = p;
                }
            }
            System.out.printf(Locale.ROOT, "%s sweep: %,d points on %d threads in %.2f s (%,.0f points/s); %,d on the"
                    + " Pareto front; most images/s within LUT <= 80%%: %.1f %s%n", run == 0 ? "cold" : "warm",
                    r.points().size() + r.invalid(), threads, s, (r.points().size() + r.invalid()) / s,
                    r.points().stream().filter(Sweep.Point::pareto).count(), best.imagesPerSecond(), best.settings());
        }
    }
}
