package io.vitgen.mac;

import java.util.List;

import io.vitgen.hw.MacArray;

/**
 * Icarus Verilog speed of the GEMM engine (not a test): full tiles of K = 64 through the four-state
 * testbench of {@link MacGemmFourStateTest} (idle X on the streams, a stalling sink), every output
 * compared with the golden GEMM + requantization; prints simulated cycles per second of
 * vvp, per second of its CPU time (what the simulator costs) and of wall time (what the shared machine gave).
 *
 * <p>Run: {@code ./bench mac-icarus [ROWS COLS [TILES]]} (default 16 16 8); {@code ./bench mac-icarus b2b [ROWS COLS
 * none|int8x2 LANES [TILES]]...}: attention tiles (K = 64) at full rate, back to back and on their exact
 * cycles (the check of {@code MacGemmFourStateTest.attentionTilesBackToBackOn32x32}; default 32 32 none 16
 * and 64 64 int8x2 64).
 */
public final class MacIcarusBenchmark {

    private MacIcarusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("b2b")) {
            backToBack(args);
            return;
        }
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

    /** Full-rate K = 64 tiles on the given engines (groups of ROWS COLS PACKING LANES [TILES]). */
    private static void backToBack(String[] args) throws Exception {
        List<String> a = new java.util.ArrayList<>(java.util.Arrays.asList(args).subList(1, args.length));
        if (a.isEmpty()) {
            a = List.of("32", "32", "none", "16", "6", "64", "64", "int8x2", "64", "4");
        }
        System.out.println("| engine | back-to-back K | tiles (K = 64) | cycles | latency | vvp CPU time | cycles/s (CPU) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i + 4 < a.size() + 1; i += 5) {
            int rows = Integer.parseInt(a.get(i));
            int cols = Integer.parseInt(a.get(i + 1));
            boolean packed = a.get(i + 2).equals("int8x2");
            int lanes = Integer.parseInt(a.get(i + 3));
            int tiles = i + 4 < a.size() ? Integer.parseInt(a.get(i + 4)) : 4;
            MacArray.Shape s = new MacArray.Shape(rows, cols, 8, 8, 32, 8, packed).withReqLanes(lanes);
            long[] r = MacGemmFourStateTest.backToBack("b2b-" + rows + "x" + cols + (packed ? "-int8x2" : ""), s,
                    0xB2B_0064L, tiles, 64);
            System.out.printf("| %dx%d %s, %d requantizer lanes | %d | %d | %d | %d | %.2f s | %.0f |%n", rows, cols,
                    packed ? "int8x2" : "none", lanes, s.backToBackK(), tiles, r[0], s.latency(), r[2] / 1e9,
                    r[0] / (r[2] / 1e9));
        }
        System.out.println("every output equals the golden model; every tile's last operand beat K cycles after the"
                + " previous one; every output row on its exact cycle");
    }
}
