package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vitgen.sim.AxiMemory;
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
                List<DmaRig.Desc> bigRd = round == 2 ? List.of(new DmaRig.Desc(rdBase + 4093, 65536, 1, 0)) : List.of();
                List<DmaRig.Desc> bigWr = round == 2 ? List.of(new DmaRig.Desc(wrBase + 70001, 65536, 1, 0)) : List.of();
                rig.batch(rnd, 100, rdBase, rdImage, wrBase, wrMirror, bigRd, bigWr);
            }
            rig.checkMemory(wrBase, wrMirror);
            AxiMemory.Stats st = rig.mem.stats();
            assertEquals(rig.readBursts, st.reads(), "read bursts vs the golden split (<= 256 beats, 4 KB)");
            assertEquals(rig.writeBursts, st.writes(), "write bursts vs the golden split");
            for (java.util.BitSet seen : List.of(rig.rdStarts, rig.rdEnds, rig.wrStarts, rig.wrEnds)) {
                assertEquals(rig.bytes, seen.cardinality(), "every byte alignment of row starts and ends is covered");
            }
            assertTrue(rig.rowsCrossing4k > 300, "rows crossing 4 KB: " + rig.rowsCrossing4k);
            assertEquals(0, rig.sim.peekLong("rd_err_flag"), "no sticky read error");
            assertEquals(0, rig.sim.peekLong("wr_err_flag"), "no sticky write error");
            System.out.printf("DMA DATA_W=%d: %d descriptors, %d + %d bytes, %d + %d bursts, %d cycles, "
                    + "%d rows across 4 KB, max %d reads in flight, %.1f s%n", dataW, rig.descriptors, rig.readBytes, rig.writeBytes, st.reads(),
                    st.writes(), rig.sim.cycle(), rig.rowsCrossing4k, st.maxReadsInFlight(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
