package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.StreamChecker;
import io.vitgen.compile.Unit;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Lint;

/**
 * The accelerator top runs LOAD/STORE/SYNC/END streams from memory bit-exact against the command
 * interpreter: random 2-D moves (any byte alignment, any row length and stride, all seven buffer
 * spaces, buffer slots reused behind STORE -> LOAD tokens, LOAD -> STORE tokens for every read
 * after write, a SYNC), fetched and executed through the AXI memory model with a fixed latency and
 * with random latency, backpressure and reordering; the whole memory image is compared byte for
 * byte and a difference is named by the STORE command, row and byte that wrote it. Lint: the
 * printed top is silent under verilator -Wall and iverilog -g2005 -Wall.
 */
class TopLoadStoreCosimTest {

    static final AcceleratorTop.Params P = new AcceleratorTop.Params("vt", 64, 12, 2, 4);
    static final int IN_BYTES = 8192;
    static final int OUT_SLOT = 1024;

    /** A generated stream, its image and where each STORE wrote. */
    record Case(List<Command> cmds, List<String> labels, byte[] image, long cmdAddr, List<long[]> storeRegions) {
    }

    static Case randomCase(long seed, int rounds) {
        return randomCase(P, seed, rounds);
    }

    static Case randomCase(AcceleratorTop.Params p, long seed, int rounds) {
        Random rnd = new Random(seed);
        List<Command> cmds = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<long[]> stores = new ArrayList<>();
        long outBase = IN_BYTES;
        int slot = p.bufferBytes() / 2;
        for (int k = 0; k < rounds; k++) {
            Space space = Space.values()[1 + rnd.nextInt(7)];
            int rows = 1 + rnd.nextInt(6);
            int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 24 : 200);
            int bStride = len + rnd.nextInt(21);
            while ((long) rows * bStride + 64 > slot) {
                rows--;
            }
            long bAddr = (long) (k % 2) * slot + rnd.nextInt(64);
            int mStride = len + rnd.nextInt(31);
            long mAddr = rnd.nextInt(IN_BYTES - ((rows - 1) * mStride + len));
            List<Unit> lw = k >= 2 ? List.of(Unit.STORE) : List.of();
            cmds.add(new Command.Load(Command.Deps.of(lw, List.of(Unit.STORE)), Operand.of(Space.DRAM, mAddr, mStride),
                    Operand.of(space, bAddr, bStride), rows, len));
            labels.add("load " + k);
            int ro = rnd.nextInt(rows);
            int sRows = 1 + rnd.nextInt(rows - ro);
            int co = rnd.nextInt(len);
            int sLen = 1 + rnd.nextInt(len - co);
            int oStride = sLen + rnd.nextInt(9);
            while ((long) (sRows - 1) * oStride + sLen + 64 > OUT_SLOT) {
                sRows--;
            }
            long oAddr = outBase + (long) k * OUT_SLOT + rnd.nextInt(64);
            List<Unit> ss = k + 2 < rounds ? List.of(Unit.LOAD) : List.of();
            cmds.add(new Command.Store(Command.Deps.of(List.of(Unit.LOAD), ss),
                    Operand.of(space, bAddr + (long) ro * bStride + co, bStride), Operand.of(Space.DRAM, oAddr, oStride),
                    sRows, sLen));
            labels.add("store " + k);
            stores.add(new long[] {cmds.size() - 1, oAddr, oStride, sRows, sLen});
            if (k == rounds / 2) {
                cmds.add(new Command.Sync(Command.Deps.NONE));
                labels.add("sync");
            }
        }
        cmds.add(new Command.End(Command.Deps.NONE));
        labels.add("end");
        byte[] stream = CommandCodec.toBytes(CommandCodec.encode(cmds));
        long cmdAddr = outBase + (long) rounds * OUT_SLOT;
        byte[] image = new byte[(int) cmdAddr + stream.length];
        rnd.nextBytes(image);
        System.arraycopy(stream, 0, image, (int) cmdAddr, stream.length);
        return new Case(cmds, labels, image, cmdAddr, stores);
    }

    static BufferPlan plan(AcceleratorTop.Params p) {
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, (long) p.bufferBytes());
            }
        }
        return new BufferPlan(cap, 16);
    }

    /** Names the first differing byte by the STORE that wrote it (or as an address nothing stored to). */
    static String firstDifference(Case c, byte[] want, byte[] got) {
        for (int a = 0; a < want.length; a++) {
            if (want[a] != got[a]) {
                for (long[] s : c.storeRegions()) {
                    for (int r = 0; r < s[3]; r++) {
                        long row = s[1] + r * s[2];
                        if (a >= row && a < row + s[4]) {
                            return "command #" + s[0] + " (" + c.labels().get((int) s[0]) + ") row " + r + " byte "
                                    + (a - row) + " at 0x" + Long.toHexString(a) + ": expected " + want[a] + ", got "
                                    + got[a];
                        }
                    }
                }
                return "byte at 0x" + Long.toHexString(a) + " (written by no STORE): expected " + want[a] + ", got "
                        + got[a];
            }
        }
        return null;
    }

    static void runBitExact(long seed, int rounds, AxiMemory.Config cfg) {
        runBitExact(P, seed, rounds, cfg);
    }

    static void runBitExact(AcceleratorTop.Params p, long seed, int rounds, AxiMemory.Config cfg) {
        Case c = randomCase(p, seed, rounds);
        AcceleratorTop.requireSupported(c.cmds(), c.labels());
        StreamChecker.Result chk = StreamChecker.check(c.cmds(), c.labels(), 4);
        assertTrue(chk.problems().isEmpty(), "generated stream is not legal: " + chk.problems());
        byte[] want = Interpreter.run(c.cmds(), c.labels(), c.image(), plan(p), List.of(), seed, 4).dram();
        try (TopRig rig = new TopRig(p, seed, cfg)) {
            TopRig.Outcome o = rig.run(c.image(), 0, c.cmdAddr(), 0, c.image().length, 400_000);
            assertEquals(0, o.error(), "error bits, ERR_CMD " + o.errCmd() + ", seed " + seed);
            assertTrue(o.done(), "STATUS " + o.status());
            byte[] got = rig.mem.dump(0, want.length);
            String diff = firstDifference(c, want, got);
            assertEquals(null, diff, "seed " + seed + ": first difference");
            Map<String, Long> n = o.counters();
            assertEquals(c.cmds().size(), n.get("commands"), "CMD_DONE counts every command");
            assertEquals(0, n.get("array"));
            assertTrue(n.get("total") > n.get("load") && n.get("total") > n.get("store")
                    && n.get("total") >= n.get("fetch") && n.get("load") > 0 && n.get("store") > 0, n.toString());
            System.out.printf("top LOAD/STORE (%d bits, %d bursts in flight) seed %x: %d commands, %d cycles (%s)%n",
                    p.dataW(), p.maxOutstanding(), seed, c.cmds().size(), o.cycles(), n);
        }
    }

    @Test
    void randomMovesBitExactAtFixedLatency() {
        long seed = Long.getLong("vitgen.seed", 0x70B1_0001L);
        runBitExact(seed, 12, AxiMemory.Config.fixed(8));
    }

    @Test
    void randomMovesBitExactUnderRandomLatencyStallsAndReordering() {
        long seed = Long.getLong("vitgen.seed", 0x70B1_0002L);
        runBitExact(seed, 12, AxiMemory.Config.random(1, 40, 600));
        runBitExact(seed + 1, 12, AxiMemory.Config.random(20, 100, 300));
    }

    /**
     * A 512-bit top with the 16 bursts in flight a generated top keeps at that width: the random
     * moves (most rows a few beats, so many bursts in flight at once) under random latency, stalls
     * and reordering, and at a fixed latency.
     */
    @Test
    void randomMovesBitExactOnA512BitTopWith16BurstsInFlight() {
        long seed = Long.getLong("vitgen.seed", 0x70B1_0003L);
        AcceleratorTop.Params wide = new AcceleratorTop.Params("vt", 512, 13, 2, AcceleratorTop.Params.burstsInFlight(512));
        assertEquals(16, wide.maxOutstanding());
        runBitExact(wide, seed, 12, AxiMemory.Config.random(1, 40, 600));
        runBitExact(wide, seed + 1, 12, AxiMemory.Config.fixed(25));
    }

    @Test
    void printedTopIsLintClean() throws Exception {
        List<Path> rtl = TopRig.emit(P);
        assertEquals("", Lint.run(rtl, P.topName(), Map.of()), "verilator -Wall must print nothing");
        assertEquals("", Lint.iverilog(rtl, P.topName(), Map.of()), "iverilog -g2005 -Wall must print nothing");
        AcceleratorTop.Params wide = new AcceleratorTop.Params("vt", 256, 10, 1, 2);
        List<Path> rtl2 = TopRig.emit(wide);
        assertEquals("", Lint.run(rtl2, wide.topName(), Map.of()), "verilator -Wall (256-bit) must print nothing");
        assertEquals("", Lint.iverilog(rtl2, wide.topName(), Map.of()), "iverilog (256-bit) must print nothing");
        AcceleratorTop.Params w512 = new AcceleratorTop.Params("vt", 512, 13, 2, AcceleratorTop.Params.burstsInFlight(512));
        List<Path> rtl3 = TopRig.emit(w512);
        assertEquals("", Lint.run(rtl3, w512.topName(), Map.of()), "verilator -Wall (512-bit, 16 bursts) must print nothing");
        assertEquals("", Lint.iverilog(rtl3, w512.topName(), Map.of()), "iverilog (512-bit, 16 bursts) must print nothing");
    }
}
