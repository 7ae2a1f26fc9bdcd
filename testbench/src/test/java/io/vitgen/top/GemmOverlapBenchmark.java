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
 * {@code ./bench gemm-overlap ROWS COLS none|int8x2 BB [M K N] [trace]}: what one GEMM command costs the
 * GEMM unit beyond its reduction steps when it follows another GEMM. Streams of 1 and of 9
 * identical, independent GEMM commands (each reading its own A rows, writing its own output rows)
 * run through the whole top at memory latency 8; every output byte is compared with the
 * interpreter. The slope (T9 - T1) / 8 is one command's cycles in a back-to-back stream; minus its
 * reduction steps (CYC_ARRAY per command) it is the gap between two commands' operand streams
 * (docs/top-units.md, "Where the cycles between two commands went"). With {@code trace}, a stream
 * of two such commands is replayed through a traced build (VCD) and the events inside the GEMM
 * unit between the first command's last operand beat and the second's first are printed, in
 * cycles after that last beat: the last tile's first and last engine row, its last output beat and
 * status beat, done, the second command's accept, W descriptor, first W beat.
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
        if (args.length > 7 && args[7].equals("trace")) {
            List<Command.Gemm> two = new ArrayList<>();
            for (int j = 0; j < 2; j++) {
                two.add(new Command.Gemm(Command.Deps.NONE, Command.Epilogue.REQUANT, false, false,
                        Operand.of(Space.ACT, (long) j * m * k, k), Operand.of(Space.WGT, 0, n),
                        Operand.of(Space.HID, (long) j * m * n, n), m, k, n, null, null, DyadicScale.fromRatio(2e-3),
                        null, null));
            }
            GemmStreams.runConsecutive(top, two, buf, 11, space, rig -> {
                java.nio.file.Path vcd = rig.sim.writeWaves(io.vitgen.sim.WaveFormat.VCD);
                System.out.printf("%d x %d %s, BB %d, GEMM %d x %d x %d: %s%n", rows, cols, pack ? "int8x2" : "int8", bb,
                        m, k, n, boundary(vcd));
            });
            return;
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

    /** The signals of u_gemm the boundary needs (one bit each). */
    private static final List<String> SIGNALS = List.of("aclk", "mac_active", "eng_m_tvalid", "eng_m_tready", "o_wr_tvalid",
            "o_wr_tready", "o_wr_tlast", "o_wr_sts_tvalid", "done", "cmd_tvalid", "cmd_tready", "w_rd_desc_tvalid",
            "w_rd_desc_tready", "w_rd_tvalid", "w_rd_tready");

    /**
     * Reads the VCD: the value of each signal just before every rising edge of u_gemm's clock (what
     * the edge samples), then the events around the largest gap in mac_active.
     */
    static String boundary(java.nio.file.Path vcd) {
        Map<String, Integer> index = new java.util.HashMap<>();   // VCD id -> signal index
        List<boolean[]> cycles = new ArrayList<>();
        boolean[] cur = new boolean[SIGNALS.size()];
        List<String> scope = new ArrayList<>();
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(vcd)) {
            String line;
            boolean body = false;
            List<String[]> pending = new ArrayList<>();
            while ((line = in.readLine()) != null) {
                line = line.trim();
                if (!body) {
                    String[] w = line.split("\\s+");
                    if (w[0].equals("$scope")) {
                        scope.add(w[2]);
                    } else if (w[0].equals("$upscope")) {
                        scope.remove(scope.size() - 1);
                    } else if (w[0].equals("$var") && w[2].equals("1") && !scope.isEmpty()
                            && scope.get(scope.size() - 1).equals("u_gemm") && SIGNALS.contains(w[4])) {
                        index.putIfAbsent(w[3], SIGNALS.indexOf(w[4]));
                    } else if (w[0].equals("$enddefinitions")) {
                        body = true;
                    }
                    continue;
                }
                if (line.startsWith("#")) {
                    flush(pending, cur, index, cycles);
                    continue;
                }
                if (line.isEmpty() || line.startsWith("$") || line.startsWith("b") || line.startsWith("r")) {
                    continue;
                }
                pending.add(new String[] {line.substring(1), line.substring(0, 1)});
            }
            flush(pending, cur, index, cycles);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String sig : SIGNALS) {
            if (!index.containsValue(SIGNALS.indexOf(sig))) {
                throw new AssertionError("the trace has no u_gemm." + sig);
            }
        }
        int act = SIGNALS.indexOf("mac_active");
        int a = -1;
        int b = -1;
        int prev = -1;
        for (int c = 0; c < cycles.size(); c++) {
            if (cycles.get(c)[act]) {
                if (prev >= 0 && c - prev > b - a) {
                    a = prev;
                    b = c;
                }
                prev = c;
            }
        }
        int d = a + 1;
        while (d < cycles.size() && !cycles.get(d)[SIGNALS.indexOf("done")]) {
            d++;
        }
        StringBuilder sb = new StringBuilder("last operand beat of command 1 at cycle 0; ");
        sb.append(event(cycles, a, d, "first engine row", "eng_m_tvalid", "eng_m_tready", null, true));
        sb.append(event(cycles, a, d, "last engine row", "eng_m_tvalid", "eng_m_tready", null, false));
        sb.append(event(cycles, a, d, "last output beat", "o_wr_tvalid", "o_wr_tready", "o_wr_tlast", false));
        sb.append(event(cycles, a, d + 1, "last status", "o_wr_sts_tvalid", null, null, false));
        sb.append("done +").append(d - a).append("; ");
        sb.append(event(cycles, a, b + 1, "accept of command 2", "cmd_tvalid", "cmd_tready", null, true));
        sb.append(event(cycles, a, b + 1, "its W descriptor", "w_rd_desc_tvalid", "w_rd_desc_tready", null, true));
        sb.append(event(cycles, a, b + 1, "its first W beat", "w_rd_tvalid", "w_rd_tready", null, true));
        sb.append("first operand beat of command 2 at ").append(b - a);
        return sb.toString();
    }

    private static void flush(List<String[]> pending, boolean[] cur, Map<String, Integer> index, List<boolean[]> cycles) {
        int clk = SIGNALS.indexOf("aclk");
        boolean rise = false;
        for (String[] ch : pending) {
            Integer i = index.get(ch[0]);
            if (i != null && i == clk && ch[1].equals("1") && !cur[clk]) {
                rise = true;
            }
        }
        if (rise) {
            cycles.add(cur.clone());
        }
        for (String[] ch : pending) {
            Integer i = index.get(ch[0]);
            if (i != null) {
                cur[i] = ch[1].equals("1");
            }
        }
        pending.clear();
    }

    /** The first (or last) cycle in (a, b) where the signals are high, as "name +offset; ". */
    private static String event(List<boolean[]> cycles, int a, int b, String name, String v, String r, String l,
            boolean first) {
        int found = -1;
        for (int c = a + 1; c < b; c++) {
            boolean[] x = cycles.get(c);
            boolean hit = x[SIGNALS.indexOf(v)] && (r == null || x[SIGNALS.indexOf(r)]) && (l == null || x[SIGNALS.indexOf(l)]);
            if (hit) {
                found = c;
                if (first) {
                    break;
                }
            }
        }
        return name + " " + (found < 0 ? "-" : "+" + (found - a)) + "; ";
    }
}
