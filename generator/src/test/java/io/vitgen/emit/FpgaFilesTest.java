package io.vitgen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;

/**
 * The files that hand the top to FPGA tools: the Vivado scripts run under tclsh with every Vivado
 * command replaced by a stub that records its call (the calls are then checked: part, every file
 * of filelist.f, the out-of-context option, the reports, the bus interfaces and FREQ_HZ);
 * component.xml is well-formed IP-XACT whose ports equal the port declarations of the generated
 * top's Verilog (parsed from the RTL, not from the netlist that wrote the XML); the constraints say
 * what each flow needs. tclsh missing fails the test.
 */
class FpgaFilesTest {

    private static Path generate(Path out, String... sets) throws Exception {
        ConfigLoader l = new ConfigLoader();
        for (String s : sets) {
            l.set(s);
        }
        return new DesignWriter(l.load(), s -> { }).write(out).dir();
    }

    /** Stubs: every unknown command is recorded (one line per call) and answers what the script needs. */
    private static final String STUBS = """
            set ::calls {}
            proc unknown {args} {
                lappend ::calls $args
                set cmd [lindex $args 0]
                switch -- $cmd {
                    get_property { if {[lindex $args 1] eq "PROGRESS"} { return "100%" } ; return "0.123" }
                    get_runs { return [lindex $args 1] }
                    get_files { return [lindex $args 1] }
                    current_project { return proj }
                    current_fileset { return sources_1 }
                    get_timing_paths { return path0 }
                    ipx::current_core { return core0 }
                    ipx::get_bus_interfaces { return [lindex $args 1] }
                    ipx::get_bus_parameters { return "" }
                    ipx::add_bus_parameter { return "param_[lindex $args 1]" }
                    default { return "" }
                }
            }
            """;

