package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;

/**
 * What the DMA does when things go wrong: SLVERR/DECERR responses (status code and failing
 * address per descriptor, the sticky error and its address, err_clear, then clean transfers
 * again), descriptors it cannot execute (zero length, zero rows, a region past the end of the
 * address space: code 3, no AXI traffic, no hang), and random resets in mid-transfer followed by a
 * clean restart checked byte for byte.
 */
class DmaErrorTest {

    private static final int REGION = 1 << 18;

    /** The aligned address of the first burst of d that overlaps [lo, hi). */
    private static long firstFailing(DmaRig rig, DmaRig.Desc d, long lo, long hi) {
        for (int r = 0; r < d.rows(); r++) {
            for (long[] b : rig.bursts(d.base() + r * d.stride(), d.len())) {
                if (b[0] < hi && lo < b[0] + b[1] * rig.bytes) {
                    return b[0];
                }
            }
        }
        throw new IllegalStateException("descriptor " + d + " does not touch the error range");
    }

    @Test
    void errorResponsesAreReportedStickyAndClearable() {
        long seed = Long.getLong("vitgen.seed", 0xE5_0001L);
        Random rnd = new Random(seed);
        long rdBase = DmaCosimTest.rdBase(64);
        long wrBase = DmaCosimTest.wrBase(64);
        try (DmaRig rig = new DmaRig(128, 64, 4, 8, seed, SimOptions.defaults(), AxiMemory.Config.random(1, 60, 800))) {
            byte[] rdImage = new byte[REGION];
            rnd.nextBytes(rdImage);
            rig.mem.load(rdBase, rdImage);
            byte[] mirror = new byte[REGION];
            rnd.nextBytes(mirror);
            rig.mem.load(wrBase, mirror);

            long rdLo = rdBase + 0x3064;
            long wrLo = wrBase + 0x8010;
            rig.mem.injectError(rdLo, 50, AxiMemory.Resp.SLVERR, true, false);
            rig.mem.injectError(wrLo, 1, AxiMemory.Resp.DECERR, false, true);

            // Reads: an errored descriptor, then a clean one; the stream still carries every beat.
            DmaRig.Desc bad = new DmaRig.Desc(rdBase + 0x2F03, 1000, 3, 4096);
            DmaRig.Desc good = new DmaRig.Desc(rdBase + 0x10000, 300, 2, 512);
            rig.rdDesc.push(rig.descBits(bad), false);
            rig.rdDesc.push(rig.descBits(good), false);
            int beats = 3 * DmaRig.beatsOf(1000, 16) + 2 * DmaRig.beatsOf(300, 16);
            // Writes: one descriptor whose second row touches the DECERR range.
            DmaRig.Desc wbad = new DmaRig.Desc(wrBase + 0x7F00 - 4096 + 7, 700, 2, 4096);
            long failW = firstFailing(rig, wbad, wrLo, wrLo + 1);
            for (int r = 0; r < wbad.rows(); r++) {
                byte[] row = new byte[wbad.len()];
                rnd.nextBytes(row);
                rig.wrData.pushAll(rig.rowBeats(row, rnd, false));
                long rowAddr = wbad.base() + r * wbad.stride();
                long cur = rowAddr;
                for (long[] b : rig.bursts(rowAddr, wbad.len())) {
                    long end = Math.min(rowAddr + wbad.len(), b[0] + b[1] * rig.bytes);
                    if (b[0] != failW) {   // an errored burst writes nothing
                        System.arraycopy(row, (int) (cur - rowAddr), mirror, (int) (cur - wrBase), (int) (end - cur));
                    }
                    cur = end;
                }
            }
            rig.wrDesc.push(rig.descBits(wbad), false);
            rig.runUntil(beats, 2, 1, 200_000);
            List<Beat> st = rig.rdStatus.take();
            assertEquals(1, rig.code(st.get(0)), "SLVERR code of the errored read");
            assertEquals(firstFailing(rig, bad, rdLo, rdLo + 50), rig.statusAddr(st.get(0)), "failing read address");
            assertEquals(0, rig.code(st.get(1)), "the next read is clean");
            assertEquals(beats, rig.rdData.take().size(), "every read beat still delivered");
            Beat ws = rig.wrStatus.take().get(0);
            assertEquals(2, rig.code(ws), "DECERR code of the errored write");
            assertEquals(failW, rig.statusAddr(ws), "failing write address");
            rig.checkMemory(wrBase, mirror);

            // Sticky registers hold the first error until err_clear.
            assertEquals(1, rig.sim.peekLong("rd_err_flag"));
            assertEquals(1, rig.sim.peekLong("rd_err_code"));
            assertEquals(firstFailing(rig, bad, rdLo, rdLo + 50), rig.sim.peekLong("rd_err_addr"));
            assertEquals(1, rig.sim.peekLong("wr_err_flag"));
            assertEquals(2, rig.sim.peekLong("wr_err_code"));
            assertEquals(failW, rig.sim.peekLong("wr_err_addr"));
            rig.sim.poke("err_clear", 1);
            rig.sim.run(1);
            rig.sim.poke("err_clear", 0);
            rig.sim.run(1);
            assertEquals(0, rig.sim.peekLong("rd_err_flag"), "err_clear clears the read error");
            assertEquals(0, rig.sim.peekLong("wr_err_flag"), "err_clear clears the write error");

            // Recovery: with the errors gone, random traffic is clean again.
            rig.mem.clearErrors();
            rig.batch(rnd, 40, rdBase, rdImage, wrBase, mirror, List.of(), List.of());
            rig.checkMemory(wrBase, mirror);
            assertEquals(0, rig.sim.peekLong("rd_err_flag"));
            assertEquals(0, rig.sim.peekLong("wr_err_flag"));
        }
    }

