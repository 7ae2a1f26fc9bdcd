package io.vitgen.estimate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.config.Key;
import io.vitgen.config.Schema;

/**
 * A design-space sweep: the cartesian product of parameter ranges, each point estimated with
 * {@link Performance#of} (no synthesis), in parallel; the Pareto front of images/s against DSP and
 * LUT among the points that fit the part.
 */
public final class Sweep {

    /** Most points one sweep may have. */
    public static final int MAX_POINTS = 200_000;

    private Sweep() {
    }

    /** One axis: the keys it sets (all to the same value) and its values, in order. */
    public record Axis(List<String> keys, List<String> values) {
    }

    /** A bad range, for a usage error. */
    public static final class RangeException extends Exception {
        public RangeException(String message) {
            super(message);
        }
    }

    /** One evaluated point. */
    public record Point(int index, Map<String, String> settings, double imagesPerSecond, long cyclesPerImage,
                        double macUtilisation, long luts, long flipFlops, long dsps, double bram36, boolean fits,
                        double bandwidthGBs, boolean pareto) {
        Point withPareto(boolean p) {
            return new Point(index, settings, imagesPerSecond, cyclesPerImage, macUtilisation, luts, flipFlops, dsps,
                    bram36, fits, bandwidthGBs, p);
        }
    }

    /** The result: the valid points in sweep order, and the configurations refused (with the first reason). */
    public record Result(List<Axis> axes, List<Point> points, int invalid, String firstInvalid, String part) {
    }