    /** Runs {@code script} under tclsh after the stubs; returns the recorded calls, one per line. */
    private static List<String> runTcl(Path script, Path work) throws Exception {
        Path driver = work.resolve("driver-" + script.getFileName() + ".tcl");
        Files.writeString(driver, STUBS + "source {" + script + "}\nforeach c $::calls { puts $c }\n");
        Process p;
        try {
            p = new ProcessBuilder("tclsh", driver.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("tclsh is missing (apt-get install -y tcl): " + e.getMessage(), e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tclsh timed out");
        assertEquals(0, p.exitValue(), script + " failed under tclsh:\n" + text);
        return text.lines().toList();
    }

    @Test
    void createProjectAddsTheFileListAndRunsOutOfContextSynthesisAndImplementation(@TempDir Path out) throws Exception {
        Path d = generate(out);
        List<String> calls = runTcl(d.resolve("vivado/create_project.tcl"), out);
        String all = String.join("\n", calls);
        assertTrue(calls.contains("create_project -force vit_accel " + d.resolve("vivado/project") + " -part xczu9eg-ffvb1156-2-e"),
                all);
        List<String> expected = new ArrayList<>();
        for (String f : Files.readAllLines(d.resolve("filelist.f"))) {
            expected.add(d.resolve(f).toString());
        }
        assertTrue(calls.contains("add_files -norecurse {" + String.join(" ", expected) + "}"), all);
        assertTrue(calls.contains("set_property top vit_accel_top sources_1"), all);
        assertTrue(calls.contains("add_files -fileset constrs_1 -norecurse " + d.resolve("constraints/vit_accel.xdc")), all);
        assertTrue(all.contains("-value {-mode out_of_context} -objects synth_1"), all);
        assertTrue(order(calls, "launch_runs synth_1", "launch_runs impl_1", "open_run impl_1",
                "report_utilization", "report_timing_summary"), all);
        assertTrue(all.contains("report_utilization -hierarchical -file " + d.resolve("vivado/reports/utilization.rpt")), all);
        assertTrue(Files.readString(d.resolve("vivado/reports/summary.txt")).contains("vit_accel_top xczu9eg"));
    }

    @Test
    void packageIpInfersTheInterfacesAndSetsTheClockParameters(@TempDir Path out) throws Exception {
        Path d = generate(out, "target.clock.mhz=250");
        List<String> calls = runTcl(d.resolve("vivado/package_ip.tcl"), out);
        String all = String.join("\n", calls);
        assertTrue(all.contains("ipx::package_project -root_dir " + d.resolve("vivado/ip") + " -vendor vitgen.io"), all);
        for (String busif : List.of("m_axi_mem", "s_axi_control")) {
            assertTrue(calls.contains("ipx::associate_bus_interfaces -busif " + busif + " -clock aclk core0"), all);
        }
        assertTrue(calls.contains("set_property value 250000000 param_FREQ_HZ"), all);
        assertTrue(calls.contains("set_property value m_axi_mem:s_axi_control param_ASSOCIATED_BUSIF"), all);
        assertTrue(calls.contains("set_property value aresetn param_ASSOCIATED_RESET"), all);
        assertTrue(calls.contains("set_property value ACTIVE_LOW param_POLARITY"), all);
        assertTrue(calls.contains("set_property value LEVEL_HIGH param_SENSITIVITY"), all);
        assertTrue(order(calls, "ipx::package_project", "ipx::create_xgui_files", "ipx::check_integrity", "ipx::save_core"), all);
    }

    private static boolean order(List<String> calls, String... prefixes) {
        int at = -1;
        for (String p : prefixes) {
            int found = -1;
            for (int i = at + 1; i < calls.size(); i++) {
                if (calls.get(i).startsWith(p)) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                return false;
            }
            at = found;
        }
        return true;
    }

    private static final Pattern PORT = Pattern.compile(
            "^\\s*(input|output)\\s+wire\\s+(?:\\[(\\d+):0\\]\\s+)?(\\w+)\\s*,?\\s*(?://.*)?$", Pattern.MULTILINE);

    /** Port name -> "in 32" / "out 1", parsed from the top's Verilog port list. */
    static Map<String, String> verilogPorts(String verilog, String top) {
        int start = verilog.indexOf("module " + top);
        int end = verilog.indexOf(");", start);
        Map<String, String> ports = new LinkedHashMap<>();
        Matcher m = PORT.matcher(verilog.substring(start, end));
        while (m.find()) {
            int w = m.group(2) == null ? 1 : Integer.parseInt(m.group(2)) + 1;
            ports.put(m.group(3), (m.group(1).equals("input") ? "in " : "out ") + w);
        }
        return ports;
    }

    @Test
    void componentXmlIsWellFormedAndItsPortsAreTheTopsPorts(@TempDir Path out) throws Exception {
        Path d = generate(out, "target.mem.bits=256");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(d.resolve("component.xml").toFile());
        String ns = IpXact.NS;
        Map<String, String> xmlPorts = new LinkedHashMap<>();
        NodeList ports = doc.getElementsByTagNameNS(ns, "port");
        for (int i = 0; i < ports.getLength(); i++) {
            Element p = (Element) ports.item(i);
            String name = text(p, "name");
            String dir = text(p, "direction");
            NodeList left = p.getElementsByTagNameNS(ns, "left");
            int w = left.getLength() == 0 ? 1 : Integer.parseInt(left.item(0).getTextContent()) + 1;
            xmlPorts.put(name, dir + " " + w);
        }
        Map<String, String> rtlPorts = verilogPorts(Files.readString(d.resolve("rtl/vit_accel_top.v")), "vit_accel_top");
        assertTrue(rtlPorts.size() > 40, "parsed the top's ports: " + rtlPorts);
        assertEquals(rtlPorts, xmlPorts);
        assertEquals("in 256", rtlPorts.get("m_axi_mem_rdata"), "target.mem.bits sets the memory port");

        // bus interfaces: every AXI port mapped once, the clock's parameters, the files of filelist.f
        Map<String, Element> busifs = new LinkedHashMap<>();
        NodeList bis = doc.getElementsByTagNameNS(ns, "busInterface");
        for (int i = 0; i < bis.getLength(); i++) {
            busifs.put(text((Element) bis.item(i), "name"), (Element) bis.item(i));
        }
        assertEquals(List.of("m_axi_mem", "s_axi_control", "interrupt", "aresetn", "aclk"), List.copyOf(busifs.keySet()));
        for (String prefix : List.of("m_axi_mem", "s_axi_control")) {
            NodeList phys = busifs.get(prefix).getElementsByTagNameNS(ns, "physicalPort");
            List<String> mapped = new ArrayList<>();
            for (int i = 0; i < phys.getLength(); i++) {
                mapped.add(text((Element) phys.item(i), "name"));
            }
            List<String> want = rtlPorts.keySet().stream().filter(n -> n.startsWith(prefix + "_")).toList();
            assertEquals(want, mapped, prefix);
        }
        String clk = busifs.get("aclk").getTextContent();
        assertTrue(clk.contains("300000000") && clk.contains("m_axi_mem:s_axi_control") && clk.contains("aresetn"), clk);
        NodeList files = doc.getElementsByTagNameNS(ns, "file");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < files.getLength(); i++) {
            names.add(text((Element) files.item(i), "name"));
        }
        assertEquals(Files.readAllLines(d.resolve("filelist.f")), names);
        NodeList regs = doc.getElementsByTagNameNS(ns, "register");
        List<String> regNames = new ArrayList<>();
        for (int i = 0; i < regs.getLength(); i++) {
            regNames.add(text((Element) regs.item(i), "name"));
        }
        String header = Files.readString(d.resolve("sw/vit_accel_regs.h"));
        for (String r : regNames) {
            assertTrue(header.contains("#define VIT_ACCEL_TOP_REGS_" + r + "_OFFSET"), r + " in the C header too");
        }
        assertTrue(regNames.containsAll(List.of("CONTROL", "CMD_ADDR", "STATUS", "ERROR", "CYC_TOTAL")), regNames.toString());
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagNameNS(IpXact.NS, tag).item(0).getTextContent();
    }

    @Test
    void constraintsForEachFlow(@TempDir Path out) throws Exception {
        Path d = generate(out);
        String ooc = Files.readString(d.resolve("constraints/vit_accel.xdc"));
        assertTrue(ooc.contains("\ncreate_clock -name aclk -period 3.333 [get_ports aclk]\n"), ooc);
        assertTrue(ooc.contains("\nset_property HD.CLK_SRC BUFGCE_X0Y0 [get_ports aclk]\n"), ooc);
        String bd = Files.readString(d.resolve("constraints/vit_accel_bd.xdc"));
        assertTrue(bd.lines().noneMatch(l -> !l.startsWith("#") && l.contains("create_clock")),
                "no clock in the block design's constraints: " + bd);

        Path artix = generate(out.resolve("a"), "target.board=arty-a7-100t");
        assertTrue(Files.readString(artix.resolve("constraints/vit_accel.xdc"))
                .contains("set_property HD.CLK_SRC BUFGCTRL_X0Y0 [get_ports aclk]"), "7-series buffer");

        Path intel = generate(out.resolve("i"), "target.vendor=intel");
        String sdc = Files.readString(intel.resolve("constraints/vit_accel.sdc"));
        assertTrue(sdc.contains("\ncreate_clock -name aclk -period 3.333 [get_ports {aclk}]\n")
                && sdc.contains("\nderive_clock_uncertainty\n"), sdc);
        assertFalse(Files.exists(intel.resolve("vivado/create_project.tcl")) || Files.exists(intel.resolve("component.xml")),
                "no Vivado files for an Intel target");
        Path generic = generate(out.resolve("g"), "target.vendor=generic");
        String gsdc = Files.readString(generic.resolve("constraints/vit_accel.sdc"));
        assertTrue(gsdc.contains("\nset_clock_uncertainty 0.167 [get_clocks {aclk}]\n") && !gsdc.contains("\nderive_"), gsdc);
    }
}
