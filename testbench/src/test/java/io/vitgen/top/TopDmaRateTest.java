package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.estimate.StreamCosts;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;

/**
 * LOAD and STORE rates of a 512-bit top (BB = 64 bytes a beat) with the memory answering every
 * cycle after a fixed latency L: a LOAD followed by a STORE of the same rows, the bytes the STORE
 * writes compared with the bytes the LOAD read, and each unit's busy counter (CYC_LOAD,
 * CYC_STORE) compared with a count written here from the RTL's structure - not from the estimate.
 *
 * <p>LOAD, counted from the LOAD unit's first busy cycle (X_DESC, cycle 0): the DMA read engine
 * takes the descriptor at cycle 0, checks it at 1 and issues the first burst at 2, ARVALID at 3
 * (the engine's "descriptor to AR: 3 cycles"); the memory answers L cycles after the address
 * handshake and the engine registers each R beat (1 cycle), so beat j reaches the buffer write
 * channel at L + 4 + j. After the last beat the read engine's status and the buffers' write status
 * (both one cycle after it) end the command, and the unit is idle one cycle later: busy cycles =
 * L + beats + 5, as long as the bursts in flight cover the round trip.
 *
 * <p>A read burst holds one of the engine's M slots from its issue to its last beat, so a burst of
 * b beats is back in the slot after L + b + 1 cycles; bursts carry at most one row. With one-beat
 * rows the engine issues M bursts on consecutive cycles, then waits for the first of them: burst k
 * issues at floor(k / M) (L + 2) + k mod M, its beat arrives L + 1 cycles later, and the count is
 * that of the last burst + 5. This is what made a 512-bit top's LOAD take about two cycles a beat
 * with M = 4 (the compiler's rows are 3..12 beats at BB = 64); the top now keeps 4 bursts in flight
 * per 128 bits of port (16 at 512 bits).
 *
 * <p>STORE, from its first busy cycle: the buffer read channel and the DMA write engine take their
 * descriptors at cycle 0; the write engine issues AW at 2 and its burst queue shows the burst at 4,
 * when the buffers offer the first beat (4 cycles after the descriptor), and the registered W beat
 * leaves at 5; the last W beat at beats + 4, its response L cycles later, the status beat one cycle
 * after that and the unit is idle the cycle after: busy cycles = L + beats + 6.
 */
class TopDmaRateTest {

    static final int L = 25;
    static final int BB = 64;
    static final AcceleratorTop.Params P = new AcceleratorTop.Params("vdma", 512, 16, 2,
            AcceleratorTop.Params.burstsInFlight(512));

