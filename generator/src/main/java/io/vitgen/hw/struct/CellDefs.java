package io.vitgen.hw.struct;

import io.vitgen.hw.Cells;

/**
 * Interfaces of the generated stream cells, for instantiating them in a netlist. The port lists
 * mirror the cells' templates ({@code axis_skid.v.vm}, {@code axis_fifo.v.vm}); a mismatch shows as
 * a Verilator error in the builder's lint test.
 */
public final class CellDefs {

    private CellDefs() {
    }

    /** {@code vitgen_axis_skid}: parameter DATA_W, streams s_axis / m_axis with tlast. */
    public static ModuleDef skid() {
        return ModuleDef.of(Cells.skidBuffer())
                .param("DATA_W", 8)
                .input("aclk", 1)
                .input("aresetn", 1)
                .axisPorts("s_axis", true, Width.param("DATA_W"), true)
                .axisPorts("m_axis", false, Width.param("DATA_W"), true)
                .build();
    }

    /** {@code vitgen_axis_fifo}: parameters DATA_W and DEPTH, streams s_axis / m_axis with tlast. */
    public static ModuleDef fifo() {
        return ModuleDef.of(Cells.fifo())
                .param("DATA_W", 8)
                .param("DEPTH", 16)
                .input("aclk", 1)
                .input("aresetn", 1)
                .axisPorts("s_axis", true, Width.param("DATA_W"), true)
                .axisPorts("m_axis", false, Width.param("DATA_W"), true)
                .build();
    }
}
