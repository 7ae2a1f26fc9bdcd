package io.vitgen.hw.struct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import org.junit.jupiter.api.Test;

/** The structural builder's checks (each error named with instance and port) and its printed Verilog. */
class TopBuilderTest {

    /** skid (37 bits) -> FIFO (37 bits, depth 5), both streams exposed on the top. */
    static TopBuilder chain(int skidWidth, int fifoWidth) {
        TopBuilder b = TopBuilder.module("vitgen_chain").describe("A skid buffer feeding a FIFO.");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        Instance skid = b.instance("u_skid", CellDefs.skid(), Map.of("DATA_W", (long) skidWidth));
        Instance fifo = b.instance("u_fifo", CellDefs.fifo(), Map.of("DATA_W", (long) fifoWidth, "DEPTH", 5L));
        b.clockAndReset(aclk, aresetn);
        b.expose(skid.axis("s_axis"), "s_axis");
        b.connect(skid.axis("m_axis"), fifo.axis("s_axis"));
        b.expose(fifo.axis("m_axis"), "m_axis");
        return b;
    }

    private static List<String> problems(TopBuilder b) {
        NetlistException e = assertThrows(NetlistException.class, b::build);
        System.out.println(e.getMessage());
        return e.problems();
    }

    private static void assertHas(List<String> problems, String... parts) {
        for (String p : problems) {
            boolean all = true;
            for (String part : parts) {
                all &= p.contains(part);
            }
            if (all) {
                return;
            }
        }
        throw new AssertionError("no problem mentions " + List.of(parts) + " in " + problems);
    }

    @Test
    void chainPrintsReadableVerilog() {
        Netlist n = chain(37, 37).build();
        ModuleSpec spec = n.spec();
        assertEquals(List.of("vitgen_axis_skid", "vitgen_axis_fifo", "vitgen_chain"),
                spec.flatten().stream().map(ModuleSpec::name).toList());
        String v = Emitter.render(List.of(spec)).get("vitgen_chain.v");
        System.out.println(v);
        assertTrue(v.contains("module vitgen_chain ("), v);
        assertTrue(v.contains("// u_skid.m_axis -> u_fifo.s_axis (AXI4-Stream)"), v);
        assertTrue(v.contains("wire [36:0] skid_m_axis_tdata;"), v);
        assertTrue(v.contains(".DATA_W (37),"), v);
        assertTrue(v.contains(".s_axis_tdata  (skid_m_axis_tdata),"), v);
        assertTrue(v.contains("    wire        skid_m_axis_tvalid;"), v);
        assertTrue(v.contains(".m_axis_tready (m_axis_tready),"), v);
        assertTrue(v.contains("input  wire [36:0] s_axis_tdata,"), v);
        assertTrue(!v.contains("$"), "no Velocity reference left");
        // the nets as objects: skid -> fifo carries tdata, tvalid, tlast forward and tready back
        Netlist.Net data = n.nets().stream().filter(x -> x.name().equals("skid_m_axis_tdata")).findFirst().orElseThrow();
        assertEquals(37, data.width());
        assertEquals("u_skid.m_axis_tdata", data.driver().path());
        assertEquals(List.of("u_fifo.s_axis_tdata"), data.sinks().stream().map(Port::path).toList());
        Netlist.Net clk = n.nets().stream().filter(x -> x.name().equals("aclk")).findFirst().orElseThrow();
        assertEquals(2, clk.sinks().size());
    }

    @Test
    void widthMismatchNamesBothPorts() {
        List<String> p = problems(chain(37, 36));
        assertHas(p, "width mismatch", "u_skid.m_axis_tdata is 37 bits", "u_fifo.s_axis_tdata is 36 bits");
        // the fifo's tdata input is then undriven too, and reported as such
        assertHas(p, "unconnected input u_fifo.s_axis_tdata");
    }

    @Test
    void directionErrorsAreNamed() {
        TopBuilder b = chain(8, 8);
        Instance extra = b.instance("u_extra", CellDefs.skid(), Map.of());
        b.connect(b.port("m_axis_tvalid"), extra.port("m_axis_tvalid")); // a second driver of a top output
        b.connect(extra.port("s_axis_tvalid"), extra.port("s_axis_tlast")); // two inputs
        b.connect(extra.port("m_axis_tvalid"), extra.port("m_axis_tlast")); // two outputs
        b.connect(extra.axis("s_axis"), extra.axis("s_axis")); // two slaves
        List<String> p = problems(b);
        assertHas(p, "doubly driven: top port m_axis_tvalid", "u_fifo.m_axis_tvalid", "u_extra.m_axis_tvalid");
        assertHas(p, "direction", "u_extra.s_axis_tvalid", "neither drives");
        assertHas(p, "direction", "u_extra.m_axis_tvalid", "both drive");
        assertHas(p, "cannot connect u_extra.s_axis", "both are slaves");
    }