    @Test
    void descriptorsThatCannotRunAreRejectedWithoutTraffic() {
        long seed = Long.getLong("vitgen.seed", 0xBAD_0001L);
        try (DmaRig rig = new DmaRig(128, 64, 4, 8, seed, SimOptions.defaults(), AxiMemory.Config.random(1, 20, 700))) {
            byte[] top = new byte[64];
            new Random(seed).nextBytes(top);
            rig.mem.load(-64L, top);   // the last 64 bytes of the 64-bit address space
            List<DmaRig.Desc> descs = List.of(
                    new DmaRig.Desc(0x1000, 0, 4, 64),                    // zero length
                    new DmaRig.Desc(0x2000, 64, 0, 64),                   // zero rows
                    new DmaRig.Desc(-100L, 200, 1, 0),                    // runs past 2^64
                    new DmaRig.Desc(0, 16, 5, 0x4000_0000_0000_0000L),    // (rows-1)*stride past 2^64
                    new DmaRig.Desc(-64L, 64, 1, 0));                     // ends exactly at 2^64: fine
            for (DmaRig.Desc d : descs) {
                rig.rdDesc.push(rig.descBits(d), false);
                rig.wrDesc.push(rig.descBits(d), false);
            }
            rig.wrData.pushAll(rig.rowBeats(top, new Random(1), false));
            rig.runUntil(4, 5, 5, 100_000);
            List<Beat> rs = rig.rdStatus.take();
            List<Beat> ws = rig.wrStatus.take();
            for (int i = 0; i < 4; i++) {
                assertEquals(3, rig.code(rs.get(i)), "read descriptor " + descs.get(i) + " is rejected");
                assertEquals(3, rig.code(ws.get(i)), "write descriptor " + descs.get(i) + " is rejected");
                assertEquals(descs.get(i).base(), rig.statusAddr(rs.get(i)), "rejected descriptor's base in the status");
            }
            assertEquals(0, rig.code(rs.get(4)), "a region ending at 2^64 is fine");
            assertEquals(0, rig.code(ws.get(4)));
            rig.checkReadBeats(List.of(descs.get(4)), List.of(top), rig.rdData.take());
            AxiMemory.Stats st = rig.mem.stats();
            assertEquals(1, st.reads(), "only the good descriptor reads");
            assertEquals(1, st.writes(), "only the good descriptor writes");
            assertEquals(1, rig.sim.peekLong("rd_err_flag"));
            assertEquals(3, rig.sim.peekLong("rd_err_code"));
            assertEquals(0x1000, rig.sim.peekLong("rd_err_addr"), "the first rejected descriptor's base");
            assertEquals(3, rig.sim.peekLong("wr_err_code"));
        }
    }

