package io.vitgen.softmax;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.softmax.AttnShiftUnit;
import io.vitgen.hw.softmax.Log2CodeCell;
import io.vitgen.hw.softmax.ReduceTree;
import io.vitgen.hw.softmax.ShiftExpCell;
import io.vitgen.hw.softmax.SoftmaxUnit;
import io.vitgen.sim.Lint;

/**
 * {@code verilator --lint-only -Wall} prints nothing for the softmax unit, the attention x V unit
 * and their cells at corner parameters: lanes 1, 2, 3, 4, 8, 16, both output modes, pipelined
 * divider and banks of 1 to 16 iterative ones, row lengths 1, shorter than a beat, odd and
 * maximal.
 */
class SoftmaxLintTest {

    private static final Path DIR = Path.of("target", "rtl", "softmax-lint");

    /**
     * The unit as generated for one output mode (each file holds only that mode's datapath and
     * cell), plus the attention x V unit and every cell.
     */
    private static List<Path> emit(boolean log2) {
        SoftmaxUnit.Params p = new SoftmaxUnit.Params(4, 1024, log2, 16);
        return Emitter.writeModules(List.of(SoftmaxUnit.spec(p),
                AttnShiftUnit.spec(new AttnShiftUnit.Params(4, 16, 64, 32))), DIR.resolve(log2 ? "log2" : "linear"));
    }

    @Test
    void softmaxUnitLintsCleanAtCorners() throws Exception {
        StringBuilder problems = new StringBuilder();
        int[][] lanesAndRows = {{1, 1}, {1, 197}, {2, 3}, {3, 1024}, {4, 197}, {4, 4096}, {8, 7}, {16, 1024},
            {16, 65536}};
        for (int mode = 0; mode < 2; mode++) {
            List<Path> files = emit(mode == 1);
            for (int[] lr : lanesAndRows) {
                for (int bits : new int[] {8, 16}) {
                    if (mode == 1 && bits == 8) {
                        continue;
                    }
                    for (int pipe = 0; pipe < 2; pipe++) {
                        if (mode == 1 && pipe == 1) {
                            continue;
                        }
                        int dividers = pipe == 1 || mode == 1 ? 1 : 1 + (lr[0] * 5 + bits) % 16;
                        Map<String, Object> g = new LinkedHashMap<>();
                        g.put("LANES", lr[0]);
                        g.put("MAX_ROW", lr[1]);
                        g.put("OUT_MODE", mode);
                        g.put("OUT_BITS", bits);
                        g.put("DIV_PIPELINED", pipe);
                        g.put("DIVIDERS", dividers);
                        problems.append(Lint.run(files, SoftmaxUnit.NAME, g));
                    }
                }
            }
        }
        assertEquals("", problems.toString());
    }

    @Test
    void cellsLintCleanAtCorners() throws Exception {
        List<Path> files = emit(true);
        StringBuilder problems = new StringBuilder();
        for (int lanes : new int[] {1, 2, 3, 4, 5, 8, 16, 64}) {
            problems.append(Lint.run(files, "vitgen_softmax_exp", Map.of("LANES", lanes, "SIDE_W", 1)));
            problems.append(Lint.run(files, "vitgen_softmax_log2code", Map.of("LANES", lanes, "SIDE_W", 9)));
            problems.append(Lint.run(files, "vitgen_reduce_tree",
                    Map.of("LANES", lanes, "IN_W", 8, "OUT_W", 8, "OP", ReduceTree.OP_MAX, "SIDE_W", 3)));
            problems.append(Lint.run(files, "vitgen_reduce_tree",
                    Map.of("LANES", lanes, "IN_W", 22, "OUT_W", 22 + ReduceTree.latency(lanes), "OP", ReduceTree.OP_SUM,
                            "SIDE_W", 1)));
        }
        problems.append(Lint.run(files, "vitgen_reduce_tree", Map.of("LANES", 1, "IN_W", 1, "OUT_W", 1, "OP", 0)));
        problems.append(Lint.run(files, "vitgen_reduce_tree", Map.of("LANES", 7, "IN_W", 64, "OUT_W", 64, "OP", 1)));
        assertEquals("", problems.toString());
    }

    @Test
    void attentionUnitLintsCleanAtCorners() throws Exception {
        List<Path> files = emit(true);
        StringBuilder problems = new StringBuilder();
        int[][] cases = {{1, 1, 1, 23}, {1, 1, 64, 32}, {4, 16, 64, 32}, {4, 64, 64, 35}, {2, 3, 9, 24},
            {8, 8, 8, 64}, {16, 1, 2, 31}, {3, 5, 25, 40}};
        for (int[] c : cases) {
            problems.append(Lint.run(files, AttnShiftUnit.NAME,
                    new AttnShiftUnit.Params(c[0], c[1], c[2], c[3]).verilogParameters()));
        }
        assertEquals("", problems.toString());
    }
}
