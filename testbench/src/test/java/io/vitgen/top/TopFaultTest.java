package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;

/**
 * Faults never hang the top: each bad stream below stops with exactly its sticky ERROR bit, the
 * index of the failing command in ERR_CMD, STATUS "stopped on an error, not busy" and the
 * interrupt (IRQ_STATUS bit 1) within a bounded number of cycles; after every fault the same
 * simulation runs a good stream to END and its bytes are right. The Java side refuses streams
 * with commands the top does not run.
 */
class TopFaultTest {

    static final AcceleratorTop.Params P = TopLoadStoreCosimTest.P;
    static final long IMG = 0x1000;          // image window base
    static final int IMG_BYTES = 4096;
    static final long CMDS = IMG + 2048;     // where each stream is written

    static Command.Load load(long src, Space space, long dst, int rows, int len, Command.Deps d) {
        return new Command.Load(d, Operand.of(Space.DRAM, src, len), Operand.of(space, dst, len), rows, len);
    }

    static Command.Store store(Space space, long src, long dst, int rows, int len, Command.Deps d) {
        return new Command.Store(d, Operand.of(space, src, len), Operand.of(Space.DRAM, dst, len), rows, len);
    }

    static long[] words(Command... cmds) {
        return CommandCodec.encode(Arrays.asList(cmds));
    }

