package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import io.vitgen.compile.Unit;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.hw.top.GemmUnit;
import io.vitgen.sim.AxiMemory;

/**
 * GEMM commands through the whole accelerator top (AcceleratorTop with the GEMM unit attached by
 * {@code attachGemm}): LOAD the operands from memory into the buffers, GEMM, STORE the output
 * space, END - fetched and run from the AXI memory model with random latency and backpressure; the
 * stored bytes equal the command interpreter's for REQUANT (per-channel scales, bias), RESIDUAL,
 * RAW with split16 and W transposed, on the odd shape 13 x 40 x 72. A K beyond the unit's limit
 * stops the stream with ERROR bit 2 and the interrupt.
 */
class TopGemmCosimTest {

    static final int SPACE = 1 << 14;
    static final AcceleratorTop.Params P = new AcceleratorTop.Params("vg", 128, 14, 2, 4);
    static final GemmUnit.Params G = new GemmUnit.Params(new MacArray.Shape(4, 4, 8, 8, 32, 8).withReqLanes(2), 16, 256);
    static final Space[] SPACES = {Space.ACT, Space.RES, Space.WGT, Space.ATT, Space.HID, Space.CONST};

    record Stream(List<Command> cmds, List<String> labels, byte[] image, long cmdAddr, long outAddr) {
    }

    /**
     * The memory image: the first {@code n} buffer spaces' initial contents in order, then the encoded
     * stream at {@code cmdAddr}.
     */
    private static byte[] image(Map<Space, byte[]> buffers, int n, List<Command> cmds, long cmdAddr) {
        return image(buffers, n, cmds, cmdAddr, SPACE);
    }

    /** The memory image with buffer spaces of {@code space} bytes. */
    static byte[] image(Map<Space, byte[]> buffers, int n, List<Command> cmds, long cmdAddr, int space) {
        byte[] words = CommandCodec.toBytes(CommandCodec.encode(cmds));
        byte[] image = new byte[(int) cmdAddr + words.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(buffers.get(SPACES[i]), 0, image, i * space, space);
        }
        System.arraycopy(words, 0, image, (int) cmdAddr, words.length);
        return image;
    }

    /** LOAD every space's image, the GEMM, STORE HID (where the GEMM writes), END. */
    static Stream stream(Command.Gemm g, Map<Space, byte[]> buffers) {
        List<Command> cmds = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int n = SPACES.length;
        long outAddr = (long) n * SPACE;
        for (int i = 0; i < n; i++) {
            Command.Deps d = i == n - 1 ? new Command.Deps(0, Unit.GEMM.bit()) : Command.Deps.NONE;
            cmds.add(new Command.Load(d, Operand.of(Space.DRAM, (long) i * SPACE, SPACE), Operand.of(SPACES[i], 0, SPACE),
                    1, SPACE));
            labels.add("load " + SPACES[i]);
        }
        cmds.add(GemmRig.withDeps(g, new Command.Deps(Unit.LOAD.bit(), Unit.STORE.bit())));
        labels.add("gemm");
        cmds.add(new Command.Store(new Command.Deps(Unit.GEMM.bit(), 0), Operand.of(Space.HID, 0, SPACE),
                Operand.of(Space.DRAM, outAddr, SPACE), 1, SPACE));
        labels.add("store HID");
        cmds.add(new Command.End(Command.Deps.NONE));
        labels.add("end");
        long cmdAddr = outAddr + SPACE;
        return new Stream(cmds, labels, image(buffers, n, cmds, cmdAddr), cmdAddr, outAddr);
    }

    static BufferPlan plan() {
        return plan(SPACE);
    }

