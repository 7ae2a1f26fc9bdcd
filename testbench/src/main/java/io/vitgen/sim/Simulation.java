package io.vitgen.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running harness: one child process simulating one model. Not thread-safe.
 *
 * <p>Every request sent to the harness is also written to a replay file; it is deleted on
 * {@link #close()} unless a failure kept it ({@link #keepReplay()}), and
 * {@code harness --replay FILE} re-runs it without Java.
 */
public final class Simulation implements AutoCloseable {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final int STDERR_LINES_KEPT = 200;
    private static final int STDERR_LINES_ECHOED = 100;

    private final VerilatedModel model;
    private final long seed;
    private final Process process;
    private final OutputStream toHarness;
    private final DataInputStream fromHarness;
    private final Path replayPath;
    private final OutputStream replay;
    private final Thread stderrPump;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final List<StreamSource> sources = new ArrayList<>();
    private final List<StreamSink> sinks = new ArrayList<>();
    private long cycle;
    private boolean keepReplay;
    private boolean closed;
    private String failed;

    private Simulation(VerilatedModel model, long seed, Process process, Path replayPath) throws IOException {
        this.model = model;
        this.seed = seed;
        this.process = process;
        this.toHarness = process.getOutputStream();
        this.fromHarness = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.replayPath = replayPath;
        this.replay = new BufferedOutputStream(Files.newOutputStream(replayPath), 1 << 16);
        String tag = "[" + model.top() + "] ";
        this.stderrPump = new Thread(() -> pumpStderr(process.getErrorStream(), tag), "harness-stderr-" + model.top());
        stderrPump.setDaemon(true);
        stderrPump.start();
    }

    static Simulation start(VerilatedModel model, long seed, SimOptions options) {
        Path replayFile;
        try {
            Path dir = replayDir(model);
            Files.createDirectories(dir);
            replayFile = dir.resolve(model.top() + "-seed" + seed + "-" + ProcessHandle.current().pid() + "-"
                    + RUNS.incrementAndGet() + ".bin");
        } catch (IOException e) {
            throw new SimulationException("cannot create the replay directory: " + e.getMessage(), -1, null, e);
        }
        Process p;
        try {
            p = new ProcessBuilder(model.executable().toString()).start();
        } catch (IOException e) {
            throw new SimulationException("cannot start harness " + model.executable() + ": " + e.getMessage(), -1,
                    null, e);
        }
        Simulation sim;
        try {
            sim = new Simulation(model, seed, p, replayFile);
        } catch (IOException e) {
            p.destroyForcibly();
            throw new SimulationException("cannot open replay file " + replayFile + ": " + e.getMessage(), -1, null, e);
        }
        System.out.println("cosim " + model.top() + (model.parameters().isEmpty() ? "" : " " + model.parameters())
                + " seed " + seed + (options.initialState() == SimOptions.InitialState.ZEROS ? ""
                        : " initial state " + options.initialState()));
        Wire.In r = sim.request(new Wire(Wire.OP_HELLO).u32(Wire.VERSION).u64(seed)
                .u8(options.initialState().randReset).frame());
        r.u32();
        int nports = r.u32();
        if (nports != model.ports().size()) {
            sim.close();
            throw new SimulationException("harness reports " + nports + " ports, the cache entry lists "
                    + model.ports().size() + " (" + model.directory() + ")", 0, null);
        }
        return sim;
    }

    private static Path replayDir(VerilatedModel model) {
        String prop = System.getProperty("vitgen.replayDir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        Path target = Path.of(System.getProperty("user.dir"), "target");
        if (Files.isDirectory(target)) {
            return target.resolve("vitgen-replay");
        }
        return model.directory().getParent().resolve("replay");
    }

    // ------------------------------------------------------------------------------------------
    // Public API

    public VerilatedModel model() {
        return model;
    }

    public long seed() {
        return seed;
    }

    /** Process id of the harness (for tests of crash handling). */
    long pid() {
        return process.pid();
    }

    /** Clock cycles simulated so far (reset cycles included). */
    public long cycle() {
        return cycle;
    }

    /** Holds aresetn low for {@code cycles} clock cycles (stream valids and readies low). */
    public void reset(int cycles) {
        if (cycles < 1) {
            throw new IllegalArgumentException("reset needs at least one cycle, got " + cycles);
        }
        if (!model.hasPort("aresetn")) {
            throw new IllegalStateException(model.top() + " has no aresetn port");
        }
        cycle = request(new Wire(Wire.OP_RESET).u32(cycles).frame()).u64();
    }

    /** Sets an input; the value is masked to the port width (negative values: two's complement). */
    public void poke(String port, BigInteger value) {
        Port p = model.port(port);
        if (!p.isInput()) {
            throw new IllegalArgumentException(port + " is an output of " + model.top());
        }
        request(new Wire(Wire.OP_POKE).u16(p.index()).u16(p.words32()).words(Wire.toWords(value, p.width()),
                p.words32()).frame());
    }

    public void poke(String port, long value) {
        poke(port, BigInteger.valueOf(value));
    }

    /** Reads a port (outputs settle combinationally on the inputs poked so far). */
    public BigInteger peek(String port) {
        Port p = model.port(port);
        Wire.In r = request(new Wire(Wire.OP_PEEK).u16(p.index()).frame());
        int n = r.u16();
        return Wire.toBigInteger(r.words(n));
    }

    /** Reads a port of at most 64 bits. */
    public long peekLong(String port) {
        Port p = model.port(port);
        if (p.width() > 64) {
            throw new IllegalArgumentException(port + " is " + p.width() + " bits wide; use peek()");
        }
        return peek(port).longValue();
    }

    /** Advances {@code n} clock cycles (stream drivers active). */
    public void step(long n) {
        run(n);
    }

    /** Runs exactly {@code cycles} clock cycles with the stream drivers active, in one round trip. */
    public void run(long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("cycles must be >= 0, got " + cycles);
        }
        runInternal(cycles, false, 0);
    }

    /**
     * Runs until every sink holds at least {@code beats} untaken beats, in one round trip; throws
     * {@link SimulationTimeoutException} after {@code maxCycles} cycles.
     */
    public void runUntilSinksHave(int beats, long maxCycles) {
        if (sinks.isEmpty()) {
            throw new IllegalStateException("no sinks configured");
        }
        runInternal(maxCycles, true, beats);
    }

    /** An AXI4-Stream source on {@code <prefix>_tdata/_tvalid/_tready[/_tlast/_tkeep/_tuser]}, always valid. */
    public StreamSource source(String prefix) {
        return source(prefix, 1000);
    }

    /** A source presenting a new beat on a cycle with probability {@code validPermille}/1000. */
    public StreamSource source(String prefix, int validPermille) {
        Port[] ports = streamPorts(prefix, true);
        StreamSource s = new StreamSource(this, sources.size(), prefix, ports[0], ports[1], ports[2], ports[3],
                ports[4], ports[5], checkPermille(validPermille));
        sources.add(s);
        configure(s);
        return s;
    }

    /** An AXI4-Stream sink, always ready. */
    public StreamSink sink(String prefix) {
        return sink(prefix, 1000);
    }

    /** A sink raising tready on a cycle with probability {@code readyPermille}/1000. */
    public StreamSink sink(String prefix, int readyPermille) {
        Port[] ports = streamPorts(prefix, false);
        StreamSink s = new StreamSink(this, sinks.size(), prefix, ports[0], ports[1], ports[2], ports[3], ports[4],
                ports[5], checkPermille(readyPermille));
        sinks.add(s);
        configure(s);
        return s;
    }

    /** The replay file of this run (complete up to the last request). */
    public Path replayFile() {
        flushReplay();
        return replayPath;
    }

    /** Keeps the replay file after {@link #close()} and returns its path. */
    public Path keepReplay() {
        keepReplay = true;
        return replayFile();
    }

    /**
     * Keeps the replay and, when {@code vitgen.waves}/{@code VITGEN_WAVES} asks for it, replays the
     * run through a traced build to write a waveform. Returns lines for a failure message: seed,
     * replay command, waveform path or how to get one.
     */
    public String failureArtifacts() {
        Path rp = keepReplay();
        StringBuilder sb = new StringBuilder();
        sb.append("seed ").append(seed).append(" (").append(io.vitgen.golden.Seeds.reproduce(seed)).append(")\n");
        sb.append("replay: ").append(rp).append("\n  re-run without Java: ").append(model.executable())
                .append(" --replay ").append(rp).append(" --dump\n");
        Optional<WaveFormat> fmt = WaveFormat.requested();
        if (fmt.isEmpty()) {
            sb.append("waves: set VITGEN_WAVES=fst (or -Dvitgen.waves=vcd) to write a waveform of the failing run\n");
            return sb.toString();
        }
        try {
            Path waves = writeWaves(fmt.get());
            sb.append("waves: ").append(waves).append('\n');
            System.err.println("vitgen: waveform of the failing run: " + waves);
        } catch (RuntimeException e) {
            sb.append("waves: could not be written: ").append(e.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** Replays this run (so far) through a traced build and returns the waveform file. */
    public Path writeWaves(WaveFormat format) {
        Path rp = keepReplay();
        VerilatedModel traced = model.tracedVariant(format);
        String name = rp.getFileName().toString().replaceFirst("\\.bin$", "") + format.extension();
        Path out = rp.resolveSibling(name);
        try {
            Process p = new ProcessBuilder(traced.executable().toString(), "--replay", rp.toString(), "--waves",
                    out.toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (!Files.isRegularFile(out)) {
                throw new SimulationException("traced replay wrote no waveform:\n" + text, -1, rp);
            }
            return out;
        } catch (IOException e) {
            throw new SimulationException("traced replay failed: " + e.getMessage(), -1, rp, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulationException("interrupted", -1, rp);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                try {
                    byte[] quit = new Wire(Wire.OP_QUIT).frame();
                    toHarness.write(quit);
                    replay.write(quit);
                    toHarness.flush();
                } catch (IOException ignored) {
                    // the harness is already gone
                }
            }
            try {
                toHarness.close();
            } catch (IOException ignored) {
                // closing the pipe also tells the harness to exit
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                replay.close();
                if (!keepReplay && failed == null) {
                    Files.deleteIfExists(replayPath);
                }
            } catch (IOException ignored) {
                // best effort: a leftover replay file is harmless
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // AXI4 memory models and the AXI4-Lite driver (they run in the harness: vitgen_axi_mem.cpp)

    private final List<AxiMemory> axiMemories = new ArrayList<>();

    /**
     * An AXI4 slave memory on the DUT's master port {@code <prefix>_ar..., _r..., _aw..., _w..., _b...} (read or
     * write channels alone are fine), with the given latency, backpressure and ordering.
     */
    public AxiMemory axiMemory(String prefix, AxiMemory.Config config) {
        AxiMemory m = new AxiMemory(this, axiMemories.size(), prefix, config);
        axiMemories.add(m);
        return m;
    }

    /** An AXI4-Lite master on the DUT's slave port {@code <prefix>_*} (e.g. s_axi_control). */
    public AxiLiteMaster axiLite(String prefix) {
        for (String s : new String[] {"_awaddr", "_wdata", "_wstrb", "_bresp", "_araddr", "_rdata", "_rresp"}) {
            model.port(prefix + s);
        }
        return new AxiLiteMaster(this, prefix);
    }

    /** Sends an AXI request; the answer ends with the harness cycle, which is taken here. */
    Wire.In axiRequest(byte[] frame, int payloadBytes) {
        Wire.In r = request(frame);
        Wire.In tail = r.copy();
        tail.skip(payloadBytes);
        cycle = Math.max(cycle, tail.u64());
        return r;
    }

    // ------------------------------------------------------------------------------------------
    // Internals

    static int checkPermille(int permille) {
        if (permille < 1 || permille > 1000) {
            throw new IllegalArgumentException("probability must be 1..1000 per mille, got " + permille);
        }
        return permille;
    }

    private Port[] streamPorts(String prefix, boolean source) {
        Port data = model.port(prefix + "_tdata");
        Port valid = model.port(prefix + "_tvalid");
        Port ready = model.port(prefix + "_tready");
        Port last = model.hasPort(prefix + "_tlast") ? model.port(prefix + "_tlast") : null;
        Port keep = model.hasPort(prefix + "_tkeep") ? model.port(prefix + "_tkeep") : null;
        Port user = model.hasPort(prefix + "_tuser") ? model.port(prefix + "_tuser") : null;
        boolean in = source;
        for (Port p : new Port[] {data, valid, last, keep, user}) {
            if (p != null && p.isInput() != in) {
                throw new IllegalArgumentException(p.name() + " is " + (in ? "an output" : "an input") + "; a "
                        + (source ? "source" : "sink") + " needs the stream's " + (in ? "inputs" : "outputs"));
            }
        }
        if (ready.isInput() == in) {
            throw new IllegalArgumentException(ready.name() + " has the wrong direction for a "
                    + (source ? "source" : "sink"));
        }
        for (Port p : new Port[] {valid, ready, last}) {
            if (p != null && p.width() != 1) {
                throw new IllegalArgumentException(p.name() + " must be 1 bit, is " + p.width());
            }
        }
        for (Port p : new Port[] {keep, user}) {
            if (p != null && p.width() > 64) {
                throw new IllegalArgumentException(p.name() + " is wider than 64 bits (" + p.width() + ")");
            }
        }
        if (data.width() > 2048) {
            throw new IllegalArgumentException(data.name() + " is wider than 2048 bits");
        }
        return new Port[] {data, valid, ready, last, keep, user};
    }

    void configure(StreamSource s) {
        request(streamFrame(Wire.OP_SOURCE, s.id(), s.data, s.valid, s.ready, s.last, s.keep, s.user,
                s.validPermille()));
    }

    void configure(StreamSink s) {
        request(streamFrame(Wire.OP_SINK, s.id(), s.data, s.valid, s.ready, s.last, s.keep, s.user,
                s.readyPermille()));
    }

    private static byte[] streamFrame(int op, int id, Port data, Port valid, Port ready, Port last, Port keep,
            Port user, int permille) {
        Wire w = new Wire(op).u8(id);
        for (Port p : new Port[] {data, valid, ready, last, keep, user}) {
            w.u16(p == null ? Wire.NO_PORT : p.index());
        }
        return w.u16(permille).frame();
    }

    private void runInternal(long maxCycles, boolean until, int beats) {
        // Pending beats and the RUN go out back to back; the answers are read afterwards.
        List<byte[]> pushes = new ArrayList<>();
        for (StreamSource s : sources) {
            byte[] f = s.takeUnsent();
            if (f != null) {
                pushes.add(f);
            }
        }
        Wire run = new Wire(Wire.OP_RUN).u64(maxCycles).u8(until ? 1 : 0).u16(sinks.size());
        for (StreamSink k : sinks) {
            run.u32(until ? Math.max(0, beats - k.available()) : 0);
        }
        pushes.add(run.frame());
        byte[][] frames = pushes.toArray(new byte[0][]);
        List<byte[]> responses = exchange(frames);
        for (int i = 0; i < responses.size() - 1; i++) {
            decode(responses.get(i), Wire.ST_OK);
        }
        byte[] resp = responses.get(responses.size() - 1);
        int status = resp[0] & 0xFF;
        Wire.In r = decode(resp, status == Wire.ST_TIMEOUT ? Wire.ST_TIMEOUT : Wire.ST_OK);
        long ran = r.u64();
        cycle = r.u64();
        int nsinks = r.u16();
        for (int i = 0; i < nsinks; i++) {
            StreamSink k = sinks.get(i);
            int count = r.u32();
            int dw = k.data.words32();
            for (int b = 0; b < count; b++) {
                long[] data = r.words(dw);
                boolean last = (r.u32() & 1) != 0;
                long keep = k.keep == null ? 0L : r.words(k.keep.words32())[0];
                long user = k.user == null ? 0L : r.words(k.user.words32())[0];
                long at = r.u64();
                k.add(new Beat(data, k.data.width(), last, keep, user, at));
            }
            k.stallCycles(r.u64());
        }
        int nsources = r.u16();
        for (int i = 0; i < nsources; i++) {
            sources.get(i).pendingInHarness(r.u32());
            sources.get(i).waitCycles(r.u64());
        }
        if (status == Wire.ST_TIMEOUT) {
            StringBuilder sb = new StringBuilder();
            sb.append(model.top()).append(": timeout after ").append(ran).append(" cycles (at cycle ").append(cycle)
                    .append(") waiting for ").append(beats).append(" beats per sink;");
            for (StreamSink k : sinks) {
                sb.append(' ').append(k.prefix()).append(" has ").append(k.available());
            }
            for (StreamSource s : sources) {
                sb.append("; ").append(s.prefix()).append(" has ").append(s.pending()).append(" beats not accepted");
            }
            failed = sb.toString();
            sb.append('\n').append(failureArtifacts());
            throw new SimulationTimeoutException(sb.toString(), cycle, replayPath);
        }
    }

    /** Sends one request and returns the OK payload. */
    private Wire.In request(byte[] frame) {
        return decode(exchange(new byte[][] {frame}).get(0), Wire.ST_OK);
    }

    private Wire.In decode(byte[] resp, int expectedStatus) {
        int status = resp[0] & 0xFF;
        Wire.In r = new Wire.In(resp, 1);
        if (status == Wire.ST_ERROR) {
            long at = r.u64();
            String msg = r.string(r.u32());
            throw modelError(msg, at);
        }
        if (status != expectedStatus) {
            throw protocolError("unexpected response status " + status);
        }
        return r;
    }

    private List<byte[]> exchange(byte[][] frames) {
        if (closed) {
            throw new IllegalStateException("simulation of " + model.top() + " is closed");
        }
        if (failed != null) {
            throw new IllegalStateException("simulation of " + model.top() + " failed earlier: " + failed);
        }
        try {
            for (byte[] f : frames) {
                replay.write(f);
                toHarness.write(f);
            }
            toHarness.flush();
        } catch (IOException e) {
            throw harnessDied("writing to the harness failed: " + e.getMessage());
        }
        List<byte[]> out = new ArrayList<>(frames.length);
        for (int i = 0; i < frames.length; i++) {
            try {
                int len = Integer.reverseBytes(fromHarness.readInt());
                if (len < 1) {
                    throw protocolError("bad response length " + len);
                }
                byte[] b = new byte[len];
                fromHarness.readFully(b);
                out.add(b);
                if ((b[0] & 0xFF) == Wire.ST_ERROR) {
                    break;
                }
            } catch (EOFException e) {
                throw harnessDied("the harness closed its output");
            } catch (IOException e) {
                throw harnessDied("reading from the harness failed: " + e.getMessage());
            }
        }
        return out;
    }

    private SimulationException modelError(String msg, long at) {
        cycle = Math.max(cycle, at);
        awaitExit(2000);
        StringBuilder sb = new StringBuilder();
        sb.append(model.top()).append(": ").append(msg).append(" at cycle ").append(at);
        String verilog = modelMessages();
        if (!verilog.isEmpty()) {
            sb.append("\nmodel output:\n").append(verilog);
        }
        failed = msg;
        sb.append('\n').append(failureArtifacts());
        return new SimulationException(sb.toString(), at, replayPath);
    }

    private SimulationException harnessDied(String why) {
        awaitExit(2000);
        String exit = process.isAlive() ? "still running" : exitDescription(process.exitValue());
        StringBuilder sb = new StringBuilder();
        sb.append(model.top()).append(": harness died near cycle ").append(cycle).append(" (").append(why)
                .append(", ").append(exit).append(')');
        String out = modelMessages();
        if (!out.isEmpty()) {
            sb.append("\nharness output:\n").append(out);
        }
        failed = why;
        sb.append('\n').append(failureArtifacts());
        return new SimulationException(sb.toString(), cycle, replayPath);
    }

    private SimulationException protocolError(String why) {
        failed = why;
        return new SimulationException(model.top() + ": protocol error: " + why + "\n" + failureArtifacts(), cycle,
                replayPath);
    }

    private static String exitDescription(int code) {
        if (code > 128) {
            int sig = code - 128;
            Map<Integer, String> names = Map.of(6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 8, "SIGFPE", 7, "SIGBUS");
            return "killed by signal " + sig + (names.containsKey(sig) ? " (" + names.get(sig) + ")" : "");
        }
        return "exit code " + code;
    }

    private void awaitExit(long millis) {
        try {
            if (process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                stderrPump.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The harness's stderr lines naming errors, or its last lines when none does. */
    private String modelMessages() {
        List<String> lines;
        synchronized (stderrTail) {
            lines = new ArrayList<>(stderrTail);
        }
        List<String> picked = new ArrayList<>();
        for (String l : lines) {
            if (l.contains("%Error") || l.contains("%Fatal") || l.contains("%Warning") || l.contains("Assertion")) {
                picked.add(l);
            }
        }
        if (picked.isEmpty()) {
            picked = lines.subList(Math.max(0, lines.size() - 20), lines.size());
        }
        StringBuilder sb = new StringBuilder();
        for (String l : picked) {
            sb.append("  ").append(l).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    private void pumpStderr(InputStream err, String tag) {
        int echoed = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                }
                if (echoed < STDERR_LINES_ECHOED) {
                    System.err.println(tag + line);
                } else if (echoed == STDERR_LINES_ECHOED) {
                    System.err.println(tag + "... (further harness output not echoed)");
                }
                echoed++;
            }
        } catch (IOException ignored) {
            // the harness exited
        }
    }

    private void flushReplay() {
        try {
            replay.flush();
        } catch (IOException e) {
            throw new SimulationException("cannot write replay file " + replayPath + ": " + e.getMessage(), cycle,
                    replayPath, e);
        }
    }
}
