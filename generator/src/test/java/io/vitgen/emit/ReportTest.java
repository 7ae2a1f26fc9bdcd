package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vitgen.config.ConfigLoader;

class ReportTest {

    @Test
    void resourcesAreTotalledAndSharedOutOfTheKnownPart() {
        List<Resources> res = List.of(new Resources("vitgen_a", 1000, 2000, 10, 1, 2, 5),
                new Resources("vitgen_b", 370, 80, 2, 0, 1, 0));
        String report = Report.render(ConfigLoader.defaults(), TopDesign.of(ConfigLoader.defaults()), res);
        assertTrue(report.contains("| all (top + blocks) | 1370 | 2080 | 12 | 1 | 3 | 5 |"), report);
        // 1370 / 274080 LUT, 2080 / 548160 FF, 12 / 2520 DSP, (2 + 3) / 1824 RAMB18-equivalents
        assertTrue(report.contains("| share of xczu9eg (ZCU102) | 0.5% | 0.4% | 0.5% | 0.3%"), report);
    }

    @Test
    void everyBlockIsDescribed() {
        String report = Report.render(ConfigLoader.defaults(), TopDesign.of(ConfigLoader.defaults()), List.of());
        for (String block : List.of("vitgen_mac_gemm", "vitgen_softmax", "vitgen_layernorm", "vitgen_shiftgelu")) {
            assertTrue(report.contains("### `" + block + "`"), block);
        }
        assertTrue(report.contains("Not synthesized"), report);
        assertTrue(report.contains("## The accelerator top\n\n`vit_accel_top` is the only top of `filelist.f`"), report);
        assertTrue(report.contains("## Compute blocks inside the top"), report);
        assertFalse(report.contains("## Blocks not yet inside the top"), report);
    }
}
