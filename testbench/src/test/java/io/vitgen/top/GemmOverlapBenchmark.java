package io.vitgen.top;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.golden.DyadicScale;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.hw.top.GemmUnit;

/**
 * {@code ./bench gemm-overlap ROWS COLS none|int8x2 BB [M K N]}: what one GEMM command costs the
 * GEMM unit beyond its reduction steps when it follows another GEMM. Streams of 1 and of 9
 * identical, independent GEMM commands (each reading its own A rows, writing its own output rows)
 * run through the whole top at memory latency 8; every output byte is compared with the
 * interpreter. The slope (T9 - T1) / 8 is one command's cycles in a back-to-back stream; minus its
 * reduction steps (CYC_ARRAY per command) it is the gap between two commands' operand streams
 * (docs/top-units.md, "Overlap of consecutive GEMMs").
 */
public final class GemmOverlapBenchmark {

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        boolean pack = args[2].equals("int8x2");
        int bb = Integer.parseInt(args[3]);
        int m = args.length > 4 ? Integer.parseInt(args[4]) : 2 * rows;
        int k = args.length > 5 ? Integer.parseInt(args[5]) : 64;
        int n = args.length > 6 ? Integer.parseInt(args[6]) : 2 * cols;
        int space = 1 << 15;
        MacArray.Shape shape = new MacArray.Shape(rows, cols, 8, 8, 26, 8, pack, cols);
        AcceleratorTop top = new AcceleratorTop(new AcceleratorTop.Params("vg", bb * 8, 15, 2, 4))
                .attachGemm(new GemmUnit.Params(shape, bb, 256));
        Random rnd = new Random(11);
        Map<Space, byte[]> buf = new EnumMap<>(Space.class);
        for (Space sp : TopGemmCosimTest.SPACES) {
            byte[] b = new byte[space];
            rnd.nextBytes(b);
            buf.put(sp, b);
        }
        long[] t = new long[2];
        int[] counts = {1, 9};
        for (int r = 0; r < 2; r++) {
            List<Command.Gemm> gs = new ArrayList<>();
            for (int j = 0; j < counts[r]; j++) {
                long aAddr = (long) (j % 4) * m * k;
                long oAddr = (long) j * m * n;
                gs.add(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.REQUANT, false, false,
                        Operand.of(Space.ACT, aAddr, k), Operand.of(Space.WGT, 0, n), Operand.of(Space.HID, oAddr, n),
                        m, k, n, null, null, DyadicScale.fromRatio(2e-3), null, null));
            }
            t[r] = GemmStreams.runConsecutive(top, gs, buf, 11, space);
        }
        long steps = (long) ((m + rows - 1) / rows) * ((n + cols - 1) / cols) * k;
        double per = (t[1] - t[0]) / 8.0;
        System.out.printf("%d x %d %s, BB %d, GEMM %d x %d x %d: 1 command %,d cycles, 9 commands %,d; "
                + "per command %.1f cycles, reduction steps %d, gap %.1f cycles (bit-exact)%n",
                rows, cols, pack ? "int8x2" : "int8", bb, m, k, n, t[0], t[1], per, steps, per - steps);
    }
}
