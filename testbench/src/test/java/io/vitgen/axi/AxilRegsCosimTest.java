package io.vitgen.axi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.axi.RegisterMap;
import io.vitgen.hw.axi.RegisterMap.Access;
import io.vitgen.hw.axi.RegisterMap.Register;
import io.vitgen.sim.AxiLiteMaster;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.VerilatedModel;

/**
 * The generated AXI4-Lite register file against a Java model of the same map: reset values of
 * every register, then 600 random operations - host writes with random WSTRB to mapped and
 * unmapped addresses, host reads, hardware set/clear/input changes - each followed by a check of
 * the read data and response, every register output port and the interrupt; a W1C clear while the
 * hardware keeps setting the bit leaves it set. The C header of the same map is compiled and its
 * offsets, masks and reset values printed and compared.
 */
class AxilRegsCosimTest {

    /** A map with every access type, widths 1..32 and a gap of unmapped addresses. */
    static RegisterMap testMap(String module) {
        return RegisterMap.builder(module)
                .interruptSources(3)
                .w1s("CONTROL", 0x10, 2, 0, "bit 0 start, bit 1 abort; cleared by the hardware")
                .rw("CMD_ADDR_LO", 0x14, 32, 0x1234_5678L, "command stream address, low word")
                .rw("CMD_ADDR_HI", 0x18, 32, 0, "command stream address, high word")
                .rw("MODE", 0x1C, 5, 0x15, "a 5-bit field")
                .ro("STATUS", 0x20, 8, "busy flags")
                .w1c("ERRORS", 0x24, 16, 0, "sticky error flags")
                .ro("CYCLES", 0x30, 32, "cycle counter")
                .constant("VERSION", 0x3C, 12, 0xABC, "a constant")
                .build();
    }

    /** The Java model: register values and hardware inputs. */
    private static final class Golden {
        final RegisterMap map;
        final Map<String, Long> value = new HashMap<>();
        final Map<String, Long> input = new HashMap<>();

        Golden(RegisterMap map) {
            this.map = map;
            for (Register r : map.registers()) {
                value.put(r.name(), r.reset());
                input.put(r.name(), 0L);
            }
        }

        Register at(long addr) {
            long word = (addr & ((1L << map.addrWidth()) - 1)) >>> 2;
            for (Register r : map.registers()) {
                if (r.offset() / 4 == word) {
                    return r;
                }
            }
            return null;
        }

        long read(Register r) {
            if (r.access() == Access.RO) {
                return r.constant() ? r.reset() : input.get(r.name()) & r.mask();
            }
            return value.get(r.name());
        }

        int write(long addr, long data, int strb) {
            Register r = at(addr);
            if (r == null) {
                return AxiLiteMaster.SLVERR;
            }
            long bits = 0;
            for (int i = 0; i < 4; i++) {
                if ((strb >> i & 1) != 0) {
                    bits |= 0xFFL << (8 * i);
                }
            }
            bits &= r.mask();
            long v = value.get(r.name());
            switch (r.access()) {
                case RW -> v = (v & ~bits) | (data & bits);
                case W1C -> v = (v & ~(data & bits)) | input.get(r.name());   // a set held by the hardware wins
                case W1S -> v = v | (data & bits);
                case RO -> { }
            }
            value.put(r.name(), v & r.mask());
            return AxiLiteMaster.OKAY;
        }

        boolean interrupt() {
            return (value.get("IRQ_STATUS") & value.get("IRQ_ENABLE")) != 0;
        }
    }

    private static String inputPort(Register r) {
        return switch (r.access()) {
            case RO -> r.constant() ? null : "in_" + r.portName();
            case W1C -> "set_" + r.portName();
            case W1S -> "clr_" + r.portName();
            case RW -> null;
        };
    }

    private static String interruptPort(VerilatedModel m) {
        // Verilator may rename the C++ symbol of 'interrupt' (a common C++ word).
        return m.ports().stream().map(p -> p.name()).filter(n -> n.endsWith("interrupt")).findFirst()
                .orElseThrow(() -> new AssertionError("no interrupt port in " + m.ports()));
    }

