package io.vitgen.mac;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vitgen.emit.Emitter;
import io.vitgen.emit.Resources;
import io.vitgen.emit.Synthesis;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.Requant;

/**
 * Resource report (not a test): Yosys {@code synth_xilinx -family xcup} of the MAC array, the whole
 * GEMM engine and the requantizer at a few sizes. Takes a few minutes (the 16x16 runs dominate).
 *
 * <p>Run: {@code cd testbench && java -cp target/test-classes:target/classes:../generator/target/vitgen.jar
 * io.vitgen.mac.MacResources [gemm16 | arrays [SIZE...]]}; {@code gemm16}: only the 16x16 engines (requantizer
 * lanes 16, 4, 8; int8x2 with 4 lanes) and a 4-lane requantizer; {@code arrays}: the array alone at SIZE x SIZE
 * (default 16 32 64), int8 x int8, 32-bit accumulators, unpacked and int8x2, with LUT, FF and DSP per MAC
 * (synthesized hierarchically: minutes for 64x64); {@code calibration}: the GEMM engines of ResourceModelTest
 */
public final class MacResources {

    private MacResources() {
    }

    public static void main(String[] args) throws Exception {
        if (!Synthesis.available()) {
            throw new IllegalStateException("yosys is not on the PATH");
        }
        Path dir = Path.of("target", "rtl", "mac-synth");
        List<Path> plain = MacGemmCosimTest.emit(dir, false);
        List<Path> packed = MacGemmCosimTest.emit(dir, true);
        List<Path> files = Emitter.writeModules(List.of(Requant.unit()), dir);
        System.out.println("| module | parameters | LUT | FF | DSP48E2 | RAMB36/18 | CARRY | time |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        if (args.length > 0 && args[0].equals("arrays")) {
            // Hierarchical synthesis (no -flatten): Yosys maps the one PE module once and the array's
            // own logic (edge delays, drain multiplexers, pointer) once; the totals are the design
            // hierarchy's. On 16x16 it agrees with the flattened run within 0.2 % LUT (11,530 vs
            // 11,515) and 3 % FF (the flattened run drops the unused right/bottom edge registers).
            System.out.println();
            System.out.println("| array | packing | LUT | FF | DSP48E2 | LUT/MAC | FF/MAC | DSP/MAC | Yosys time |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            int[] sizes = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt)
                    .toArray() : new int[] {16, 32, 64};
            for (int n : sizes) {
                for (boolean pack : new boolean[] {false, true}) {
                    MacArray.Shape shape = new MacArray.Shape(n, n, 8, 8, 32, 8, pack);
                    Map<String, Long> p = shape.parameters();
                    p.remove("OUT_W");
                    p.remove("K_MAX");
                    p.remove("REQ_LANES");
                    long t0 = System.nanoTime();
                    Resources r = hierarchical(pack ? packed : plain, "vitgen_mac_array", p);
                    double macs = (double) n * n;
                    System.out.printf("| %dx%d | %s | %d | %d | %d | %.1f | %.1f | %.2f | %.0f s |%n", n, n,
                            pack ? "int8x2" : "none", r.luts(), r.flipFlops(), r.dsps(), r.luts() / macs,
                            r.flipFlops() / macs, r.dsps() / macs, (System.nanoTime() - t0) / 1e9);
                }
            }
            return;
        }
        if (args.length > 0 && args[0].equals("calibration")) {
            // the GEMM points of ResourceModelTest (flattened, as measured there)
            MacArray.Shape[] shapes = {new MacArray.Shape(2, 3, 8, 8, 32, 8), new MacArray.Shape(4, 4, 8, 8, 32, 8),
                new MacArray.Shape(8, 8, 8, 8, 32, 8).withReqLanes(4),
                new MacArray.Shape(16, 16, 8, 8, 32, 8).withReqLanes(4),
                new MacArray.Shape(16, 16, 8, 8, 32, 8).withReqLanes(8)};
            for (MacArray.Shape shape : shapes) {
                if (shape.rows() >= 16) {
                    long t0 = System.nanoTime();
                    Resources r = hierarchical(plain, "vitgen_mac_gemm", shape.parameters());
                    System.out.printf("| %s | %s | %d | %d | %d | %d/%d | %d | %.0f s (hierarchical) |%n", "vitgen_mac_gemm",
                            shape.parameters(), r.luts(), r.flipFlops(), r.dsps(), r.bram36(), r.bram18(), r.carry(),
                            (System.nanoTime() - t0) / 1e9);
                } else {
                    report(plain, "vitgen_mac_gemm", shape.parameters());
                }
            }
            return;
        }
        if (args.length > 0 && args[0].equals("gemm16")) {
            // only the 16x16 engines: one requantizer lane per column, and narrower requantizers
            MacArray.Shape base = new MacArray.Shape(16, 16, 8, 8, 32, 8);
            for (MacArray.Shape shape : new MacArray.Shape[] {base, base.withReqLanes(4), base.withReqLanes(8),
                new MacArray.Shape(16, 16, 8, 8, 32, 8, true, 4)}) {
                report(shape.packInt8x2() ? packed : plain, "vitgen_mac_gemm", shape.parameters());
            }
            report(files, "vitgen_requant", Requant.parameters(4, 33, 8));
            return;
        }
        for (int[] s : new int[][] {{2, 3, 8, 8, 32, 0}, {4, 4, 8, 8, 32, 0}, {16, 16, 8, 8, 32, 0}, {16, 16, 4, 4, 32, 0},
                {4, 4, 8, 8, 32, 1}, {16, 16, 8, 8, 32, 1}}) {
            MacArray.Shape shape = new MacArray.Shape(s[0], s[1], s[2], s[3], s[4], 8, s[5] == 1);
            Map<String, Long> p = shape.parameters();
            p.remove("OUT_W");
            p.remove("K_MAX");
            p.remove("REQ_LANES");
            report(shape.packInt8x2() ? packed : plain, "vitgen_mac_array", p);
        }
        for (int[] s : new int[][] {{2, 3, 8, 8, 32, 0}, {4, 4, 8, 8, 32, 0}, {16, 16, 8, 8, 32, 0}, {16, 16, 8, 8, 32, 1}}) {
            MacArray.Shape shape = new MacArray.Shape(s[0], s[1], s[2], s[3], s[4], 8, s[5] == 1);
            report(shape.packInt8x2() ? packed : plain, "vitgen_mac_gemm", shape.parameters());
        }
        report(files, "vitgen_requant", Requant.parameters(1, 33, 8));
        report(files, "vitgen_requant", Requant.parameters(16, 33, 8));
        report(files, "vitgen_requant", Requant.parameters(4, 16, 8));
    }

    /** Hierarchical {@code synth_xilinx -family xcup} ({@link Synthesis#script}), at most an hour. */
    static Resources hierarchical(List<Path> files, String top, Map<String, Long> params) throws Exception {
        return Synthesis.run(files, top, params, false, System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1))
                .orElseThrow(() -> new IllegalStateException("yosys did not finish " + top + " within an hour"));
    }

    private static void report(List<Path> files, String top, Map<String, Long> params) throws Exception {
        long t0 = System.nanoTime();
        Resources r = Synthesis.run(files, top, params);
        System.out.printf("| %s | %s | %d | %d | %d | %d/%d | %d | %.0f s |%n", top, params, r.luts(), r.flipFlops(),
                r.dsps(), r.bram36(), r.bram18(), r.carry(), (System.nanoTime() - t0) / 1e9);
    }
}
