package io.vitgen.hw.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.Command;
import io.vitgen.config.Config;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.struct.ModuleDef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LnormUnit / GeluUnit: parameter checks, children, the contract ports, attaching to the top. */
class RowUnitsTest {

    @Test
    void refusesLanesAndBeatsThatAreNotPowersOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LnormUnit.spec(3, 768, 16));
        assertEquals("LayerNorm unit lanes = 3 must be a power of two in 1..128", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GeluUnit.spec(true, 4, 768, 4));
        assertEquals("buffer beat bytes BB = 4 must be a power of two in 8..128", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GeluUnit.spec(false, 4, 1, 256));
        assertEquals("buffer beat bytes BB = 256 must be a power of two in 8..128", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LnormUnit.spec(4, 5000, 16));
    }

    @Test
    void childrenAreTheExistingBlocks() {
        ModuleSpec ln = LnormUnit.spec(4, 768, 16);
        assertEquals(List.of("vitgen_top_regroup", "vitgen_layernorm"), ln.children().stream().map(ModuleSpec::name).toList());
        ModuleSpec sg = GeluUnit.spec(new Config.Gelu("shiftgelu", 4, 3072, true), 16);
        assertEquals("vitgen_shiftgelu", sg.children().get(1).name());
        ModuleSpec ig = GeluUnit.spec(new Config.Gelu("igelu", 2, 3072, false), 8);
        assertEquals("vitgen_igelu", ig.children().get(1).name());
        assertTrue(ig.flatten().stream().anyMatch(m -> m.name().equals("vitgen_requant")), "int8 output whatever gelu.output says");
    }

    @Test
    void contractPorts() {
        ModuleDef d = LnormUnit.moduleDef(4, 768, 16);
        assertEquals(552, d.ports().get("cmd_tdata").width().of(d.params()));
        for (String p : List.of("x_rd_tdata", "t_rd_tdata", "o_wr_tdata")) {
            assertEquals(128, d.ports().get(p).width().of(d.params()), p);
        }
        assertEquals(16, d.ports().get("x_rd_tkeep").width().of(d.params()));
        ModuleDef g = GeluUnit.moduleDef(true, 1, 72, 8);
        assertEquals(64, g.ports().get("o_wr_tdata").width().of(g.params()));
        assertTrue(!g.ports().containsKey("t_rd_tdata"));
    }

    @Test
    void attachedToTheTop() {
        AcceleratorTop top = new AcceleratorTop(AcceleratorTop.Params.defaults("v"));
        LnormUnit.attach(top, 4, 768);
        GeluUnit.attach(top, false, 4, 1);
        assertTrue(top.supported().containsAll(List.of(Command.OP_LAYERNORM, Command.OP_GELU)));
        List<String> inst = top.netlist().spec().children().stream().map(ModuleSpec::name).toList();
        assertTrue(inst.contains("vitgen_top_lnorm") && inst.contains("vitgen_top_gelu"), inst.toString());
    }
}
