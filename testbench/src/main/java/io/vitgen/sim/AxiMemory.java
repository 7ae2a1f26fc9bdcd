package io.vitgen.sim;

import java.util.Objects;

/**
 * An AXI4 slave memory model running inside the harness on one master port of the DUT (see
 * verilator/vitgen_axi_mem.cpp and docs/axi.md): a sparse byte memory (unwritten bytes read 0),
 * a seeded random latency per transaction, random backpressure on all five channels, responses out
 * of order across IDs when asked, injected SLVERR/DECERR, and protocol checks on every channel the
 * DUT drives (a violation fails the run with the cycle and the channel). Java loads and dumps
 * memory regions; no AXI beat crosses the pipe.
 */
public final class AxiMemory {

    static final int OP_ATTACH = 32;
    static final int OP_CONFIG = 33;
    static final int OP_WRITE = 34;
    static final int OP_READ = 35;
    static final int OP_ERROR = 36;
    static final int OP_STATS = 37;

    /** Error responses the model can inject. */
    public enum Resp {
        SLVERR(2), DECERR(3);

        final int code;

        Resp(int code) {
            this.code = code;
        }
    }

    /**
     * Latency in cycles (per transaction, uniform in [min, max]: from the address handshake to the
     * first read beat, from the last write beat to the response); per-mille rates of ARREADY,
     * RVALID, AWREADY, WREADY and BVALID on a cycle; responses reordered across IDs.
     */
    public record Config(int latencyMin, int latencyMax, int arReady, int rValid, int awReady, int wReady,
            int bValid, boolean reorder) {
        public Config {
            if (latencyMin < 1 || latencyMax < latencyMin) {
                throw new IllegalArgumentException("latency range [" + latencyMin + ", " + latencyMax
                        + "] must have 1 <= min <= max");
            }
            for (int p : new int[] {arReady, rValid, awReady, wReady, bValid}) {
                Simulation.checkPermille(p);
            }
        }

        /** Fixed latency, no backpressure, in order. */
        public static Config fixed(int latency) {
            return new Config(latency, latency, 1000, 1000, 1000, 1000, 1000, false);
        }

        /** Random latency in [min, max], every channel stalling with the same rate, reordering on. */
        public static Config random(int min, int max, int permille) {
            return new Config(min, max, permille, permille, permille, permille, permille, true);
        }
    }

    /** Counters since the model was attached. */
    public record Stats(long reads, long writes, long readBeats, long writeBeats, long maxReadsInFlight,
            long maxWritesInFlight, long reordered, long errorResponses, long firstBeatCycle, long lastBeatCycle) {
    }

    private final Simulation sim;
    private final int id;
    private final String prefix;
    private Config config;

    AxiMemory(Simulation sim, int id, String prefix, Config config) {
        this.sim = sim;
        this.id = id;
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.config = Objects.requireNonNull(config, "config");
        Wire w = new Wire(OP_ATTACH).u8(id).str(prefix).u64(sim.seed() * 31 + id);
        sim.axiRequest(configure(w, config).frame(), 0);
    }

    private static Wire configure(Wire w, Config c) {
        return w.u32(c.latencyMin()).u32(c.latencyMax()).u16(c.arReady()).u16(c.rValid()).u16(c.awReady())
                .u16(c.wReady()).u16(c.bValid()).u8(c.reorder() ? 1 : 0);
    }

    public String prefix() {
        return prefix;
    }

    public Config config() {
        return config;
    }

    /** New latency/backpressure/order settings, from the next cycle on. */
    public void configure(Config c) {
        this.config = Objects.requireNonNull(c, "config");
        sim.axiRequest(configure(new Wire(OP_CONFIG).u8(id), c).frame(), 0);
    }

    /** Writes {@code data} into the memory at {@code addr} (no simulated time passes). */
    public void load(long addr, byte[] data) {
        final int chunk = 1 << 22;
        for (int at = 0; at < data.length; at += chunk) {
            int n = Math.min(chunk, data.length - at);
            sim.axiRequest(new Wire(OP_WRITE).u8(id).u64(addr + at).u32(n).bytes(data, at, n).frame(), 0);
        }
    }

    /** Reads {@code length} bytes of the memory at {@code addr} (no simulated time passes). */
    public byte[] dump(long addr, int length) {
        byte[] out = new byte[length];
        final int chunk = 1 << 22;
        for (int at = 0; at < length; at += chunk) {
            int n = Math.min(chunk, length - at);
            Wire.In r = sim.axiRequest(new Wire(OP_READ).u8(id).u64(addr + at).u32(n).frame(), 4 + n);
            int got = r.u32();
            System.arraycopy(r.bytes(got), 0, out, at, got);
        }
        return out;
    }

    /** Transactions touching [addr, addr + length) answer {@code resp} (errored writes change nothing). */
    public void injectError(long addr, long length, Resp resp, boolean reads, boolean writes) {
        sim.axiRequest(new Wire(OP_ERROR).u8(id).u64(addr).u64(length).u8(resp.code)
                .u8((reads ? 1 : 0) | (writes ? 2 : 0)).frame(), 0);
    }

    /** Removes every injected error range. */
    public void clearErrors() {
        sim.axiRequest(new Wire(OP_ERROR).u8(id).u64(0).u64(0).u8(0).u8(0).frame(), 0);
    }

    public Stats stats() {
        Wire.In r = sim.axiRequest(new Wire(OP_STATS).u8(id).frame(), 80);
        return new Stats(r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64(), r.u64());
    }
}
