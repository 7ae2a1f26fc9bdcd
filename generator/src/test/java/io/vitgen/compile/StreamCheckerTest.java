package io.vitgen.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.EncoderLayer;
import org.junit.jupiter.api.Test;

/** The command encoding, and the checker's three proofs on hand-made and compiled streams. */
class StreamCheckerTest {

    private static final Command.Deps NONE = Command.Deps.NONE;

    static Operand op(Space s, long addr, long stride) {
        return Operand.of(s, addr, stride);
    }

    /** A LOAD into ACT, a GEMM reading it and writing QKV, a STORE of the result, END. */
    static List<Command> small(boolean loadSignals, boolean gemmWaits, boolean gemmSignals, boolean storeWaits) {
        Command load = new Command.Load(new Command.Deps(0, loadSignals ? Unit.GEMM.bit() : 0), op(Space.DRAM, 0, 16),
                op(Space.ACT, 0, 16), 4, 16);
        Command gemm = new Command.Gemm(new Command.Deps(gemmWaits ? Unit.LOAD.bit() : 0, gemmSignals ? Unit.STORE.bit() : 0),
                Command.Epilogue.REQUANT, false, false, op(Space.ACT, 0, 16), op(Space.WGT, 0, 8), op(Space.QKV, 0, 8), 4, 16,
                8, null, null, new DyadicScale(1 << 30, 31), null, null);
        Command store = new Command.Store(new Command.Deps(storeWaits ? Unit.GEMM.bit() : 0, 0), op(Space.QKV, 0, 8),
                op(Space.DRAM, 4096, 8), 4, 8);
        return List.of(load, gemm, store, new Command.End(NONE));
    }

    @Test
    void orderedStreamPasses() {
        StreamChecker.Result r = StreamChecker.check(small(true, true, true, true));
        assertTrue(r.ok(), r.problems().toString());
        assertArrayEquals(new int[] {0, 1, 2, 3}, r.order());
    }

    @Test
    void missingTokensAreUnorderedHazards() {
        StreamChecker.Result r = StreamChecker.check(small(false, false, true, true));
        assertFalse(r.ok());
        System.out.println(r.problems());
        assertTrue(r.problems().get(0).startsWith("unordered: #0 LOAD writes ACT [0, 64)"), r.problems().toString());
        assertTrue(r.problems().get(0).contains("#1 GEMM reads ACT"), r.problems().toString());
    }

    @Test
    void unbalancedTokensAreNamed() {
        List<String> p = StreamChecker.check(small(true, false, true, true)).problems();
        assertEquals(List.of("token LOAD->GEMM number 1 signalled by #0 LOAD is never consumed"), p);
        p = StreamChecker.check(small(false, true, true, true)).problems();
        assertEquals(List.of("#1 GEMM waits for token LOAD->GEMM number 1, but only 0 are ever signalled"), p);
    }

