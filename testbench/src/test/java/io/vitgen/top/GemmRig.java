package io.vitgen.top;

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

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.top.GemmUnit;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;
import io.vitgen.sim.StreamSource;
import io.vitgen.sim.VerilatedModel;

/**
 * Runs vitgen_top_gemm alone through the stream harness: feeds one GEMM command, answers every read
 * descriptor with the buffer bytes (in descriptor order, junk in the lanes tkeep leaves out), takes
 * the write descriptors and data into a byte model of the buffers, feeds one status beat per
 * completed write descriptor, and compares with the command interpreter: every descriptor with the
 * order the unit's header documents, every byte of the output space, the done pulse and the error
 * bits. A small wrapper (written here) counts done pulses, ORs the err pulses and counts the cycles
 * with mac_active and busy high, so nothing depends on sampling a one-cycle pulse. Every run starts
 * from a random initial state drawn from its seed (as the whole top's runs do), so a register the
 * unit reads before writing it shows as a difference instead of a lucky zero.
 */
public final class GemmRig {

    /** Bytes of each buffer space in the byte model (and in the interpreter's plan). */
    static final int SPACE_BYTES = 1 << 18;
    static final String TB = "gemm_unit_tb";
    private static final String[] READS = {"a", "w", "t", "r"};

    final GemmUnit.Params params;
    final VerilatedModel model;
    final int bb;

    /** What one run measured. */
    record Result(long cycles, long macActive, long busy, int err) {
    }