    @Test
    void registerFileMatchesTheMapUnderRandomTraffic() {
        long seed = Long.getLong("vitgen.seed", 0x4E65_0001L);
        Random rnd = new Random(seed);
        RegisterMap map = testMap("vitgen_axil_regs_test");
        List<Path> rtl = Emitter.writeModules(List.of(map.spec()), Path.of("target", "cosim-rtl", "axil-regs"));
        VerilatedModel model = VerilatedModel.build(rtl, map.moduleName());
        String irq = interruptPort(model);
        Golden g = new Golden(map);
        try (Simulation sim = model.open(seed, SimOptions.randomInitialState())) {
            for (Register r : map.registers()) {
                String in = inputPort(r);
                if (in != null) {
                    sim.poke(in, 0);
                }
            }
            sim.poke("s_axi_control_awprot", 0);
            sim.poke("s_axi_control_arprot", 0);
            sim.reset(3);
            AxiLiteMaster host = sim.axiLite("s_axi_control");
            // RO inputs first, then reset values of everything.
            setInput(sim, g, map.register("STATUS"), 0xA5);
            setInput(sim, g, map.register("CYCLES"), 0xDEAD_BEEFL);
            for (Register r : map.registers()) {
                assertEquals(g.read(r), host.readOk(r.offset()), "reset value of " + r.name());
            }
            assertEquals(RegisterMap.ID_VALUE, host.readOk(0));
            int unmapped = 0;
            for (int op = 0; op < 600; op++) {
                int kind = rnd.nextInt(10);
                long addr = rnd.nextInt(4) == 0 ? rnd.nextInt(1 << map.addrWidth())
                        : map.registers().get(rnd.nextInt(map.registers().size())).offset() + rnd.nextInt(4);
                String what = "op " + op + " (seed " + seed + ")";
                if (kind < 4) {
                    long data = rnd.nextLong() & 0xFFFF_FFFFL;
                    int strb = rnd.nextInt(16);
                    int expect = g.write(addr, data, strb);
                    assertEquals(expect, host.write(addr, data, strb), "BRESP of write 0x" + Long.toHexString(addr)
                            + " " + what);
                    unmapped += expect == AxiLiteMaster.OKAY ? 0 : 1;
                } else if (kind < 7) {
                    Register r = g.at(addr);
                    AxiLiteMaster.ReadResult got = host.read(addr);
                    assertEquals(r == null ? AxiLiteMaster.SLVERR : AxiLiteMaster.OKAY, got.resp(), "RRESP " + what);
                    assertEquals(r == null ? 0 : g.read(r), got.data(), "read 0x" + Long.toHexString(addr) + " " + what);
                } else if (kind < 9) {
                    // a hardware event: one cycle of set/clear, or a new RO input value
                    List<Register> hw = new ArrayList<>();
                    for (Register r : map.registers()) {
                        if (inputPort(r) != null) {
                            hw.add(r);
                        }
                    }
                    Register r = hw.get(rnd.nextInt(hw.size()));
                    long v = rnd.nextLong() & r.mask();
                    if (r.access() == Access.RO) {
                        setInput(sim, g, r, v);
                    } else {
                        sim.poke(inputPort(r), v);
                        sim.run(1);
                        sim.poke(inputPort(r), 0);
                        long old = g.value.get(r.name());
                        g.value.put(r.name(), r.access() == Access.W1C ? old | v : old & ~v);
                    }
                    sim.run(1);
                } else {
                    // W1C clear while the hardware keeps setting the same bit: the bit stays set
                    Register r = map.register("ERRORS");
                    long bit = 1L << rnd.nextInt(16);
                    sim.poke("set_errors", bit);
                    g.input.put("ERRORS", bit);
                    g.value.put("ERRORS", g.value.get("ERRORS") | bit);
                    assertEquals(AxiLiteMaster.OKAY, host.write(r.offset(), bit | g.value.get("ERRORS"), 0xF));
                    g.write(r.offset(), bit | g.value.get("ERRORS"), 0xF);
                    sim.poke("set_errors", 0);
                    g.input.put("ERRORS", 0L);
                    assertTrue((host.readOk(r.offset()) & bit) != 0, "a set wins over a clear " + what);
                }
                sim.run(1);   // the registered interrupt follows one cycle later
                for (Register r : map.registers()) {
                    if (r.access() != Access.RO) {
                        assertEquals(g.read(r), sim.peekLong("reg_" + r.portName()), "reg_" + r.portName() + " " + what);
                    }
                }
                assertEquals(g.interrupt() ? 1 : 0, sim.peekLong(irq), "interrupt " + what);
            }
            assertTrue(unmapped > 10, "unmapped writes exercised: " + unmapped);
            System.out.printf("AXI4-Lite register file: 600 random operations in %d cycles, %d unmapped writes%n",
                    sim.cycle(), unmapped);
        }
    }

    private static void setInput(Simulation sim, Golden g, Register r, long v) {
        sim.poke("in_" + r.portName(), v);
        g.input.put(r.name(), v);
    }

    @Test
    void cHeaderCompilesAndAgreesWithTheMap() throws IOException, InterruptedException {
        RegisterMap map = testMap("vitgen_axil_regs_test");
        Path dir = Files.createDirectories(Path.of("target", "c-header"));
        Files.writeString(dir.resolve("regs.h"), map.cHeader());
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include \"regs.h\"\nint main(void) {\n");
        StringBuilder expect = new StringBuilder();
        for (Register r : map.registers()) {
            String p = "VITGEN_AXIL_REGS_TEST_" + r.name();
            c.append("  printf(\"%x %x %x %x\\n\", ").append(p).append("_OFFSET, ").append(p).append("_WIDTH, ")
                    .append(p).append("_MASK, ").append(p).append("_RESET);\n");
            expect.append(String.format("%x %x %x %x%n", r.offset(), r.width(), r.mask(), r.reset()));
        }
        c.append("  return 0;\n}\n");
        Files.writeString(dir.resolve("main.c"), c);
        Process cc = new ProcessBuilder("cc", "-std=c99", "-Wall", "-Werror", "-o", "regs", "main.c")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "the header compiles: " + ccOut);
        Process run = new ProcessBuilder(dir.resolve("regs").toAbsolutePath().toString()).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        run.waitFor(10, TimeUnit.SECONDS);
        assertEquals(expect.toString(), out);
    }
}
