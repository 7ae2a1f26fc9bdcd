package io.vitgen.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.Sweep;
import io.vitgen.estimate.SweepPlot;
import io.vitgen.estimate.YosysMeasure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitgen sweep}: the estimate over parameter ranges, as CSV and a plot with the Pareto front. */
@Command(name = "sweep", sortOptions = false,
        description = "estimate a design space (parameter ranges) in parallel: CSV and a PNG plot with the Pareto front",
        footer = {"", "Each --vary KEY=VALUES adds an axis: VALUES is a list (mac.dsp.packing=none,int8x2) or an"
            + " integer range FROM:TO[:STEP] or FROM..TO (mac.rows=8:64:8); KEY,KEY=VALUES sets several keys to the"
            + " same value (softmax.lanes,gelu.lanes=4,8,16). The sweep is the product of the axes on top of --config"
            + " and --set. Points whose configuration is invalid (e.g. int8x2 with odd mac.cols) are skipped and"
            + " counted. Writes DIR/NAME.csv and DIR/NAME.png; an existing file is replaced only with --force."
            + " Estimates only (docs/estimate.md); --yosys also synthesizes the Pareto points with Yosys"
            + " (synth_xilinx -family xcup, hierarchically; --threads at a time, all done or killed within"
            + " --yosys-timeout seconds) and adds their measured LUT, FF and DSP to the CSV."})
final class SweepCommand extends CliCommand {

    @Option(names = "--config", paramLabel = "FILE", description = "a properties file (keys: vitgen config --explain)")
    String configFile;

    @Option(names = "--set", paramLabel = "key=value", description = "fix one key for every point; repeatable")
    List<String> sets = new ArrayList<>();

