package io.vitgen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The open flow to an iCE40 bitstream: Yosys {@code synth_ice40}, nextpnr-ice40 (iCE40HX8K, CT256
 * package) and icepack, reporting the achieved Fmax of {@code aclk} and the logic cells and block
 * RAMs used (nextpnr's JSON report).
 *
 * <p>A generated module has far more ports than the package has pins (an AXI port alone is a few
 * hundred bits), so the flow places it inside a small wrapper ({@code vitgen_ice40_wrap}): every
 * input but {@code aclk} and {@code aresetn} comes from a shift register fed by one pin, every
 * output goes into one XOR-reduced register driving one pin. Nothing of the module can be optimized
 * away, and the wrapper's cost (one flip-flop per input bit, an XOR tree over the output bits) is
 * part of the numbers; docs/fpga.md says so.
 */
public final class Ice40Flow {

    /** Device and package the flow places on (the largest iCE40 HX part). */
    public static final String DEVICE = "hx8k";
    public static final String PACKAGE = "ct256";

    /** What one run measured. */
    public record Result(String module, long logicCells, long logicCellsAvailable, long ram, long ramAvailable,
            double fmaxMhz, double targetMhz, Path bitstream, long bitstreamBytes, double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s on iCE40%s: %,d / %,d logic cells, %d / %d RAM4K, Fmax %.1f MHz"
                    + " (target %.0f), bitstream %,d bytes, %.0f s", module, DEVICE.toUpperCase(Locale.ROOT), logicCells,
                    logicCellsAvailable, ram, ramAvailable, fmaxMhz, targetMhz, bitstreamBytes, seconds);
        }
    }

    /** A port of the module: name, input or not, width. */
    record PortDecl(String name, boolean input, int width) {
    }

    private static final Pattern PORT = Pattern.compile(
            "^\\s*(input|output)\\s+(?:wire|reg)?\\s*(?:\\[([0-9+*\\- ]+):0\\]\\s+)?(\\w+)\\s*,?\\s*(?://.*)?$", Pattern.MULTILINE);

    private Ice40Flow() {
    }

    /** The ports of {@code module} as its Verilog file declares them (ANSI header, [N:0] ranges). */
    static List<PortDecl> ports(String verilog, String module) {
        Matcher h = Pattern.compile("\\bmodule\\s+" + module + "\\b").matcher(verilog);
        if (!h.find()) {
            throw new IllegalArgumentException("no module " + module + " in its file");
        }
        int end = verilog.indexOf(");", h.end());
        List<PortDecl> out = new ArrayList<>();
        Matcher m = PORT.matcher(verilog.substring(h.end(), end));
        while (m.find()) {
            out.add(new PortDecl(m.group(3), m.group(1).equals("input"),
                    m.group(2) == null ? 1 : eval(m.group(2)) + 1));
        }
        return out;
    }

    /** Value of a constant range bound such as {@code 7-1} or {@code 4*8-1} (integers, +, -, *). */
    static int eval(String expr) {
        int sum = 0;
        for (String term : expr.replace(" ", "").replace("-", "+-").split("\\+")) {
            if (term.isEmpty()) {
                continue;
            }
            int sign = term.startsWith("-") ? -1 : 1;
            int prod = 1;
            for (String f : term.replace("-", "").split("\\*")) {
                prod *= Integer.parseInt(f);
            }
            sum += sign * prod;
        }
        return sum;
    }

    /** The wrapper: pins clk, rstn, din, dout; the module's other inputs from a shift register. */
    static String wrapper(String module, List<PortDecl> ports) {
        int in = 0;
        int outBits = 0;
        for (PortDecl p : ports) {
            if (p.input() && !p.name().equals("aclk") && !p.name().equals("aresetn")) {
                in += p.width();
            } else if (!p.input()) {
                outBits += p.width();
            }
        }
        StringBuilder v = new StringBuilder();
        v.append("// Pin wrapper of ").append(module).append(" for the iCE40 flow (vitgen Ice40Flow): its inputs come\n")
                .append("// from a shift register fed by din, its outputs are XOR-reduced into dout.\n");
        v.append("module vitgen_ice40_wrap (\n    input  wire aclk,\n    input  wire aresetn,\n    input  wire din,\n"
                + "    output reg  dout\n);\n");
        int sh = Math.max(in, 1);
        v.append("    reg  [").append(sh - 1).append(":0] shift_q;\n");
        v.append("    wire [").append(Math.max(outBits, 1) - 1).append(":0] outs;\n");
        v.append("    always @(posedge aclk) begin\n        shift_q <= {shift_q").append(sh > 1 ? "[" + (sh - 2) + ":0]" : "")
                .append(sh > 1 ? ", din};\n" : "[0] ^ din};\n").append("        dout <= ^outs;\n    end\n");
        v.append("    ").append(module).append(" u_dut (\n");
        int at = 0;
        int o = 0;
        List<String> conns = new ArrayList<>();
        for (PortDecl p : ports) {
            String expr;
            if (p.name().equals("aclk") || p.name().equals("aresetn")) {
                expr = p.name();
            } else if (p.input()) {
                expr = "shift_q[" + (at + p.width() - 1) + ":" + at + "]";
                at += p.width();
            } else {
                expr = "outs[" + (o + p.width() - 1) + ":" + o + "]";
                o += p.width();
            }
            conns.add("        ." + p.name() + "(" + expr + ")");
        }
        v.append(String.join(",\n", conns)).append("\n    );\n");
        if (outBits == 0) {
            v.append("    assign outs = 1'b0;\n");
        }
        v.append("endmodule\n");
        return v.toString();
    }

    /**
     * Runs the flow on {@code module} (its file and every file it needs in {@code files}) in
     * {@code work}, targeting {@code mhz}; fails with the tool's log tail when a step fails (for
     * example a design that does not fit the device).
     */
    public static Result run(List<Path> files, String module, Path work, int mhz) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Files.createDirectories(work);
        Path own = null;
        for (Path f : files) {
            if (f.getFileName().toString().equals(module + ".v")) {
                own = f;
            }
        }
        if (own == null) {
            throw new IllegalArgumentException("no file " + module + ".v among " + files);
        }
        Path wrap = work.resolve("vitgen_ice40_wrap.v");
        Files.writeString(wrap, wrapper(module, ports(Files.readString(own), module)));
        StringBuilder read = new StringBuilder("read_verilog");
        for (Path f : files) {
            read.append(' ').append(f.toAbsolutePath());
        }
        read.append(' ').append(wrap.toAbsolutePath());
        Path json = work.resolve("design.json");
        tool(work, "yosys.log", "yosys", "-q", "-p", read + "; synth_ice40 -top vitgen_ice40_wrap -json " + json);
        Path asc = work.resolve("design.asc");
        Path report = work.resolve("report.json");
        tool(work, "nextpnr.log", "nextpnr-ice40", "--" + DEVICE, "--package", PACKAGE, "--json", json.toString(),
                "--asc", asc.toString(), "--freq", Integer.toString(mhz), "--report", report.toString(),
                "--pcf-allow-unconstrained", "--seed", "1");
        Path bin = work.resolve(module + ".bin");
        tool(work, "icepack.log", "icepack", asc.toString(), bin.toString());
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        JsonNode lc = r.path("utilization").path("ICESTORM_LC");
        JsonNode ram = r.path("utilization").path("ICESTORM_RAM");
        double fmax = 0;
        for (JsonNode clk : r.path("fmax")) {
            fmax = clk.path("achieved").asDouble();
        }
        return new Result(module, lc.path("used").asLong(), lc.path("available").asLong(), ram.path("used").asLong(),
                ram.path("available").asLong(), fmax, mhz, bin, Files.size(bin), (System.nanoTime() - t0) / 1e9);
    }

    /** iCE40 cells of one module with everything below it (Yosys {@code synth_ice40 -noflatten}). */
    public record ModuleCells(String instance, String module, long lut4, long dff, long carry, long ram) {
        /** A lower bound of the logic cells it needs: an LC holds one LUT4 and one flip-flop. */
        public long logicCellsAtLeast() {
            return Math.max(lut4, dff);
        }
    }

    /**
     * Maps {@code top} (its file and every file it needs in {@code files}) with Yosys
     * {@code synth_ice40 -noflatten} in {@code work}, without place and route, and returns the cells
     * of each instance directly inside it (each with its whole subtree) and, last, of the top itself
     * ({@code instance} "(total)"). For a design too large for any iCE40, where nextpnr stops before
     * reporting anything, this says where the logic cells go. Minutes for the whole top.
     */
    public static List<ModuleCells> cellsByInstance(List<Path> files, String top, Path work)
            throws IOException, InterruptedException {
        Files.createDirectories(work);
        StringBuilder read = new StringBuilder("read_verilog");
        for (Path f : files) {
            read.append(' ').append(f.toAbsolutePath());
        }
        Path stat = work.resolve("stat.txt");
        Path netlist = work.resolve("hier.il");
        tool(work, "yosys-hier.log", "yosys", "-q", "-p", read + "; synth_ice40 -noflatten -top " + top
                + "; tee -q -o " + stat + " stat; write_rtlil " + netlist);
        java.util.Map<String, java.util.Map<String, Long>> cells = statSections(Files.readAllLines(stat));
        // the instance names of the top's children, from the mapped netlist
        List<String[]> children = new ArrayList<>();
        String module = null;
        Matcher cellLine = Pattern.compile("^\\s*cell\\s+(\\S+)\\s+(\\S+)\\s*$").matcher("");
        for (String line : Files.readAllLines(netlist)) {
            if (line.startsWith("module ")) {
                module = line.substring(7).trim();
            } else if (("\\" + top).equals(module) && cellLine.reset(line).matches()
                    && cells.containsKey(bare(cellLine.group(1)))) {
                children.add(new String[] {bare(cellLine.group(2)), bare(cellLine.group(1))});
            }
        }
        List<ModuleCells> out = new ArrayList<>();
        for (String[] c : children) {
            out.add(totals(c[0], c[1], cells));
        }
        out.add(totals("(total)", top, cells));
        return out;
    }

    /** Each "=== module ===" section of a Yosys stat: cell type (or child module) to count. */
    static java.util.Map<String, java.util.Map<String, Long>> statSections(List<String> lines) {
        java.util.Map<String, java.util.Map<String, Long>> out = new java.util.LinkedHashMap<>();
        java.util.Map<String, Long> cur = null;
        boolean counting = false;
        Matcher head = Pattern.compile("^=== (.+) ===$").matcher("");
        Matcher row = Pattern.compile("^\\s+(\\S+)\\s+(\\d+)\\s*$").matcher("");
        for (String l : lines) {
            if (head.reset(l).matches()) {
                String name = head.group(1);
                cur = name.equals("design hierarchy") ? null : new java.util.LinkedHashMap<>();
                if (cur != null) {
                    out.put(name, cur);
                }
                counting = false;
            } else if (cur != null && l.contains("Number of cells:")) {
                counting = true;
            } else if (cur != null && counting && row.reset(l).matches()) {
                cur.put(row.group(1), Long.parseLong(row.group(2)));
            } else if (counting && !l.isBlank()) {
                counting = false;
            }
        }
        return out;
    }

    private static ModuleCells totals(String instance, String module, java.util.Map<String, java.util.Map<String, Long>> cells) {
        long[] t = new long[4];
        add(module, 1, cells, t);
        return new ModuleCells(instance, module, t[0], t[1], t[2], t[3]);
    }

    /** An RTLIL identifier as Yosys' stat prints it: a public name without its leading backslash. */
    private static String bare(String id) {
        return id.startsWith("\\") ? id.substring(1) : id;
    }

    private static void add(String module, long times, java.util.Map<String, java.util.Map<String, Long>> cells, long[] t) {
        for (java.util.Map.Entry<String, Long> e : cells.get(module).entrySet()) {
            String type = e.getKey();
            long n = e.getValue() * times;
            if (cells.containsKey(type)) {
                add(type, n, cells, t);
            } else if (type.equals("SB_LUT4")) {
                t[0] += n;
            } else if (type.startsWith("SB_DFF")) {
                t[1] += n;
            } else if (type.equals("SB_CARRY")) {
                t[2] += n;
            } else if (type.startsWith("SB_RAM40")) {
                t[3] += n;
            }
        }
    }

    private static void tool(Path work, String log, String... cmd) throws IOException, InterruptedException {
        Path logFile = work.resolve(log);
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile()).start();
        } catch (IOException e) {
            throw new IOException(cmd[0] + " cannot be started (" + e.getMessage() + "); the iCE40 flow needs yosys,"
                    + " nextpnr-ice40 and icepack (apt-get install -y yosys nextpnr-ice40 fpga-icestorm)", e);
        }
        if (!p.waitFor(1800, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd[0] + " timed out (log " + logFile + ")");
        }
        if (p.exitValue() != 0) {
            String text = Files.readString(logFile, StandardCharsets.UTF_8);
            String tail = text.length() > 3000 ? "..." + text.substring(text.length() - 3000) : text;
            throw new IOException(cmd[0] + " failed (exit " + p.exitValue() + ", log " + logFile + "):\n" + tail);
        }
    }
}