    @ParameterizedTest(name = "DATA_W={0}")
    @CsvSource({"64, 32, 1, 4", "256, 32, 2, 2"})
    void resetInMidTransferThenCleanRestart(int dataW, int addrW, int idW, int maxOut) {
        long seed = Long.getLong("vitgen.seed", 0x5E5E_0000L + dataW);
        Random rnd = new Random(seed);
        long rdBase = DmaCosimTest.rdBase(addrW);
        long wrBase = DmaCosimTest.wrBase(addrW);
        try (DmaRig rig = new DmaRig(dataW, addrW, idW, maxOut, seed, SimOptions.randomInitialState(),
                AxiMemory.Config.random(1, 200, 600))) {
            byte[] rdImage = new byte[REGION];
            rnd.nextBytes(rdImage);
            rig.mem.load(rdBase, rdImage);
            int busyAtReset = 0;
            for (int k = 0; k < 3; k++) {
                long scratch = wrBase + 0x100000L * (k + 1);
                // Big transfers in both directions, interrupted.
                DmaRig.Desc r = new DmaRig.Desc(rdBase + rnd.nextInt(4096), 20000, 3, 25000);
                DmaRig.Desc w = new DmaRig.Desc(scratch + rnd.nextInt(4096), 20000, 3, 25000);
                rig.rdDesc.push(rig.descBits(r), false);
                rig.wrDesc.push(rig.descBits(w), false);
                for (int i = 0; i < 3; i++) {
                    byte[] row = new byte[20000];
                    rnd.nextBytes(row);
                    rig.wrData.pushAll(rig.rowBeats(row, rnd, false));
                }
                rig.sim.run(20 + rnd.nextInt(3000));
                busyAtReset += (int) (rig.sim.peekLong("rd_busy") & rig.sim.peekLong("wr_busy"));
                rig.sim.reset(1 + rnd.nextInt(6));
                rig.rdData.take();
                rig.rdStatus.take();
                rig.wrStatus.take();
                assertEquals(0, rig.rdDesc.pending(), "the read descriptor was taken before the reset");
                assertEquals(0, rig.wrDesc.pending(), "the write descriptor was taken before the reset");
                // Stream beats the interrupted write left behind go to a scratch area.
                int left = rig.wrData.pending();
                if (left > 0) {
                    rig.wrDesc.push(rig.descBits(new DmaRig.Desc(scratch + 0x80000, left * rig.bytes, 1, 0)), false);
                    rig.runUntil(0, 0, 1, 200_000);
                    assertEquals(0, rig.code(rig.wrStatus.take().get(0)), "drain write after reset");
                }
                // A clean restart: random traffic into a fresh region, checked byte for byte.
                long fresh = wrBase + 0x40000L * (k + 8);
                byte[] mirror = new byte[REGION];
                rnd.nextBytes(mirror);
                rig.mem.load(fresh, mirror);
                rig.batch(rnd, 30, rdBase, rdImage, fresh, mirror, List.of(), List.of());
                rig.checkMemory(fresh, mirror);
            }
            assertTrue(busyAtReset >= 2, "most resets hit both engines in mid-transfer (" + busyAtReset + " of 3)");
            System.out.printf("DMA DATA_W=%d: 3 resets in mid-transfer (%d with both engines busy), restart clean%n",
                    dataW, busyAtReset);
        }
    }
}
