package io.vitgen.hw.axi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.vitgen.emit.Version;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.struct.ModuleDef;

/**
 * One register map, three outputs: the AXI4-Lite slave RTL ({@link #spec()}, template
 * {@code axil_regs.v.vm}, port {@code s_axi_control_*}), the C header for the host driver
 * ({@link #cHeader()}) and the Markdown register table of the report ({@link #markdownTable()}).
 *
 * <p>Every map starts with three registers: {@code ID} (0x00, a constant), {@code IRQ_ENABLE}
 * (0x04, RW) and {@code IRQ_STATUS} (0x08, W1C, set by the hardware through
 * {@code set_irq_status}); the level output {@code interrupt} is high while
 * {@code IRQ_STATUS & IRQ_ENABLE} is not zero. Users add registers with {@link Builder#add}.
 *
 * <p>Access types and the hardware ports each one gets (name in lower case):
 * <ul>
 * <li>RO: read-only, the value comes from input {@code in_<name>} (or a constant, no port);
 * <li>RW: read/write, output {@code reg_<name>};
 * <li>W1C: the hardware sets bits ({@code set_<name>} input, one cycle per event), the host clears
 *     them by writing 1; output {@code reg_<name>}; a set and a clear of one bit in one cycle
 *     leave it set;
 * <li>W1S: the host sets bits by writing 1, the hardware clears them ({@code clr_<name>}); output
 *     {@code reg_<name>}; a host set wins over a hardware clear in the same cycle.
 * </ul>
 * Writes follow WSTRB byte by byte. Unmapped addresses: reads return 0 with SLVERR, writes are
 * ignored and answered SLVERR.
 */
public final class RegisterMap {

    /** Register access types. */
    public enum Access { RO, RW, W1C, W1S }

    /** One register: offset in bytes (a multiple of 4), width 1..32 bits. */
    public record Register(String name, int offset, int width, Access access, long reset, boolean constant,
            String description) {
        public Register {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(description, "description");
            if (!name.matches("[A-Z][A-Z0-9_]{0,31}")) {
                throw new IllegalArgumentException("register name '" + name
                        + "' must be upper-case letters, digits and underscores (at most 32), starting with a letter");
            }
            if (offset < 0 || offset % 4 != 0) {
                throw new IllegalArgumentException("register " + name + ": offset " + offset
                        + " must be a non-negative multiple of 4");
            }
            if (width < 1 || width > 32) {
                throw new IllegalArgumentException("register " + name + ": width " + width + " is out of range [1, 32]");
            }
            if (reset < 0 || (width < 64 && (reset >>> width) != 0)) {
                throw new IllegalArgumentException("register " + name + ": reset value 0x" + Long.toHexString(reset)
                        + " does not fit in " + width + " bits");
            }
            if (constant && access != Access.RO) {
                throw new IllegalArgumentException("register " + name + ": only RO registers can be constants");
            }
            if (description.isBlank() || description.contains("|") || description.contains("\n")
                    || description.contains("*/")) {
                throw new IllegalArgumentException("register " + name
                        + ": the description must be one non-empty line without '|' or '*/'");
            }
        }

        /** Lower-case name used in port names. */
        public String portName() {
            return name.toLowerCase(Locale.ROOT);
        }

        /** Mask of the implemented bits. */
        public long mask() {
            return width == 32 ? 0xFFFF_FFFFL : (1L << width) - 1;
        }
    }

    /** Value of the constant ID register: "VITG" in ASCII. */
    public static final long ID_VALUE = 0x5649_5447L;
    public static final int ID_OFFSET = 0x00;
    public static final int IRQ_ENABLE_OFFSET = 0x04;
    public static final int IRQ_STATUS_OFFSET = 0x08;

    /** A register as the template sees it. */
    public record RegView(String name, String port, int width, String access, boolean constant, boolean hasInput,
            boolean hasOutput, boolean stored, String wordLit, String resetLit, String widthRange, String readExpr,
            String description) {
    }

    /** Template variables of {@code axil_regs.v.vm}. */
    public record RegsVars(String moduleName, int addrW, List<RegView> regs, String irqRange) {
    }

    private final String moduleName;
    private final List<Register> registers;
    private final int addrW;
    private final int irqSources;

    private RegisterMap(String moduleName, List<Register> registers, int addrW, int irqSources) {
        this.moduleName = moduleName;
        this.registers = List.copyOf(registers);
        this.addrW = addrW;
        this.irqSources = irqSources;
    }

    public static Builder builder(String moduleName) {
        return new Builder(moduleName);
    }

    public String moduleName() {
        return moduleName;
    }

    /** Registers in offset order. */
    public List<Register> registers() {
        return registers;
    }

    /** The register of this name. */
    public Register register(String name) {
        for (Register r : registers) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no register " + name + " in " + moduleName);
    }

