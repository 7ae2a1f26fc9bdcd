package io.vitgen.mac;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntGemm;
import io.vitgen.hw.MacArray;

/**
 * vitgen_mac_gemm in a four-state simulator (Icarus Verilog): every input stream carries X on its
 * data, tkeep and tlast while its tvalid is low (legal in AXI4-Stream), with idle cycles between
 * beats and a stalling output. Every output beat is compared with the golden GEMM + requantization,
 * and the tready outputs and m_axis_tvalid must never be X after reset. The first tile is the
 * finding of the cross-simulation: A = [1, 1], W = [1, 1]^T must give 2 (it gave 127 when the W
 * edge register loaded idle X data while A was zeroed). Lanes outside tkeep carry X too on the
 * unpacked engine; on the int8x2 engine they carry 0, because its two columns share one
 * multiplier and a four-state simulator cannot know that the exact correction cancels the other
 * column's X.
 *
 * <p>Needs iverilog on the PATH; fails (does not skip) without it.
 */
class MacGemmFourStateTest {

    private static final Path DIR = Path.of("target", "rtl", "mac-4state");

    @Test
    void unpackedFullWidthRequantizer() throws Exception {
        check("plain-2x3", new MacArray.Shape(2, 3, 8, 8, 24, 8), true, 11L);
    }

    @Test
    void unpackedOneLaneRequantizerAndInt4() throws Exception {
        check("serial-3x3", new MacArray.Shape(3, 3, 8, 8, 24, 8).withReqLanes(1), true, 12L);
        check("int4-2x2", new MacArray.Shape(2, 2, 4, 4, 16, 4), true, 13L);
    }

    @Test
    void packedInt8x2() throws Exception {
        check("packed-2x4", new MacArray.Shape(2, 4, 8, 8, 24, 8, true).withReqLanes(2), false, 14L);
    }

    /** One tile of a job: M x K activations, K x N weights, N biases and scales. */
    private record Tile(long[][] a, long[][] w, long[] bias, DyadicScale[] scale, long[][] expected) {
    }

    private static void check(String name, MacArray.Shape s, boolean xOnInvalidLanes, long seed) throws Exception {
        run(name, s, xOnInvalidLanes, seed, 12, 0, false);
    }

    /**
     * Attention tiles (K = 64, DeiT's head dimension) back to back on a 32 x 32 array with 16
     * requantizer lanes, whose bound max(C + 2, R ceil(C / L)) = max(34, 64) is exactly 64: every
     * stream at full rate (no gaps, output always ready), 6 full tiles after the first; every output
     * compared with the golden model, every tile's last operand beat exactly K cycles after the
     * previous one (the array never waits), and every output row on its exact cycle (that tile's last
     * operand beat + latency + r ceil(C / L)). Icarus, because the Verilator harness's stream ports
     * stop at 2,048 bits and the channel stream of 32 columns has 2,240.
     */
    @Test
    void attentionTilesBackToBackOn32x32() throws Exception {
        MacArray.Shape s = new MacArray.Shape(32, 32, 8, 8, 32, 8).withReqLanes(16);
        org.junit.jupiter.api.Assertions.assertEquals(64, s.backToBackK());
        run("b2b-32x32", s, false, 0x5EED_0032L, 6, 64, true);
    }

    /** {@link #attentionTilesBackToBackOn32x32()} for any shape (./bench mac-icarus b2b ROWS COLS ...). */
    static long[] backToBack(String name, MacArray.Shape s, long seed, int fullTiles, int k) throws Exception {
        return run(name, s, false, seed, fullTiles, k, true);
    }

    /**
     * Icarus speed (for {@link MacIcarusBenchmark}): {@code fullTiles} full tiles of K = {@code k} after the
     * first tile, all compared with the golden model; returns {simulated cycles, wall nanoseconds of vvp, vvp's CPU nanoseconds}.
     */
    static long[] timeFullTiles(String name, MacArray.Shape s, long seed, int fullTiles, int k) throws Exception {
        return run(name, s, false, seed, fullTiles, k, false);
    }