    GemmRig(GemmUnit.Params params, Path dir) {
        this.params = params;
        this.bb = params.bb();
        List<Path> files = new ArrayList<>(Emitter.writeModules(List.of(GemmUnit.spec(params)), dir));
        Path tb = dir.resolve(TB + ".v");
        try {
            Files.writeString(tb, wrapper(bb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(tb);
        this.model = VerilatedModel.build(files, TB);
    }

    /** The wrapper: the unit's ports passed through, done/err/mac_active/busy turned into counters. */
    static String wrapper(int bb) {
        StringBuilder s = new StringBuilder();
        s.append("`timescale 1ns / 1ps\n`default_nettype none\n");
        s.append("// Test wrapper of vitgen_top_gemm: counts done pulses, ORs err pulses, counts mac_active and busy cycles.\n");
        s.append("module ").append(TB).append(" (\n    input wire aclk,\n    input wire aresetn,\n");
        s.append("    input wire [551:0] cmd_tdata,\n    input wire cmd_tvalid,\n    output wire cmd_tready,\n");
        for (String c : READS) {
            s.append("    output wire [99:0] ").append(c).append("_rd_desc_tdata,\n");
            s.append("    output wire ").append(c).append("_rd_desc_tvalid,\n");
            s.append("    input wire ").append(c).append("_rd_desc_tready,\n");
            s.append("    input wire [").append(bb * 8 - 1).append(":0] ").append(c).append("_rd_tdata,\n");
            s.append("    input wire [").append(bb - 1).append(":0] ").append(c).append("_rd_tkeep,\n");
            s.append("    input wire ").append(c).append("_rd_tlast,\n");
            s.append("    input wire ").append(c).append("_rd_tvalid,\n");
            s.append("    output wire ").append(c).append("_rd_tready,\n");
        }
        s.append("    output wire [99:0] o_wr_desc_tdata,\n    output wire o_wr_desc_tvalid,\n    input wire o_wr_desc_tready,\n");
        s.append("    output wire [").append(bb * 8 - 1).append(":0] o_wr_tdata,\n    output wire o_wr_tlast,\n");
        s.append("    output wire o_wr_tvalid,\n    input wire o_wr_tready,\n");
        s.append("    input wire [0:0] o_wr_sts_tdata,\n    input wire o_wr_sts_tvalid,\n    output wire o_wr_sts_tready,\n");
        s.append("    output reg [31:0] done_cnt,\n    output reg [5:0] err_acc,\n");
        s.append("    output reg [31:0] active_cnt,\n    output reg [31:0] busy_cnt\n);\n");
        s.append("    wire done, busy, mac_active;\n    wire [5:0] err;\n");
        s.append("    always @(posedge aclk) begin\n        if (!aresetn) begin\n");
        s.append("            done_cnt <= 32'd0; err_acc <= 6'd0; active_cnt <= 32'd0; busy_cnt <= 32'd0;\n");
        s.append("        end else begin\n            done_cnt <= done_cnt + {31'd0, done};\n");
        s.append("            err_acc <= err_acc | err;\n            active_cnt <= active_cnt + {31'd0, mac_active};\n");
        s.append("            busy_cnt <= busy_cnt + {31'd0, busy};\n        end\n    end\n");
        s.append("    vitgen_top_gemm u_unit (\n        .aclk(aclk), .aresetn(aresetn),\n");
        s.append("        .cmd_tdata(cmd_tdata), .cmd_tvalid(cmd_tvalid), .cmd_tready(cmd_tready),\n");
        s.append("        .done(done), .err(err), .busy(busy), .mac_active(mac_active),\n");
        for (String c : READS) {
            for (String f : List.of("_rd_desc_tdata", "_rd_desc_tvalid", "_rd_desc_tready", "_rd_tdata", "_rd_tkeep",
                    "_rd_tlast", "_rd_tvalid", "_rd_tready")) {
                s.append("        .").append(c).append(f).append("(").append(c).append(f).append("),\n");
            }
        }
        List<String> o = List.of("o_wr_desc_tdata", "o_wr_desc_tvalid", "o_wr_desc_tready", "o_wr_tdata", "o_wr_tlast",
                "o_wr_tvalid", "o_wr_tready", "o_wr_sts_tdata", "o_wr_sts_tvalid", "o_wr_sts_tready");
        for (int i = 0; i < o.size(); i++) {
            s.append("        .").append(o.get(i)).append("(").append(o.get(i)).append(i + 1 < o.size() ? "),\n" : ")\n");
        }
        s.append("    );\nendmodule\n`default_nettype wire\n");
        return s.toString();
    }

    /** A read or write descriptor (docs/top-units.md). */
    record Desc(int space, long addr, int rows, long rowBytes, long stride) {
        static Desc decode(BigInteger d) {
            long lo = d.longValue();
            long hi = d.shiftRight(64).longValue();
            int space = (int) (lo & 0xF);
            long addr = (lo >>> 4) & 0xFFFF_FFFFL;
            int rows = (int) ((lo >>> 36) & 0xFFFF);
            long rb = ((lo >>> 52) | (hi << 12)) & 0xFF_FFFFL;
            long stride = (hi >>> 12) & 0xFF_FFFFL;
            return new Desc(space, addr, rows, rb, stride);
        }
    }

    /** The descriptors the unit issues for a command, per channel, in the order its header documents. */
    Map<String, List<Desc>> expectedDescriptors(Command.Gemm g) {
        int rowsT = params.shape().rows();
        int colsT = params.shape().cols();
        Map<String, List<Desc>> m = new java.util.LinkedHashMap<>();
        for (String c : List.of("a", "w", "t", "r", "o")) {
            m.put(c, new ArrayList<>());
        }
        int e = g.split16() ? 2 : 1;
        int passes = g.split16() ? 2 : 1;
        int ob = g.epilogue().outBytes();
        for (int m0 = 0; m0 < g.m(); m0 += rowsT) {
            int rv = Math.min(rowsT, g.m() - m0);
            m.get("a").add(new Desc(g.a().space().code(), g.a().addr() + (long) m0 * g.a().stride(), rv, (long) g.k() * e,
                    g.a().stride()));
            for (int n0 = 0; n0 < g.n(); n0 += colsT) {
                int cv = Math.min(colsT, g.n() - n0);
                if (g.wTransposed()) {
                    m.get("w").add(new Desc(g.w().space().code(), g.w().addr() + (long) n0 * g.w().stride(), cv, g.k(),
                            g.w().stride()));
                } else {
                    for (int p = 0; p < passes; p++) {
                        m.get("w").add(new Desc(g.w().space().code(), g.w().addr() + n0, g.k(), cv, g.w().stride()));
                    }
                }
                if (g.bias() != null) {
                    m.get("t").add(new Desc(g.bias().space().code(), g.bias().addr() + 8L * n0, 1, 8L * cv, 8L * cv));
                }
                if (g.scaleTable() != null) {
                    m.get("t").add(new Desc(g.scaleTable().space().code(), g.scaleTable().addr() + 8L * n0, 1, 8L * cv,
                            8L * cv));
                }
                if (g.residual() != null) {
                    m.get("r").add(new Desc(g.residual().space().code(),
                            g.residual().addr() + (long) m0 * g.residual().stride() + 2L * n0, rv, 2L * cv,
                            g.residual().stride()));
                }
                m.get("o").add(new Desc(g.out().space().code(), g.out().addr() + (long) m0 * g.out().stride() + (long) ob * n0,
                        rv, (long) ob * cv, g.out().stride()));
            }
        }
        return m;
    }

    /** The 552-bit command word of the unit contract for a command. */
    static BigInteger commandWord(Command c) {
        long[] w = CommandCodec.encode(List.of(c, new Command.End(Command.Deps.NONE)));
        long header = w[0];
        int args = (int) ((header >>> 24) & 0xFF);
        BigInteger word = BigInteger.valueOf(header & 0xFF).or(BigInteger.valueOf(header >>> 32).shiftLeft(8));
        for (int i = 0; i < args; i++) {
            word = word.or(new BigInteger(Long.toUnsignedString(w[1 + i])).shiftLeft(40 + 64 * i));
        }
        return word;
    }

    /**
     * The interpreter's answer: the buffers (one {@link #SPACE_BYTES} image per space) after the
     * command, or null when the interpreter refuses the command.
     */
    static Map<Space, byte[]> interpret(Command.Gemm g, Map<Space, byte[]> buffers) {
        List<Command> cmds = new ArrayList<>();
        List<Space> spaces = new ArrayList<>(buffers.keySet());
        byte[] dram = new byte[SPACE_BYTES * spaces.size()];
        for (int i = 0; i < spaces.size(); i++) {
            System.arraycopy(buffers.get(spaces.get(i)), 0, dram, i * SPACE_BYTES, SPACE_BYTES);
            Command.Deps d = i == spaces.size() - 1 ? new Command.Deps(0, Unit.GEMM.bit()) : Command.Deps.NONE;
            cmds.add(new Command.Load(d, Operand.of(Space.DRAM, (long) i * SPACE_BYTES, SPACE_BYTES),
                    Operand.of(spaces.get(i), 0, SPACE_BYTES), 1, SPACE_BYTES));
        }
        cmds.add(withDeps(g, new Command.Deps(Unit.LOAD.bit(), Unit.STORE.bit())));
        int outIdx = spaces.indexOf(g.out().space());
        cmds.add(new Command.Store(new Command.Deps(Unit.GEMM.bit(), 0), Operand.of(g.out().space(), 0, SPACE_BYTES),
                Operand.of(Space.DRAM, (long) outIdx * SPACE_BYTES, SPACE_BYTES), 1, SPACE_BYTES));
        cmds.add(new Command.End(Command.Deps.NONE));
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, (long) SPACE_BYTES);
            }
        }
        Interpreter.Run run;
        try {
            run = Interpreter.run(cmds, null, dram, new BufferPlan(cap, 1), List.of(), 1, 4);
        } catch (Interpreter.ExecutionException e) {
            return null;
        }
        Map<Space, byte[]> out = new EnumMap<>(Space.class);
        for (int i = 0; i < spaces.size(); i++) {
            byte[] b = new byte[SPACE_BYTES];
            System.arraycopy(run.dram(), i * SPACE_BYTES, b, 0, SPACE_BYTES);
            out.put(spaces.get(i), b);
        }
        return out;
    }