    /** Width of s_axi_control_awaddr/araddr. */
    public int addrWidth() {
        return addrW;
    }

    public int interruptSources() {
        return irqSources;
    }

    /** The AXI4-Lite register file. */
    public ModuleSpec spec() {
        List<RegView> views = new ArrayList<>();
        for (Register r : registers) {
            String range = r.width() == 1 ? "" : "[" + (r.width() - 1) + ":0] ";
            boolean stored = r.access() != Access.RO;
            String value = r.constant() ? r.width() + "'h" + Long.toHexString(r.reset())
                    : (stored ? "reg_" + r.portName() + "_q" : "in_" + r.portName());
            String read = r.width() == 32 ? value : "{" + (32 - r.width()) + "'d0, " + value + "}";
            views.add(new RegView(r.name(), r.portName(), r.width(), r.access().name(), r.constant(),
                    r.access() != Access.RW && !r.constant(), stored, stored,
                    (addrW - 2) + "'d" + (r.offset() / 4), r.width() + "'h" + Long.toHexString(r.reset()), range, read,
                    r.description()));
        }
        String irqRange = irqSources == 1 ? "" : "[" + (irqSources - 1) + ":0] ";
        return ModuleSpec.builder(moduleName)
                .template("axil_regs.v.vm")
                .vars(new RegsVars(moduleName, addrW, views, irqRange))
                .summary("AXI4-Lite register file (s_axi_control), " + registers.size()
                        + " registers, level interrupt = |(IRQ_STATUS & IRQ_ENABLE)")
                .fact("registers", registers.size())
                .fact("address width", addrW + " bits")
                .fact("interrupt sources", irqSources)
                .fact("latency", "read data 1 cycle after the read address; write response 1 cycle after address and data")
                .synthesize(true)
                .build();
    }

    /**
     * The register file as a module definition for the structural builder: the AXI4-Lite bundle
     * {@code s_axi_control}, {@code interrupt} and each register's hardware ports.
     */
    public ModuleDef moduleDef() {
        String s = "s_axi_control_";
        ModuleDef.Builder d = ModuleDef.of(spec()).input("aclk", 1).input("aresetn", 1)
                .input(s + "awaddr", addrW).input(s + "awprot", 3).input(s + "awvalid", 1).output(s + "awready", 1)
                .input(s + "wdata", 32).input(s + "wstrb", 4).input(s + "wvalid", 1).output(s + "wready", 1)
                .output(s + "bresp", 2).output(s + "bvalid", 1).input(s + "bready", 1)
                .input(s + "araddr", addrW).input(s + "arprot", 3).input(s + "arvalid", 1).output(s + "arready", 1)
                .output(s + "rdata", 32).output(s + "rresp", 2).output(s + "rvalid", 1).input(s + "rready", 1);
        for (Register r : registers) {
            switch (r.access()) {
                case RO -> {
                    if (!r.constant()) {
                        d.input("in_" + r.portName(), r.width());
                    }
                }
                case RW -> d.output("reg_" + r.portName(), r.width());
                case W1C -> d.output("reg_" + r.portName(), r.width()).input("set_" + r.portName(), r.width());
                case W1S -> d.output("reg_" + r.portName(), r.width()).input("clr_" + r.portName(), r.width());
            }
        }
        return d.output("interrupt", 1).build();
    }

    /** A C header with offset, width, mask, reset value and access of every register. */
    public String cHeader() {
        String guard = moduleName.toUpperCase(Locale.ROOT) + "_H";
        String p = moduleName.toUpperCase(Locale.ROOT) + "_";
        StringBuilder sb = new StringBuilder();
        sb.append("/* ").append(moduleName).append(" register map: generated by vitgen ").append(Version.get())
                .append(" from the same map as the RTL. Do not edit. */\n");
        sb.append("/* AXI4-Lite, 32-bit registers; unmapped addresses read 0 and answer SLVERR. */\n");
        sb.append("#ifndef ").append(guard).append("\n#define ").append(guard).append("\n\n");
        for (Register r : registers) {
            sb.append("/* ").append(r.name()).append(" (").append(r.access()).append(r.constant() ? ", constant" : "")
                    .append(", ").append(r.width()).append(" bits): ").append(r.description()).append(" */\n");
            define(sb, p + r.name() + "_OFFSET", String.format("0x%02Xu", r.offset()));
            define(sb, p + r.name() + "_WIDTH", r.width() + "u");
            define(sb, p + r.name() + "_MASK", String.format("0x%08Xu", r.mask()));
            define(sb, p + r.name() + "_RESET", String.format("0x%08Xu", r.reset()));
            sb.append('\n');
        }
        sb.append("#endif /* ").append(guard).append(" */\n");
        return sb.toString();
    }

