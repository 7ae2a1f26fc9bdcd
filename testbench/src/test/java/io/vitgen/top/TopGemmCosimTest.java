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

    /** LOAD every space's image, the GEMM, STORE HID (where the GEMM writes), END. */
    /**
     * The memory image: the first {@code n} buffer spaces' initial contents in order, then the encoded
     * stream at {@code cmdAddr}.
     */
    private static byte[] image(Map<Space, byte[]> buffers, int n, List<Command> cmds, long cmdAddr) {
        byte[] words = CommandCodec.toBytes(CommandCodec.encode(cmds));
        byte[] image = new byte[(int) cmdAddr + words.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(buffers.get(SPACES[i]), 0, image, i * SPACE, SPACE);
        }
        System.arraycopy(words, 0, image, (int) cmdAddr, words.length);
        return image;
    }

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
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, (long) SPACE);
            }
        }
        return new BufferPlan(cap, 16);
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
        Map<Space, byte[]> buf = new EnumMap<>(Space.class);
        for (Space sp : SPACES) {
            byte[] b = new byte[SPACE];
            rnd.nextBytes(b);
            buf.put(sp, b);
        }
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
        List<Command> cmds = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int n = SPACES.length;
        for (int i = 0; i < n; i++) {
            Command.Deps d = i == n - 1 ? new Command.Deps(0, Unit.GEMM.bit()) : Command.Deps.NONE;
            cmds.add(new Command.Load(d, Operand.of(Space.DRAM, (long) i * SPACE, SPACE), Operand.of(SPACES[i], 0, SPACE),
                    1, SPACE));
            labels.add("load " + SPACES[i]);
        }
        for (int i = 0; i < gs.size(); i++) {
            Command.Gemm g = gs.get(i);
            cmds.add(i == gs.size() - 1 ? GemmRig.withDeps(g, new Command.Deps(g.deps().waits(), Unit.STORE.bit())) : g);
            labels.add("gemm " + i);
        }
        long hidAddr = (long) n * SPACE;
        long attAddr = hidAddr + SPACE;
        cmds.add(new Command.Store(new Command.Deps(Unit.GEMM.bit(), 0), Operand.of(Space.HID, 0, SPACE),
                Operand.of(Space.DRAM, hidAddr, SPACE), 1, SPACE));
        labels.add("store HID");
        cmds.add(new Command.Store(none, Operand.of(Space.ATT, 0, SPACE), Operand.of(Space.DRAM, attAddr, SPACE), 1, SPACE));
        labels.add("store ATT");
        cmds.add(new Command.End(none));
        labels.add("end");
        long cmdAddr = attAddr + SPACE;
        byte[] image = image(buf, n, cmds, cmdAddr);
        Interpreter.Run want = Interpreter.run(cmds, labels, image, plan(), List.of(), seed, 2);
        AxiMemory.Config[] mems = {AxiMemory.Config.fixed(8), AxiMemory.Config.random(1, 40, 600)};
        for (int r = 0; r < mems.length; r++) {
            try (TopRig rig = new TopRig(top, seed + r, mems[r])) {
                TopRig.Outcome o = rig.run(image, 0, cmdAddr, 0, image.length, 2_000_000);
                assertTrue(o.done() && !o.failed(), "memory " + r + ": status " + o.status() + ", error " + o.error());
                assertEquals(0, o.error(), "ERROR register");
                byte[] got = rig.mem.dump(hidAddr, 2 * SPACE);
                for (int b = 0; b < 2 * SPACE; b++) {
                    if (got[b] != want.dram()[(int) hidAddr + b]) {
                        fail("memory " + r + ": " + (b < SPACE ? "HID" : "ATT") + " byte " + b % SPACE + " expected "
                                + want.dram()[(int) hidAddr + b] + ", got " + got[b]);
                    }
                }
            }
        }
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
