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
 * io.vitgen.mac.MacResources [gemm16]}; {@code gemm16}: only the 16x16 engines (requantizer lanes 16, 4, 8;
 * int8x2 with 4 lanes) and a 4-lane requantizer
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

    private static void report(List<Path> files, String top, Map<String, Long> params) throws Exception {
        long t0 = System.nanoTime();
        Resources r = Synthesis.run(files, top, params);
        System.out.printf("| %s | %s | %d | %d | %d | %d/%d | %d | %.0f s |%n", top, params, r.luts(), r.flipFlops(),
                r.dsps(), r.bram36(), r.bram18(), r.carry(), (System.nanoTime() - t0) / 1e9);
    }
}