    static BufferPlan plan(int space) {
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, (long) space);
            }
        }
        return new BufferPlan(cap, 16);
    }

    /** Every space of the test's top filled with random bytes. */
    static Map<Space, byte[]> randomSpaces(Random rnd) {
        Map<Space, byte[]> buf = new EnumMap<>(Space.class);
        for (Space sp : SPACES) {
            byte[] b = new byte[SPACE];
            rnd.nextBytes(b);
            buf.put(sp, b);
        }
        return buf;
    }

    /** A REQUANT GEMM with a per-tensor scale (no bias), or RAW with split16. */
    static Command.Gemm gemm(Command.Deps d, boolean split, boolean wt, Operand a, Operand w, Operand out, int m, int k,
                             int n) {
        Command.Epilogue e = split ? Command.Epilogue.RAW : Command.Epilogue.REQUANT;
        return new Command.Gemm(d, e, split, wt, a, w, out, m, k, n, null, null,
                split ? null : DyadicScale.fromRatio(2e-3), null, null);
    }

    /**
     * Consecutive GEMM commands in one stream, so that the GEMM unit sees each next command while it
     * runs the current one and prefetches its first A tile (docs/top-units.md): independent commands
     * (prefetched), a command reading the output of the command before the current one (prefetched:
     * that one is complete), a command reading the current one's output (not prefetched: the unit
     * must wait for the writes), W transposed, split16 (two bytes an element), M below and above the
     * array's rows. Every byte of the written spaces equals the interpreter's, under fixed and random
     * memory latency.
     */
    @Test
    void consecutiveGemmsWithPrefetchMatchTheInterpreter() {
        long seed = Seeds.of("TopGemmCosimTest.prefetch", 0x9F37L);
        Random rnd = new Random(seed);
        AcceleratorTop top = new AcceleratorTop(P).attachGemm(G);
        Map<Space, byte[]> buf = randomSpaces(rnd);
        // split16 operand in RES: non-negative int16 elements
        for (int i = 0; i < 6 * 24; i += 2) {
            buf.get(Space.RES)[i + 1] &= 0x7f;
        }
        Command.Deps none = Command.Deps.NONE;
        List<Command.Gemm> gs = List.of(
            gemm(new Command.Deps(Unit.LOAD.bit(), 0), false, false, Operand.of(Space.ACT, 0, 40),
                    Operand.of(Space.WGT, 0, 24), Operand.of(Space.HID, 0, 24), 13, 40, 24),
            gemm(none, false, true, Operand.of(Space.ACT, 1024, 40), Operand.of(Space.WGT, 2048, 40),
                    Operand.of(Space.HID, 4096, 20), 9, 40, 20),
            gemm(none, false, false, Operand.of(Space.HID, 0, 24), Operand.of(Space.WGT, 4096, 16),
                    Operand.of(Space.ATT, 0, 16), 13, 24, 16),
            gemm(none, false, false, Operand.of(Space.ATT, 0, 16), Operand.of(Space.WGT, 6000, 8),
                    Operand.of(Space.HID, 8192, 8), 13, 16, 8),
            gemm(none, true, false, Operand.of(Space.RES, 0, 24), Operand.of(Space.WGT, 7000, 8),
                    Operand.of(Space.HID, 12000, 32), 6, 12, 8),
            gemm(none, false, false, Operand.of(Space.ACT, 3000, 40), Operand.of(Space.WGT, 0, 24),
                    Operand.of(Space.ATT, 8192, 24), 3, 40, 24),
            gemm(none, false, true, Operand.of(Space.ATT, 8192, 24), Operand.of(Space.WGT, 9000, 24),
                    Operand.of(Space.HID, 14000, 5), 3, 24, 5));
        GemmStreams.runConsecutive(top, gs, buf, seed, SPACE);
    }

    /**
     * Back-to-back GEMMs where each dependent one reads, through a different operand, the output of
     * the command right before it - a one-tile GEMM whose only tile the unit's back half is still
     * draining and writing when the front half would take the next command (docs/top-units.md,
     * "overlap"): A (the prefetch is refused too), W, W transposed and the residual, each reading
     * those bytes in its first tile; independent commands in between are overlapped. The unit must
     * fall back to the serial start for each dependent command: without the A, the W or the
     * residual term of its overlap check the dependent command reads stale bytes and the output
     * differs. Fixed and random memory latency.
     */
    @Test
    void dependentGemmsBackToBackWaitForTheWrites() {
        long seed = Seeds.of("TopGemmCosimTest.overlap", 0x0B1AL);
        Random rnd = new Random(seed);
        AcceleratorTop top = new AcceleratorTop(P).attachGemm(G);
        Map<Space, byte[]> buf = randomSpaces(rnd);
        Command.Deps none = Command.Deps.NONE;
        List<Command.Gemm> gs = List.of(
            // 0: independent, 13 x 40 x 24 into HID 8192
            gemm(none, false, false, Operand.of(Space.ACT, 0, 40), Operand.of(Space.WGT, 0, 24),
                    Operand.of(Space.HID, 8192, 24), 13, 40, 24),
            // 1: one tile (4 x 16 x 4) into HID 0; 2 reads it as W (K = 4, N = 4)
            gemm(none, false, false, Operand.of(Space.ACT, 1000, 16), Operand.of(Space.WGT, 2000, 4),
                    Operand.of(Space.HID, 0, 4), 4, 16, 4),
            gemm(none, false, false, Operand.of(Space.ACT, 2000, 4), Operand.of(Space.HID, 0, 4),
                    Operand.of(Space.HID, 9000, 4), 9, 4, 4),
            // 3: one tile (4 x 16 x 8, two column tiles) into ATT 0; 4 reads it as W transposed (N = 4 rows of K = 8)
            gemm(none, false, false, Operand.of(Space.ACT, 3000, 16), Operand.of(Space.WGT, 3000, 8),
                    Operand.of(Space.ATT, 0, 8), 4, 16, 8),
            gemm(none, false, true, Operand.of(Space.ACT, 4000, 8), Operand.of(Space.ATT, 0, 8),
                    Operand.of(Space.HID, 10000, 4), 7, 8, 4),
            // 5: 4 x 16 x 8 into HID 4096; 6 is RESIDUAL with those bytes as its int16 residual (4 x 4)
            gemm(none, false, false, Operand.of(Space.ACT, 5000, 16), Operand.of(Space.WGT, 4000, 8),
                    Operand.of(Space.HID, 4096, 8), 4, 16, 8),
            new Command.Gemm(none, Command.Epilogue.RESIDUAL, false, false, Operand.of(Space.ACT, 6000, 16),
                    Operand.of(Space.WGT, 5000, 4), Operand.of(Space.ATT, 8192, 8), 4, 16, 4, null, null,
                    DyadicScale.fromRatio(2e-3), Operand.of(Space.HID, 4096, 8), DyadicScale.fromRatio(0.75)),
            // 7: one tile (4 x 16 x 4) into ATT 12000; 8 reads it as A (M = 4, K = 4)
            gemm(none, false, false, Operand.of(Space.ACT, 7000, 16), Operand.of(Space.WGT, 6000, 4),
                    Operand.of(Space.ATT, 12000, 4), 4, 16, 4),
            gemm(none, false, false, Operand.of(Space.ATT, 12000, 4), Operand.of(Space.WGT, 7000, 8),
                    Operand.of(Space.HID, 12000, 8), 4, 4, 8),
            // 9: A = 6's output (int16 rows read as 8 bytes), complete by now: overlapped with 8
            gemm(none, false, false, Operand.of(Space.ATT, 8192, 8), Operand.of(Space.WGT, 8000, 8),
                    Operand.of(Space.HID, 14000, 8), 4, 8, 8));
        long cycles = GemmStreams.runConsecutive(top, gs, buf, seed, SPACE);
        System.out.printf("TopGemmCosimTest.overlap: %,d cycles START to interrupt (memory latency 8)%n", cycles);
    }

    @Test
    void gemmCommandsThroughTheTopMatchTheInterpreter() {
        long seed = Seeds.of("TopGemmCosimTest", 0x70E6L);
        Random rnd = new Random(seed);
        AcceleratorTop top = new AcceleratorTop(P).attachGemm(G);
        Command.Epilogue req = Command.Epilogue.REQUANT;
        GemmUnitCosimTest.Shape[] shapes = {
            new GemmUnitCosimTest.Shape(13, 40, 72, req, false, false, true, true),
            new GemmUnitCosimTest.Shape(13, 40, 72, Command.Epilogue.RESIDUAL, false, false, true, false),
            new GemmUnitCosimTest.Shape(13, 40, 72, Command.Epilogue.RAW, true, true, false, false),
        };
        AxiMemory.Config[] mems = {AxiMemory.Config.fixed(8), AxiMemory.Config.random(1, 40, 600)};
        int i = 0;
        for (GemmUnitCosimTest.Shape s : shapes) {
            GemmUnitCosimTest.Case c = GemmUnitCosimTest.make(s, rnd);
            Stream st = stream(c.gemm(), c.buffers());
            Interpreter.Run want = Interpreter.run(st.cmds(), st.labels(), st.image(), plan(), List.of(), seed, 2);
            try (TopRig rig = new TopRig(top, seed + i, mems[i % 2])) {
                TopRig.Outcome o = rig.run(st.image(), 0, st.cmdAddr(), 0, st.image().length, 2_000_000);
                assertTrue(o.done() && !o.failed(), "stream " + i + ": status " + o.status() + ", error " + o.error());
                assertEquals(0, o.error(), "ERROR register");
                assertTrue(o.counters().get("array") >= (long) s.m() * s.k() * s.n() / 16 * (s.split() ? 2 : 1),
                        "CYC_ARRAY counts the array's cycles: " + o.counters());
                byte[] got = rig.mem.dump(st.outAddr(), SPACE);
                for (int b = 0; b < SPACE; b++) {
                    if (got[b] != want.dram()[(int) st.outAddr() + b]) {
                        fail("stream " + i + " (" + c.gemm() + "): HID byte " + b + " expected "
                                + want.dram()[(int) st.outAddr() + b] + ", got " + got[b]);
                    }
                }
            }
            i++;
        }
        // K beyond the unit's limit: ERROR bit 2 and the interrupt, never a hang
        GemmUnitCosimTest.Case c = GemmUnitCosimTest.make(
                new GemmUnitCosimTest.Shape(3, (int) G.kLimit(false) + 1, 3, req, false, false, false, false), rnd);
        Stream st = stream(c.gemm(), c.buffers());
        try (TopRig rig = new TopRig(top, seed, AxiMemory.Config.fixed(8))) {
            TopRig.Outcome o = rig.run(st.image(), 0, st.cmdAddr(), 0, st.image().length, 2_000_000);
            assertTrue(o.failed(), "status " + o.status());
            assertEquals(1L << AcceleratorTop.ERR_MALFORMED, o.error() & (1L << AcceleratorTop.ERR_MALFORMED),
                    "ERROR " + o.error());
        }
    }
}