    /**
     * Parses {@code KEY[,KEY...]=VALUES}: VALUES is a comma list ({@code 8,16,32}, {@code none,int8x2})
     * or, for an integer key, {@code FROM:TO[:STEP]} (inclusive, STEP default 1) or {@code FROM..TO}.
     * Every value must be allowed for every key.
     */
    public static Axis axis(String spec) throws RangeException {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new RangeException("--vary '" + spec + "' is not KEY=VALUES (e.g. mac.rows=8:64:8 or"
                    + " mac.dsp.packing=none,int8x2)");
        }
        List<String> keys = new ArrayList<>();
        for (String k : spec.substring(0, eq).split(",", -1)) {
            String key = k.trim();
            Key known = Schema.key(key);
            if (known == null) {
                throw new RangeException("--vary '" + spec + "': unknown key '" + key + "'; the nearest known key is '"
                        + Schema.nearest(key) + "' (all keys: vitgen config --explain)");
            }
            if (keys.contains(key)) {
                throw new RangeException("--vary '" + spec + "': key " + key + " is listed twice");
            }
            keys.add(key);
        }
        String range = spec.substring(eq + 1).trim();
        List<String> values = new ArrayList<>();
        String[] r = range.contains("..") ? range.split("\\.\\.", -1) : range.contains(":") ? range.split(":", -1) : null;
        if (r != null) {
            if (r.length < 2 || r.length > 3 || (range.contains("..") && r.length != 2)) {
                throw new RangeException("--vary '" + spec + "': a range is FROM:TO[:STEP] or FROM..TO");
            }
            long from = integer(spec, r[0]);
            long to = integer(spec, r[1]);
            long step = r.length == 3 ? integer(spec, r[2]) : 1;
            if (step <= 0) {
                throw new RangeException("--vary '" + spec + "': STEP must be positive, got " + step);
            }
            if (to < from) {
                throw new RangeException("--vary '" + spec + "': the range is empty (TO " + to + " < FROM " + from + ")");
            }
            if ((to - from) / step + 1 > MAX_POINTS) {
                throw new RangeException("--vary '" + spec + "': more than " + MAX_POINTS + " values");
            }
            for (long v = from; v <= to; v += step) {
                values.add(Long.toString(v));
            }
        } else {
            for (String v : range.split(",", -1)) {
                if (v.trim().isEmpty()) {
                    throw new RangeException("--vary '" + spec + "': empty value in the list '" + range + "'");
                }
                if (values.contains(v.trim())) {
                    throw new RangeException("--vary '" + spec + "': value " + v.trim() + " is listed twice");
                }
                values.add(v.trim());
            }
        }
        for (String key : keys) {
            Key k = Schema.key(key);
            for (String v : values) {
                String why = k.check(v);
                if (why != null) {
                    throw new RangeException("--vary '" + spec + "': " + key + "=" + v + ": " + why);
                }
            }
        }
        return new Axis(List.copyOf(keys), List.copyOf(values));
    }

    private static long integer(String spec, String s) throws RangeException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new RangeException("--vary '" + spec + "': '" + s.trim() + "' is not an integer");
        }
    }

    /** Points of the product of {@code axes}; throws when above {@link #MAX_POINTS} or when a key is on two axes. */
    public static long size(List<Axis> axes) throws RangeException {
        long n = 1;
        List<String> seen = new ArrayList<>();
        for (Axis a : axes) {
            for (String k : a.keys()) {
                if (seen.contains(k)) {
                    throw new RangeException("key " + k + " is varied twice; give it in one --vary");
                }
                seen.add(k);
            }
            n *= a.values().size();
            if (n > MAX_POINTS) {
                throw new RangeException("the sweep has more than " + MAX_POINTS + " points; narrow a range");
            }
        }
        return n;
    }

    /**
     * Evaluates every point on {@code threads} threads. {@code base} makes the loader of the base
     * configuration (file and --set), to which each point's settings are added; {@code progress}
     * receives the number of points done (from any thread).
     */
    public static Result run(Supplier<ConfigLoader> base, List<Axis> axes, int threads, IntConsumer progress)
            throws RangeException, InterruptedException {
        int total = (int) size(axes);
        List<Map<String, String>> settings = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            Map<String, String> m = new LinkedHashMap<>();
            int rest = i;
            for (int a = axes.size() - 1; a >= 0; a--) {
                Axis ax = axes.get(a);
                String v = ax.values().get(rest % ax.values().size());
                rest /= ax.values().size();
                for (String k : ax.keys()) {
                    m.put(k, v);
                }
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (Axis ax : axes) {
                for (String k : ax.keys()) {
                    ordered.put(k, m.get(k));
                }
            }
            settings.add(ordered);
        }
        Point[] points = new Point[total];
        String[] invalid = new String[total];
        String[] part = new String[1];
        AtomicInteger done = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "vitgen-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < Math.max(1, threads); t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        ConfigLoader l = base.get().warnings(w -> { });
                        for (Map.Entry<String, String> e : settings.get(i).entrySet()) {
                            l.set(e.getKey() + "=" + e.getValue());
                        }
                        try {
                            Config c = l.load();
                            Performance.Estimate e = Performance.of(c);
                            part[0] = e.part();
                            points[i] = new Point(i, settings.get(i), e.imagesPerSecond(), e.imageCycles(),
                                    e.macUtilisation(), e.total().luts(), e.total().flipFlops(), e.total().dsps(),
                                    e.total().bram36(), e.problems().isEmpty(), e.bandwidthGBs(), false);
                        } catch (ConfigException x) {
                            invalid[i] = x.getMessage();
                        }
                        progress.accept(done.incrementAndGet());
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException x) {
                    throw new IllegalStateException("sweep point failed: " + x.getCause(), x.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<Point> valid = new ArrayList<>();
        int bad = 0;
        String first = null;
        for (int i = 0; i < total; i++) {
            if (points[i] != null) {
                valid.add(points[i]);
            } else {
                bad++;
                if (first == null) {
                    first = settings.get(i) + ": " + invalid[i].replace('\n', ' ');
                }
            }
        }
        return new Result(axes, pareto(valid), bad, first, part[0]);
    }

    /**
     * Marks the Pareto front: the fitting points that no other fitting point dominates (at least as
     * many images/s, at most as many DSP and LUT, better in one).
     */
    public static List<Point> pareto(List<Point> points) {
        List<Point> fit = new ArrayList<>();
        for (Point p : points) {
            if (p.fits()) {
                fit.add(p);
            }
        }
        // sort by images/s descending, then DSP, then LUT; a point is on the front when no earlier point dominates it
        List<Point> sorted = new ArrayList<>(fit);
        sorted.sort((a, b) -> a.imagesPerSecond() != b.imagesPerSecond()
                ? Double.compare(b.imagesPerSecond(), a.imagesPerSecond())
                : a.dsps() != b.dsps() ? Long.compare(a.dsps(), b.dsps()) : Long.compare(a.luts(), b.luts()));
        List<Point> front = new ArrayList<>();
        java.util.Set<Integer> onFront = new java.util.HashSet<>();
        for (Point p : sorted) {
            boolean dominated = false;
            for (Point q : front) {
                if (dominates(q, p)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(p);
                onFront.add(p.index());
            }
        }
        List<Point> out = new ArrayList<>(points.size());
        for (Point p : points) {
            out.add(p.withPareto(onFront.contains(p.index())));
        }
        return Collections.unmodifiableList(out);
    }

    /** Does {@code a} dominate {@code b}: no worse on images/s, DSP and LUT, better on one? */
    public static boolean dominates(Point a, Point b) {
        boolean noWorse = a.imagesPerSecond() >= b.imagesPerSecond() && a.dsps() <= b.dsps() && a.luts() <= b.luts();
        boolean better = a.imagesPerSecond() > b.imagesPerSecond() || a.dsps() < b.dsps() || a.luts() < b.luts();
        return noWorse && better;
    }

    /** The CSV: one line per valid point, the varied keys first. */
    public static String csv(Result r) {
        return csv(r, null);
    }

    /**
     * Yosys on the Pareto points of {@code r} ({@code vitgen sweep --yosys}): {@code threads} at a
     * time, every run ending by {@code timeoutSeconds} from now (later ones are killed and reported
     * as timed out). Returns the measurements by point index.
     */
    public static Map<Integer, YosysMeasure.Measured> measurePareto(Supplier<ConfigLoader> base, Result r, int threads,
            long timeoutSeconds, IntConsumer progress) throws InterruptedException {
        List<Point> front = new ArrayList<>();
        for (Point p : r.points()) {
            if (p.pareto()) {
                front.add(p);
            }
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        Map<Integer, YosysMeasure.Measured> out = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int n = Math.max(1, Math.min(threads, front.size()));
        ExecutorService pool = Executors.newFixedThreadPool(n, t -> {
            Thread th = new Thread(t, "vitgen-sweep-yosys");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                jobs.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < front.size(); i = next.getAndIncrement()) {
                        Point p = front.get(i);
                        ConfigLoader l = base.get().warnings(w -> { });
                        for (Map.Entry<String, String> e : p.settings().entrySet()) {
                            l.set(e.getKey() + "=" + e.getValue());
                        }
                        YosysMeasure.Measured m;
                        try {
                            m = YosysMeasure.run(l.load(), deadline);
                        } catch (ConfigException x) {
                            m = new YosysMeasure.Measured(0, 0, 0, 0, "failed: " + x.getMessage());
                        }
                        out.put(p.index(), m);
                        progress.accept(done.incrementAndGet());
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException x) {
                    throw new IllegalStateException("yosys on a sweep point failed: " + x.getCause(), x.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /**
     * The CSV with, when {@code yosys} is not null, the Yosys columns (LUT, FF, DSP48E2, seconds, status)
     * filled for the measured points and empty for the others.
     */
    public static String csv(Result r, Map<Integer, YosysMeasure.Measured> yosys) {
        StringBuilder sb = new StringBuilder();
        List<String> keys = new ArrayList<>();
        for (Axis a : r.axes()) {
            keys.addAll(a.keys());
        }
        sb.append("point");
        for (String k : keys) {
            sb.append(',').append(k);
        }
        sb.append(",images_per_s,cycles_per_image,mac_utilisation,lut,ff,dsp,bram36,fits,ddr_gb_per_s,pareto");
        sb.append(yosys != null ? ",yosys_lut,yosys_ff,yosys_dsp,yosys_seconds,yosys_status\n" : "\n");
        for (Point p : r.points()) {
            sb.append(p.index());
            for (String k : keys) {
                sb.append(',').append(p.settings().get(k));
            }
            sb.append(String.format(Locale.ROOT, ",%.2f,%d,%.4f,%d,%d,%d,%s,%b,%.3f,%b", p.imagesPerSecond(),
                    p.cyclesPerImage(), p.macUtilisation(), p.luts(), p.flipFlops(), p.dsps(),
                    FitCheck.bram(p.bram36()).replace(",", ""), p.fits(), p.bandwidthGBs(), p.pareto()));
            if (yosys != null) {
                YosysMeasure.Measured m = yosys.get(p.index());
                if (m == null) {
                    sb.append(",,,,,");
                } else if (m.ok()) {
                    sb.append(String.format(Locale.ROOT, ",%d,%d,%d,%.1f,ok", m.luts(), m.flipFlops(), m.dsps(),
                            m.seconds()));
                } else {
                    sb.append(String.format(Locale.ROOT, ",,,,%.1f,%s", m.seconds(),
                            m.status().replaceAll("[,\\r\\n\"]", " ")));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
