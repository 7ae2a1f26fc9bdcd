package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.StreamChecker;
import io.vitgen.compile.Unit;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.hw.top.SoftmaxUnit;
import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Lint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SOFTMAX and ATTNV through the whole accelerator top: the softmax unit attached with
 * {@link SoftmaxUnit#attach}, streams of LOAD (scores, V) -> SOFTMAX / ATTNV -> STORE with
 * dependency tokens, fetched and run from the AXI memory model (fixed and random latency); the
 * whole memory image afterwards equals {@link Interpreter}'s byte for byte. Shiftmax b = 16 and
 * b = 8 on one top, log2 + ATTNV on another; DeiT-Tiny rows (197 keys, head width 64) and 13-key
 * rows. The printed tops lint clean.
 */
class TopSoftmaxCosimTest {

    static final AcceleratorTop.Params P = new AcceleratorTop.Params("vts", 128, 15, 2, 4);

    static AcceleratorTop top(boolean log2) {
        return SoftmaxUnit.attach(new AcceleratorTop(P), SoftmaxUnit.params(P.bb(), 4, 256, log2, 16, 64, 197));
    }

    record Case(List<Command> cmds, List<String> labels, byte[] image, long cmdAddr) {
    }

    /** A stream and its image: inputs at 0.., outputs after them, the commands last. */
    static final class Builder {
        final Random rnd;
        final List<Command> cmds = new ArrayList<>();
        final List<String> labels = new ArrayList<>();
        final byte[] dram = new byte[1 << 18];
        int inTop = 0;
        int outTop = 1 << 17;

        Builder(Random rnd) {
            this.rnd = rnd;
            rnd.nextBytes(dram);
        }

        /** LOAD of rows x len bytes (random content from {@code rows}) into a buffer region; signals SOFTMAX. */
        void load(byte[][] rows, Operand dst, String label) {
            int len = rows[0].length;
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, dram, inTop + r * len, len);
            }
            cmds.add(new Command.Load(Command.Deps.of(List.of(), List.of(Unit.SOFTMAX)), Operand.of(Space.DRAM, inTop, len), dst,
                    rows.length, len));
            labels.add("load " + label);
            inTop += (rows.length * len + 63) / 64 * 64;
        }

        /** A SOFTMAX-unit command waiting on one LOAD (or none) and signalling STORE. */
        void unit(Command c, String label) {
            cmds.add(c);
            labels.add(label);
        }

        /** STORE of a buffer region to memory, waiting on the SOFTMAX unit. */
        void store(Operand src, int rows, int len, String label) {
            cmds.add(new Command.Store(Command.Deps.of(List.of(Unit.SOFTMAX), List.of()), src,
                    Operand.of(Space.DRAM, outTop, len + 3), rows, len));
            labels.add("store " + label);
            outTop += (rows * (len + 3) + 63) / 64 * 64;
        }

        Case build() {
            cmds.add(new Command.End(Command.Deps.NONE));
            labels.add("end");
            byte[] stream = CommandCodec.toBytes(CommandCodec.encode(cmds));
            long cmdAddr = outTop;
            byte[] image = java.util.Arrays.copyOf(dram, (int) cmdAddr + stream.length);
            System.arraycopy(stream, 0, image, (int) cmdAddr, stream.length);
            return new Case(cmds, labels, image, cmdAddr);
        }
    }

    static final Command.Deps WAIT_LOAD_SIGNAL_STORE = Command.Deps.of(List.of(Unit.LOAD), List.of(Unit.STORE));

    static Case shiftmaxCase(Random rnd) {
        Builder b = new Builder(rnd);
        Operand sc = Operand.of(Space.ATT, 5, 200);
        b.load(SoftmaxUnitRig.scores(rnd, 12, 197), sc, "scores 12 x 197");
        Operand p16 = Operand.of(Space.HID, 0, 394);
        b.unit(new Command.Softmax(WAIT_LOAD_SIGNAL_STORE, false, 16, sc, p16, 12, 197, 1 + rnd.nextInt(127)), "softmax b=16");
        b.store(p16, 12, 394, "probs b=16");
        Operand sc2 = Operand.of(Space.QKV, 3, 13);
        b.load(SoftmaxUnitRig.scores(rnd, 13, 13), sc2, "scores 13 x 13");
        Operand p8 = Operand.of(Space.ACT, 1, 13);
        b.unit(new Command.Softmax(WAIT_LOAD_SIGNAL_STORE, false, 8, sc2, p8, 13, 13, 1 + rnd.nextInt(127)), "softmax b=8");
        b.store(p8, 13, 13, "probs b=8");
        return b.build();
    }

    static Case log2Case(Random rnd) {
        Builder b = new Builder(rnd);
        Operand sc = Operand.of(Space.ATT, 0, 197);
        b.load(SoftmaxUnitRig.scores(rnd, 6, 197), sc, "scores 6 x 197");
        Operand v = Operand.of(Space.QKV, 64, 64);
        byte[][] vRows = new byte[197][64];
        for (byte[] r : vRows) {
            rnd.nextBytes(r);
        }
        b.load(vRows, v, "V 197 x 64");
        Operand codes = Operand.of(Space.HID, 3, 200);
        b.unit(new Command.Softmax(WAIT_LOAD_SIGNAL_STORE, true, 16, sc, codes, 6, 197, 1 + rnd.nextInt(127)), "softmax log2");
        b.store(codes, 6, 197, "codes");
        Operand ctx = Operand.of(Space.ACT, 7, 64);
        b.unit(new Command.AttnV(WAIT_LOAD_SIGNAL_STORE, codes, v, ctx, 6, 197, 64, SoftmaxUnitRig.attnScale(rnd, 197)),
                "attn x V");
        b.store(ctx, 6, 64, "context");
        // odd shape: 13 keys, the same unit (head width 64)
        Operand sc2 = Operand.of(Space.ATT, 4000, 13);
        b.load(SoftmaxUnitRig.scores(rnd, 13, 13), sc2, "scores 13 x 13");
        Operand codes2 = Operand.of(Space.HID, 4000, 13);
        b.unit(new Command.Softmax(WAIT_LOAD_SIGNAL_STORE, true, 16, sc2, codes2, 13, 13, 1 + rnd.nextInt(127)), "softmax log2 13");
        b.store(codes2, 13, 13, "codes 13");
        Operand v2 = Operand.of(Space.QKV, 20000, 64);
        byte[][] v2Rows = new byte[13][64];
        for (byte[] r : v2Rows) {
            rnd.nextBytes(r);
        }
        b.load(v2Rows, v2, "V 13 x 64");
        Operand ctx2 = Operand.of(Space.ACT, 2000, 64);
        b.unit(new Command.AttnV(WAIT_LOAD_SIGNAL_STORE, codes2, v2, ctx2, 13, 13, 64, SoftmaxUnitRig.attnScale(rnd, 13)),
                "attn x V 13");
        b.store(ctx2, 13, 64, "context 13");
        return b.build();
    }

    static BufferPlan plan() {
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, P.spaceBytes(s));
            }
        }
        return new BufferPlan(cap, 16);
    }

    static void runBitExact(AcceleratorTop top, Case c, long seed, AxiMemory.Config cfg) {
        top.requireRunnable(c.cmds(), c.labels());
        StreamChecker.Result chk = StreamChecker.check(c.cmds(), c.labels(), 4);
        assertTrue(chk.problems().isEmpty(), "the stream is not legal: " + chk.problems());
        byte[] want = Interpreter.run(c.cmds(), c.labels(), c.image(), plan(), List.of(), seed, 4).dram();
        try (TopRig rig = new TopRig(top, seed, cfg)) {
            TopRig.Outcome o = rig.run(c.image(), 0, c.cmdAddr(), 0, c.image().length, 600_000);
            assertEquals(0, o.error(), "ERROR bits, ERR_CMD " + o.errCmd() + ", seed " + seed);
            assertTrue(o.done(), "STATUS " + o.status());
            byte[] got = rig.mem.dump(0, want.length);
            for (int a = 0; a < want.length; a++) {
                if (want[a] != got[a]) {
                    throw new AssertionError("seed " + seed + ": first difference at 0x" + Long.toHexString(a) + ": expected "
                            + want[a] + ", got " + got[a]);
                }
            }
            Map<String, Long> n = o.counters();
            assertEquals(c.cmds().size(), n.get("commands"), "CMD_DONE counts every command");
            assertTrue(n.get("softmax") > 0 && n.get("softmax") < n.get("total"), n.toString());
            System.out.printf("top softmax seed %x: %d commands, %d cycles (%s)%n", seed, c.cmds().size(), o.cycles(), n);
        }
    }

    @Test
    void shiftmaxB16AndB8ThroughTheTop() {
        long seed = Seeds.of("TopSoftmaxCosimTest.shiftmax", 0x70B5_0001L);
        runBitExact(top(false), shiftmaxCase(new Random(seed)), seed, AxiMemory.Config.random(1, 40, 600));
    }

    @Test
    void log2AndAttnvThroughTheTop() {
        long seed = Seeds.of("TopSoftmaxCosimTest.log2", 0x70B5_0002L);
        runBitExact(top(true), log2Case(new Random(seed)), seed, AxiMemory.Config.fixed(8));
    }

    @Test
    void aRowAboveMaxRowStopsTheTopWithTheUnitsErrorBit() {
        long seed = Seeds.of("TopSoftmaxCosimTest.refusal", 0x70B5_0003L);
        Random rnd = new Random(seed);
        Builder b = new Builder(rnd);
        Operand sc = Operand.of(Space.ATT, 0, 300);
        b.load(SoftmaxUnitRig.scores(rnd, 2, 300), sc, "scores 2 x 300");
        Operand out = Operand.of(Space.HID, 0, 600);
        b.unit(new Command.Softmax(WAIT_LOAD_SIGNAL_STORE, false, 16, sc, out, 2, 300, 5), "softmax of 300 keys (MAX_ROW 256)");
        b.store(out, 2, 600, "probs");
        Case c = b.build();
        try (TopRig rig = new TopRig(top(false), seed, AxiMemory.Config.fixed(8))) {
            TopRig.Outcome o = rig.run(c.image(), 0, c.cmdAddr(), 0, c.image().length, 100_000);
            assertTrue(o.failed(), "STATUS " + o.status());
            assertEquals(1L << AcceleratorTop.ERR_UNSUPPORTED, o.error(), "ERROR bits");
            assertEquals(1, o.errCmd(), "ERR_CMD names the SOFTMAX");
        }
    }

    @Test
    void printedTopsAreLintClean() throws Exception {
        for (boolean log2 : new boolean[] {false, true}) {
            AcceleratorTop t = top(log2);
            List<Path> rtl = TopRig.emit(t);
            assertEquals("", Lint.run(rtl, P.topName(), Map.of()), "verilator -Wall must print nothing");
            assertEquals("", Lint.iverilog(rtl, P.topName(), Map.of()), "iverilog -g2005 -Wall must print nothing");
        }
    }
}