    static long[] concat(long[]... parts) {
        List<Long> all = new ArrayList<>();
        for (long[] p : parts) {
            for (long w : p) {
                all.add(w);
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    static final Command.Deps TO_STORE = Command.Deps.of(List.of(), List.of(Unit.STORE));
    static final Command.Deps FROM_LOAD = Command.Deps.of(List.of(Unit.LOAD), List.of());
    static final Command END = new Command.End(Command.Deps.NONE);

    /** A good stream: copy 3 rows of 40 bytes from IMG to IMG + 1024 through RES. */
    static long[] good() {
        return words(load(IMG, Space.RES, 5, 3, 40, TO_STORE), store(Space.RES, 5, IMG + 1024, 3, 40, FROM_LOAD), END);
    }

    private void expectFault(TopRig rig, long[] stream, int bit, long errCmd, String what) {
        rig.mem.load(CMDS, CommandCodec.toBytes(stream));
        TopRig.Outcome o = rig.start(CMDS, IMG, IMG_BYTES, 20_000);
        assertEquals(1L << bit, o.error(), what + ": ERROR register");
        assertEquals(errCmd, o.errCmd(), what + ": ERR_CMD");
        assertEquals(4L, o.status(), what + ": STATUS must be error, not busy, not done");
        assertEquals(2L, rig.ctl.readOk(0x08), what + ": IRQ_STATUS must have the error source");
        System.out.printf("fault %-40s stopped after %d cycles%n", what, o.cycles());
        expectGood(rig, what);
    }

    private void expectGood(TopRig rig, String after) {
        byte[] src = new byte[120];
        new Random(after.hashCode()).nextBytes(src);
        rig.mem.load(IMG, src);
        rig.mem.load(IMG + 1024, new byte[120]);
        rig.mem.load(CMDS, CommandCodec.toBytes(good()));
        TopRig.Outcome o = rig.start(CMDS, IMG, IMG_BYTES, 20_000);
        assertEquals(0L, o.error(), "good stream after " + after);
        assertEquals(2L, o.status(), "good stream after " + after + ": STATUS done");
        assertArrayEquals(src, rig.mem.dump(IMG + 1024, 120), "good stream after " + after + ": copied bytes");
    }

    @Test
    void everyFaultStopsWithItsBitAndTheInterrupt() {
        try (TopRig rig = new TopRig(P, 0x7A17_0001L, AxiMemory.Config.random(1, 30, 700))) {
            expectGood(rig, "reset");
            long[] okLoad = words(load(IMG, Space.ACT, 0, 1, 16, Command.Deps.NONE));
            // unknown opcode 0x7A after a good LOAD
            expectFault(rig, concat(okLoad, new long[] {0x7AL}, words(END)), AcceleratorTop.ERR_UNKNOWN_OPCODE, 1,
                    "unknown opcode 0x7A");
            // 0x08, the retired RESADD (residual add is the GEMM's RESIDUAL epilogue), with its old six words
            expectFault(rig, concat(okLoad, new long[] {0x08L | 6L << 24, 0, 0, 0, 0, 0, 0}, words(END)),
                    AcceleratorTop.ERR_UNKNOWN_OPCODE, 1, "retired opcode 0x08 (RESADD)");
            // a command of the set this top does not run yet (SOFTMAX)
            long[] softmax = words(new Command.Softmax(Command.Deps.NONE, false, 8, Operand.of(Space.ATT, 0, 16),
                    Operand.of(Space.ATT, 256, 16), 2, 16, 10));
            expectFault(rig, concat(okLoad, okLoad, softmax, words(END)), AcceleratorTop.ERR_UNSUPPORTED, 2,
                    "SOFTMAX (not in this top yet)");
            // malformed: a LOAD header with a flag bit set
            long[] flagged = okLoad.clone();
            flagged[0] |= 1L << 40;
            expectFault(rig, concat(flagged, words(END)), AcceleratorTop.ERR_MALFORMED, 0, "LOAD with a flag set");
            // malformed: a LOAD whose source is a buffer
            long[] bufSrc = okLoad.clone();
            bufSrc[1] |= Space.WGT.code();
            expectFault(rig, concat(okLoad, bufSrc, words(END)), AcceleratorTop.ERR_MALFORMED, 1,
                    "LOAD from a buffer space");
            // memory region outside the window (source ends 1 byte past it)
            expectFault(rig, concat(okLoad, words(load(IMG + IMG_BYTES - 15, Space.ACT, 0, 1, 16, Command.Deps.NONE),
                    END)), AcceleratorTop.ERR_DRAM_RANGE, 1, "LOAD source past the image");
            // STORE destination below the window
            expectFault(rig, concat(okLoad, words(store(Space.ACT, 0, IMG - 64, 2, 16, Command.Deps.NONE), END)),
                    AcceleratorTop.ERR_DRAM_RANGE, 1, "STORE destination below the image");
            // command address outside the window
            rig.mem.load(0, CommandCodec.toBytes(good()));
            TopRig.Outcome o = rig.start(0, IMG, IMG_BYTES, 20_000);
            assertEquals(1L << AcceleratorTop.ERR_DRAM_RANGE, o.error(), "CMD_ADDR outside the image");
            assertEquals(0L, o.errCmd());
            expectGood(rig, "CMD_ADDR outside the image");
            // a stream without END runs off the end of the window
            long[] many = new long[0];
            for (int i = 0; i < (IMG_BYTES - 2048) / 32; i++) {
                many = concat(many, okLoad);
            }
            expectFault(rig, many, AcceleratorTop.ERR_DRAM_RANGE, (IMG_BYTES - 2048) / 32,
                    "stream without END");
            // buffer region past the buffer's end
            expectFault(rig, concat(okLoad, words(load(IMG, Space.HID, P.bufferBytes() - 8, 1, 16,
                    Command.Deps.NONE), END)), AcceleratorTop.ERR_BUFFER_RANGE, 1, "LOAD past the HID buffer");
            // SLVERR on the memory a LOAD reads
            rig.mem.injectError(IMG + 256, 64, AxiMemory.Resp.SLVERR, true, false);
            expectFault(rig, concat(okLoad, okLoad, words(load(IMG + 200, Space.QKV, 0, 2, 100, Command.Deps.NONE),
                    END)), AcceleratorTop.ERR_DMA, 2, "SLVERR under a LOAD");
            // DECERR on the memory a STORE writes
            rig.mem.clearErrors();
            rig.mem.injectError(IMG + 3000, 8, AxiMemory.Resp.DECERR, false, true);
            expectFault(rig, concat(okLoad, words(load(IMG, Space.ACT, 0, 1, 16, TO_STORE),
                    store(Space.ACT, 0, IMG + 2990, 1, 16, FROM_LOAD), END)), AcceleratorTop.ERR_DMA, 2,
                    "DECERR under a STORE");
            rig.mem.clearErrors();
        }
    }

    @Test
    void javaSideRefusesStreamsWithCommandsTheTopDoesNotRun() {
        List<Command> cmds = List.of(load(0, Space.ATT, 0, 1, 16, Command.Deps.NONE),
                new Command.Softmax(Command.Deps.NONE, false, 8, Operand.of(Space.ATT, 0, 16),
                        Operand.of(Space.ATT, 256, 16), 1, 16, 10), END);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AcceleratorTop.requireSupported(cmds, List.of("load", "softmax h0", "end")));
        assertTrue(e.getMessage().contains("#1 SOFTMAX (softmax h0)"), e.getMessage());
        assertTrue(e.getMessage().contains("runs only LOAD, STORE, SYNC and END"), e.getMessage());
    }
}
