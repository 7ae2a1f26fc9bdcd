package io.vitgen.mac;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vitgen.hw.MacArray;

/**
 * Verilator speed of the GEMM engine alone (not a test): the engine's RTL, verilated with the
 * project's own options ({@code verilator/verilator.flags}, {@code verilator/make.flags}), driven by
 * a small C++ loop at full rate (random operands every cycle, K = 64 tiles, the output always ready),
 * so that nothing but the model is timed. Prints the best and median of several timed runs (CPU time;
 * a shared machine slows single runs at random) and, when valgrind is installed, the instructions the
 * model executes per simulated cycle and its level-1 instruction-cache misses (cachegrind's model of
 * this machine) - counts that do not depend on the machine's load, so versions of the RTL compare
 * exactly (docs/mac.md, "Simulation speed").
 *
 * <p>Run: {@code ./bench mac-verilator [ROWS COLS [CYCLES [RUNS]]]} (default 16 16 200000 8).
 */
public final class MacVerilatorBenchmark {

    private MacVerilatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long cycles = args.length > 2 ? Long.parseLong(args[2]) : 200_000;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        Path root = Path.of(System.getProperty("vitgen.root", ".."));
        MacArray.Shape s = new MacArray.Shape(rows, cols, 8, 8, 32, 8, false).withReqLanes(Math.min(4, cols));
        Path dir = Files.createTempDirectory("vitgen-mac-verilator");
        List<Path> files = io.vitgen.emit.Emitter.writeModules(List.of(MacArray.gemm(s)), dir.resolve("rtl"));
        long t0 = System.nanoTime();
        Path sim = build(root, dir, files, s);
        System.out.printf("vitgen_mac_gemm %dx%d, int8 x int8, 32-bit accumulators, 4 requantizer lanes; full rate, K = 64"
                + " (built in %.1f s)%n", rows, cols, (System.nanoTime() - t0) / 1e9);
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            rates.add(run(sim, cycles));
        }
        Collections.sort(rates);
        System.out.printf("timed: %,d cycles a run, %d runs: best %,.0f, median %,.0f cycles per CPU second%n", cycles, runs,
                rates.get(rates.size() - 1), rates.get(rates.size() / 2));
        if (new ProcessBuilder("sh", "-c", "command -v valgrind").start().waitFor() != 0) {
            System.out.println("valgrind is not installed: no instruction counts (apt-get install -y valgrind)");
            return;
        }
        long[] a = cachegrind(sim, 10_000);
        long[] b = cachegrind(sim, 30_000);
        System.out.printf("cachegrind: %,.0f instructions and %,.0f L1 instruction-cache misses per simulated cycle"
                + " (runs of 10,000 and 30,000 cycles, the difference / 20,000)%n", (b[0] - a[0]) / 20_000.0,
                (b[1] - a[1]) / 20_000.0);
    }

    /** {instructions, L1 instruction misses} of one run under cachegrind. */
    private static long[] cachegrind(Path sim, long cycles) throws Exception {
        Process p = new ProcessBuilder("valgrind", "--tool=cachegrind", "--cache-sim=yes", "--cachegrind-out-file=/dev/null",
                sim.toString(), Long.toString(cycles)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cachegrind failed: " + out);
        }
        return new long[] {count(out, "I   refs:"), count(out, "I1  misses:")};
    }

    private static long count(String out, String label) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(label) + "\\s+([0-9,]+)")
                .matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no '" + label + "' in cachegrind's output: " + out);
        }
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /** Verilates the engine with the project's options and the driver below; returns the executable. */
    private static Path build(Path root, Path d, List<Path> files, MacArray.Shape s) throws Exception {
        Path main = d.resolve("main.cpp");
        Files.writeString(main, DRIVER, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("verilator"));
        for (String line : Files.readAllLines(root.resolve("verilator/verilator.flags"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                cmd.addAll(List.of(line.trim().split("\\s+", 2)));
            }
        }
        StringBuilder make = new StringBuilder();
        for (String line : Files.readAllLines(root.resolve("verilator/make.flags"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                make.append(make.length() == 0 ? "" : " ").append(line.trim());
            }
        }
        cmd.addAll(List.of("--build", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", "vitgen_mac_gemm",
                "-Mdir", d.resolve("obj").toString(), "-MAKEFLAGS", make.toString(), "-o", "sim"));
        s.parameters().forEach((k, v) -> cmd.add("-G" + k + "=" + v));
        files.forEach(f -> cmd.add(f.toString()));
        cmd.add(main.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(d.resolve("build.log").toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("verilator failed; see " + d.resolve("build.log"));
        }
        return d.resolve("obj").resolve("sim");
    }

    /** One run of the driver: simulated cycles per second of its CPU time. */
    private static double run(Path sim, long cycles) throws Exception {
        Process p = new ProcessBuilder(sim.toString(), Long.toString(cycles)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || !out.startsWith("cycles/s ")) {
            throw new IllegalStateException("the driver failed: " + out);
        }
        return Double.parseDouble(out.substring("cycles/s ".length()));
    }

    /**
     * The C++ loop: random operands on both streams every cycle, a tile's last beat every 64,
     * channel beats always valid, the output always ready; prints simulated cycles per CPU second.
     */
    private static final String DRIVER = """
            // Full-rate driver of vitgen_mac_gemm for ./bench mac-verilator (written by MacVerilatorBenchmark).
            #include "Vdut.h"
            #include "verilated.h"
            #include <cstdio>
            #include <cstdlib>
            #include <ctime>

            // verilator.flags replaces Verilator's handlers (-DVL_USER_*): nothing here calls them.
            void vl_finish(const char*, int, const char*) { std::exit(3); }
            void vl_stop(const char*, int, const char*) { std::exit(3); }
            void vl_fatal(const char*, int, const char*, const char*) { std::exit(3); }

            static unsigned seed = 12345;
            static unsigned rnd() { seed = seed * 1103515245u + 12345u; return seed >> 4; }
            template <std::size_t N> static void fill(VlWide<N>& w, unsigned mask) { for (std::size_t i = 0; i < N; i++) w[i] = rnd() & mask; }
            template <typename T> static void fill(T& v, unsigned mask) { v = (T) (rnd() & mask); }
            template <std::size_t N> static void ones(VlWide<N>& w) { for (std::size_t i = 0; i < N; i++) w[i] = ~0u; }
            template <typename T> static void ones(T& v) { v = (T) ~(T) 0; }

            int main(int argc, char** argv) {
                long cycles = argc > 1 ? std::atol(argv[1]) : 200000;
                Vdut* m = new Vdut;
                m->aclk = 0;
                m->aresetn = 0;
                for (int i = 0; i < 4; i++) { m->aclk = 1; m->eval(); m->aclk = 0; m->eval(); }
                m->aresetn = 1;
                long beat = 0;
                std::clock_t t0 = std::clock();
                for (long c = 0; c < cycles; c++) {
                    fill(m->s_axis_a_tdata, ~0u);
                    fill(m->s_axis_w_tdata, ~0u);
                    ones(m->s_axis_a_tkeep);
                    ones(m->s_axis_w_tkeep);
                    bool last = beat % 64 == 63;
                    m->s_axis_a_tlast = last;
                    m->s_axis_w_tlast = last;
                    m->s_axis_a_tvalid = 1;
                    m->s_axis_w_tvalid = 1;
                    fill(m->s_axis_chan_tdata, 0x0fffffffu);
                    m->s_axis_chan_tvalid = 1;
                    m->m_axis_tready = 1;
                    m->eval();
                    bool fire = m->s_axis_a_tready && m->s_axis_w_tready;
                    m->aclk = 1; m->eval();
                    m->aclk = 0; m->eval();
                    if (fire) beat++;
                }
                double cpu = double(std::clock() - t0) / CLOCKS_PER_SEC;
                std::printf("cycles/s %.0f\\n", cycles / cpu);
                delete m;
                return 0;
            }
            """;
}