    /** CYC_LOAD and CYC_STORE of a LOAD of {rows x len} from {@code src} (stride) and a STORE of it to {@code dst}. */
    static long[] loadThenStore(int rows, int len, long src, long srcStride, long dst, long dstStride) {
        List<Command> cmds = new java.util.ArrayList<>(moves(rows, len, src, srcStride, dst, dstStride));
        cmds.add(new Command.End(Command.Deps.NONE));
        byte[] stream = CommandCodec.toBytes(CommandCodec.encode(cmds));
        long cmdAddr = dst + (long) (rows - 1) * dstStride + len + 64;
        byte[] image = new byte[(int) cmdAddr + stream.length];
        new Random(rows * 31L + len).nextBytes(image);
        System.arraycopy(stream, 0, image, (int) cmdAddr, stream.length);
        byte[] want = image.clone();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(image, (int) (src + r * srcStride), want, (int) (dst + r * dstStride), len);
        }
        try (TopRig rig = new TopRig(P, 1, AxiMemory.Config.fixed(L))) {
            TopRig.Outcome o = rig.run(image, 0, cmdAddr, 0, image.length, 200_000);
            assertEquals(0, o.error(), "error bits, ERR_CMD " + o.errCmd());
            assertEquals(3L, o.counters().get("commands"));
            assertArrayEquals(want, rig.mem.dump(0, want.length), "the STORE must write the rows the LOAD read");
            long ld = o.counters().get("load");
            long st = o.counters().get("store");
            System.out.printf("512-bit top, latency %d, %d bursts in flight: %d rows x %d bytes (%d beats): LOAD %d, STORE %d cycles%n",
                    L, P.maxOutstanding(), rows, len, rows * ceil(len, BB), ld, st);
            return new long[] {ld, st};
        }
    }

    /** The commands {@link #loadThenStore} runs (LOAD, STORE), for the estimate's costs. */
    static List<Command> moves(int rows, int len, long src, long srcStride, long dst, long dstStride) {
        return List.of(
                new Command.Load(Command.Deps.of(List.of(), List.of(Unit.STORE)), Operand.of(Space.DRAM, src, srcStride),
                        Operand.of(Space.WGT, 0, len), rows, len),
                new Command.Store(Command.Deps.of(List.of(Unit.LOAD), List.of()), Operand.of(Space.WGT, 0, len),
                        Operand.of(Space.DRAM, dst, dstStride), rows, len));
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    @Test
    void theTopKeepsSixteenBurstsInFlightAt512Bits() {
        assertEquals(16, AcceleratorTop.Params.burstsInFlight(512));
        assertEquals(4, AcceleratorTop.Params.burstsInFlight(128));
        assertEquals(4, AcceleratorTop.Params.burstsInFlight(64));
    }

    @Test
    void longLoadAndStoreAt512BitsMoveOneBeatPerCycle() {
        // the Q/K/V weight LOAD of the ZCU102 preset: 192 rows of 192 bytes (3 beats) at a stride of 576
        int rows = 192;
        int len = 192;
        long beats = rows * ceil(len, BB);
        long[] c = loadThenStore(rows, len, 0, 576, 192 * 576, 192);
        assertEquals(L + beats + 5, c[0], "LOAD: latency + one beat a cycle + 5");
        assertEquals(L + beats + 6, c[1], "STORE: one beat a cycle + latency + 6");
    }

    @Test
    void oneBeatRowsAreBoundByTheBurstRoundTrip() {
        int rows = 128;
        int m = P.maxOutstanding();
        long k = rows - 1;
        long lastIssue = k / m * (L + 2) + k % m;
        long[] c = loadThenStore(rows, 64, 0, 64, 128 * 64, 64);
        assertEquals(lastIssue + L + 1 + 5, c[0], "LOAD of one-beat rows: " + m + " bursts per round trip of L + 2");
    }

    /**
     * The estimate's LOAD/STORE costs ({@code StreamCosts}, burst by burst) equal the RTL's busy
     * counters on rows that exercise every part of that model: unaligned rows with and without the
     * realigner's flush, rows crossing 4 KB boundaries, one long row, a row shorter than a beat.
     */
    @Test
    void theEstimatesMoveCostsEqualTheRtl() {
        StreamCosts sc = new StreamCosts(null, BB, L, P.maxOutstanding(), 1, 1, 1, null, 1, true);
        long[][] cases = {
            {40, 100, 7, 130, 20_000, 130},        // 2 or 3 memory beats a row, some rows flush
            {20, 1000, 3000, 1500, 40_000, 1003},  // rows across 4 KB boundaries
            {1, 20_000, 100, 0, 70_000, 0},        // one row of 313 beats in 6 bursts
            {50, 128, 32, 200, 20_000, 129},       // 3-beat rows, half a beat off
            {100, 20, 60, 64, 20_000, 64},         // rows shorter than a beat, 2 memory beats each
        };
        for (long[] k : cases) {
            int rows = (int) k[0];
            int len = (int) k[1];
            List<Command> mv = moves(rows, len, k[2], k[3], k[4], k[5]);
            long[] c = loadThenStore(rows, len, k[2], k[3], k[4], k[5]);
            String what = rows + " x " + len + " from " + k[2] + " (stride " + k[3] + ") to " + k[4] + " (stride " + k[5] + ")";
            assertEquals(c[0], sc.cycles(mv.get(0)), "LOAD " + what + ": estimate vs RTL");
            assertEquals(c[1], sc.cycles(mv.get(1)), "STORE " + what + ": estimate vs RTL");
        }
    }
}
