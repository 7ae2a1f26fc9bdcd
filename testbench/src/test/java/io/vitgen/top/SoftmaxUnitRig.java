package io.vitgen.top;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.emit.Emitter;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.hw.top.SoftmaxUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The softmax unit of the accelerator top alone, driven through the stream harness as the
 * controller and the buffers would: commands on {@code cmd}, each read descriptor answered (in
 * order) from a byte-array model of the seven buffer spaces, each write descriptor's beats
 * written into that model and acknowledged with a status beat once its last beat is in. A thin
 * test wrapper turns the unit's one-cycle {@code done}/{@code err} pulses into a stream
 * ({@code evt}), so every pulse is seen. Expected bytes come from {@link Interpreter} running the
 * same command on the same buffer contents (LOADs of the operand regions, SYNC, the command,
 * SYNC, a STORE of the output region, END).
 */
final class SoftmaxUnitRig implements AutoCloseable {
    static final String WRAPPER = "tb_top_softmax";
    static final int SPACE_BYTES = 1 << 17;

    /** One descriptor as the unit issued it. */
    record Desc(int space, long addr, int rows, int rowBytes, int stride) {
        static Desc of(BigInteger d) {
            return new Desc(d.intValue() & 0xF, d.shiftRight(4).longValue() & 0xFFFF_FFFFL, d.shiftRight(36).intValue() & 0xFFFF,
                    d.shiftRight(52).intValue() & 0xFF_FFFF, d.shiftRight(76).intValue() & 0xFF_FFFF);
        }

        static Desc of(Operand o, int rows, int rowBytes) {
            return new Desc(o.space().code(), o.addr(), rows, rowBytes, (int) o.stride());
        }
    }

    /** What one command did: its err bits, the descriptors per channel, the cycles it took. */
    record Outcome(int err, List<Desc> x, List<Desc> v, List<Desc> o, long cycles, List<Long> writeBeatCycles) {
    }

    final SoftmaxUnit.Params params;
    /** Cycles simulated between two looks at the channels (the buffers' answer delay). */
    int chunk = 48;
    final Simulation sim;
    final Map<Space, byte[]> buffers = new EnumMap<>(Space.class);
    private final StreamSource cmd;
    private final StreamSource xData;
    private final StreamSource vData;
    private final StreamSource sts;
    private final StreamSink xDesc;
    private final StreamSink vDesc;
    private final StreamSink oDesc;
    private final StreamSink oData;
    private final StreamSink evt;

