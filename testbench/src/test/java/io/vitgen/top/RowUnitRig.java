package io.vitgen.top;

import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Space;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A row unit of the accelerator top (vitgen_top_lnorm, vitgen_top_gelu) alone in the stream
 * harness, with a model of the on-chip buffers behind its channels: every read descriptor is
 * answered from the buffer bytes it names (BB-byte beats, tkeep, tlast on the descriptor's last
 * beat, junk in the lanes past a row's end), every write beat is written into the bytes its
 * descriptor names, and one status beat follows each write descriptor's last beat. All channels
 * stall at random. The rig records every descriptor and the done/err pulse of each command.
 */
final class RowUnitRig implements AutoCloseable {

    /** A descriptor as the unit issued it. */
    record Desc(int space, long addr, int rows, int rowBytes, int stride) {
        static Desc of(BigInteger d) {
            return new Desc(d.intValue() & 0xF, d.shiftRight(4).longValue() & 0xFFFF_FFFFL,
                    d.shiftRight(36).intValue() & 0xFFFF, d.shiftRight(52).intValue() & 0xFF_FFFF,
                    d.shiftRight(76).intValue() & 0xFF_FFFF);
        }

        static Desc of(Space s, long addr, int rows, long rowBytes, long stride) {
            return new Desc(s.code(), addr, rows, (int) rowBytes, (int) stride);
        }
    }

    /** What one command did: its descriptors per channel, the err bits, cycles from cmd to done. */
    record Outcome(Map<String, List<Desc>> descs, int err, long cycles) {
    }

    private final int bb;
    private final List<String> reads;
    private final List<String> writes;
    private final Simulation sim;
    private final Random rnd;
    private final StreamSource cmd;
    private final Map<String, StreamSink> rdDesc = new LinkedHashMap<>();
    private final Map<String, StreamSource> rdData = new LinkedHashMap<>();
    private final Map<String, StreamSink> wrDesc = new LinkedHashMap<>();
    private final Map<String, StreamSink> wrData = new LinkedHashMap<>();
    private final Map<String, StreamSource> wrSts = new LinkedHashMap<>();
    /** The buffers behind the channels. */
    final Map<Space, byte[]> buffers = new EnumMap<>(Space.class);

    RowUnitRig(ModuleSpec spec, int bb, List<String> reads, List<String> writes, long seed, boolean stalls) {
        this.bb = bb;
        this.reads = reads;
        this.writes = writes;
        this.rnd = new Random(seed ^ 0x5EED_0F_B0FFL);
        List<Path> rtl = Emitter.writeModules(List.of(spec), Path.of("target", "cosim-rtl", spec.name() + "-" + Integer.toHexString(spec.vars().hashCode())));
        VerilatedModel model = VerilatedModel.build(rtl, spec.name(), Map.of());
        sim = model.open(seed, SimOptions.randomInitialState());
        cmd = sim.source("cmd", 1000);
        for (String c : reads) {
            rdDesc.put(c, sim.sink(c + "_rd_desc", stalls ? 200 + rnd.nextInt(800) : 1000));
            rdData.put(c, sim.source(c + "_rd", stalls ? 250 + rnd.nextInt(750) : 1000));
        }
        for (String c : writes) {
            wrDesc.put(c, sim.sink(c + "_wr_desc", stalls ? 200 + rnd.nextInt(800) : 1000));
            wrData.put(c, sim.sink(c + "_wr", stalls ? 250 + rnd.nextInt(750) : 1000));
            wrSts.put(c, sim.source(c + "_wr_sts", stalls ? 300 + rnd.nextInt(700) : 1000));
        }
        sim.reset(4);
    }

    Simulation sim() {
        return sim;
    }

    /** The command port's 552 bits for a command: opcode, flags, argument words. */
    static BigInteger cmdBits(Command c) {
        long[] w = CommandCodec.encode(List.of(c));
        BigInteger b = BigInteger.valueOf(w[0] & 0xFF).or(BigInteger.valueOf(w[0] >>> 32).shiftLeft(8));
        for (int i = 1; i < w.length; i++) {
            b = b.or(new BigInteger(Long.toUnsignedString(w[i])).shiftLeft(40 + 64 * (i - 1)));
        }
        return b;
    }

    /** Runs one command to its done pulse (at most {@code maxCycles}); the buffers are updated. */
    Outcome run(BigInteger cmdBits, long maxCycles) {
        Map<String, List<Desc>> descs = new LinkedHashMap<>();
        Map<String, Deque<Desc>> openWrites = new LinkedHashMap<>();
        Map<String, int[]> wrPos = new LinkedHashMap<>();    // {row, byte in row} of the open write descriptor
        for (String c : reads) {
            descs.put(c + "_rd", new ArrayList<>());
        }
        for (String c : writes) {
            descs.put(c + "_wr", new ArrayList<>());
            openWrites.put(c, new ArrayDeque<>());
            wrPos.put(c, new int[2]);
        }
        long start = sim.cycle();
        cmd.push(cmdBits, false);
        int err = -1;
        int chunk = 16;
        int statuses = 0;
        while (err < 0) {
            if (sim.cycle() - start > maxCycles) {
                check(false, "no done pulse within " + maxCycles + " cycles; descriptors so far " + descs + ", seed " + sim.seed());
            }
            // Single cycles while the done pulse may come (just after the command, after the last
            // status beat), chunks otherwise.
            long n = (sim.cycle() - start < 8 || statuses > 0) ? 1 : chunk;
            sim.run(n);
            if (sim.peekLong("done") == 1) {
                err = (int) sim.peekLong("err");
            }
            for (String c : reads) {
                for (Beat d : rdDesc.get(c).take()) {
                    Desc desc = Desc.of(d.data());
                    descs.get(c + "_rd").add(desc);
                    serve(rdData.get(c), desc);
                }
            }
            for (String c : writes) {
                for (Beat d : wrDesc.get(c).take()) {
                    Desc desc = Desc.of(d.data());
                    descs.get(c + "_wr").add(desc);
                    openWrites.get(c).add(desc);
                    wrPos.get(c)[0] = 0;
                    wrPos.get(c)[1] = 0;
                }
                for (Beat b : wrData.get(c).take()) {
                    Desc desc = openWrites.get(c).peek();
                    check(desc != null, c + "_wr beat before its descriptor, seed " + sim.seed());
                    int[] pos = wrPos.get(c);
                    byte[] buf = buffers.get(space(desc.space()));
                    byte[] data = bytes(b.data(), bb);
                    int k = Math.min(bb, desc.rowBytes() - pos[1]);
                    for (int i = 0; i < k; i++) {
                        buf[(int) (desc.addr() + (long) pos[0] * desc.stride() + pos[1] + i)] = data[i];
                    }
                    pos[1] += k;
                    if (pos[1] == desc.rowBytes()) {
                        pos[1] = 0;
                        pos[0]++;
                    }
                    boolean end = pos[0] == desc.rows();
                    check(end == b.last(), c + "_wr tlast at row " + pos[0] + " byte " + pos[1] + ", seed " + sim.seed());
                    if (end) {
                        openWrites.get(c).poll();
                        wrPos.get(c)[0] = 0;
                        wrSts.get(c).push(0L, false);
                        statuses++;
                    }
                }
            }
        }
        for (String c : writes) {
            check(openWrites.get(c).isEmpty(), c + ": done before every write descriptor completed");
        }
        return new Outcome(descs, err, sim.cycle() - start);
    }

    private void serve(StreamSource src, Desc d) {
        byte[] buf = buffers.get(space(d.space()));
        int beatsPerRow = (d.rowBytes() + bb - 1) / bb;
        for (int r = 0; r < d.rows(); r++) {
            long base = d.addr() + (long) r * d.stride();
            for (int j = 0; j < beatsPerRow; j++) {
                byte[] lanes = new byte[bb];
                rnd.nextBytes(lanes);     // junk past the row's end
                int k = Math.min(bb, d.rowBytes() - j * bb);
                System.arraycopy(buf, (int) (base + (long) j * bb), lanes, 0, k);
                long keep = k == 64 ? -1L : (1L << k) - 1;
                boolean last = r == d.rows() - 1 && j == beatsPerRow - 1;
                src.push(Beat.of(new BigInteger(1, reverse(lanes)), last).withKeep(keep));
            }
        }
    }

    /** Fails with the message (an AssertionError: the benchmark runs without JUnit). */
    static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    static Space space(int code) {
        for (Space s : Space.values()) {
            if (s.code() == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("descriptor names space " + code);
    }

    static byte[] bytes(BigInteger v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = v.shiftRight(8 * i).byteValue();
        }
        return out;
    }

    private static byte[] reverse(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return be;
    }

    @Override
    public void close() {
        sim.close();
    }
}
