package io.vitgen.top;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.emit.Emitter;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiLiteMaster;
import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.SimOptions;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.VerilatedModel;

/**
 * The accelerator top ({@link AcceleratorTop}) in the harness: the AXI4 memory model on
 * {@code m_axi_mem}, an AXI4-Lite master on {@code s_axi_control}; {@link #run} loads an image,
 * programs the registers, starts and waits for the interrupt (a run that does not raise it within
 * the cycle budget fails: the top must never hang).
 */
final class TopRig implements AutoCloseable {

    private static final Map<String, VerilatedModel> MODELS = new HashMap<>();

    /** What a run left in the registers. */
    record Outcome(long status, long error, long errCmd, long cycles, Map<String, Long> counters) {
        boolean done() {
            return (status & 2) != 0;
        }

        boolean failed() {
            return (status & 4) != 0;
        }
    }

    static List<Path> emit(AcceleratorTop.Params p) {
        return emit(new AcceleratorTop(p));
    }

    /** Writes the top with its attached units into its own directory (named by its configuration). */
    static List<Path> emit(AcceleratorTop top) {
        AcceleratorTop.Params p = top.params();
        return Emitter.writeModules(List.of(top.netlist().spec()), Path.of("target", "cosim-rtl",
                p.topName() + "-" + p.dataW() + "-" + Integer.toHexString(key(top).hashCode())));
    }

    /**
     * What identifies a top's RTL: its parameters, its units and every module's template and
     * template variables (two tops whose units differ only inside a module's text, for example the
     * GELU variant, must not share a build).
     */
    private static String key(AcceleratorTop top) {
        StringBuilder sb = new StringBuilder(top.params() + " " + top.units());
        for (io.vitgen.hw.ModuleSpec m : top.netlist().spec().flatten()) {
            sb.append('|').append(m.name()).append(' ').append(m.template()).append(' ').append(m.vars());
        }
        return sb.toString();
    }

    static synchronized VerilatedModel model(AcceleratorTop top) {
        return model(top, List.of());
    }

    /** The model of a top whose units include modules vitgen does not generate ({@code extra} Verilog files). */
    static synchronized VerilatedModel model(AcceleratorTop top, List<Path> extra) {
        return MODELS.computeIfAbsent(key(top) + extra, k -> {
            List<Path> files = new java.util.ArrayList<>(emit(top));
            files.addAll(extra);
            return VerilatedModel.build(files, top.params().topName(), Map.of());
        });
    }

    final AcceleratorTop.Params params;
    final AcceleratorTop top;
    final Simulation sim;
    final AxiMemory mem;
    final AxiLiteMaster ctl;
    private final String irq;

    TopRig(AcceleratorTop.Params p, long seed, AxiMemory.Config cfg) {
        this(new AcceleratorTop(p), seed, cfg);
    }

    /** A top with attached compute units ({@link AcceleratorTop#attach}). */
    TopRig(AcceleratorTop top, long seed, AxiMemory.Config cfg) {
        this(top, List.of(), seed, cfg);
    }

    /** A top with attached units some of which come from {@code extra} Verilog files. */
    TopRig(AcceleratorTop top, List<Path> extra, long seed, AxiMemory.Config cfg) {
        this.top = top;
        this.params = top.params();
        VerilatedModel m = model(top, extra);
        this.sim = m.open(seed, SimOptions.randomInitialState());
        this.mem = sim.axiMemory("m_axi_mem", cfg);
        this.ctl = sim.axiLite("s_axi_control");
        this.irq = m.ports().stream().map(x -> x.name()).filter(n -> n.endsWith("interrupt")).findFirst()
                .orElseThrow(() -> new AssertionError("no interrupt port"));
        sim.reset(4);
    }

    @Override
    public void close() {
        sim.close();
    }

    /** Writes the image at {@code base}, sets the window and the command address, starts, waits. */
    Outcome run(byte[] image, long base, long cmdAddr, long windowBase, long windowSize, long maxCycles) {
        mem.load(base, image);
        return start(cmdAddr, windowBase, windowSize, maxCycles);
    }

    Outcome start(long cmdAddr, long windowBase, long windowSize, long maxCycles) {
        ok(ctl.write(0x04, 3));                                   // IRQ_ENABLE: done, error
        ok(ctl.write(0x08, 3));                                   // clear IRQ_STATUS
        ok(ctl.write(AcceleratorTop.REG_ERROR, 0x3F));            // clear sticky errors
        ok(ctl.write(AcceleratorTop.REG_CMD_ADDR, cmdAddr));
        ok(ctl.write(AcceleratorTop.REG_IMG_BASE, windowBase));
        ok(ctl.write(AcceleratorTop.REG_IMG_SIZE, windowSize));
        if (sim.peekLong(irq) != 0) {
            throw new AssertionError("interrupt still high after clearing IRQ_STATUS");
        }
        long t0 = sim.cycle();
        ok(ctl.write(AcceleratorTop.REG_CONTROL, 1));
        while (sim.peekLong(irq) == 0) {
            if (sim.cycle() - t0 > maxCycles) {
                throw new AssertionError("the top did not raise its interrupt within " + maxCycles
                        + " cycles (STATUS = " + ctl.readOk(AcceleratorTop.REG_STATUS) + ", seed " + sim.seed() + ")");
            }
            sim.run(256);                                       // CYC_TOTAL gives the exact count
        }
        long cycles = sim.cycle() - t0;
        Map<String, Long> cnt = new HashMap<>();
        String[] names = {"total", "array", "load", "store", "softmax", "lnorm", "gelu", "fetch", "stall", "commands"};
        for (int i = 0; i < names.length; i++) {
            cnt.put(names[i], ctl.readOk(AcceleratorTop.REG_CYC_TOTAL + 4L * i));
        }
        return new Outcome(ctl.readOk(AcceleratorTop.REG_STATUS), ctl.readOk(AcceleratorTop.REG_ERROR),
                ctl.readOk(AcceleratorTop.REG_ERR_CMD), cycles, cnt);
    }

    private static void ok(int resp) {
        if (resp != AxiLiteMaster.OKAY) {
            throw new AssertionError("AXI4-Lite write answered " + resp);
        }
    }
}
