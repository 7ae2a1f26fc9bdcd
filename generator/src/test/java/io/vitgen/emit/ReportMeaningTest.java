package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;

/**
 * report.md says what the configuration means: the GEMM cycles of the configured model (the
 * GemmCycles model, equal to the simulated 16x16 numbers), which rows reach full rate, what 4-bit
 * operands mean for every block, the fit to the part - in English ("1 lane", not "1 lanes").
 */
class ReportMeaningTest {

    private static String report(String... sets) throws Exception {
        ConfigLoader l = new ConfigLoader().warnings(w -> { });
        for (String s : sets) {
            l.set(s);
        }
        Config c = l.load();
        return Report.render(c, TopDesign.of(c), List.of());
    }

    @Test
    void cyclesOfTheConfiguredModel() throws Exception {
        String r = report("softmax.out.bits=16");
        assertTrue(r.contains("**GEMM cycles per encoder layer of deit-tiny**"), r);
        assertTrue(r.contains("| QKV projection | 197 x 192 x 576 | 1 | 89,906 | 85,104 | 94.7% | yes |"), r);
        assertTrue(r.contains("| q k^T (per head) | 197 x 64 x 197 | 3 | 10,866 |"), r);
        assertTrue(r.contains("| attention x V (per head, b = 16: two int8 passes) | 197 x 197 x 64 | 6 |"), r);
        assertTrue(r.contains("12 row tiles of 16 are full and the last holds 5 rows of 16"), r);
        assertTrue(r.contains("| softmax, 4 lanes | 197 keys | 50 | yes; the last beat carries 1 of 4 lanes |"), r);
        assertTrue(r.contains("All operands are 8-bit"), r);
        assertTrue(r.contains("| all blocks |") && r.contains("| capacity of xczu9eg (ZCU102) | 274,080 | 548,160 | 2,520 | 912 |"), r);
        assertTrue(r.contains("The estimate fits xczu9eg (ZCU102)"), r);
        // a small K on a narrow requantizer: tiles wait, and the report says so
        String narrow = report("mac.requant.lanes=1");
        assertTrue(narrow.contains("| q k^T (per head) | 197 x 64 x 197 | 3 |") && narrow.contains(
                "no: K = 64 < 256, each tile waits 192 cycles"), narrow);
        String deitS = report("model.preset=deit-small", "softmax.variant=log2");
        assertTrue(deitS.contains("encoder layer of deit-small") && !deitS.contains("attention x V (per head"), deitS);
    }

    @Test
    void fourBitOperandsAreExplainedForEveryBlock() throws Exception {
        String r = report("quant.act.bits=4", "quant.weight.bits=4", "quant.acc.bits=24");
        assertTrue(r.contains("4-bit operands apply to the GEMM only: it multiplies int4 by int4 and requantizes its"
                + " outputs to int4. LayerNorm, GELU and softmax keep their int8 (LayerNorm: int16) interfaces"), r);
        assertTrue(r.contains("| GEMM `vitgen_mac_gemm` | int4 activations x int4 weights"), r);
        assertTrue(r.contains("| softmax `vitgen_softmax` | int8 scores |"), r);
        assertTrue(r.contains("| LayerNorm `vitgen_layernorm` | int16 residual | int8 |"), r);
        assertTrue(r.contains("| GELU `vitgen_shiftgelu` | int8 | int8 |"), r);
        assertFalse(report().contains("4-bit operands"));
    }

    @Test
    void aFitProblemIsAWarningInTheReport() throws Exception {
        String r = report("mac.rows=64", "mac.cols=64");
        assertTrue(r.contains("**Warning:** the design needs about 4,162 DSP (estimate; vitgen_mac_gemm alone 4,112)"
                + " but xczu9eg (ZCU102) has 2,520."), r);
        assertTrue(report("target.fit=off").contains("Not checked (target.fit=off)."));
    }

    /** No "1 lanes", "1 beats", ... anywhere in the report, over configurations full of ones. */
    @Test
    void countsReadAsEnglish() throws Exception {
        Pattern bad = Pattern.compile("(?<![\\d.,])1 (lanes|beats|elements|rows|cycles|keys|channels|dividers|multipliers|"
                + "MACs|heads|shift-adds|row tiles|requantizer lanes|bits|entries|passes)\\b");
        List<String> found = new ArrayList<>();
        String[][] configs = {
            {},
            {"mac.rows=1", "mac.cols=1", "mac.requant.lanes=1", "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1"},
            {"model.preset=custom", "model.tokens=1", "model.channels=1", "model.heads=1", "model.mlp=1",
                "softmax.max.row=1", "layernorm.max.channels=1", "gelu.max.row=1", "quant.acc.bits=16",
                "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1", "mac.requant.lanes=1", "softmax.variant=log2"},
            {"mac.rows=2", "mac.cols=2", "mac.requant.lanes=1", "softmax.variant=log2", "gelu.variant=igelu",
                "gelu.lanes=1"},
        };
        for (String[] c : configs) {
            Matcher m = bad.matcher(report(c));
            while (m.find()) {
                found.add(String.join(" ", c) + ": '" + m.group() + "'");
            }
        }
        assertEquals(List.of(), found);
    }
}