    @Option(names = "--vary", paramLabel = "KEY=VALUES", description = "one axis of the sweep; repeatable")
    List<String> vary = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "folder of the CSV and the plot (default: out)")
    String out = "out";

    @Option(names = "--name", paramLabel = "NAME", description = "file name stem (default: sweep)")
    String fileName = "sweep";

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: all cores)")
    Integer threads;

    @Option(names = "--force", description = "replace existing NAME.csv / NAME.png")
    boolean force;

    @Option(names = "--yosys", description = "also run Yosys on the Pareto points; their LUT/FF/DSP go into the CSV")
    boolean yosys;

    @Option(names = "--yosys-timeout", paramLabel = "SECONDS",
            description = "with --yosys: every Yosys run ends by then, or is killed (default: 1800)")
    long yosysTimeout = 1800;

    @Override
    public Integer call() {
        if (vary.isEmpty()) {
            return usageError("give at least one --vary KEY=VALUES (e.g. --vary mac.rows=8:64:8)");
        }
        if (!fileName.matches("[A-Za-z0-9_.-]+") || fileName.startsWith(".")) {
            return usageError("--name '" + fileName + "' must be a plain file name (letters, digits, _ . -)");
        }
        if (threads != null && (threads < 1 || threads > 256)) {
            return usageError("--threads " + threads + " is outside 1..256");
        }
        Path dir;
        try {
            dir = Path.of(out);
        } catch (InvalidPathException e) {
            return usageError("--out '" + out + "' is not a valid folder name: " + e.getReason());
        }
        if (out.isBlank()) {
            return usageError("--out needs a folder name");
        }
        List<Sweep.Axis> axes = new ArrayList<>();
        long size;
        try {
            for (String v : vary) {
                axes.add(Sweep.axis(v));
            }
            size = Sweep.size(axes);
        } catch (Sweep.RangeException e) {
            return usageError(e.getMessage());
        }
        Supplier<ConfigLoader> base = () -> {
            ConfigLoader l = new ConfigLoader();
            if (configFile != null) {
                l.file(Path.of(configFile));
            }
            for (String s : sets) {
                l.set(s);
            }
            return l;
        };
        try {
            base.get().warnings(w -> { }).load();
        } catch (ConfigException e) {
            io.err().println(name() + ": the base configuration (--config, --set): " + e.getMessage());
            return 2;
        }
        Path csv = dir.resolve(fileName + ".csv");
        Path png = dir.resolve(fileName + ".png");
        for (Path p : List.of(csv, png)) {
            if (Files.exists(p) && !force) {
                return usageError(p + " exists; give --force to replace it, or another --name / --out");
            }
            if (Files.isDirectory(p)) {
                return usageError(p + " is a folder");
            }
        }
        if (yosysTimeout < 1 || yosysTimeout > 86_400) {
            return usageError("--yosys-timeout " + yosysTimeout + " is outside 1..86400 seconds");
        }
        if (yosys && !YosysMeasure.available()) {
            io.err().println(name() + ": --yosys needs yosys on the PATH (apt-get install yosys); nothing was written");
            return 2;
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        long t0 = System.nanoTime();
        Progress bar = new Progress(size);
        Sweep.Result r;
        try {
            r = Sweep.run(base, axes, n, bar::update);
        } catch (Sweep.RangeException e) {
            return usageError(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println(name() + ": interrupted");
            return 1;
        }
        bar.finish();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.points().isEmpty()) {
            io.err().println(name() + ": none of the " + size + " points is a valid configuration; the first: "
                    + r.firstInvalid());
            return 2;
        }
        java.util.Map<Integer, YosysMeasure.Measured> measured = null;
        double yosysSeconds = 0;
        if (yosys) {
            long front = r.points().stream().filter(Sweep.Point::pareto).count();
            io.err().printf(Locale.ROOT, "yosys on the %d Pareto points, %d at a time, at most %d s%n", front,
                    Math.min(n, Math.max(1, front)), yosysTimeout);
            long y0 = System.nanoTime();
            Progress ybar = new Progress(Math.max(1, front));
            try {
                measured = Sweep.measurePareto(base, r, n, yosysTimeout, ybar::update);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                io.err().println(name() + ": interrupted");
                return 1;
            }
            ybar.finish();
            yosysSeconds = (System.nanoTime() - y0) / 1e9;
        }
        try {
            Files.createDirectories(dir);
            byte[] plot = SweepPlot.png(r, "vitgen sweep: " + String.join(" x ", vary), 1400, 700);
            write(csv, Sweep.csv(r, measured).getBytes(StandardCharsets.UTF_8));
            write(png, plot);
        } catch (IOException e) {
            io.err().println(name() + ": " + e.getMessage());
            return 1;
        }
        long front = r.points().stream().filter(Sweep.Point::pareto).count();
        io.out().printf(Locale.ROOT, "%,d points (%,d valid, %,d invalid) on %d threads in %.2f s; %,d on the Pareto front%n",
                size, r.points().size(), r.invalid(), n, seconds, front);
        if (r.invalid() > 0) {
            io.out().println("  first invalid point: " + r.firstInvalid());
        }
        Sweep.Point best = null;
        for (Sweep.Point p : r.points()) {
            if (p.fits() && (best == null || p.imagesPerSecond() > best.imagesPerSecond())) {
                best = p;
            }
        }
        if (best != null) {
            io.out().printf(Locale.ROOT, "  most images/s that fits: %.1f (%s; %,d LUT, %,d DSP)%n", best.imagesPerSecond(),
                    best.settings(), best.luts(), best.dsps());
        }
        if (measured != null) {
            long ok = measured.values().stream().filter(YosysMeasure.Measured::ok).count();
            io.out().printf(Locale.ROOT, "  yosys: %d of %d Pareto points measured in %.1f s (columns yosys_* of the CSV)%n",
                    ok, measured.size(), yosysSeconds);
        }
        io.out().println("wrote " + csv + " and " + png);
        return 0;
    }

    /** Writes beside the target, then renames over it: never half-written. */
    private static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".vitgen-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A progress bar on stderr, redrawn at most every 100 ms. */
    private final class Progress {
        private final long total;
        private long last;

        Progress(long total) {
            this.total = total;
        }

        synchronized void update(int done) {
            long now = System.nanoTime();
            if (done < total && now - last < 100_000_000L) {
                return;
            }
            last = now;
            int w = 40;
            int filled = (int) (w * done / total);
            io.err().print(String.format(Locale.ROOT, "\r[%s%s] %,d/%,d points", "#".repeat(filled),
                    ".".repeat(w - filled), done, total));
            io.err().flush();
        }

        void finish() {
            io.err().println();
        }
    }
}
