package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Beat;
import io.vitgen.sim.SimOptions;

/**
 * Both DMA engines at once against the harness's AXI memory model, at data widths 64, 128 and 256
 * (address 32 or 64 bits, ID 1, 4 or 2 bits, 4, 8 or 2 bursts outstanding): 1,200 random
 * descriptors per width (row sizes 1 byte .. 64 KiB, strides below, at and above the row, every
 * alignment, rows crossing 4 KB, two 64 KiB rows), in six rounds each with a new random memory
 * latency range within 1..200 cycles and new stall rates on all five AXI channels and the streams,
 * responses reordered across IDs. Checked byte for byte: every read beat (data where tkeep is set,
 * tkeep, tlast per row), the whole written region (so a stray write is caught), every status beat,
 * and the number of AXI bursts against the golden split. Seeds: -Dvitgen.seed=N.
 */
class DmaCosimTest {

    static final int REGION = 1 << 21;

    static Stream<Arguments> widths() {
        return Stream.of(Arguments.of(64, 32, 1, 4), Arguments.of(128, 64, 4, 8), Arguments.of(256, 32, 2, 2));
    }

    static long rdBase(int addrW) {
        return addrW == 64 ? 0x0000_00AB_1000_0000L : 0x1000_0000L;
    }

    static long wrBase(int addrW) {
        return addrW == 64 ? 0x0000_7FCD_2000_0000L : 0xE000_0000L;
    }

    @ParameterizedTest(name = "DATA_W={0} ADDR_W={1} ID_W={2} MAX_OUT={3}")
    @MethodSource("widths")
    void randomDescriptorsMoveEveryByte(int dataW, int addrW, int idW, int maxOut) {
        long seed = Long.getLong("vitgen.seed", 0xD3A0_0000L + dataW);
        Random rnd = new Random(seed);
        long rdBase = rdBase(addrW);
        long wrBase = wrBase(addrW);
        long t0 = System.nanoTime();
        try (DmaRig rig = new DmaRig(dataW, addrW, idW, maxOut, seed, SimOptions.randomInitialState(),
                AxiMemory.Config.random(1, 200, 700))) {
            byte[] rdImage = new byte[REGION];
            rnd.nextBytes(rdImage);
            rig.mem.load(rdBase, rdImage);
            byte[] wrMirror = new byte[REGION];
            rnd.nextBytes(wrMirror);
            rig.mem.load(wrBase, wrMirror);

            long bursts = 0;
            long wBursts = 0;
            long movedRd = 0;
            long movedWr = 0;
            int descs = 0;
            for (int round = 0; round < 6; round++) {
                int latMax = 1 + rnd.nextInt(200);
                int latMin = 1 + rnd.nextInt(latMax);
                int[] pm = new int[5];
                for (int i = 0; i < 5; i++) {
                    pm[i] = 250 + rnd.nextInt(751);
                }
                rig.mem.configure(new AxiMemory.Config(latMin, latMax, pm[0], pm[1], pm[2], pm[3], pm[4], true));
                rig.rdData.setReadyPermille(200 + rnd.nextInt(801));
                rig.wrData.setValidPermille(200 + rnd.nextInt(801));
                rig.rdDesc.setValidPermille(100 + rnd.nextInt(901));
                rig.wrDesc.setValidPermille(100 + rnd.nextInt(901));

                List<DmaRig.Desc> rds = new ArrayList<>();
                List<DmaRig.Desc> wrs = new ArrayList<>();
                int n = 100;
                for (int i = 0; i < n; i++) {
                    rds.add(DmaRig.randomDesc(rnd, rdBase, REGION, true));
                    wrs.add(DmaRig.randomDesc(rnd, wrBase, REGION, true));
                }
                if (round == 2) {
                    rds.add(new DmaRig.Desc(rdBase + 4093, 65536, 1, 0));
                    wrs.add(new DmaRig.Desc(wrBase + 70001, 65536, 1, 0));
                }
                List<byte[]> rows = new ArrayList<>();
                int rdBeats = 0;
                for (DmaRig.Desc d : rds) {
                    rig.rdDesc.push(rig.descBits(d), false);
                    for (byte[] row : DmaRig.rows(d, rdImage, rdBase)) {
                        rows.add(row);
                        rdBeats += DmaRig.beatsOf(row.length, rig.bytes);
                    }
                    bursts += rig.burstCount(d);
                    movedRd += d.total();
                }
                for (DmaRig.Desc d : wrs) {
                    rig.wrDesc.push(rig.descBits(d), false);
                    for (int r = 0; r < d.rows(); r++) {
                        byte[] row = new byte[d.len()];
                        rnd.nextBytes(row);
                        rig.wrData.pushAll(rig.rowBeats(row, rnd, false));
                        System.arraycopy(row, 0, wrMirror, (int) (d.base() + r * d.stride() - wrBase), row.length);
                    }
                    wBursts += rig.burstCount(d);
                    movedWr += d.total();
                }
                rig.runUntil(rdBeats, rds.size(), wrs.size(), 60L * (rdBeats + movedWr / rig.bytes) + 2_000_000L);
                rig.checkReadBeats(rds, rows, rig.rdData.take());
                checkStatus(rig, rig.rdStatus.take(), rds.size(), "read");
                checkStatus(rig, rig.wrStatus.take(), wrs.size(), "write");
                assertEquals(0, rig.wrData.pending(), "write stream fully taken");
                descs += rds.size() + wrs.size();
            }
            byte[] got = rig.mem.dump(wrBase, REGION);
            for (int i = 0; i < REGION; i++) {
                if (got[i] != wrMirror[i]) {
                    throw new AssertionError(String.format("written memory differs at 0x%x: expected 0x%02x, got 0x%02x"
                            + " (seed %d)%n%s", wrBase + i, wrMirror[i] & 0xFF, got[i] & 0xFF, seed,
                            rig.sim.failureArtifacts()));
                }
            }
            AxiMemory.Stats st = rig.mem.stats();
            assertEquals(bursts, st.reads(), "read bursts vs the golden split (<= 256 beats, 4 KB)");
            assertEquals(wBursts, st.writes(), "write bursts vs the golden split");
            assertEquals(0, rig.sim.peekLong("rd_err_flag"), "no sticky read error");
            assertEquals(0, rig.sim.peekLong("wr_err_flag"), "no sticky write error");
            System.out.printf("DMA DATA_W=%d: %d descriptors, %d + %d bytes, %d + %d bursts, %d cycles, "
                    + "%d reordered, max %d reads in flight, %.1f s%n", dataW, descs, movedRd, movedWr, st.reads(),
                    st.writes(), rig.sim.cycle(), st.reordered(), st.maxReadsInFlight(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    static void checkStatus(DmaRig rig, List<Beat> status, int n, String what) {
        assertEquals(n, status.size(), what + " status beats");
        for (int i = 0; i < n; i++) {
            assertEquals(0, rig.code(status.get(i)), what + " status " + i + " (seed " + rig.sim.seed() + ")");
        }
    }
}
