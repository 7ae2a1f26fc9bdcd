package io.vitgen.top;

import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;

/**
 * Benchmark of the accelerator top's row units (not a test): vitgen_top_lnorm and vitgen_top_gelu
 * alone in the stream harness, no stalls, buffers answering every descriptor at once. For each
 * unit it runs one command of 8 rows and one of 40 rows (every output byte checked against the
 * command interpreter, as in LnormGeluUnitCosimTest) and prints the steady-state cycles per row
 * (the slope between the two) next to the block's own figure (ceil(C / LANES) cycles per row, or
 * the LayerNorm block's limit of one row per 11 cycles; rows shorter than the LayerNorm block's
 * full-rate length are limited by its row slots, which it says), and the cycles of the 8-row command.
 *
 * <pre>
 * ./bench rowunits
 * </pre>
 */
public final class RowUnitBenchmark {

    private RowUnitBenchmark() {
    }

    public static void main(String[] args) {
        System.out.println("unit                      lanes  BB  row   block c/row  unit c/row  8-row command cycles");
        int[][] ln = {{4, 16, 192}, {4, 8, 192}, {1, 8, 40}, {4, 16, 40}};
        for (int[] c : ln) {
            long seed = 0xBE7C4L + c[0] * 31L + c[1];
            try (RowUnitRig rig = LnormGeluUnitCosimTest.lnRig(c[0], c[1], seed, false)) {
                long a = LnormGeluUnitCosimTest.runCase(rig, RowCase.layerNorm(seed, 8, c[2]), seed);
                long b = LnormGeluUnitCosimTest.runCase(rig, RowCase.layerNorm(seed + 1, 40, c[2]), seed + 1);
                int block = Math.max(LayerNormGeometry.PASSES, (c[2] + c[0] - 1) / c[0]);
                int full = LayerNormUnit.geometry(c[0], 768, true).fullRateChannels();
                print("vitgen_top_lnorm", c[0], c[1], c[2], block, (b - a) / 32.0, a);
                if (c[2] < full) {
                    System.out.println("    (vitgen_layernorm streams at LANES channels/cycle from C = " + full
                            + "; shorter rows wait for its " + LayerNormUnit.geometry(c[0], 768, true).slots() + " row slots)");
                }
            }
        }
        int[][] gelu = {{4, 16, 768}, {4, 8, 768}, {1, 8, 72}, {4, 16, 72}};
        for (boolean shift : new boolean[] {true, false}) {
            for (int[] c : gelu) {
                long seed = 0xBE7C6L + c[0] * 31L + c[1];
                try (RowUnitRig rig = LnormGeluUnitCosimTest.geluRig(shift, c[0], c[1], seed, false)) {
                    long a = LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed, 8, c[2], !shift), seed);
                    long b = LnormGeluUnitCosimTest.runCase(rig, RowCase.gelu(seed + 1, 40, c[2], !shift), seed + 1);
                    print("vitgen_top_gelu " + (shift ? "shift" : "igelu"), c[0], c[1], c[2], (c[2] + c[0] - 1) / c[0],
                            (b - a) / 32.0, a);
                }
            }
        }
        System.out.println("(every output byte equals the interpreter's)");
    }

    private static void print(String unit, int lanes, int bb, int len, int block, double perRow, long eight) {
        System.out.printf("%-25s %5d %3d %5d %12d %11.1f %21d%n", unit, lanes, bb, len, block, perRow, eight);
    }
}