    private static long[] run(String name, MacArray.Shape s, boolean xOnInvalidLanes, long seed, int count,
            int fullK, boolean fullRate) throws Exception {
        Random rnd = new Random(seed);
        List<Tile> tiles = new ArrayList<>();
        DyadicScale one = new DyadicScale(1L << 30, 30);
        tiles.add(tile(new long[][] {{1, 1}}, new long[][] {{1}, {1}}, new long[] {0}, new DyadicScale[] {one}, s));
        for (int t = 0; t < count; t++) {
            int m = fullK > 0 ? s.rows() : 1 + rnd.nextInt(s.rows());
            int k = fullK > 0 ? fullK : 1 + rnd.nextInt(t < 6 ? 3 : 2 * s.rows() + s.cols() + 4);
            int n = fullK > 0 ? s.cols() : 1 + rnd.nextInt(s.cols());
            long[][] a = new long[m][k];
            long[][] w = new long[k][n];
            for (long[] row : a) {
                for (int i = 0; i < k; i++) {
                    row[i] = rnd.nextInt(1 << s.aW()) - (1 << (s.aW() - 1));
                }
            }
            for (long[] row : w) {
                for (int i = 0; i < n; i++) {
                    row[i] = rnd.nextInt(1 << s.wW()) - (1 << (s.wW() - 1));
                }
            }
            long[] bias = new long[n];
            DyadicScale[] scale = new DyadicScale[n];
            for (int i = 0; i < n; i++) {
                bias[i] = rnd.nextInt(2001) - 1000;
                scale[i] = DyadicScale.fromRatio((rnd.nextBoolean() ? 1 : -1) * (0.001 + rnd.nextDouble() * 0.05));
            }
            tiles.add(tile(a, w, bias, scale, s));
        }

        Path dir = DIR.resolve(name);
        List<Path> rtl = Emitter.writeModules(List.of(MacArray.gemm(s)), dir);
        Path tb = dir.resolve("tb_4state.v");
        Files.writeString(tb, testbench(s, tiles, xOnInvalidLanes, fullRate), StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        List<String> lines = runIcarus(dir, rtl, tb);
        long wall = System.nanoTime() - t0;

        List<String> expected = new ArrayList<>();
        for (Tile t : tiles) {
            for (int r = 0; r < t.expected().length; r++) {
                StringBuilder sb = new StringBuilder();
                for (int c = 0; c < t.expected()[r].length; c++) {
                    sb.append(c == 0 ? "" : " ").append(t.expected()[r][c]);
                }
                sb.append(r == t.expected().length - 1 ? " last" : "");
                expected.add(sb.toString());
            }
        }
        List<String> got = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("XREADY") || line.startsWith("XOUT")) {
                throw new AssertionError(name + ": a control output is X after reset: " + line);
            }
            if (line.startsWith("OUT ")) {
                got.add(decode(line, s, tiles.get(tileOf(tiles, got.size()))));
            }
        }
        check(lines.contains("DONE"), name + ": the simulation did not finish: " + lines);
        checkEqual(String.join("\n", expected), String.join("\n", got), name + " (seed " + seed + ")");
        checkEqual("2 last", got.get(0), name + ": the tile A = [1, 1], W = [1, 1]^T");
        long cycles = lines.stream().filter(l -> l.startsWith("CYCLES ")).mapToLong(l -> Long.parseLong(l.substring(7)))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": no CYCLES line"));
        if (fullRate) {
            checkTiming(name, s, tiles, lines);
        }
        long cpu = lines.stream().filter(l -> l.startsWith("CPU ")).mapToLong(l -> Long.parseLong(l.substring(4)))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": no CPU time of vvp"));
        return new long[] {cycles, wall, cpu};
    }

    /**
     * Full rate: the last operand beat of every tile after the first two comes exactly K cycles after
     * the previous tile's (no hold), and output row r of tile t leaves exactly latency + r ceil(C / L)
     * cycles after tile t's last operand beat.
     */
    private static void checkTiming(String name, MacArray.Shape s, List<Tile> tiles, List<String> lines) {
        List<Long> lastBeat = new ArrayList<>();
        List<Long> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("ALAST ")) {
                lastBeat.add(Long.parseLong(l.substring(6).trim()));
            } else if (l.startsWith("OUT ")) {
                String[] f = l.split(" ");
                out.add(Long.parseLong(f[4]));
            }
        }
        check(lastBeat.size() == tiles.size(), name + ": " + lastBeat.size() + " tile ends for " + tiles.size() + " tiles");
        int beat = 0;
        for (int t = 0; t < tiles.size(); t++) {
            int k = tiles.get(t).w().length;
            if (t >= 2) {
                checkEqual(Long.toString(lastBeat.get(t - 1) + k), Long.toString(lastBeat.get(t)),
                        name + ": tile " + t + "'s last operand beat (back to back at K = " + k + ")");
            }
            for (int r = 0; r < tiles.get(t).expected().length; r++, beat++) {
                checkEqual(Long.toString(lastBeat.get(t) + s.latency() + (long) r * s.reqBeats()),
                        Long.toString(out.get(beat)), name + ": tile " + t + " row " + r + " output cycle (latency "
                        + s.latency() + ")");
            }
        }
    }

    // plain checks (no JUnit at run time: ./bench mac-icarus runs this code outside the test runner)
    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    private static void checkEqual(String expected, String actual, String message) {
        if (!expected.equals(actual)) {
            throw new AssertionError(message + " ==> expected:\n" + expected + "\nbut was:\n" + actual);
        }
    }

    /** Index of the tile whose rows include output beat {@code beat}. */
    private static int tileOf(List<Tile> tiles, int beat) {
        int seen = 0;
        for (int i = 0; i < tiles.size(); i++) {
            seen += tiles.get(i).expected().length;
            if (beat < seen) {
                return i;
            }
        }
        return tiles.size() - 1;
    }

    private static Tile tile(long[][] a, long[][] w, long[] bias, DyadicScale[] scale, MacArray.Shape s) {
        long[][] acc = IntGemm.apply(a, w, bias);
        return new Tile(a, w, bias, scale, IntGemm.requantize(acc, scale, s.outW()));
    }

    /** "OUT <data hex> <keep bin> <last>" to the valid lanes as signed decimals, " last" appended. */
    private static String decode(String line, MacArray.Shape s, Tile t) {
        String[] f = line.split(" ");
        String hex = f[1];
        String keep = f[2];
        int n = t.w()[0].length;
        StringBuilder sb = new StringBuilder();
        java.math.BigInteger data = hex.matches("[0-9a-fA-F]+") ? new java.math.BigInteger(hex, 16) : null;
        for (int c = 0; c < n; c++) {
            if (keep.charAt(keep.length() - 1 - c) != '1') {
                return line + " (tkeep lane " + c + " not set)";
            }
            String lane = laneText(hex, data, c, s.outW(), s.cols());
            sb.append(c == 0 ? "" : " ").append(lane);
        }
        for (int c = n; c < s.cols(); c++) {
            if (keep.charAt(keep.length() - 1 - c) != '0') {
                return line + " (tkeep lane " + c + " set)";
            }
        }
        if (f[3].equals("1")) {
            sb.append(" last");
        } else if (!f[3].equals("0")) {
            sb.append(" tlast=").append(f[3]);
        }
        return sb.toString();
    }

    private static String laneText(String hex, java.math.BigInteger data, int lane, int bits, int cols) {
        if (data == null) {
            // some digit is x or z: report the lane as X if any of its bits is unknown
            String bin = toBinary(hex, bits * cols);
            String laneBits = bin.substring(bin.length() - (lane + 1) * bits, bin.length() - lane * bits);
            if (laneBits.matches("[01]+")) {
                long v = Long.parseLong(laneBits, 2);
                return Long.toString(v >= 1L << (bits - 1) ? v - (1L << bits) : v);
            }
            return "X(" + laneBits + ")";
        }
        long v = data.shiftRight(lane * bits).and(java.math.BigInteger.ONE.shiftLeft(bits).subtract(
                java.math.BigInteger.ONE)).longValue();
        return Long.toString(v >= 1L << (bits - 1) ? v - (1L << bits) : v);
    }

    private static String toBinary(String hex, int width) {
        StringBuilder sb = new StringBuilder();
        for (char ch : hex.toCharArray()) {
            if (ch == 'x' || ch == 'X' || ch == 'z' || ch == 'Z') {
                sb.append("xxxx");
            } else {
                String b = Integer.toBinaryString(Character.digit(ch, 16));
                sb.append("0".repeat(4 - b.length())).append(b);
            }
        }
        while (sb.length() < width) {
            sb.insert(0, '0');
        }
        return sb.substring(sb.length() - width);
    }

    /** The Icarus testbench: memories of beats per stream, X while idle, a monitor of the outputs. */
    private static String testbench(MacArray.Shape s, List<Tile> tiles, boolean xOnInvalidLanes, boolean fullRate) {
        int rows = s.rows(), cols = s.cols(), aw = s.aW(), ww = s.wW(), ow = s.outW();
        List<String> aMem = new ArrayList<>();
        List<String> wMem = new ArrayList<>();
        List<String> cMem = new ArrayList<>();
        int outBeats = 0;
        for (Tile t : tiles) {
            int m = t.a().length, k = t.w().length, n = t.w()[0].length;
            for (int i = 0; i < k; i++) {
                boolean last = i == k - 1;
                StringBuilder a = new StringBuilder();
                for (int r = rows - 1; r >= 0; r--) {
                    a.append(r < m ? bits(t.a()[r][i], aw) : (xOnInvalidLanes ? "x".repeat(aw) : "0".repeat(aw)));
                }
                aMem.add((last ? "1" : "0") + keep(m, rows) + a);
                StringBuilder w = new StringBuilder();
                for (int c = cols - 1; c >= 0; c--) {
                    w.append(c < n ? bits(t.w()[i][c], ww) : (xOnInvalidLanes ? "x".repeat(ww) : "0".repeat(ww)));
                }
                wMem.add((last ? "1" : "0") + keep(n, cols) + w);
            }
            StringBuilder ch = new StringBuilder();
            for (int c = cols - 1; c >= 0; c--) {
                if (c < n) {
                    ch.append(bits(t.scale()[c].k(), 6)).append(bits(t.scale()[c].m(), 32)).append(bits(t.bias()[c], 32));
                } else {
                    ch.append(xOnInvalidLanes ? "x".repeat(70) : "0".repeat(70));
                }
            }
            cMem.add(ch.toString());
            outBeats += m;
        }
        int aBits = 1 + rows + rows * aw;
        int wBits = 1 + cols + cols * ww;
        int cBits = cols * 70;
        StringBuilder v = new StringBuilder();
        v.append("`timescale 1ns / 1ps\n`default_nettype none\nmodule tb_4state;\n");
        v.append("    reg aclk = 1'b0;\n    reg aresetn = 1'b0;\n    integer cycle = 0;\n");
        v.append("    always #5 aclk = ~aclk;\n");
        v.append(memory("a", aBits, aMem)).append(memory("w", wBits, wMem)).append(memory("c", cBits, cMem));
        v.append("    reg  [").append(rows * aw - 1).append(":0] a_data;\n    reg [").append(rows - 1)
                .append(":0] a_keep;\n    reg a_last, a_valid;\n    wire a_ready;\n");
        v.append("    reg  [").append(cols * ww - 1).append(":0] w_data;\n    reg [").append(cols - 1)
                .append(":0] w_keep;\n    reg w_last, w_valid;\n    wire w_ready;\n");
        v.append("    reg  [").append(cBits - 1).append(":0] c_data;\n    reg c_valid;\n    wire c_ready;\n");
        v.append("    wire [").append(cols * ow - 1).append(":0] m_data;\n    wire [").append(cols - 1)
                .append(":0] m_keep;\n    wire m_last, m_valid;\n    reg m_ready;\n    wire err_tlast, err_k;\n");
        v.append(fullRate ? "    integer ai = 0, wi = 0, ci = 0, a_gap = 0, w_gap = 0, c_gap = 0, outs = 0;\n"
                : "    integer ai = 0, wi = 0, ci = 0, a_gap = 0, w_gap = 1, c_gap = 2, outs = 0;\n");
        // drivers: X on every payload signal while tvalid is low
        v.append("    always @(*) begin\n");
        v.append("        if (aresetn && ai < ").append(aMem.size()).append(" && a_gap == 0) begin\n");
        v.append("            a_valid = 1'b1; {a_last, a_keep, a_data} = a_mem[ai];\n");
        v.append("        end else begin\n            a_valid = 1'b0; {a_last, a_keep, a_data} = {")
                .append(aBits).append("{1'bx}};\n        end\n");
        v.append("        if (aresetn && wi < ").append(wMem.size()).append(" && w_gap == 0) begin\n");
        v.append("            w_valid = 1'b1; {w_last, w_keep, w_data} = w_mem[wi];\n");
        v.append("        end else begin\n            w_valid = 1'b0; {w_last, w_keep, w_data} = {")
                .append(wBits).append("{1'bx}};\n        end\n");
        v.append("        if (aresetn && ci < ").append(cMem.size()).append(" && c_gap == 0) begin\n");
        v.append("            c_valid = 1'b1; c_data = c_mem[ci];\n");
        v.append("        end else begin\n            c_valid = 1'b0; c_data = {").append(cBits)
                .append("{1'bx}};\n        end\n");
        v.append(fullRate ? "        m_ready = 1'b1;\n    end\n" : "        m_ready = (cycle % 7) != 3;\n    end\n");
        v.append("    always @(posedge aclk) begin\n        cycle <= cycle + 1;\n");
        v.append("        if (cycle == 6) aresetn <= 1'b1;\n");
        v.append("        if (aresetn) begin\n");
        v.append(fullRate ? "            if (a_valid && a_ready) begin ai <= ai + 1; if (a_last) $display(\"ALAST %0d\", cycle); end\n"
                : "            if (a_valid && a_ready) begin ai <= ai + 1; a_gap <= (ai * 7) % 4; end\n");
        v.append("            else if (a_gap > 0) a_gap <= a_gap - 1;\n");
        v.append(fullRate ? "            if (w_valid && w_ready) wi <= wi + 1;\n"
                : "            if (w_valid && w_ready) begin wi <= wi + 1; w_gap <= (wi * 5 + 1) % 3; end\n");
        v.append("            else if (w_gap > 0) w_gap <= w_gap - 1;\n");
        v.append(fullRate ? "            if (c_valid && c_ready) ci <= ci + 1;\n"
                : "            if (c_valid && c_ready) begin ci <= ci + 1; c_gap <= (ci * 3) % 5; end\n");
        v.append("            else if (c_gap > 0) c_gap <= c_gap - 1;\n");
        v.append("            if ((^{a_ready, w_ready, c_ready}) === 1'bx)\n");
        v.append("                $display(\"XREADY cycle %0d a %b w %b chan %b\", cycle, a_ready, w_ready, c_ready);\n");
        v.append("            if ((^{m_valid, err_tlast, err_k}) === 1'bx || (m_valid && (^{m_last, m_keep}) === 1'bx))\n");
        v.append("                $display(\"XOUT cycle %0d tvalid %b tlast %b tkeep %b err %b %b\", cycle, m_valid,"
                + " m_last, m_keep, err_tlast, err_k);\n");
        v.append("            if (m_valid && m_ready) begin\n");
        v.append("                $display(\"OUT %h %b %b %0d\", m_data, m_keep, m_last, cycle);\n");
        v.append("                outs = outs + 1;\n");
        v.append("                if (outs == ").append(outBeats).append(") begin\n");
        v.append("                    if (err_tlast || err_k) $display(\"XOUT error flag set: %b %b\", err_tlast, err_k);\n");
        v.append("                    $display(\"CYCLES %0d\", cycle); $display(\"DONE\"); $finish;\n"
                + "                end\n            end\n");
        v.append("        end\n        if (cycle > 200000) begin $display(\"TIMEOUT\"); $finish; end\n    end\n");
        v.append("    vitgen_mac_gemm dut (\n");
        v.append("        .aclk(aclk), .aresetn(aresetn),\n");
        v.append("        .s_axis_a_tdata(a_data), .s_axis_a_tkeep(a_keep), .s_axis_a_tlast(a_last),"
                + " .s_axis_a_tvalid(a_valid), .s_axis_a_tready(a_ready),\n");
        v.append("        .s_axis_w_tdata(w_data), .s_axis_w_tkeep(w_keep), .s_axis_w_tlast(w_last),"
                + " .s_axis_w_tvalid(w_valid), .s_axis_w_tready(w_ready),\n");
        v.append("        .s_axis_chan_tdata(c_data), .s_axis_chan_tvalid(c_valid), .s_axis_chan_tready(c_ready),\n");
        v.append("        .m_axis_tdata(m_data), .m_axis_tkeep(m_keep), .m_axis_tlast(m_last),"
                + " .m_axis_tvalid(m_valid), .m_axis_tready(m_ready),\n");
        v.append("        .err_tlast_mismatch(err_tlast), .err_k_overflow(err_k));\n");
        v.append("endmodule\n`default_nettype wire\n");
        return v.toString();
    }

    private static String memory(String name, int width, List<String> words) {
        StringBuilder sb = new StringBuilder();
        sb.append("    reg [").append(width - 1).append(":0] ").append(name).append("_mem [0:").append(words.size() - 1)
                .append("];\n    initial begin\n");
        for (int i = 0; i < words.size(); i++) {
            sb.append("        ").append(name).append("_mem[").append(i).append("] = ").append(width).append("'b")
                    .append(words.get(i)).append(";\n");
        }
        sb.append("    end\n");
        return sb.toString();
    }

    /** tkeep with the low {@code valid} of {@code width} lanes set (a string: 64 lanes do not fit a mask in a long). */
    private static String keep(int valid, int width) {
        return "0".repeat(width - valid) + "1".repeat(valid);
    }

    private static String bits(long value, int width) {
        StringBuilder sb = new StringBuilder();
        for (int i = width - 1; i >= 0; i--) {
            sb.append((value >> i & 1) == 1 ? '1' : '0');
        }
        return sb.toString();
    }

    private static List<String> runIcarus(Path dir, List<Path> rtl, Path tb) throws IOException, InterruptedException {
        Path vvp = dir.resolve("tb_4state.vvp");
        List<String> compile = new ArrayList<>(List.of("iverilog", "-g2005", "-Wall", "-o", vvp.toString(),
                "-s", "tb_4state"));
        for (Path p : rtl) {
            compile.add(p.toString());
        }
        compile.add(tb.toString());
        String out = exec(compile);
        // bash's "times" prints the shell's and then its children's user and system CPU time: vvp's
        List<String> run = new ArrayList<>(exec(List.of("bash", "-c", "vvp -n \"$0\" || exit $?; times",
                vvp.toString())).lines().toList());
        String[] cpu = run.remove(run.size() - 1).trim().split("\\s+");
        run.remove(run.size() - 1);
        run.add("CPU " + Math.round((seconds(cpu[0]) + seconds(cpu[1])) * 1e9));
        check(out.isBlank() || !out.contains("error"), "iverilog: " + out);
        return run;
    }

    /** "1m2.500s" (bash's times) to seconds. */
    private static double seconds(String t) {
        int m = t.indexOf('m');
        return Integer.parseInt(t.substring(0, m)) * 60 + Double.parseDouble(t.substring(m + 1, t.length() - 1));
    }

    private static String exec(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + " (" + e.getMessage() + "); install Icarus Verilog"
                    + " (apt-get install -y iverilog) - the four-state GEMM test needs it and does not skip", e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + text);
        }
        return text;
    }
}
