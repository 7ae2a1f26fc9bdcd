package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.Command;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.StreamCosts;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.GeluUnit;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code vitgen_top_gelu} with 32 lanes (gelu.lanes=32, accepted at 256- and 512-bit ports)
 * through the row-unit stream harness of {@link LnormGeluUnitCosimTest}: random stalls on every
 * channel, random initial state, every descriptor, every output byte and the bytes around the
 * output rows against the command interpreter. Two builds: i-GELU at BB 64 (the zcu102 preset's
 * unit: a 64-byte beat is two LANES chunks) and ShiftGELU at BB 32 (LANES = BB). Rows of 768
 * (DeiT-Tiny's MLP width: 24 chunks), 72 (a partial chunk), 13, 32 and 64 elements and of one
 * element. Then, on the same build without stalls, 40 rows of 768 (as many as the rig's 64 KiB buffers hold) whose
 * cycles from command to done, plus the buffer's read latency the rig does not model
 * ({@link StreamCosts#BUF_LATENCY}), must be within 2 % of the stream-timed estimate's GELU cost.
 */
class GeluUnitWideCosimTest {

    /** The estimate's cost of {@code c} for gelu.lanes=32 at {@code memBits}. */
    private static long estimate(boolean igelu, int memBits, Command c) throws Exception {
        Config cfg = new ConfigLoader().warnings(w -> { }).setAll(Map.of("target.mem.bits", "" + memBits,
                "gelu.lanes", "32", "gelu.variant", igelu ? "igelu" : "shiftgelu", "gelu.max.row", "768")).load();
        return StreamCosts.of(cfg).cycles(c);
    }

    private static void exactAndTimed(boolean igelu, int bb, long seed) throws Exception {
        try (RowUnitRig rig = LnormGeluUnitCosimTest.geluRig(!igelu, 32, bb, seed)) {
            LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed, 6, 768, igelu), seed);
            LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed + 1, 13, 72, igelu), seed + 1);
            LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed + 2, 9, 13, igelu), seed + 2);
            LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed + 3, 4, 32, igelu), seed + 3);
            LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed + 4, 4, 64, igelu), seed + 4);
            LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed + 5, 5, 1, igelu), seed + 5);
            RowCase c = RowCase.gelu(seed + 6, 2, 72, igelu);
            BigInteger good = RowUnitRig.cmdBits(c.unit());
            LnormGeluUnitCosimTest.refused(rig, RowUnitRig.cmdBits(RowCase.gelu(seed + 9, 2, 72, !igelu).unit()), 0b10,
                    "a command of the other variant");
            LnormGeluUnitCosimTest.refused(rig, LnormGeluUnitCosimTest.withWord(good, 5, 63L << 32), 0b100, "k = 63");
            LnormGeluUnitCosimTest.runCase(rig, c, seed + 6);
        }
        try (RowUnitRig rig = LnormGeluUnitCosimTest.geluRig(!igelu, 32, bb, seed, false)) {
            RowCase c = RowCase.gelu(seed + 7, 40, 768, igelu);
            long cycles = LnormGeluUnitCosimTest.runCase(rig, c, seed + 7) + StreamCosts.BUF_LATENCY;
            long est = estimate(igelu, 8 * bb, c.unit());
            double err = 100.0 * (est - cycles) / cycles;
            System.out.printf("vitgen_top_gelu %s 32 lanes BB %d: GELU 40 x 768 in %d cycles (with the buffer latency),"
                    + " estimate %d (%+.2f %%)%n", igelu ? "i-GELU" : "ShiftGELU", bb, cycles, est, err);
            assertTrue(Math.abs(err) <= 2.0, "StreamCosts.gelu at 32 lanes, BB " + bb + ": " + est + " vs the unit's "
                    + cycles + " cycles");
        }
    }

    @Test
    void iGeluLanes32Beat64() throws Exception {
        exactAndTimed(true, 64, Seeds.of("GeluUnitWideCosimTest.iGeluLanes32Beat64", 0x16E_3264L));
    }

    @Test
    void shiftGeluLanes32Beat32() throws Exception {
        exactAndTimed(false, 32, Seeds.of("GeluUnitWideCosimTest.shiftGeluLanes32Beat32", 0x56E_3232L));
    }

    @Test
    void lanesWiderThanTheBeatAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeluUnit.spec(true, 64, 768, 32));
        assertTrue(e.getMessage().contains("gelu.lanes = 64"), e.getMessage());
        assertEquals("vitgen_top_gelu", GeluUnit.spec(false, 16, 0, 8).name(), "16 lanes at BB 8 stay accepted");
    }
}