    /** Builds (cached) and opens the unit with random stalls drawn from {@code rnd} (none when {@code fullRate}). */
    SoftmaxUnitRig(SoftmaxUnit.Params params, String tag, long seed, Random rnd, boolean fullRate) {
        this.params = params;
        VerilatedModel model = VerilatedModel.build(emit(params, tag), WRAPPER, Map.of());
        sim = model.open(seed, SimOptions.randomInitialState());
        cmd = sim.source("cmd", fullRate ? 1000 : 500 + rnd.nextInt(500));
        xData = sim.source("x_rd", fullRate ? 1000 : 300 + rnd.nextInt(700));
        vData = params.log2() ? sim.source("v_rd", fullRate ? 1000 : 300 + rnd.nextInt(700)) : null;
        sts = sim.source("o_wr_sts", fullRate ? 1000 : 300 + rnd.nextInt(700));
        xDesc = sim.sink("x_rd_desc", fullRate ? 1000 : 300 + rnd.nextInt(700));
        vDesc = params.log2() ? sim.sink("v_rd_desc", fullRate ? 1000 : 300 + rnd.nextInt(700)) : null;
        oDesc = sim.sink("o_wr_desc", fullRate ? 1000 : 300 + rnd.nextInt(700));
        oData = sim.sink("o_wr", fullRate ? 1000 : 300 + rnd.nextInt(700));
        evt = sim.sink("evt", 1000);
        sim.reset(4);
        Random init = new Random(seed ^ 0x5EED);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                byte[] b = new byte[SPACE_BYTES];
                init.nextBytes(b);
                buffers.put(s, b);
            }
        }
    }

    /** The unit and a wrapper that turns done/err pulses into the {@code evt} stream. */
    static List<Path> emit(SoftmaxUnit.Params p, String tag) {
        Path dir = Path.of("target", "cosim-rtl", "top-softmax-" + tag);
        List<Path> files = new ArrayList<>(Emitter.writeModules(List.of(SoftmaxUnit.spec(p)), dir));
        Path w = dir.resolve(WRAPPER + ".v");
        try {
            Files.writeString(w, wrapper(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(w);
        return files;
    }

    private static String wrapper(SoftmaxUnit.Params p) {
        int bb = p.bb();
        StringBuilder ports = new StringBuilder();
        StringBuilder conns = new StringBuilder();
        List<String[]> list = new ArrayList<>();
        list.add(new String[] {"input", "552", "cmd_tdata"});
        list.add(new String[] {"input", "1", "cmd_tvalid"});
        list.add(new String[] {"output", "1", "cmd_tready"});
        list.add(new String[] {"output", "1", "busy"});
        for (String c : SoftmaxUnit.readChannels(p)) {
            list.add(new String[] {"output", "100", c + "_rd_desc_tdata"});
            list.add(new String[] {"output", "1", c + "_rd_desc_tvalid"});
            list.add(new String[] {"input", "1", c + "_rd_desc_tready"});
            list.add(new String[] {"input", Integer.toString(8 * bb), c + "_rd_tdata"});
            list.add(new String[] {"input", Integer.toString(bb), c + "_rd_tkeep"});
            list.add(new String[] {"input", "1", c + "_rd_tlast"});
            list.add(new String[] {"input", "1", c + "_rd_tvalid"});
            list.add(new String[] {"output", "1", c + "_rd_tready"});
        }
        list.add(new String[] {"output", "100", "o_wr_desc_tdata"});
        list.add(new String[] {"output", "1", "o_wr_desc_tvalid"});
        list.add(new String[] {"input", "1", "o_wr_desc_tready"});
        list.add(new String[] {"output", Integer.toString(8 * bb), "o_wr_tdata"});
        list.add(new String[] {"output", "1", "o_wr_tlast"});
        list.add(new String[] {"output", "1", "o_wr_tvalid"});
        list.add(new String[] {"input", "1", "o_wr_tready"});
        list.add(new String[] {"input", "1", "o_wr_sts_tdata"});
        list.add(new String[] {"input", "1", "o_wr_sts_tvalid"});
        list.add(new String[] {"output", "1", "o_wr_sts_tready"});
        for (String[] d : list) {
            int w = Integer.parseInt(d[1]);
            ports.append("    ").append(d[0]).append(" wire ").append(w > 1 ? "[" + (w - 1) + ":0] " : "").append(d[2]).append(",\n");
            conns.append("        .").append(d[2]).append(" (").append(d[2]).append("),\n");
        }
        StringBuilder params = new StringBuilder();
        for (Map.Entry<String, String> e : p.verilogParameters().entrySet()) {
            params.append(params.length() == 0 ? "" : ", ").append('.').append(e.getKey()).append('(').append(e.getValue()).append(')');
        }
        return "// Test wrapper: vitgen_top_softmax plus its done/err pulses as a stream (evt).\n"
                + "`timescale 1ns / 1ps\n`default_nettype none\n"
                + "module " + WRAPPER + " (\n    input wire aclk,\n    input wire aresetn,\n" + ports
                + "    output wire [5:0] evt_tdata,\n    output wire evt_tvalid,\n    input wire evt_tready,\n"
                + "    output wire evt_overflow,\n    output wire err_without_done\n);\n"
                + "    wire done;\n    wire [5:0] err;\n"
                + "    vitgen_top_softmax #(" + params + ") u_dut (\n        .aclk (aclk),\n        .aresetn (aresetn),\n"
                + conns + "        .done (done),\n        .err (err)\n    );\n"
                + "    reg evt_valid_q, overflow_q, alone_q;\n    reg [5:0] evt_q;\n"
                + "    always @(posedge aclk) begin\n"
                + "        if (!aresetn) begin\n            evt_valid_q <= 1'b0; overflow_q <= 1'b0; alone_q <= 1'b0;\n"
                + "        end else begin\n"
                + "            if (done) begin\n                if (evt_valid_q && !evt_tready) overflow_q <= 1'b1;\n"
                + "                evt_valid_q <= 1'b1;\n            end else if (evt_tready) begin\n"
                + "                evt_valid_q <= 1'b0;\n            end\n"
                + "            if (err != 6'd0 && !done) alone_q <= 1'b1;\n        end\n"
                + "        if (done) evt_q <= err;\n    end\n"
                + "    assign evt_tdata = evt_q;\n    assign evt_tvalid = evt_valid_q;\n"
                + "    assign evt_overflow = overflow_q;\n    assign err_without_done = alone_q;\n"
                + "endmodule\n`default_nettype wire\n";
    }

    /** The command port's 552 bits for one encoded command (header + argument words). */
    static BigInteger cmdBits(long[] words) {
        long header = words[0];
        BigInteger b = BigInteger.valueOf(header & 0xFF).or(BigInteger.valueOf(header >>> 32).shiftLeft(8));
        int args = (int) ((header >>> 24) & 0xFF);
        for (int i = 1; i <= args; i++) {
            b = b.or(new BigInteger(Long.toUnsignedString(words[i])).shiftLeft(40 + 64 * (i - 1)));
        }
        return b;
    }

    static BigInteger cmdBits(Command c) {
        return cmdBits(CommandCodec.encode(List.of(c, new Command.End(Command.Deps.NONE))));
    }

    /**
     * Runs one command (given as its 552 command bits) to its done pulse, answering the channels
     * from the buffer model, and returns what it did.
     */
    Outcome run(BigInteger bits, long maxCycles) {
        long start = sim.cycle();
        cmd.push(bits, false);
        List<Desc> xs = new ArrayList<>();
        List<Desc> vs = new ArrayList<>();
        List<Desc> os = new ArrayList<>();
        ArrayDeque<Desc> pendingWrites = new ArrayDeque<>();
        List<Beat> writeBeats = new ArrayList<>();
        List<Long> writeCycles = new ArrayList<>();
        int err = -1;
        while (err < 0) {
            if (sim.cycle() - start > maxCycles) {
                throw new AssertionError("no done after " + maxCycles + " cycles (seed " + sim.seed() + ")");
            }
            sim.run(chunk);
            for (Beat d : xDesc.take()) {
                Desc desc = Desc.of(d.data());
                xs.add(desc);
                answer(xData, desc);
            }
            if (vDesc != null) {
                for (Beat d : vDesc.take()) {
                    Desc desc = Desc.of(d.data());
                    vs.add(desc);
                    answer(vData, desc);
                }
            }
            for (Beat d : oDesc.take()) {
                Desc desc = Desc.of(d.data());
                os.add(desc);
                pendingWrites.add(desc);
            }
            writeBeats.addAll(oData.take());
            while (!pendingWrites.isEmpty()) {
                Desc w = pendingWrites.peek();
                int beats = w.rows() * ceilDiv(w.rowBytes(), params.bb());
                if (writeBeats.size() < beats) {
                    break;
                }
                pendingWrites.poll();
                List<Beat> mine = new ArrayList<>(writeBeats.subList(0, beats));
                writeBeats.subList(0, beats).clear();
                for (Beat b : mine) {
                    writeCycles.add(b.cycle());
                }
                write(w, mine);
                sts.push(0, false);
            }
            for (Beat e : evt.take()) {
                eq(-1, err, "a second done pulse for one command");
                err = (int) e.dataLong();
            }
        }
        ok(writeBeats.isEmpty(), "write beats beyond the write descriptors: " + writeBeats.size());
        ok(pendingWrites.isEmpty(), "done before every write descriptor's status");
        eq(0, sim.peekLong("evt_overflow"));
        eq(0, sim.peekLong("err_without_done"), "err pulsed without done");
        sim.run(4);
        ok(xDesc.take().isEmpty() && oDesc.take().isEmpty() && oData.take().isEmpty()
                && (vDesc == null || vDesc.take().isEmpty()), "the unit went on after done");
        eq(0, xData.pending(), "read data left over after done");
        if (vData != null) {
            eq(0, vData.pending(), "V data left over after done");
        }
        eq(0, sim.peekLong("busy"), "busy after done");
        eq(1, sim.peekLong("cmd_tready"), "not ready for the next command");
        return new Outcome(err, xs, vs, os, sim.cycle() - start, writeCycles);
    }

    /** The descriptor's bytes from the buffer model, in the read channel's beat layout. */
    private void answer(StreamSource src, Desc d) {
        byte[] b = buffers.get(spaceOf(d.space()));
        int bb = params.bb();
        int beatsPerRow = ceilDiv(d.rowBytes(), bb);
        for (int r = 0; r < d.rows(); r++) {
            long base = d.addr() + (long) r * d.stride();
            for (int j = 0; j < beatsPerRow; j++) {
                int n = Math.min(bb, d.rowBytes() - j * bb);
                byte[] le = new byte[bb];
                for (int i = 0; i < n; i++) {
                    le[i] = b[(int) (base + (long) j * bb + i)];
                }
                BigInteger data = fromLittleEndian(le);
                long keep = n == 64 ? -1L : (1L << n) - 1;
                boolean last = r == d.rows() - 1 && j == beatsPerRow - 1;
                src.push(Beat.of(data, last).withKeep(keep));
            }
        }
    }

    private void write(Desc d, List<Beat> beats) {
        byte[] b = buffers.get(spaceOf(d.space()));
        int bb = params.bb();
        int beatsPerRow = ceilDiv(d.rowBytes(), bb);
        int k = 0;
        for (int r = 0; r < d.rows(); r++) {
            long base = d.addr() + (long) r * d.stride();
            for (int j = 0; j < beatsPerRow; j++) {
                Beat beat = beats.get(k++);
                eq(k == beats.size(), beat.last(), "tlast of write beat " + (k - 1) + " of " + beats.size());
                byte[] le = toLittleEndian(beat.data(), bb);
                int n = Math.min(bb, d.rowBytes() - j * bb);
                for (int i = 0; i < n; i++) {
                    b[(int) (base + (long) j * bb + i)] = le[i];
                }
            }
        }
    }

    static Space spaceOf(int code) {
        return Space.values()[code];
    }

    static BigInteger fromLittleEndian(byte[] le) {
        byte[] be = new byte[le.length + 1];
        for (int i = 0; i < le.length; i++) {
            be[be.length - 1 - i] = le[i];
        }
        return new BigInteger(be);
    }

    static byte[] toLittleEndian(BigInteger v, int n) {
        byte[] le = new byte[n];
        for (int i = 0; i < n; i++) {
            le[i] = v.shiftRight(8 * i).byteValue();
        }
        return le;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Copies bytes into a buffer region (rows of rowBytes at a stride). */
    void put(Operand o, byte[][] rows) {
        byte[] b = buffers.get(o.space());
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, b, (int) (o.addr() + r * o.stride()), rows[r].length);
        }
    }

    byte[][] get(Operand o, int rows, int rowBytes) {
        byte[] b = buffers.get(o.space());
        byte[][] out = new byte[rows][rowBytes];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, (int) (o.addr() + r * o.stride()), out[r], 0, rowBytes);
        }
        return out;
    }

    /**
     * What the interpreter writes for {@code c} given the input regions: it LOADs each input from
     * memory into the same buffer region, runs c, and STOREs the output region.
     */
    static byte[][] interpret(Command c, List<Operand> inputs, List<byte[][]> inputRows, Operand out, int outRows,
            int outRowBytes) {
        int dramBytes = 1 << 20;
        byte[] dram = new byte[dramBytes];
        List<Command> cmds = new ArrayList<>();
        int addr = 0;
        for (int i = 0; i < inputs.size(); i++) {
            byte[][] rows = inputRows.get(i);
            int rb = rows[0].length;
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, dram, addr + r * rb, rb);
            }
            cmds.add(new Command.Load(Command.Deps.NONE, Operand.of(Space.DRAM, addr, rb), inputs.get(i), rows.length, rb));
            addr += rows.length * rb;
        }
        cmds.add(new Command.Sync(Command.Deps.NONE));
        cmds.add(c);
        cmds.add(new Command.Sync(Command.Deps.NONE));
        int outAddr = addr;
        cmds.add(new Command.Store(Command.Deps.NONE, out, Operand.of(Space.DRAM, outAddr, outRowBytes), outRows, outRowBytes));
        cmds.add(new Command.End(Command.Deps.NONE));
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, (long) SPACE_BYTES);
            }
        }
        byte[] result = Interpreter.run(cmds, null, dram, new BufferPlan(cap, 1), List.of(), 1, 4).dram();
        byte[][] want = new byte[outRows][outRowBytes];
        for (int r = 0; r < outRows; r++) {
            System.arraycopy(result, outAddr + r * outRowBytes, want[r], 0, outRowBytes);
        }
        return want;
    }

    /** Every output byte equals the interpreter's, else the first differing row and byte. */
    static void assertRegion(byte[][] want, byte[][] got, String what) {
        for (int r = 0; r < want.length; r++) {
            for (int j = 0; j < want[r].length; j++) {
                if (want[r][j] != got[r][j]) {
                    throw new AssertionError(what + ": row " + r + " byte " + j + ": expected " + want[r][j] + ", got "
                            + got[r][j]);
                }
            }
        }
    }

    static final long HELPER_MAX_CYCLES = 400_000;

    /** JUnit-free checks (the benchmark runs without JUnit on its class path). */
    static void eq(Object want, Object got, String what) {
        if (!java.util.Objects.equals(want, got) && !(want instanceof Number w && got instanceof Number g
                && w.longValue() == g.longValue())) {
            throw new AssertionError(what + " ==> expected: <" + want + "> but was: <" + got + ">");
        }
    }

    static void eq(long want, long got, String what) {
        if (want != got) {
            throw new AssertionError(what + " ==> expected: <" + want + "> but was: <" + got + ">");
        }
    }

    static void eq(long want, long got) {
        eq(want, got, "value");
    }

    static void ok(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError(what);
        }
    }

    /** Score rows of varied shape: uniform, narrow, all equal, one-hot extremes. */
    static byte[][] scores(Random rnd, int rows, int len) {
        byte[][] x = new byte[rows][len];
        for (int r = 0; r < rows; r++) {
            int kind = r % 5;
            int base = rnd.nextInt(256) - 128;
            int hot = rnd.nextInt(len);
            for (int j = 0; j < len; j++) {
                int v = switch (kind) {
                    case 0 -> rnd.nextInt(256) - 128;
                    case 1 -> Math.max(-128, Math.min(127, base + rnd.nextInt(7) - 3));
                    case 2 -> base;
                    case 3 -> j == hot ? 127 : -128;
                    default -> Math.max(-128, Math.min(127, base + rnd.nextInt(61) - 30));
                };
                x[r][j] = (byte) v;
            }
        }
        return x;
    }

    /** Runs one SOFTMAX and checks descriptors and bytes against the interpreter. */
    static Outcome softmax(SoftmaxUnitRig rig, Random rnd, int rows, int len, boolean log2, int bits, int x,
            Operand in, Operand out) {
        byte[][] sc = scores(rnd, rows, len);
        rig.put(in, sc);
        Command.Softmax c = new Command.Softmax(Command.Deps.NONE, log2, log2 ? 16 : bits, in, out, rows, len, x);
        int ob = c.outBytes();
        byte[][] want = interpret(c, List.of(in), List.<byte[][]>of(sc), out, rows, len * ob);
        Outcome o = rig.run(cmdBits(c), HELPER_MAX_CYCLES);
        String what = "SOFTMAX " + rows + " x " + len + (log2 ? " log2" : " b=" + bits) + " X=" + x;
        eq(0, o.err(), what + ": err bits");
        eq(List.of(Desc.of(in, rows, len)), o.x(), what + ": read descriptors");
        eq(List.of(), o.v(), what + ": V descriptors");
        eq(List.of(Desc.of(out, rows, len * ob)), o.o(), what + ": write descriptors");
        assertRegion(want, rig.get(out, rows, len * ob), what);
        return o;
    }

    /** Code rows as the log2 softmax writes them, plus a few random in-range code bytes. */
    static byte[][] codes(Random rnd, int rows, int n) {
        byte[][] c = new byte[rows][n];
        byte[][] sc = scores(rnd, rows, n);
        for (int r = 0; r < rows; r++) {
            long[] x = new long[n];
            for (int j = 0; j < n; j++) {
                x[j] = sc[r][j];
            }
            Log2Softmax.Result res = Log2Softmax.apply(x, 1 + rnd.nextInt(127));
            for (int j = 0; j < n; j++) {
                c[r][j] = (byte) (res.zero()[j] ? 0x10 | res.code()[j] : res.code()[j]);
                if (r % 4 == 3 && rnd.nextInt(4) == 0) {
                    c[r][j] = (byte) rnd.nextInt(32);
                }
            }
        }
        return c;
    }

    /** Runs one ATTNV and checks descriptors and bytes against the interpreter. */
    static Outcome attnv(SoftmaxUnitRig rig, Random rnd, int rows, int n, int hd, Operand codesOp, Operand vOp,
            Operand out, DyadicScale scale) {
        byte[][] cd = codes(rnd, rows, n);
        byte[][] v = new byte[n][hd];
        for (byte[] row : v) {
            rnd.nextBytes(row);
        }
        rig.put(codesOp, cd);
        rig.put(vOp, v);
        Command.AttnV c = new Command.AttnV(Command.Deps.NONE, codesOp, vOp, out, rows, n, hd, scale);
        byte[][] want = interpret(c, List.of(codesOp, vOp), List.of(cd, v), out, rows, hd);
        Outcome o = rig.run(cmdBits(c), HELPER_MAX_CYCLES);
        String what = "ATTNV " + rows + " x " + n + " x " + hd;
        eq(0, o.err(), what + ": err bits");
        eq(List.of(Desc.of(codesOp, rows, n)), o.x(), what + ": code descriptors");
        List<Desc> vd = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            vd.add(Desc.of(vOp, n, hd));
        }
        eq(vd, o.v(), what + ": V descriptors");
        eq(List.of(Desc.of(out, rows, hd)), o.o(), what + ": write descriptors");
        byte[][] got = rig.get(out, rows, hd);
        assertRegion(want, got, what);
        long distinct = java.util.Arrays.stream(want).flatMapToInt(b -> java.util.stream.IntStream.range(0, b.length)
                .map(i -> b[i])).distinct().count();
        ok(distinct > Math.min(20, rows * hd / 4), what + ": the scale must spread the outputs: " + distinct);
        return o;
    }

    static DyadicScale attnScale(Random rnd, int n) {
        // acc ~ V * 2^15 summed over a few keys: bring it to about +-100, sometimes saturating
        return DyadicScale.fromRatio((rnd.nextBoolean() ? 1 : -1) * Math.scalb(0.6 + rnd.nextDouble(), -15 - rnd.nextInt(2)));
    }

    @Override
    public void close() {
        sim.close();
    }
}
