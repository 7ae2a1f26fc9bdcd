package io.vitgen.hw.softmax;

import io.vitgen.hw.Cells;
import io.vitgen.hw.ModuleSpec;

/**
 * The generic cell {@code vitgen_reduce_tree}: a pipelined balanced tree that reduces the lanes
 * of a beat to their unsigned sum or signed maximum, one register level per tree level, with a
 * valid bit and a side-band word carried alongside. Widths are Verilog parameters set at each
 * instance (the softmax unit uses it for the row maximum and the exponential sum; LayerNorm or
 * GELU can use it for their row sums and maxima).
 */
public final class ReduceTree {

    /** Operator codes of the {@code OP} parameter. */
    public static final int OP_SUM = 0;
    public static final int OP_MAX = 1;

    /** Template variables of {@code reduce_tree.v.vm}: the parameter defaults. */
    public record Vars(int lanes, int inW, int outW, int op, int sideW) {
    }

    private ReduceTree() {
    }

    public static ModuleSpec spec() {
        return ModuleSpec.builder("vitgen_reduce_tree")
                .template("reduce_tree.v.vm")
                .vars(new Vars(4, 8, 8, OP_MAX, 1))
                .summary("Pipelined lane reduction (unsigned sum or signed maximum), one register per tree level")
                .fact("latency", "clog2(LANES) enabled cycles")
                .fact("throughput", "1 beat per cycle")
                .build();
    }

    /** Register levels of a tree over {@code lanes} lanes: clog2(lanes), 0 for one lane. */
    public static int latency(int lanes) {
        Cells.checkWidth("reduce tree LANES", lanes, 1, 256);
        return 32 - Integer.numberOfLeadingZeros(lanes - 1);
    }
}
