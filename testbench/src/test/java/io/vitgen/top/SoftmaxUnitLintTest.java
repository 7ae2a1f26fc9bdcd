package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.top.SoftmaxUnit;
import io.vitgen.sim.Lint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code verilator --lint-only -Wall} and {@code iverilog -g2005 -Wall} print nothing for the
 * accelerator top's softmax unit ({@code vitgen_top_softmax}) in every configuration the
 * co-simulation uses and at the corners: buffer beats of 8, 16, 32, 64 and 128 bytes, lanes 1 up to
 * the beat (32 and 64 included), linear 8 and 16 and log2, head widths 8, 40 and 64, rows 1 and 65535.
 */
class SoftmaxUnitLintTest {

    static List<Path> emit(SoftmaxUnit.Params p, String tag) {
        return Emitter.writeModules(List.of(SoftmaxUnit.spec(p)), Path.of("target", "cosim-rtl", "top-softmax-" + tag));
    }

    @Test
    void lintsCleanAtCorners() throws Exception {
        Object[][] cases = {
            // bb, lanes, maxRow, log2, outBits, headDim
            {16, 4, 1024, false, 16, 64}, {8, 4, 256, false, 16, 64}, {8, 1, 197, false, 8, 64},
            {16, 4, 1024, true, 16, 64}, {8, 1, 300, true, 16, 8}, {16, 4, 13, true, 16, 8},
            {128, 64, 65535, false, 16, 64}, {128, 16, 65535, true, 16, 40}, {8, 8, 1, false, 8, 8},
            {8, 1, 1, true, 16, 1}, {16, 16, 1024, false, 16, 64}, {8, 8, 197, false, 16, 64},
            // 32 and 64 lanes at 256- and 512-bit ports (the co-simulated builds and the zcu102 unit)
            {32, 32, 256, false, 16, 64}, {64, 64, 1024, false, 8, 64}, {64, 64, 256, true, 16, 64},
            {64, 32, 1024, false, 16, 64}, {32, 32, 1024, true, 16, 64}, {64, 64, 197, false, 16, 64},
        };
        StringBuilder problems = new StringBuilder();
        int n = 0;
        for (Object[] c : cases) {
            SoftmaxUnit.Params p = SoftmaxUnit.params((int) c[0], (int) c[1], (int) c[2], (boolean) c[3], (int) c[4],
                    (int) c[5], Math.min(197, (int) c[2]));
            List<Path> files = emit(p, "lint" + n++);
            String v = Lint.run(files, SoftmaxUnit.NAME, p.verilogParameters());
            String i = Lint.iverilog(files, SoftmaxUnit.NAME, p.verilogParameters());
            if (!v.isEmpty() || !i.isEmpty()) {
                problems.append(p).append(":\n").append(v).append(i);
            }
        }
        assertEquals("", problems.toString());
    }
}
