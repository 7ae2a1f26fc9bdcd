package io.vitgen.emit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vitgen.config.Config;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.hw.top.AcceleratorTop;

/**
 * The files that hand the accelerator top to FPGA tools and to a simulator: the constraints
 * (XDC out of context and for a block design, or SDC), the Vivado scripts ({@code vivado/}), the
 * IP-XACT {@code component.xml}, and the Verilator simulation kit ({@code sim/}). docs/fpga.md
 * describes each.
 */
final class FpgaFiles {

    /** Template variables of the constraint, Vivado and kit templates. */
    public record Vars(String design, String top, String part, String periodNs, int clockMhz, long freqHz,
            String clockSource, boolean quartus, String uncertaintyNs, String vendor, String library, String version,
            String vlnv) {
    }

    /** The harness sources the kit copies verbatim (from verilator/, packaged under fpga-templates/sim/). */
    static final List<String> KIT_COPIES = List.of("sim_main.cpp", "vitgen_ports.awk", "vitgen_axi_mem.h",
            "vitgen_axi_mem.cpp", "vitgen_harness.h");

    private FpgaFiles() {
    }

    static Vars vars(Config c, TopDesign d) {
        double period = c.target().clockPeriodNs();
        String part = c.target().part();
        String top = d.top().name();
        return new Vars(c.designName(), top, part, String.format(Locale.ROOT, "%.3f", period), c.target().clockMhz(),
                c.target().clockMhz() * 1_000_000L, clockSource(part), "intel".equals(c.target().vendor()),
                String.format(Locale.ROOT, "%.3f", period * 0.05), IpXact.VENDOR, IpXact.LIBRARY, IpXact.VERSION,
                IpXact.vlnv(top));
    }

    /**
     * The global clock buffer HD.CLK_SRC names: BUFGCE_X0Y0 on UltraScale and UltraScale+ parts,
     * BUFGCTRL_X0Y0 on 7-series parts.
     */
    static String clockSource(String part) {
        String p = part.toLowerCase(Locale.ROOT);
        boolean ultra = p.startsWith("xczu") || p.startsWith("xck") || p.startsWith("xcku") || p.startsWith("xcvu")
                || p.startsWith("xcau") || p.startsWith("xqzu");
        return ultra ? "BUFGCE_X0Y0" : "BUFGCTRL_X0Y0";
    }

    /** Every file, path relative to the design folder; {@code rtlFiles} is filelist.f's content. */
    static Map<String, byte[]> render(Config c, TopDesign d, List<String> rtlFiles) {
        Vars v = vars(c, d);
        TemplateEngine t = TemplateEngine.get();
        Map<String, byte[]> files = new LinkedHashMap<>();
        String design = c.designName();
        if ("xilinx".equals(c.target().vendor())) {
            put(files, "constraints/" + design + ".xdc", t.render("constraints/xdc.vm", v));
            put(files, "constraints/" + design + "_bd.xdc", t.render("constraints/xdc_bd.vm", v));
            put(files, "vivado/create_project.tcl", t.render("fpga-templates/vivado/create_project.tcl.vm", v));
            put(files, "vivado/package_ip.tcl", t.render("fpga-templates/vivado/package_ip.tcl.vm", v));
            RegisterMap map = AcceleratorTop.registers(d.params().designName());
            put(files, "component.xml", IpXact.render(d.top(), map, rtlFiles, v.freqHz(),
                    "vitgen integer ViT accelerator top " + d.top().name() + " for " + v.part() + " at "
                            + v.clockMhz() + " MHz: AXI4 master m_axi_mem, AXI4-Lite slave s_axi_control, interrupt"));
        } else {
            put(files, "constraints/" + design + ".sdc", t.render("constraints/sdc.vm", v));
        }
        simKit(files, c, d, v);
        return files;
    }

    /** sim/: Makefile, testbench, memory model, port table, register offsets, image and expectations. */
    static void simKit(Map<String, byte[]> files, Config c, TopDesign d, Vars v) {
        put(files, "sim/Makefile", TemplateEngine.get().render("fpga-templates/sim/Makefile.vm", v));
        for (String f : KIT_COPIES) {
            files.put("sim/" + f, resource("fpga-templates/sim/" + f));
        }
        put(files, "sim/kit_regs.h", kitRegs(c, d));
        SimKit.Kit kit = SimKit.of(c, d);
        files.put("sim/image.bin", kit.image());
        files.put("sim/expected.bin", kit.expected());
        String expectedFrom = kit.kind().equals("model")
                ? "the golden model's logits (Java), equal to the command interpreter's"
                : "the command interpreter's (Java)";
        StringBuilder cfg = new StringBuilder();
        cfg.append("# Run of the simulation kit of ").append(d.top().name()).append(", written by vitgen ")
                .append(Version.get()).append(".\n# Lines starting with '#:' say what the kit runs; make run prints them.\n");
        cfg.append("#: program: ").append(kit.what()).append("\n#: ").append(kit.commands())
                .append(" commands; expected outputs: ").append(expectedFrom).append(", in expected.bin\n");
        cfg.append("image image.bin\nexpected expected.bin\n");
        cfg.append("load_addr 0x0\n");
        cfg.append(String.format(Locale.ROOT, "cmd_addr 0x%x%nimg_base 0x0%nimg_size 0x%x%n", kit.cmdAddr(), kit.imgSize()));
        cfg.append("max_cycles ").append(kit.maxCycles()).append('\n');
        cfg.append("# AXI memory model: seed, latency in cycles (uniform in [min, max]) and the permille of cycles\n"
                + "# each handshake the model drives is ready; 1000 and a fixed latency give the best case.\n");
        cfg.append("seed ").append(SimKit.SEED).append("\nlatency_min 10\nlatency_max 40\nready_permille 800\n");
        cfg.append("# output NAME ADDRESS BYTES OFFSET-IN-expected.bin\n");
        for (SimKit.Output o : kit.outputs()) {
            cfg.append(String.format(Locale.ROOT, "output %s 0x%x %d %d%n", o.name(), o.addr(), o.bytes(), o.expectedAt()));
        }
        put(files, "sim/run.cfg", cfg.toString());
        put(files, "sim/README.md", kitReadme(c, d, kit, expectedFrom));
    }