    @Test
    void deadlocksAreFoundWithTheHeldQueues() {
        // GEMM #1 waits for a token that the STORE #2 produces, while STORE #2 waits for GEMM: a cycle
        List<Command> s = new ArrayList<>(small(true, true, true, true));
        s.set(1, s.get(1).withDeps(new Command.Deps(Unit.LOAD.bit() | Unit.STORE.bit(), Unit.STORE.bit())));
        s.set(2, s.get(2).withDeps(new Command.Deps(Unit.GEMM.bit(), Unit.GEMM.bit())));
        List<String> p = StreamChecker.check(s).problems();
        System.out.println(p);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("deadlock after 1 of 4 commands"), p.get(0));
        assertTrue(p.get(0).contains("GEMM queue (1 waiting) is held by #1 GEMM waiting for STORE->GEMM"), p.get(0));
        assertTrue(p.get(0).contains("the dispatcher holds #3 END until every earlier command completes"), p.get(0));
    }

    /** A wait on a later command of a full queue: fine with depth 2, a deadlock with depth 1. */
    @Test
    void queueDepthCanDeadlockADispatcher() {
        Command g0 = new Command.Gemm(new Command.Deps(Unit.SOFTMAX.bit(), 0), Command.Epilogue.RAW, false, false,
                op(Space.ACT, 0, 4), op(Space.WGT, 0, 4), op(Space.HID, 0, 16), 1, 4, 4, null, null, null, null, null);
        Command g1 = new Command.Gemm(NONE, Command.Epilogue.RAW, false, false, op(Space.ACT, 0, 4), op(Space.WGT, 0, 4),
                op(Space.HID, 64, 16), 1, 4, 4, null, null, null, null, null);
        Command sm = new Command.Softmax(new Command.Deps(0, Unit.GEMM.bit()), false, 8, op(Space.ATT, 0, 4),
                op(Space.ATT, 64, 4), 1, 4, 20);
        List<Command> s = List.of(g0, g1, sm, new Command.End(NONE));
        assertTrue(StreamChecker.check(s, null, 2).ok(), StreamChecker.check(s, null, 2).problems().toString());
        assertEquals(1, StreamChecker.check(s, null, 2).backwardTokens(), "g0 waits on the later softmax");
        List<String> p = StreamChecker.check(s, List.of("g0", "g1", "softmax", "end"), 1).problems();
        assertTrue(p.get(0).contains("the dispatcher holds #1 GEMM (g1) (the GEMM queue is full at depth 1)"), p.toString());
    }

    @Test
    void syncOrdersEverything() {
        List<Command> s = new ArrayList<>(small(false, false, false, false));
        s.add(1, new Command.Sync(NONE));
        s.add(3, new Command.Sync(NONE));
        StreamChecker.Result r = StreamChecker.check(s);
        assertTrue(r.ok(), r.problems().toString());
        // END must be last and alone
        List<Command> bad = new ArrayList<>(s);
        bad.add(0, new Command.End(NONE));
        assertTrue(StreamChecker.check(bad).problems().contains("#0 END is not the last command"));
    }

    @Test
    void overlapIsExactForStridedRegions() {
        // rows of 4 bytes every 16: [0,4) [16,20) [32,36); the other region [4,16) touches none of them
        Command.Access a = new Command.Access(Space.ACT, 0, 16, 3, 4, true);
        assertFalse(StreamChecker.overlap(a, new Command.Access(Space.ACT, 4, 0, 1, 12, false)));
        assertTrue(StreamChecker.overlap(a, new Command.Access(Space.ACT, 35, 0, 1, 1, false)));
        assertFalse(StreamChecker.overlap(a, new Command.Access(Space.ACT, 36, 0, 1, 100, false)));
        assertTrue(StreamChecker.overlap(a, new Command.Access(Space.ACT, 8, 16, 2, 10, false)));
        assertFalse(StreamChecker.overlap(a, new Command.Access(Space.ACT, 4, 16, 3, 12, false)));
    }

    /** Every compiled variant round-trips through the words; a compiled stream with one token removed is refused. */
    @Test
    void compiledStreamsRoundTripAndDependOnEveryToken() {
        for (EncoderLayer.SoftmaxMode mode : EncoderLayer.SoftmaxMode.values()) {
            for (EncoderLayer.GeluMode g : EncoderLayer.GeluMode.values()) {
                EncoderLayer.Calibrated cal = EncoderLayer.random(InterpreterTest.ODD, 5, mode, 16, g);
                Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(),
                        InterpreterTest.config(InterpreterTest.ODD, mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax",
                                16, g == EncoderLayer.GeluMode.IGELU ? "igelu" : "shiftgelu"));
                assertEquals(p.commands(), CommandCodec.decode(p.words()));
                assertTrue(p.check(1).ok(), "queue depth 1 suffices for a compiled stream: " + p.check(1).problems());
                assertEquals(0, p.check(8).backwardTokens(), "every compiled token goes forward in the stream");
                // remove one token pair at a time: the checker must find an unordered hazard every time
                int pairs = 0;
                for (int i = 0; i < p.commands().size(); i++) {
                    Command c = p.commands().get(i);
                    for (Unit u : Unit.values()) {
                        if (!c.deps().waitsOn(u)) {
                            continue;
                        }
                        List<Command> cut = dropPair(p.commands(), i, u);
                        StreamChecker.Result r = StreamChecker.check(cut, p.labels(), 8);
                        assertTrue(r.problems().stream().anyMatch(s -> s.startsWith("unordered:")),
                                "dropping the " + u + " token of #" + i + " (" + p.labels().get(i) + ") left " + r.problems());
                        pairs++;
                    }
                }
                assertTrue(pairs > 10, "pairs " + pairs);
            }
        }
    }

    /** The stream without the token command {@code i} waits for from unit {@code u} (and its signal). */
    static List<Command> dropPair(List<Command> cmds, int i, Unit u) {
        Unit me = cmds.get(i).unit();
        int k = 0;
        for (int j = 0; j < i; j++) {
            if (cmds.get(j).unit() == me && cmds.get(j).deps().waitsOn(u)) {
                k++;
            }
        }
        int seen = 0;
        int producer = -1;
        for (int j = 0; j < cmds.size(); j++) {
            if (cmds.get(j).unit() == u && cmds.get(j).deps().signals(me)) {
                if (seen++ == k) {
                    producer = j;
                    break;
                }
            }
        }
        List<Command> out = new ArrayList<>(cmds);
        Command c = out.get(i);
        out.set(i, c.withDeps(new Command.Deps(c.deps().waits() & ~u.bit(), c.deps().signals())));
        Command p = out.get(producer);
        out.set(producer, p.withDeps(new Command.Deps(p.deps().waits(), p.deps().signals() & ~me.bit())));
        return out;
    }

    @Test
    void decoderRefusesBadWords() {
        long[] w = CommandCodec.encode(small(true, true, true, true));
        long[] bad = w.clone();
        bad[0] = (bad[0] & ~0xFFL) | 0x33;
        assertEquals("word 0: unknown opcode 0x33",
                assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(bad)).getMessage());
        // 0x08 was RESADD; residual add is the GEMM's RESIDUAL epilogue, the opcode is gone
        long[] resadd = {0x08L | 6L << 24, 0, 0, 0, 0, 0, 0, CommandCodec.encode(List.of(new Command.End(Command.Deps.NONE)))[0]};
        assertEquals("word 0: unknown opcode 0x8",
                assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(resadd)).getMessage());
        long[] truncated = java.util.Arrays.copyOf(w, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(truncated)).getMessage()
                .contains("ends inside the command"));
        long[] reserved = w.clone();
        reserved[0] |= 1L << 40;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(reserved)).getMessage()
                .contains("reserved flag bits"));
        long[] count = w.clone();
        count[0] = (count[0] & ~(0xFFL << 24)) | (2L << 24);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandCodec.decode(count)).getMessage()
                .contains("has 3 argument words, the header says 2"));
        // header layout as documented: LOAD signalling GEMM, 3 argument words
        assertEquals(0x01L | (Unit.GEMM.bit() << 16) | (3L << 24), w[0]);
        assertEquals(Space.DRAM.code() | (0L << 8) | (16L << 40), w[1]);
        assertEquals(Space.ACT.code() | (16L << 40), w[2]);
        assertEquals(4L | (16L << 16), w[3]);
        assertEquals(Map.of(), Map.of());
    }
}
