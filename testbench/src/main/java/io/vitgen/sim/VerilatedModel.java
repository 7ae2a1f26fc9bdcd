package io.vitgen.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Verilator harness built for one top module with one set of parameter values: an executable in
 * the build cache that {@link #open(long)} starts as a child process.
 *
 * <p>Builds are keyed by the SHA-256 of the RTL bytes, the top, the parameters, the flags, the
 * harness sources and the Verilator and C++ compiler versions; a build happens in a temporary
 * directory that is renamed into place, so concurrent JVMs building the same key are safe.
 */
public final class VerilatedModel {

    /** Classpath folder holding the C++ harness and the shared flags (packaged from verilator/). */
    private static final String RESOURCES = "verilator/";
    private static final List<String> HARNESS_FILES = List.of("vitgen_harness.cpp", "vitgen_harness.h",
            "vitgen_axi_mem.cpp", "vitgen_axi_mem.h");
    private static final String EXE = "harness";
    private static final String PORTS = "ports.tsv";
    private static final String KEY_SALT = "vitgen-cosim-v1";
    private static final Pattern PORT_DECL = Pattern.compile(
            "VL_(IN|OUT|INOUT)(8|16|64|W)?\\(&(\\w+),(\\d+),(\\d+)(?:,\\d+)?\\);");

    private static final Map<String, Object> BUILD_LOCKS = new ConcurrentHashMap<>();
    private static volatile Toolchain toolchain;

    private final String top;
    private final Map<String, String> parameters;
    private final List<Path> sources;
    private final BuildOptions options;
    private final Path directory;
    private final Path executable;
    private final List<Port> ports;
    private final Map<String, Port> portsByName;
    private final boolean fromCache;
    private final long buildMillis;
    private final String key;

    private VerilatedModel(String top, Map<String, String> parameters, List<Path> sources,
            BuildOptions options, Path directory, List<Port> ports, boolean fromCache,
            long buildMillis, String key) {
        this.top = top;
        this.parameters = parameters;
        this.sources = sources;
        this.options = options;
        this.directory = directory;
        this.executable = directory.resolve(EXE);
        this.ports = List.copyOf(ports);
        Map<String, Port> byName = new LinkedHashMap<>();
        for (Port p : ports) {
            byName.put(p.name(), p);
        }
        this.portsByName = Collections.unmodifiableMap(byName);
        this.fromCache = fromCache;
        this.buildMillis = buildMillis;
        this.key = key;
    }

    /** Builds (or finds in the cache) the harness for {@code top} with default options. */
    public static VerilatedModel build(List<Path> verilogFiles, String top) {
        return build(verilogFiles, top, Map.of(), BuildOptions.defaults());
    }

    /** Builds (or finds in the cache) the harness for {@code top} with these -G overrides. */
    public static VerilatedModel build(List<Path> verilogFiles, String top, Map<String, String> parameters) {
        return build(verilogFiles, top, parameters, BuildOptions.defaults());
    }

    /**
     * Builds (or finds in the cache) the harness for {@code top}.
     *
     * @param verilogFiles the RTL, every module the top needs (order kept)
     * @param top          the top module name
     * @param parameters   Verilog parameter overrides (-G), may be empty
     * @param opts         build options
     */
    public static VerilatedModel build(List<Path> verilogFiles, String top, Map<String, String> parameters,
            BuildOptions opts) {
        Objects.requireNonNull(verilogFiles, "verilogFiles");
        Objects.requireNonNull(top, "top");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(opts, "opts");
        if (verilogFiles.isEmpty()) {
            throw new IllegalArgumentException("no Verilog files given for top " + top);
        }
        if (!top.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
            throw new IllegalArgumentException("not a module name: '" + top + "'");
        }
        List<Path> files = new ArrayList<>();
        for (Path f : verilogFiles) {
            Path abs = f.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs)) {
                throw new IllegalArgumentException("Verilog file not found: " + abs);
            }
            files.add(abs);
        }
        Map<String, String> params = new TreeMap<>(parameters);
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*") || e.getValue().isBlank()
                    || e.getValue().matches(".*\\s.*")) {
                throw new IllegalArgumentException("bad parameter override " + e.getKey() + "=" + e.getValue());
            }
        }

        Toolchain tools = toolchain();
        Map<String, byte[]> harness = harnessResources();
        List<String> verilatorFlags = flagLines(harness.get("verilator.flags"));
        List<String> makeFlags = flagLines(harness.get("make.flags"));
        List<String> allFlags = new ArrayList<>(verilatorFlags);
        opts.waves().ifPresent(w -> allFlags.add(w.verilatorFlag()));
        allFlags.addAll(opts.extraVerilatorFlags());

        String key = cacheKey(files, top, params, allFlags, makeFlags, harness, tools);
        Path cacheRoot = opts.cacheDir().orElseGet(VerilatedModel::defaultCacheDir);
        String suffix = opts.waves().map(w -> "-" + w.name().toLowerCase(java.util.Locale.ROOT)).orElse("");
        Path entry = cacheRoot.resolve(top + suffix + "-" + key.substring(0, 20));

        long t0 = System.nanoTime();
        pruneOnce(cacheRoot);
        Object lock = BUILD_LOCKS.computeIfAbsent(entry.toString(), k -> new Object());
        synchronized (lock) {
            if (isComplete(entry)) {
                markUsed(entry);
                return new VerilatedModel(top, params, files, opts, entry, readPorts(entry), true,
                        (System.nanoTime() - t0) / 1_000_000, key);
            }
            buildInto(entry, cacheRoot, files, top, params, allFlags, makeFlags, harness, tools, opts);
            return new VerilatedModel(top, params, files, opts, entry, readPorts(entry), false,
                    (System.nanoTime() - t0) / 1_000_000, key);
        }
    }

    /** The same RTL and parameters built with tracing, for waveforms of failing runs. */
    public VerilatedModel tracedVariant(WaveFormat format) {
        if (options.waves().equals(java.util.Optional.of(format))) {
            return this;
        }
        return build(sources, top, parameters, options.withWaves(format));
    }

    /** Starts a simulation with zero initial state. */
    public Simulation open(long seed) {
        return open(seed, SimOptions.defaults());
    }

    /** Starts a simulation. The seed drives every stall pattern and random initial state. */
    public Simulation open(long seed, SimOptions simOptions) {
        return Simulation.start(this, seed, simOptions);
    }

    public String top() {
        return top;
    }

    public Map<String, String> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    public List<Path> sources() {
        return List.copyOf(sources);
    }

    public List<Port> ports() {
        return ports;
    }

    /** The port with this name; fails listing the model's ports when there is none. */
    public Port port(String name) {
        Port p = portsByName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("top " + top + " has no port '" + name + "'; ports: "
                    + String.join(", ", portsByName.keySet()));
        }
        return p;
    }

    public boolean hasPort(String name) {
        return portsByName.containsKey(name);
    }

    /** The harness executable (runs the protocol on stdin/stdout, or {@code --replay FILE}). */
    public Path executable() {
        return executable;
    }

    /** The cache entry holding the executable, the port table and the build log. */
    public Path directory() {
        return directory;
    }

    /** True when this model came from the build cache without invoking Verilator. */
    public boolean fromCache() {
        return fromCache;
    }

    /** Wall time of {@link #build} for this model, in milliseconds. */
    public long buildMillis() {
        return buildMillis;
    }

    /** The full SHA-256 cache key (hex). */
    public String cacheKey() {
        return key;
    }

    public BuildOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return top + (parameters.isEmpty() ? "" : " " + parameters) + " @ " + directory;
    }

    // ------------------------------------------------------------------------------------------
    // Cache

    /** {@code $VITGEN_CACHE}, else {@code <vitgen.root>/.vitgen-cache}, else a temp folder. */
    static Path defaultCacheDir() {
        String env = System.getenv("VITGEN_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        String root = System.getProperty("vitgen.root");
        if (root != null && !root.isBlank() && Files.isDirectory(Path.of(root))) {
            return Path.of(root).toAbsolutePath().resolve(".vitgen-cache");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "vitgen-cache-" + System.getProperty("user.name"));
    }

    /** Entries unused this long are deleted (a used entry's directory mtime is refreshed). */
    private static final long UNUSED_ENTRY_MILLIS = 14L * 24 * 3600 * 1000;
    /** Build directories left this long by a killed JVM are deleted. */
    private static final long STALE_TMP_MILLIS = 3600L * 1000;
    private static final java.util.Set<Path> PRUNED = ConcurrentHashMap.newKeySet();

    private static void markUsed(Path entry) {
        try {
            Files.setLastModifiedTime(entry, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException ignored) {
            // a read-only cache still works; the entry just ages
        }
    }

    /** Once per JVM and cache directory: drop entries unused for 14 days and stale build folders. */
    private static void pruneOnce(Path cacheRoot) {
        if (!PRUNED.add(cacheRoot) || !Files.isDirectory(cacheRoot)) {
            return;
        }
        long now = System.currentTimeMillis();
        try (java.nio.file.DirectoryStream<Path> dirs = Files.newDirectoryStream(cacheRoot, Files::isDirectory)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                long age = now - Files.getLastModifiedTime(d).toMillis();
                if (name.startsWith(".tmp-") ? age > STALE_TMP_MILLIS : age > UNUSED_ENTRY_MILLIS) {
                    deleteTree(d);
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // pruning is housekeeping; a concurrent JVM may be deleting the same folders
        }
    }

    private static boolean isComplete(Path entry) {
        return Files.isExecutable(entry.resolve(EXE)) && Files.isRegularFile(entry.resolve(PORTS));
    }

    private static String cacheKey(List<Path> files, String top, Map<String, String> params,
            List<String> flags, List<String> makeFlags, Map<String, byte[]> harness, Toolchain tools) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            field(sha, KEY_SALT);
            field(sha, top);
            for (Path f : files) {
                field(sha, f.getFileName().toString());
                byte[] bytes = Files.readAllBytes(f);
                field(sha, Integer.toString(bytes.length));
                sha.update(bytes);
            }
            params.forEach((k, v) -> field(sha, "-G" + k + "=" + v));
            flags.forEach(f -> field(sha, f));
            makeFlags.forEach(f -> field(sha, "make " + f));
            for (Map.Entry<String, byte[]> h : new TreeMap<>(harness).entrySet()) {
                field(sha, h.getKey());
                sha.update(h.getValue());
            }
            field(sha, tools.verilatorVersion);
            field(sha, tools.cxxVersion);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void field(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    private static Map<String, byte[]> harnessResources() {
        Map<String, byte[]> out = new TreeMap<>();
        List<String> names = new ArrayList<>(HARNESS_FILES);
        names.add("verilator.flags");
        names.add("make.flags");
        for (String name : names) {
            try (InputStream in = VerilatedModel.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new BuildException("harness resource " + RESOURCES + name + " is not on the classpath "
                            + "(the testbench module packages verilator/ there)");
                }
                out.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static List<String> flagLines(byte[] text) {
        List<String> out = new ArrayList<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            out.addAll(List.of(t.split("\\s+")));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Build

    private static void buildInto(Path entry, Path cacheRoot, List<Path> files, String top,
            Map<String, String> params, List<String> flags, List<String> makeFlags,
            Map<String, byte[]> harness, Toolchain tools, BuildOptions opts) {
        Path tmp;
        try {
            Files.createDirectories(cacheRoot);
            tmp = Files.createDirectory(cacheRoot.resolve(".tmp-" + top + "-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new BuildException("cannot create build directory under " + cacheRoot, e);
        }
        Path obj = tmp.resolve("obj");
        Path log = tmp.resolve("build.log");
        try {
            Files.createDirectory(obj);
            for (String name : HARNESS_FILES) {
                Files.write(obj.resolve(name), harness.get(name));
            }
            // Verilator only records the --exe sources; the port table is written after it ran.
            List<String> cmd = new ArrayList<>();
            cmd.add("verilator");
            cmd.addAll(flags);
            cmd.add("--top-module");
            cmd.add(top);
            params.forEach((k, v) -> cmd.add("-G" + k + "=" + v));
            cmd.addAll(List.of("-Mdir", ".", "-o", EXE));
            for (Path f : files) {
                cmd.add(f.toString());
            }
            cmd.add("vitgen_harness.cpp");
            cmd.add("vitgen_axi_mem.cpp");
            cmd.add("vitgen_ports.cpp");
            run(cmd, obj, log, "verilator");
            rejectTruncatedConstantStores(obj, top);

            List<Port> ports = parsePorts(Files.readString(obj.resolve("Vdut.h")));
            if (ports.stream().noneMatch(p -> p.name().equals("aclk"))) {
                throw new BuildException("top " + top + " has no 'aclk' port; the harness clocks aclk");
            }
            Files.writeString(obj.resolve("vitgen_ports.cpp"), portTableSource(ports));

            List<String> make = new ArrayList<>(List.of("make", "-s", "-j" + opts.jobs(), "-f", "Vdut.mk", EXE));
            make.addAll(makeFlags);
            if (opts.useCcache() && tools.ccache) {
                make.add("OBJCACHE=ccache");
            }
            run(make, obj, log, "make");

            Files.move(obj.resolve(EXE), tmp.resolve(EXE));
            Files.writeString(tmp.resolve(PORTS), portsTsv(ports));
            Files.writeString(tmp.resolve("key.txt"), "top " + top + "\nparameters " + params + "\nflags " + flags
                    + "\nverilator " + tools.verilatorVersion + "\ncxx " + tools.cxxVersion + "\nsources " + files
                    + "\n");
            for (String keep : List.of("vitgen_ports.cpp", "Vdut.h")) {
                Files.move(obj.resolve(keep), tmp.resolve(keep));
            }
            deleteTree(obj);
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new BuildException("cache directory " + cacheRoot + " does not support atomic rename", e);
            } catch (FileSystemException e) {
                // Another JVM finished the same key first: use its build.
                if (!isComplete(entry)) {
                    throw new BuildException("cannot move build into cache entry " + entry, e);
                }
                deleteTree(tmp);
            }
        } catch (IOException | BuildException e) {
            // Keep the log of a failed build next to the cache; drop its directory.
            Path kept = cacheRoot.resolve("failed-" + top + ".log");
            try {
                if (Files.exists(log)) {
                    Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException ignored) {
                kept = log;
            }
            deleteTree(tmp);
            if (e instanceof BuildException b) {
                throw new BuildException(b.getMessage().replace(log.toString(), kept.toString()), b.getCause());
            }
            throw new BuildException("build of " + top + " failed: " + e.getMessage() + " (log " + kept + ")", e);
        }
    }

    /**
     * A wide constant store of Verilator 5.006's C++, {@code VL_CONSTHI_W_<n>X(obits, lsb, var, ...)}:
     * it writes n words from word lsb / 32 and then clears the words up to obits at an offset counted
     * twice, so when the n words stop short of the variable's top word that word keeps its old value
     * and zeros land past the variable (docs/mac.md, "Channel beat").
     */
    private static final Pattern CONST_HI = Pattern.compile("VL_CONSTHI_W_(\\d+)X\\((\\d+),(\\d+),([^,]+),");

    /**
     * The first constant store in {@code cpp} that leaves words of its variable unwritten (see
     * {@link #CONST_HI}), described for an error message, or null when there is none.
     */
    static String truncatedConstantStore(String cpp) {
        Matcher m = CONST_HI.matcher(cpp);
        while (m.find()) {
            int words = Integer.parseInt(m.group(1));
            int obits = Integer.parseInt(m.group(2));
            int lsb = Integer.parseInt(m.group(3));
            int top = (obits + 31) / 32;
            if (lsb / 32 + words < top) {
                return "a " + obits + "-bit constant store to " + m.group(4).strip() + " writes words " + (lsb / 32) + ".."
                        + (lsb / 32 + words - 1) + " of " + top;
            }
        }
        return null;
    }

    /**
     * Fails the build when Verilator compiled a constant store that Verilator 5.006 gets wrong (a
     * constant wider than 2048 bits whose top words are zero): the simulation would keep stale bits
     * in the variable's top word and overwrite the memory behind it. The RTL must not load such a
     * constant into one vector (split it, e.g. one register per lane).
     */
    private static void rejectTruncatedConstantStores(Path obj, String top) throws IOException {
        List<Path> sources;
        try (Stream<Path> list = Files.list(obj)) {
            sources = list.filter(f -> f.getFileName().toString().startsWith("Vdut") && f.toString().endsWith(".cpp"))
                    .sorted().toList();
        }
        for (Path f : sources) {
            String bad = truncatedConstantStore(Files.readString(f));
            if (bad != null) {
                throw new BuildException("top " + top + ": " + bad + " (" + f.getFileName() + "); Verilator 5.006 leaves the"
                        + " rest unwritten and clears memory past the variable, so the simulation would be wrong. Keep"
                        + " constants wider than 2048 bits out of single vectors in the RTL (docs/mac.md, \"Channel beat\")");
            }
        }
    }

    private static void run(List<String> cmd, Path dir, Path log, String what) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new BuildException(what + " could not be started (" + e.getMessage() + "). Co-simulation needs "
                    + "Verilator 5.006, make and a C++ compiler on PATH (Debian: apt-get install verilator g++ make)", e);
        }
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BuildException(what + " interrupted");
        }
        if (rc != 0) {
            String text = Files.readString(log);
            String tail = text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text;
            throw new BuildException(what + " failed (exit " + rc + "), log " + log + ":\n" + tail);
        }
    }

    static List<Port> parsePorts(String header) {
        List<Port> ports = new ArrayList<>();
        Matcher m = PORT_DECL.matcher(header);
        while (m.find()) {
            Port.Direction dir = switch (m.group(1)) {
                case "IN" -> Port.Direction.IN;
                case "OUT" -> Port.Direction.OUT;
                default -> Port.Direction.INOUT;
            };
            int msb = Integer.parseInt(m.group(4));
            int lsb = Integer.parseInt(m.group(5));
            ports.add(new Port(m.group(3), dir, Math.abs(msb - lsb) + 1, ports.size()));
        }
        if (ports.isEmpty()) {
            throw new BuildException("no ports found in the verilated header");
        }
        return ports;
    }

    private static String portTableSource(List<Port> ports) {
        StringBuilder sb = new StringBuilder();
        sb.append("// Generated by io.vitgen.sim.VerilatedModel: the port table of this top.\n");
        sb.append("#include \"Vdut.h\"\n#include \"vitgen_harness.h\"\n\n");
        sb.append("void vitgen_port_table(Vdut* m, std::vector<vitgen::Port>& ports) {\n");
        for (Port p : ports) {
            String dir = switch (p.direction()) {
                case IN -> "vitgen::DIR_IN";
                case OUT -> "vitgen::DIR_OUT";
                case INOUT -> "vitgen::DIR_INOUT";
            };
            String ref = p.width() > 64 ? "m->" + p.name() + ".data()" : "&m->" + p.name();
            sb.append("    ports.push_back(vitgen::").append(p.width() > 64 ? "widePort" : "port").append("(\"")
                    .append(p.name()).append("\", ").append(dir)
                    .append(", ").append(p.width()).append(", ").append(ref).append("));\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static String portsTsv(List<Port> ports) {
        StringBuilder sb = new StringBuilder();
        for (Port p : ports) {
            sb.append(p.name()).append('\t').append(p.direction()).append('\t').append(p.width()).append('\n');
        }
        return sb.toString();
    }

    private static List<Port> readPorts(Path entry) {
        try {
            List<Port> ports = new ArrayList<>();
            for (String line : Files.readAllLines(entry.resolve(PORTS))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                ports.add(new Port(f[0], Port.Direction.valueOf(f[1]), Integer.parseInt(f[2]), ports.size()));
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Tools

    private static final class Toolchain {
        final String verilatorVersion;
        final String cxxVersion;
        final boolean ccache;

        Toolchain(String verilatorVersion, String cxxVersion, boolean ccache) {
            this.verilatorVersion = verilatorVersion;
            this.cxxVersion = cxxVersion;
            this.ccache = ccache;
        }
    }

    private static Toolchain toolchain() {
        Toolchain t = toolchain;
        if (t == null) {
            synchronized (VerilatedModel.class) {
                t = toolchain;
                if (t == null) {
                    String v = firstLine(List.of("verilator", "--version"), true);
                    String cxx = firstLine(List.of("g++", "--version"), true);
                    boolean cc = firstLine(List.of("ccache", "--version"), false) != null;
                    t = new Toolchain(v, cxx, cc);
                    toolchain = t;
                }
            }
        }
        return t;
    }

    private static String firstLine(List<String> cmd, boolean required) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException("exit " + rc);
            }
            return out.lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            if (!required) {
                return null;
            }
            throw new BuildException("'" + cmd.get(0) + "' is not on PATH or does not run (" + e.getMessage()
                    + "). Co-simulation needs Verilator 5.006, make and g++ (Debian: apt-get install verilator"
                    + " g++ make)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException("interrupted while running " + cmd);
        }
    }
}