    /** sim/README.md: what the kit runs and the commands that run it. */
    static String kitReadme(Config c, TopDesign d, SimKit.Kit kit, String expectedFrom) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Simulation kit of ").append(d.top().name()).append("\n\n");
        sb.append("Written by vitgen ").append(Version.get()).append(" for the design ").append(c.designName())
                .append(". It needs no Java: Verilator 5, a C++17 compiler, make and awk.\n\n");
        sb.append("```sh\nmake          # build obj_dir/Vkit from ../filelist.f\n")
                .append("make run      # run image.bin on the top: exit code 0 when every output byte equals")
                .append(" expected.bin, 1 otherwise\nmake clean    # remove the build and the outputs\n```\n\n");
        sb.append("## What it runs\n\n");
        ModelKit mk = d.model();
        if (mk != null) {
            sb.append("- model file: `").append(mk.fileName()).append("` (SHA-256 `").append(mk.sha256()).append("`), ")
                    .append(io.vitgen.model.ModelFile.summary(mk.model())).append('\n');
            sb.append("- picture: ").append(mk.pictureSha256() == null ? mk.picture()
                    : "`" + mk.picture() + "` (SHA-256 `" + mk.pictureSha256() + "`)")
                    .append(", through DeiT's evaluation transform to int8 (as `vitgen golden model` reads it)\n");
        }
        sb.append("- program: ").append(kit.what()).append('\n');
        sb.append("- ").append(kit.commands()).append(String.format(Locale.ROOT,
                " commands at 0x%x; memory image `image.bin`, %,d bytes, loaded at address 0%n", kit.cmdAddr(),
                kit.image().length));
        for (SimKit.Output o : kit.outputs()) {
            sb.append(String.format(Locale.ROOT, "- output `%s`: %,d bytes at 0x%x, compared with `expected.bin` from"
                    + " byte %d%n", o.name(), o.bytes(), o.addr(), o.expectedAt()));
        }
        sb.append("- expected outputs: ").append(expectedFrom).append(", never the RTL's\n");
        sb.append("- after the run: `outputs.bin` (what the top wrote) and `counters.txt` (STATUS, ERROR, ERR_CMD and")
                .append(" the cycle counters)\n\n");
        sb.append("`run.cfg` holds the run's settings (command address, image window, cycle budget, the AXI memory")
                .append(" model's latency and backpressure, the output regions). docs/fpga.md of vitgen describes the")
                .append(" kit.\n");
        return sb.toString();
    }

    /** Register offsets for the kit's testbench, from the same map as sw/<design>_regs.h. */
    static String kitRegs(Config c, TopDesign d) {
        RegisterMap map = AcceleratorTop.registers(d.params().designName());
        StringBuilder sb = new StringBuilder();
        sb.append("// Register offsets of ").append(map.moduleName()).append(" for the simulation kit, generated by vitgen ")
                .append(Version.get()).append(".\n// The same map as ../").append(DesignWriter.headerPath(c))
                .append(" (the host driver's header). Do not edit; regenerate.\n#pragma once\n#include <cstdint>\n\n");
        for (String r : List.of("IRQ_ENABLE", "IRQ_STATUS", "CONTROL", "CMD_ADDR", "IMG_BASE", "IMG_SIZE", "STATUS", "ERROR")) {
            sb.append(String.format(Locale.ROOT, "#define KIT_REG_%-12s 0x%02Xu%n", r, map.register(r).offset()));
        }
        sb.append("\nstruct KitRegister {\n    const char* name;\n    uint32_t offset;\n};\n\n");
        sb.append("// Read after the run into counters.txt: status, errors and the cycle counters.\n");
        sb.append("static const KitRegister kKitRegisters[] = {\n");
        for (RegisterMap.Register r : map.registers()) {
            if (r.access() == RegisterMap.Access.RO || r.access() == RegisterMap.Access.W1C) {
                sb.append(String.format(Locale.ROOT, "    {\"%s\", 0x%02Xu},%n", r.name(), r.offset()));
            }
        }
        sb.append("};\n");
        return sb.toString();
    }

    private static void put(Map<String, byte[]> files, String name, String text) {
        files.put(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] resource(String path) {
        try (InputStream in = FpgaFiles.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is not on the classpath (generator/pom.xml packages it)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