    @Test
    void danglingInputsAndUnusedTopInputsAreListedAllAtOnce() {
        TopBuilder b = TopBuilder.module("vitgen_dangling");
        Port aclk = b.input("aclk", 1);
        b.input("aresetn", 1);
        b.input("spare", 4);
        Instance skid = b.instance("u_skid", CellDefs.skid());
        b.connect(aclk, skid.port("aclk"));
        b.output("out", 8);
        List<String> p = problems(b);
        assertHas(p, "unconnected input u_skid.aresetn (1 bit) of vitgen_axis_skid");
        assertHas(p, "unconnected input u_skid.s_axis_tdata (8 bits)");
        assertHas(p, "unconnected input u_skid.m_axis_tready");
        assertHas(p, "top input spare drives nothing");
        assertHas(p, "top input aresetn drives nothing");
        assertHas(p, "top output out is driven by nothing");
        assertTrue(p.size() >= 8, p.toString());
    }

    @Test
    void doubleDriverIsRefused() {
        TopBuilder b = chain(8, 8);
        Port extra = b.input("extra_valid", 1);
        b.connect(extra, b.port("m_axis_tvalid"));
        b.tie(b.port("m_axis_tvalid"), 1);
        List<String> p = problems(b);
        assertHas(p, "doubly driven: top port m_axis_tvalid is driven by u_fifo.m_axis_tvalid and by top port extra_valid"
                + " and by the constant 1");
    }

    @Test
    void unknownPortsParametersAndBundlesAreNamed() {
        TopBuilder b = chain(8, 8);
        Instance skid = b.instance("u_more", CellDefs.skid(), Map.of("WIDTH", 3L));
        b.connect(skid.port("s_axis_tdat"), b.port("nope"));
        b.connect(skid.axis("x_axis"), skid.axis("m_axis"));
        b.instance("u_more", CellDefs.fifo());
        List<String> p = problems(b);
        assertHas(p, "instance u_more (vitgen_axis_skid) has no port 's_axis_tdat'", "s_axis_tdata");
        assertHas(p, "the top has no port 'nope'");
        assertHas(p, "has no parameter WIDTH", "DATA_W");
        assertHas(p, "u_more has no AXI4-Stream bundle 'x_axis'");
        assertHas(p, "two instances are named u_more");
    }

    @Test
    void bundleFieldOnlyTheSlaveDrivesIsRefused() {
        TopBuilder b = TopBuilder.module("vitgen_noready");
        Port aclk = b.input("aclk", 1);
        Port aresetn = b.input("aresetn", 1);
        ModuleDef src = ModuleDef.external("my_source").input("aclk", 1)
                .output("m_axis_tdata", 8).output("m_axis_tvalid", 1).output("m_axis_tlast", 1).build();
        Instance s = b.instance("u_src", src);
        Instance skid = b.instance("u_skid", CellDefs.skid());
        b.clockAndReset(aclk, aresetn);
        b.connect(s.axis("m_axis"), skid.axis("s_axis"));
        b.expose(skid.axis("m_axis"), "m_axis");
        List<String> p = problems(b);
        assertHas(p, "u_skid.s_axis_tready has no counterpart on u_src.m_axis");
    }

    @Test
    void tiesAndAxiBundles() {
        // an AXI4-Lite master and slave declared as external modules connect field by field
        ModuleDef master = axiLite("my_master", "m_axil", false);
        ModuleDef slave = axiLite("my_slave", "s_axil", true);
        TopBuilder b = TopBuilder.module("vitgen_axil_pair");
        Port aclk = b.input("aclk", 1);
        Instance m = b.instance("u_m", master);
        Instance s = b.instance("u_s", slave);
        b.connect(aclk, m.port("aclk"));
        b.connect(aclk, s.port("aclk"));
        b.connect(m.axiLite("m_axil"), s.axiLite("s_axil"));
        b.tie(s.port("s_axil_awprot"), 3);
        b.tie(s.port("s_axil_arprot"), -1);
        Netlist n = b.build();
        String v = io.vitgen.emit.TemplateEngine.get().render("rtl-templates/top.v.vm", n.vars());
        String flat = v.replaceAll(" +", " ");
        assertTrue(flat.contains(".s_axil_awprot (3'd3)"), v);
        assertTrue(flat.contains(".s_axil_arprot (3'h7)"), v);
        assertTrue(flat.contains(".m_axil_rdata (s_s_axil_rdata),"), v);
        // a constant that does not fit
        TopBuilder bad = TopBuilder.module("vitgen_bad_tie");
        Instance s2 = bad.instance("u_s", slave);
        bad.tie(s2.port("s_axil_awprot"), 8);
        assertHas(problems(bad), "constant 8 does not fit the 3 bits of u_s.s_axil_awprot");
    }