    static Command.Gemm withDeps(Command.Gemm g, Command.Deps d) {
        return new Command.Gemm(d, g.epilogue(), g.split16(), g.wTransposed(), g.a(), g.w(), g.out(), g.m(), g.k(), g.n(),
                g.bias(), g.scaleTable(), g.scale(), g.residual(), g.residualScale());
    }

    /**
     * Runs the command on the unit and checks it: with {@code expectErr} the unit must pulse err bit 2
     * with done (and, refused at accept, issue nothing); otherwise every descriptor and every byte of
     * the output space must equal the interpreter's.
     */
    /** What a run must show. */
    enum Expect {
        /** bit-exact with the interpreter */
        MATCH,
        /** err bit 2 with done, no descriptor issued (refused when accepted) */
        REFUSED,
        /** err bit 2 with done (found while running) */
        ERROR
    }

    Result run(Command.Gemm g, Map<Space, byte[]> buffers, long seed, int validPermille, int readyPermille, Expect expect) {
        return run(g, buffers, seed, validPermille, readyPermille, expect, false);
    }

    /**
     * As {@link #run(Command.Gemm, Map, long, int, int, Expect)}; with {@code ideal} the buffers answer
     * at once: the data of every descriptor the unit will issue (in the documented order) and every
     * status beat are queued before the command starts, so the unit never waits for a buffer (the
     * benchmark's setting). The descriptors are still compared with that order; status beats follow
     * the written data as in the stalling mode (the harness round trip is 64 cycles here).
     */
    Result run(Command.Gemm g, Map<Space, byte[]> buffers, long seed, int validPermille, int readyPermille, Expect expect,
            boolean ideal) {
        Map<Space, byte[]> expected = interpret(g, buffers);
        if (expect == Expect.MATCH && expected == null) {
            fail("the interpreter refuses " + g);
        }
        Map<Space, byte[]> mem = new EnumMap<>(Space.class);
        buffers.forEach((s, b) -> mem.put(s, b.clone()));
        Random junk = new Random(seed ^ 0x5EED);
        Map<String, List<Desc>> got = new java.util.LinkedHashMap<>();
        for (String c : List.of("a", "w", "t", "r", "o")) {
            got.put(c, new ArrayList<>());
        }
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            StreamSource cmd = sim.source("cmd", 1000);
            Map<String, StreamSink> descs = new java.util.LinkedHashMap<>();
            Map<String, StreamSource> data = new java.util.LinkedHashMap<>();
            for (String c : READS) {
                descs.put(c, sim.sink(c + "_rd_desc", readyPermille));
                data.put(c, sim.source(c + "_rd", validPermille));
            }
            StreamSink oDesc = sim.sink("o_wr_desc", readyPermille);
            StreamSink oData = sim.sink("o_wr", readyPermille);
            StreamSource sts = sim.source("o_wr_sts", validPermille);
            sim.reset(4);
            long start = sim.cycle();
            if (ideal) {
                Map<String, List<Desc>> want = expectedDescriptors(g);
                for (String c : READS) {
                    for (Desc d : want.get(c)) {
                        answer(data.get(c), d, mem, junk);
                    }
                }
            }
            cmd.push(commandWord(g), false);
            ArrayDeque<Desc> pending = new ArrayDeque<>();
            ArrayDeque<Beat> beats = new ArrayDeque<>();
            long limit = 50_000 + 40L * g.m() * g.n() * g.k() / Math.max(1, params.shape().rows()) + 2_000_000;
            while (sim.peekLong("done_cnt") == 0) {
                if (sim.cycle() - start > limit) {
                    fail("vitgen_top_gemm hangs: no done after " + limit + " cycles (seed " + seed + ")");
                }
                sim.run(ideal ? 64 : 192);
                for (String c : READS) {
                    for (Beat b : descs.get(c).take()) {
                        Desc d = Desc.decode(b.data());
                        got.get(c).add(d);
                        if (!ideal) {
                            answer(data.get(c), d, mem, junk);
                        }
                    }
                }
                for (Beat b : oDesc.take()) {
                    Desc d = Desc.decode(b.data());
                    got.get("o").add(d);
                    pending.add(d);
                }
                beats.addAll(oData.take());
                while (!pending.isEmpty()) {
                    Desc d = pending.peek();
                    long per = (d.rowBytes() + bb - 1) / bb;
                    long need = per * d.rows();
                    if (beats.size() < need) {
                        break;
                    }
                    pending.poll();
                    byte[] buf = mem.get(Space.values()[d.space()]);
                    for (int r = 0; r < d.rows(); r++) {
                        for (int j = 0; j < per; j++) {
                            Beat b = beats.poll();
                            boolean last = r == d.rows() - 1 && j == per - 1;
                            assertEquals(last, b.last(), "o_wr_tlast of beat " + j + " of row " + r + " of " + d);
                            for (int i = 0; i < bb && j * bb + i < d.rowBytes(); i++) {
                                buf[(int) (d.addr() + r * d.stride() + j * bb + i)] = (byte) b.lane(i, 8);
                            }
                        }
                    }
                    sts.push(0, false);
                }
            }
            sim.run(50);
            assertEquals(1, sim.peekLong("done_cnt"), "exactly one done pulse");
            int err = (int) sim.peekLong("err_acc");
            assertEquals(0, oData.take().size() + beats.size(), "no output beats beyond the descriptors");
            long cycles = sim.peekLong("busy_cnt");
            Result res = new Result(cycles, sim.peekLong("active_cnt"), sim.peekLong("busy_cnt"), err);
            if (expect != Expect.MATCH) {
                assertEquals(1 << GemmUnitErrors.MALFORMED, err, "err bits for a command that cannot run");
                if (expect == Expect.REFUSED) {
                    got.forEach((c, l) -> assertEquals(List.of(), l, "descriptors of a refused command, channel " + c));
                }
                return res;
            }
            assertEquals(0, err, "err bits");
            Map<String, List<Desc>> want = expectedDescriptors(g);
            for (String c : want.keySet()) {
                assertEquals(want.get(c), got.get(c), "descriptors of channel " + c);
            }
            Space os = g.out().space();
            byte[] e = expected.get(os);
            byte[] a = mem.get(os);
            StringBuilder diff = new StringBuilder();
            int bad = 0;
            for (int i = 0; i < e.length; i++) {
                if (e[i] != a[i]) {
                    long off = i - g.out().addr();
                    long row = off / g.out().stride();
                    long col = (off % g.out().stride()) / g.epilogue().outBytes();
                    if (bad++ < 8) {
                        diff.append(String.format("%n  byte %d of %s (row %d, column %d): expected %d, got %d", i, os, row, col,
                                e[i], a[i]));
                    }
                }
            }
            if (bad > 0) {
                diff.append("\n").append(sim.failureArtifacts());
                fail(bad + " output bytes differ (seed " + seed + ", " + g + "):" + diff);
            }
            return res;
        }
    }

    /** Pushes a read descriptor's data beats: per row ceil(row bytes / BB) beats, junk beyond tkeep. */
    private void answer(StreamSource src, Desc d, Map<Space, byte[]> mem, Random junk) {
        byte[] buf = d.space() < Space.values().length ? mem.get(Space.values()[d.space()]) : null;
        long per = (d.rowBytes() + bb - 1) / bb;
        List<Beat> out = new ArrayList<>();
        for (int r = 0; r < d.rows(); r++) {
            for (int j = 0; j < per; j++) {
                long[] lanes = new long[bb];
                long keep = 0;
                for (int i = 0; i < bb; i++) {
                    long at = j * (long) bb + i;
                    if (at < d.rowBytes()) {
                        long addr = d.addr() + r * d.stride() + at;
                        lanes[i] = buf != null && addr < buf.length ? buf[(int) addr] & 0xFF : 0;
                        keep |= 1L << i;
                    } else {
                        lanes[i] = junk.nextInt(256);
                    }
                }
                out.add(Beat.ofLanes(lanes, 8, r == d.rows() - 1 && j == per - 1, keep));
            }
        }
        src.pushAll(out);
    }

    // plain checks (no JUnit: the benchmark runs this rig outside the test runner)
    static void assertEquals(Object want, Object got, String what) {
        if (!java.util.Objects.equals(want, got)) {
            throw new AssertionError(what + ": expected <" + want + "> but was <" + got + ">");
        }
    }

    static void assertEquals(long want, long got, String what) {
        assertEquals(Long.valueOf(want), Long.valueOf(got), what);
    }

    static void fail(String what) {
        throw new AssertionError(what);
    }

    /** ERROR register bit numbers (docs/top-units.md). */
    static final class GemmUnitErrors {
        static final int MALFORMED = 2;

        private GemmUnitErrors() {
        }
    }
}