    private static void define(StringBuilder sb, String name, String value) {
        sb.append("#define ").append(name);
        sb.append(" ".repeat(Math.max(1, 48 - name.length())));
        sb.append(value).append('\n');
    }

    /** The Markdown register table (for report.md and docs). */
    public String markdownTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| offset | register | access | bits | reset | description |\n");
        sb.append("|---|---|---|---:|---|---|\n");
        for (Register r : registers) {
            sb.append(String.format("| 0x%02X | `%s` | %s | %d | 0x%X | %s |%n", r.offset(), r.name(),
                    r.access() + (r.constant() ? " (constant)" : ""), r.width(), r.reset(), r.description()));
        }
        return sb.toString();
    }

    /** Fluent builder; {@link #build()} checks names and offsets are unique. */
    public static final class Builder {
        private final String moduleName;
        private final Map<String, Register> regs = new LinkedHashMap<>();
        private int irqSources = 1;
        private int addrW;

        private Builder(String moduleName) {
            Objects.requireNonNull(moduleName, "moduleName");
            if (!moduleName.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("module name '" + moduleName
                        + "' must be lower-case letters, digits and underscores, starting with a letter");
            }
            this.moduleName = moduleName;
        }

        /** Interrupt sources: the width of IRQ_ENABLE and IRQ_STATUS (1..32, default 1). */
        public Builder interruptSources(int n) {
            if (n < 1 || n > 32) {
                throw new IllegalArgumentException("interrupt sources = " + n + " is out of range [1, 32]");
            }
            this.irqSources = n;
            return this;
        }

        /** Width of the AXI4-Lite address (default: the smallest that holds every offset, at least 4). */
        public Builder addrWidth(int bits) {
            if (bits < 3 || bits > 32) {
                throw new IllegalArgumentException("AXI4-Lite address width = " + bits + " is out of range [3, 32]");
            }
            this.addrW = bits;
            return this;
        }

        public Builder add(Register r) {
            Objects.requireNonNull(r, "register");
            if (r.name().equals("ID") || r.name().equals("IRQ_ENABLE") || r.name().equals("IRQ_STATUS")) {
                throw new IllegalArgumentException("register name " + r.name() + " is reserved for the base map");
            }
            if (regs.putIfAbsent(r.name(), r) != null) {
                throw new IllegalArgumentException("register " + r.name() + " is defined twice");
            }
            return this;
        }

        /** A register whose value the hardware drives (input in_<name>). */
        public Builder ro(String name, int offset, int width, String description) {
            return add(new Register(name, offset, width, Access.RO, 0, false, description));
        }

        /** A constant read-only register (no port). */
        public Builder constant(String name, int offset, int width, long value, String description) {
            return add(new Register(name, offset, width, Access.RO, value, true, description));
        }

        public Builder rw(String name, int offset, int width, long reset, String description) {
            return add(new Register(name, offset, width, Access.RW, reset, false, description));
        }

        public Builder w1c(String name, int offset, int width, long reset, String description) {
            return add(new Register(name, offset, width, Access.W1C, reset, false, description));
        }

        public Builder w1s(String name, int offset, int width, long reset, String description) {
            return add(new Register(name, offset, width, Access.W1S, reset, false, description));
        }

        public RegisterMap build() {
            List<Register> all = new ArrayList<>();
            all.add(new Register("ID", ID_OFFSET, 32, Access.RO, ID_VALUE, true, "identifies a vitgen register file"));
            all.add(new Register("IRQ_ENABLE", IRQ_ENABLE_OFFSET, irqSources, Access.RW, 0, false,
                    "interrupt enable, one bit per source"));
            all.add(new Register("IRQ_STATUS", IRQ_STATUS_OFFSET, irqSources, Access.W1C, 0, false,
                    "interrupt status, set by the hardware, write 1 to clear; interrupt = OR of (IRQ_STATUS AND IRQ_ENABLE)"));
            all.addAll(regs.values());
            all.sort(Comparator.comparingInt(Register::offset));
            for (int i = 1; i < all.size(); i++) {
                if (all.get(i).offset() == all.get(i - 1).offset()) {
                    throw new IllegalArgumentException("registers " + all.get(i - 1).name() + " and "
                            + all.get(i).name() + " share offset 0x" + Integer.toHexString(all.get(i).offset()));
                }
            }
            int maxOff = all.get(all.size() - 1).offset();
            int need = Math.max(4, 32 - Integer.numberOfLeadingZeros(maxOff + 3));
            int w = addrW == 0 ? need : addrW;
            if (w < need) {
                throw new IllegalArgumentException("AXI4-Lite address width " + addrW + " cannot reach offset 0x"
                        + Integer.toHexString(maxOff) + " (needs " + need + " bits)");
            }
            return new RegisterMap(moduleName, all, w, irqSources);
        }
    }
}
