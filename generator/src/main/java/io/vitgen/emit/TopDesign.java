package io.vitgen.emit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.config.Config;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.gelu.GeluUnit;
import io.vitgen.hw.layernorm.LayerNormUnit;
import io.vitgen.hw.softmax.SoftmaxUnit;
import io.vitgen.hw.struct.Netlist;
import io.vitgen.hw.top.AcceleratorTop;

/**
 * What {@code vitgen generate} emits for a configuration: the accelerator top
 * ({@link AcceleratorTop#netlist}, the only top of {@code filelist.f}) and the verified blocks that
 * are not inside it yet ({@code rtl/blocks/}, {@code blocks.f}). A block counts as inside the top
 * when the top runs its command ({@link AcceleratorTop#supported()}) or its module is part of the
 * top's hierarchy, so the blocks move into the top as soon as their units are attached.
 */
public record TopDesign(AcceleratorTop accel, Netlist top, List<ModuleSpec> blocks, ModelKit model) {

    /** A design without a user's model: the kit runs one seeded layer of the configured shape. */
    public TopDesign(AcceleratorTop accel, Netlist top, List<ModuleSpec> blocks) {
        this(accel, top, blocks, null);
    }

    /** The top's generation parameters. */
    public AcceleratorTop.Params params() {
        return accel.params();
    }

    /** Module names of every module below the top, the top last. */
    public List<String> topModules() {
        List<String> out = new ArrayList<>();
        for (ModuleSpec m : top.spec().flatten()) {
            if (!out.contains(m.name())) {
                out.add(m.name());
            }
        }
        return out;
    }

    /**
     * The top's generation parameters from the configuration: the design name in lower case (the
     * top's module names derive from it: {@code <name>_top}, {@code <name>_top_regs}), the memory
     * port width {@code max(64, target.mem.bits)} (the DMA's narrowest data path), the seven buffer
     * spaces sized for the configured model ({@link BufferPlan#forModel}, so that a layer's
     * activations stay on chip and the compiler's program for the model runs on the top), and the
     * top's default queue depth and bursts in flight.
     */
    public static AcceleratorTop.Params params(Config c) {
        return top(c).params();
    }

    /**
     * The generated top with its compute units ({@link AcceleratorTop#forConfig}: GEMM, softmax,
     * LayerNorm and GELU attached for the configured array, variants and limits).
     */
    public static AcceleratorTop top(Config c) {
        return AcceleratorTop.forConfig(c, BufferPlan.forModel(c));
    }

    /** The top's memory data width: target.mem.bits, at least 64. */
    public static int memBits(Config c) {
        return Math.max(64, Integer.parseInt(c.values().getOrDefault("target.mem.bits", "128")));
    }

    /** The design of configuration {@code c}. */
    public static TopDesign of(Config c) {
        return of(c, null);
    }

    /**
     * The design of configuration {@code c} whose simulation kit runs {@code model} (null: one
     * seeded layer of the configured shape): the top is then the one sized for the model's compiled
     * program ({@link AcceleratorTop#forProgram}: its buffers, and GEMM tile memories for the patch
     * embedding's K), so {@code filelist.f} and {@code rtl/} are the top the kit runs.
     */
    public static TopDesign of(Config c, ModelKit model) {
        AcceleratorTop accel = model == null ? top(c) : AcceleratorTop.forProgram(c, model.program());
        Netlist top = accel.netlist();
        Set<Integer> runs = accel.supported();
        Set<String> inside = new HashSet<>();
        for (ModuleSpec m : top.spec().flatten()) {
            inside.add(m.name());
        }
        List<ModuleSpec> blocks = new ArrayList<>();
        outside(blocks, inside, runs, Command.OP_GEMM, List.of(MacArray.gemm(c)));
        outside(blocks, inside, runs, Command.OP_SOFTMAX, SoftmaxUnit.blocks(c));
        outside(blocks, inside, runs, Command.OP_LAYERNORM, List.of(LayerNormUnit.spec(c.layerNorm())));
        outside(blocks, inside, runs, Command.OP_GELU, List.of(GeluUnit.of(c.gelu())));
        return new TopDesign(accel, top, List.copyOf(blocks), model);
    }

    private static void outside(List<ModuleSpec> out, Set<String> inside, Set<Integer> runs, int opcode,
            List<ModuleSpec> specs) {
        if (runs.contains(opcode)) {
            return;
        }
        for (ModuleSpec s : specs) {
            if (!inside.contains(s.name())) {
                out.add(s);
            }
        }
    }
}
