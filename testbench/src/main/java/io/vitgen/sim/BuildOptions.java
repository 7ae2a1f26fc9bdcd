package io.vitgen.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to build a harness. Immutable; start from {@link #defaults()} and derive with the
 * {@code with*} methods.
 */
public final class BuildOptions {

    private final Optional<WaveFormat> waves;
    private final List<String> extraVerilatorFlags;
    private final Optional<Path> cacheDir;
    private final boolean useCcache;
    private final int jobs;

    private BuildOptions(Optional<WaveFormat> waves, List<String> extraVerilatorFlags,
            Optional<Path> cacheDir, boolean useCcache, int jobs) {
        this.waves = waves;
        this.extraVerilatorFlags = List.copyOf(extraVerilatorFlags);
        this.cacheDir = cacheDir;
        this.useCcache = useCcache;
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        this.jobs = jobs;
    }

    /** No tracing, no extra flags, the default cache, ccache when installed, 2 make jobs. */
    public static BuildOptions defaults() {
        return new BuildOptions(Optional.empty(), List.of(), Optional.empty(), true,
                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())));
    }

    /** A traced build (slower) able to write waveforms of the given format. */
    public BuildOptions withWaves(WaveFormat format) {
        return new BuildOptions(Optional.of(Objects.requireNonNull(format, "format")),
                extraVerilatorFlags, cacheDir, useCcache, jobs);
    }

    /** Extra Verilator options (part of the cache key). */
    public BuildOptions withExtraVerilatorFlags(List<String> flags) {
        List<String> all = new ArrayList<>(extraVerilatorFlags);
        for (String f : flags) {
            all.add(Objects.requireNonNull(f, "flag"));
        }
        return new BuildOptions(waves, all, cacheDir, useCcache, jobs);
    }

    /** Builds go to this directory instead of the default cache. */
    public BuildOptions withCacheDir(Path dir) {
        return new BuildOptions(waves, extraVerilatorFlags, Optional.of(dir), useCcache, jobs);
    }

    /** Whether to compile through ccache when it is installed (default true). */
    public BuildOptions withCcache(boolean use) {
        return new BuildOptions(waves, extraVerilatorFlags, cacheDir, use, jobs);
    }

    /** Parallel make jobs. */
    public BuildOptions withJobs(int n) {
        return new BuildOptions(waves, extraVerilatorFlags, cacheDir, useCcache, n);
    }

    public Optional<WaveFormat> waves() {
        return waves;
    }

    public List<String> extraVerilatorFlags() {
        return extraVerilatorFlags;
    }

    public Optional<Path> cacheDir() {
        return cacheDir;
    }

    public boolean useCcache() {
        return useCcache;
    }

    public int jobs() {
        return jobs;
    }
}
