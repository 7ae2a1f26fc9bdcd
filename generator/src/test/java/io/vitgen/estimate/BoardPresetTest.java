package io.vitgen.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Board;
import io.vitgen.config.Config;
import io.vitgen.config.Schema;

/** target.board: every preset is valid and its estimate fits its part; explicit keys override it. */
class BoardPresetTest {

    @Test
    void everyPresetIsValidAndItsBlocksFitThePart() {
        for (Board b : Board.ALL) {
            for (var e : b.settings().entrySet()) {
                assertEquals(null, Schema.key(e.getKey()).check(e.getValue()), b.name() + ": " + e);
            }
            Config c = PerformanceTest.config("target.board", b.name(), "target.fit", "error");
            assertEquals(b.settings().get("target.part"), c.target().part());
            assertEquals(Integer.parseInt(b.settings().get("target.clock.mhz")), c.target().clockMhz());
            assertEquals(Integer.parseInt(b.settings().get("mac.rows")), c.mac().rows());
            FitCheck.Result fit = FitCheck.of(c);
            assertTrue(fit.problems().isEmpty(), b.name() + ": " + fit.problems());
            Part p = fit.part().orElseThrow();
            assertTrue(fit.total().luts() <= 0.8 * p.luts(), b.name() + " LUT " + fit.total().luts());
            Performance.Estimate e = Performance.of(c);
            System.out.printf("%-13s %-16s %7.1f images/s  LUT %5.1f%%  DSP %5.1f%%  BRAM36 with buffers %5.1f%%%n",
                    b.name(), e.array(), e.imagesPerSecond(), 100.0 * e.total().luts() / p.luts(),
                    100.0 * e.total().dsps() / p.dsps(), 100.0 * e.total().bram36() / p.bram36());
        }
    }

    @Test
    void theZcu102PresetIsTheIssue14Candidate() {
        // the preset as it stands (it sets b = 8): the number docs/estimate.md and the README state
        Config c = PerformanceTest.config("target.board", "zcu102");
        Performance.Estimate e = Performance.of(c);
        assertEquals("xczu9eg-ffvb1156-2-e", e.part());
        assertEquals(300, e.clockMhz());
        assertTrue(!e.lean(), "the preset estimates the generated array (ACC_W + 11 LUT per MAC at quant.acc.bits=26)");
        assertTrue(e.total().luts() <= 0.80 * e.partLuts(), "LUT <= 80%: " + e.total().luts());
        assertTrue(e.total().dsps() <= e.partDsps(), "DSP <= 100%: " + e.total().dsps());
        assertTrue(e.total().bram36() <= 0.90 * e.partBram36(), "BRAM36 (with the planned buffers) <= 90%: "
                + e.total().bram36());
        assertTrue(e.problems().isEmpty(), e.problems().toString());
        // the number docs/estimate.md and the README state: the compiled stream of two interleaved images, timed
        assertEquals("stream", e.timing());
        assertEquals(2, e.batch());
        assertTrue(e.imagesPerSecond() >= 750, "issue 14: >= 750 DeiT-Tiny images/s; " + e.imagesPerSecond());
        assertEquals(765.3, e.imagesPerSecond(), 0.05);
        assertTrue(e.notes().stream().anyMatch(n -> n.startsWith("compile.batch=2: 2 images")), e.notes().toString());
        System.out.print(EstimateReport.text(e));
    }

    @Test
    void explicitKeysOverrideThePreset() {
        Config c = PerformanceTest.config("target.board", "zcu102", "mac.rows", "16", "target.clock.mhz", "250",
                "compile.batch", "1");
        assertEquals(16, c.mac().rows());
        assertEquals(64, c.mac().cols(), "the preset's value where none is given");
        assertEquals(250, c.target().clockMhz());
        assertEquals("1", c.values().get("compile.batch"));
        Config part = PerformanceTest.config("target.board", "kv260", "target.part", "xczu9eg-ffvb1156-2-e");
        assertEquals("xczu9eg-ffvb1156-2-e", part.target().part());
        Config none = PerformanceTest.config();
        assertEquals("none", none.values().get("target.board"));
        assertEquals(16, none.mac().rows());
        assertEquals("measured", none.values().get("estimate.array"));
    }
}
