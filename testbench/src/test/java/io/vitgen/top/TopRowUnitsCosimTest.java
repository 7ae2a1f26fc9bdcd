package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.Command;
import io.vitgen.compile.StreamChecker;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.hw.top.GeluUnit;
import io.vitgen.hw.top.LnormUnit;
import io.vitgen.sim.AxiMemory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LAYERNORM and GELU through the whole accelerator top: vitgen_top_lnorm and vitgen_top_gelu
 * attached to AcceleratorTop, streams of LOAD (operands, tables), the command, STORE, END run from
 * memory through the AXI memory model (random latency and stalls); the stored rows must equal the
 * command interpreter's byte for byte, and the units' busy counters must count. A command of the
 * GELU variant the top was not generated for stops the stream with ERROR bit 1.
 */
class TopRowUnitsCosimTest {

    static void runThroughTop(TopRig rig, AcceleratorTop top, RowCase c, long seed) {
        top.requireRunnable(c.cmds(), c.labels());
        StreamChecker.Result chk = StreamChecker.check(c.cmds(), c.labels(), 4);
        assertTrue(chk.problems().isEmpty(), "stream is not legal: " + chk.problems());
        byte[] want = c.expected(seed);
        TopRig.Outcome o = rig.run(c.image(), 0, c.cmdAddr(), 0, c.image().length, 2_000_000);
        assertEquals(0, o.error(), c.labels().get(c.unitCmd()) + ": ERROR bits, ERR_CMD " + o.errCmd() + ", seed " + seed);
        byte[] got = rig.mem.dump(c.outAddr(), want.length);
        assertNull(c.firstDifference(want, got), "seed " + seed);
        boolean ln = c.unit() instanceof Command.LayerNorm;
        long busy = o.counters().get(ln ? "lnorm" : "gelu");
        assertTrue(busy > 0, "the unit's busy counter counts");
        System.out.printf("%s through the top: %d cycles START to interrupt, unit busy %d cycles%n",
                c.labels().get(c.unitCmd()), o.cycles(), busy);
    }

    @Test
    void shiftGeluTopWith128BitPort() {
        long seed = Seeds.of("TopRowUnitsCosimTest.shift", 0x7095_0001L);
        AcceleratorTop top = new AcceleratorTop(AcceleratorTop.Params.defaults("vt"));
        LnormUnit.attach(top, 4, 768);
        GeluUnit.attach(top, true, 4, 768);
        try (TopRig rig = new TopRig(top, seed, AxiMemory.Config.random(1, 40, 600))) {
            runThroughTop(rig, top, RowCase.layerNorm(seed, 10, 192), seed);
            runThroughTop(rig, top, RowCase.gelu(seed + 1, 4, 768, false), seed + 1);
            runThroughTop(rig, top, RowCase.layerNorm(seed + 2, 13, 40), seed + 2);
            runThroughTop(rig, top, RowCase.gelu(seed + 3, 13, 72, false), seed + 3);
            // an i-GELU command on this ShiftGELU top: ERROR bit 1, then a good stream again
            RowCase bad = RowCase.gelu(seed + 4, 2, 72, true);
            TopRig.Outcome o = rig.run(bad.image(), 0, bad.cmdAddr(), 0, bad.image().length, 200_000);
            assertEquals(1 << AcceleratorTop.ERR_UNSUPPORTED, o.error(), "ERROR bits");
            assertEquals(bad.unitCmd(), o.errCmd(), "ERR_CMD");
            runThroughTop(rig, top, RowCase.gelu(seed + 5, 3, 72, false), seed + 5);
        }
    }

    @Test
    void iGeluTopWith64BitPort() {
        long seed = Seeds.of("TopRowUnitsCosimTest.igelu", 0x7095_0002L);
        AcceleratorTop top = new AcceleratorTop(new AcceleratorTop.Params("vt", 64, 16, 2, 4));
        LnormUnit.attach(top, 1, 192);
        GeluUnit.attach(top, false, 1, 1);
        List<RowCase> cases = new ArrayList<>(List.of(RowCase.layerNorm(seed, 13, 40), RowCase.gelu(seed + 1, 13, 72, true),
                RowCase.layerNorm(seed + 2, 3, 192), RowCase.gelu(seed + 3, 2, 768, true)));
        try (TopRig rig = new TopRig(top, seed, AxiMemory.Config.random(20, 100, 300))) {
            for (int i = 0; i < cases.size(); i++) {
                runThroughTop(rig, top, cases.get(i), seed + i);
            }
        }
    }
}
