package io.vitgen.hw.struct;

import io.vitgen.hw.gelu.ShiftGeluUnit;
import io.vitgen.hw.layernorm.LayerNormGeometry;
import io.vitgen.hw.layernorm.LayerNormUnit;

/**
 * Interfaces of the generated compute units, for instantiating them in a netlist. Their widths
 * are fixed when the unit is generated (the modules' LANES / MAX_* parameters only document them),
 * so each definition is made for one generated unit and instantiated with its defaults. The port
 * lists mirror the templates; a mismatch shows as a Verilator error in the builder's tests.
 */
public final class UnitDefs {

    private UnitDefs() {
    }

    /** {@code vitgen_layernorm} for lanes, maximum channels and int8 or raw output. */
    public static ModuleDef layerNorm(int lanes, int maxChannels, boolean int8) {
        LayerNormGeometry g = LayerNormUnit.geometry(lanes, maxChannels, int8);
        return ModuleDef.of(LayerNormUnit.spec(lanes, maxChannels, int8))
                .param("LANES", lanes)
                .param("MAX_C", maxChannels)
                .input("aclk", 1)
                .input("aresetn", 1)
                .axisPorts("s_axis_param", true, Width.fixed(g.paramMsb() + 1), true)
                .input("s_axis_tdata", lanes * LayerNormUnit.IN_BITS)
                .input("s_axis_tkeep", lanes)
                .input("s_axis_tlast", 1)
                .input("s_axis_tvalid", 1)
                .output("s_axis_tready", 1)
                .output("m_axis_tdata", lanes * g.outW())
                .output("m_axis_tkeep", lanes)
                .output("m_axis_tlast", 1)
                .output("m_axis_tvalid", 1)
                .input("m_axis_tready", 1)
                .output("status_length_error", 1)
                .build();
    }

    /** {@code vitgen_shiftgelu} for lanes, maximum row and int8 or int16 output. */
    public static ModuleDef shiftGelu(int lanes, int maxRow, boolean int8) {
        ModuleDef.Builder b = ModuleDef.of(ShiftGeluUnit.spec(lanes, maxRow, int8))
                .param("LANES", lanes)
                .param("MAX_ROW", maxRow)
                .input("aclk", 1)
                .input("aresetn", 1)
                .input("cfg_x", 7);
        if (int8) {
            b.input("cfg_m", 32).input("cfg_k", 6);
        }
        return b.input("s_axis_tdata", lanes * 8)
                .input("s_axis_tkeep", lanes)
                .input("s_axis_tlast", 1)
                .input("s_axis_tvalid", 1)
                .output("s_axis_tready", 1)
                .output("m_axis_tdata", lanes * (int8 ? 8 : 16))
                .output("m_axis_tkeep", lanes)
                .output("m_axis_tlast", 1)
                .output("m_axis_tvalid", 1)
                .input("m_axis_tready", 1)
                .output("status_length_error", 1)
                .build();
    }
}