    /** AXI4 bundles: a full master and slave connect every field; a read-only master leaves the write side open. */
    @Test
    void axi4BundlesConnectFieldByField() {
        ModuleDef master = axi4("my_dma", "m_axi", false, true);
        ModuleDef slave = axi4("my_mem", "s_axi", true, true);
        TopBuilder b = TopBuilder.module("vitgen_axi4_pair");
        Port aclk = b.input("aclk", 1);
        Instance m = b.instance("u_dma", master);
        Instance s = b.instance("u_mem", slave);
        b.connect(aclk, m.port("aclk"));
        b.connect(aclk, s.port("aclk"));
        b.connect(s.axi4("s_axi"), m.axi4("m_axi")); // either order
        Netlist n = b.build();
        assertEquals(29, n.nets().stream().filter(x -> !x.name().equals("aclk")).count(), "one net per AXI4 field");
        Netlist.Net rdata = n.nets().stream().filter(x -> x.name().equals("mem_s_axi_rdata")).findFirst().orElseThrow();
        assertEquals(64, rdata.width());
        assertEquals("u_dma.m_axi_rdata", rdata.sinks().get(0).path());

        TopBuilder r = TopBuilder.module("vitgen_axi4_readonly");
        Port clk = r.input("aclk", 1);
        Instance ro = r.instance("u_reader", axi4("my_reader", "m_axi", false, false));
        Instance mem = r.instance("u_mem", slave);
        r.connect(clk, ro.port("aclk"));
        r.connect(clk, mem.port("aclk"));
        r.connect(ro.axi4("m_axi"), mem.axi4("s_axi"));
        List<String> p = problems(r);
        assertHas(p, "u_mem.s_axi_awready has no counterpart on u_reader.m_axi");
        assertHas(p, "u_mem.s_axi_bvalid has no counterpart on u_reader.m_axi");
        assertHas(p, "unconnected input u_mem.s_axi_awvalid (1 bit)");
        assertHas(p, "unconnected input u_mem.s_axi_wdata (64 bits)");
    }

    static ModuleDef axi4(String name, String prefix, boolean slave, boolean write) {
        ModuleDef.Builder b = ModuleDef.external(name).input("aclk", 1);
        Direction f = slave ? Direction.IN : Direction.OUT;
        Direction r = slave ? Direction.OUT : Direction.IN;
        String[][] fields = {{"awid", "4", "f", "w"}, {"awaddr", "32", "f", "w"}, {"awlen", "8", "f", "w"},
            {"awsize", "3", "f", "w"}, {"awburst", "2", "f", "w"}, {"awvalid", "1", "f", "w"}, {"awready", "1", "r", "w"},
            {"wdata", "64", "f", "w"}, {"wstrb", "8", "f", "w"}, {"wlast", "1", "f", "w"}, {"wvalid", "1", "f", "w"},
            {"wready", "1", "r", "w"}, {"bid", "4", "r", "w"}, {"bresp", "2", "r", "w"}, {"bvalid", "1", "r", "w"},
            {"bready", "1", "f", "w"}, {"arid", "4", "f", "r"}, {"araddr", "32", "f", "r"}, {"arlen", "8", "f", "r"},
            {"arsize", "3", "f", "r"}, {"arburst", "2", "f", "r"}, {"arvalid", "1", "f", "r"}, {"arready", "1", "r", "r"},
            {"rid", "4", "r", "r"}, {"rdata", "64", "r", "r"}, {"rresp", "2", "r", "r"}, {"rlast", "1", "r", "r"},
            {"rvalid", "1", "r", "r"}, {"rready", "1", "f", "r"}};
        for (String[] x : fields) {
            if (!write && x[3].equals("w")) {
                continue;
            }
            b.port(prefix + "_" + x[0], x[2].equals("f") ? f : r, Width.fixed(Integer.parseInt(x[1])));
        }
        return b.build();
    }

    static ModuleDef axiLite(String name, String prefix, boolean slave) {
        ModuleDef.Builder b = ModuleDef.external(name).input("aclk", 1);
        Direction f = slave ? Direction.IN : Direction.OUT;
        Direction r = slave ? Direction.OUT : Direction.IN;
        String[][] fields = {{"awaddr", "12", "f"}, {"awprot", "3", "f"}, {"awvalid", "1", "f"}, {"awready", "1", "r"},
            {"wdata", "32", "f"}, {"wstrb", "4", "f"}, {"wvalid", "1", "f"}, {"wready", "1", "r"}, {"bresp", "2", "r"},
            {"bvalid", "1", "r"}, {"bready", "1", "f"}, {"araddr", "12", "f"}, {"arprot", "3", "f"},
            {"arvalid", "1", "f"}, {"arready", "1", "r"}, {"rdata", "32", "r"}, {"rresp", "2", "r"},
            {"rvalid", "1", "r"}, {"rready", "1", "f"}};
        for (String[] x : fields) {
            if (!slave && x[0].endsWith("prot")) {
                continue; // this master has no prot outputs: the slave's are tied
            }
            b.port(prefix + "_" + x[0], x[2].equals("f") ? f : r, Width.fixed(Integer.parseInt(x[1])));
        }
        return b.build();
    }
}
