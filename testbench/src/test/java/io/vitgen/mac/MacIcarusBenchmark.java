package io.vitgen.mac;

import io.vitgen.hw.MacArray;

/**
 * Icarus Verilog speed of the GEMM engine (not a test): full tiles of K = 64 through the four-state
 * testbench of {@link MacGemmFourStateTest} (idle X on the streams, a stalling sink), every output
 * compared with the golden GEMM + requantization; prints simulated cycles per second of
 * vvp, per second of its CPU time (what the simulator costs) and of wall time (what the shared machine gave).
 *
 * <p>Run: {@code ./bench mac-icarus [ROWS COLS [TILES]]} (default 16 16 8).
 */
public final class MacIcarusBenchmark {

    private MacIcarusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int tiles = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        System.out.println("| engine | tiles (K = 64) | cycles | vvp CPU time | cycles/s (CPU) | vvp wall time | cycles/s (wall) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (boolean packed : new boolean[] {false, true}) {
            if (packed && cols % 2 != 0) {
                continue;
            }
            MacArray.Shape s = new MacArray.Shape(rows, cols, 8, 8, 32, 8, packed).withReqLanes(Math.min(4, cols));
            long[] r = MacGemmFourStateTest.timeFullTiles("speed-" + rows + "x" + cols + (packed ? "-int8x2" : ""), s,
                    0x1CA2_05L, tiles, 64);
            System.out.printf("| %dx%d%s, 4 requantizer lanes | %d | %d | %.2f s | %.0f | %.2f s | %.0f |%n", rows, cols,
                    packed ? " int8x2" : "", tiles, r[0], r[2] / 1e9, r[0] / (r[2] / 1e9), r[1] / 1e9,
                    r[0] / (r[1] / 1e9));
        }
    }
}
