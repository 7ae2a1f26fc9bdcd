package io.vitgen.hw.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.Command;
import io.vitgen.compile.Unit;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.ModuleSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The top's softmax unit builder: choices from a configuration, checks, rendering, attaching. */
class SoftmaxUnitTest {

    private static Config config(String... sets) {
        ConfigLoader l = new ConfigLoader();
        for (String s : sets) {
            l.set(s);
        }
        try {
            return l.load();
        } catch (ConfigException e) {
            throw new AssertionError("test configuration rejected: " + e.getMessage(), e);
        }
    }

    @Test
    void defaultConfigurationGivesALinearUnitRunningB8() {
        SoftmaxUnit.Params p = SoftmaxUnit.params(ConfigLoader.defaults(), 16);
        assertEquals(16, p.bb());
        assertEquals(4, p.softmax().lanes());
        assertNull(p.attn());
        assertEquals(List.of(8), p.linearBits());
        assertEquals(Set.of(Command.OP_SOFTMAX), SoftmaxUnit.opcodes(p));
        assertEquals(List.of("x"), SoftmaxUnit.readChannels(p));
        assertEquals(50, SoftmaxUnit.cyclesPerSoftmaxRow(p, 197));
        SoftmaxUnit.Params b16 = SoftmaxUnit.params(config("softmax.out.bits=16"), 16);
        assertEquals(List.of(8, 16), b16.linearBits());
    }

    @Test
    void log2VariantAddsAttentionTimesVForTheModelsHeadWidth() {
        SoftmaxUnit.Params p = SoftmaxUnit.params(config("softmax.variant=log2"), 16);
        assertEquals(64, p.attn().headDim());
        assertEquals(16, p.attn().vLanes());
        assertEquals(4, p.attn().codeLanes());
        // at the defaults the attention block is the standalone one (one text for vitgen_attn_shift)
        assertEquals(io.vitgen.hw.softmax.AttnShiftUnit.params(config("softmax.variant=log2")), p.attn());
        assertEquals(33, p.attn().accW());
        assertEquals(Set.of(Command.OP_SOFTMAX, Command.OP_ATTNV), SoftmaxUnit.opcodes(p));
        assertEquals(List.of("x", "v"), SoftmaxUnit.readChannels(p));
        assertEquals(197 * 4, SoftmaxUnit.cyclesPerAttnRow(p, 197));
        // V_LANES: the largest power of two dividing the head width, at most min(BB, 16)
        assertEquals(8, SoftmaxUnit.vLanes(40, 16));
        assertEquals(8, SoftmaxUnit.vLanes(64, 8));
        assertEquals(1, SoftmaxUnit.vLanes(13, 16));
        SoftmaxUnit.Params narrow = SoftmaxUnit.params(config("softmax.variant=log2"), 8);
        assertEquals(8, narrow.attn().vLanes());
        assertEquals(4, narrow.attn().codeLanes());
    }

    @Test
    void refusesWhatTheUnitCannotCarry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SoftmaxUnit.params(config("softmax.lanes=16"), 8));
        assertTrue(e.getMessage().contains("softmax.lanes = 16 exceeds the buffer beat of 8 bytes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxUnit.params(12, 4, 256, false, 16, 64, 197));
        assertTrue(e.getMessage().contains("BB = 12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SoftmaxUnit.attach(
                new AcceleratorTop(AcceleratorTop.Params.defaults("v")), SoftmaxUnit.params(8, 4, 256, false, 16, 64, 197)));
        assertTrue(e.getMessage().contains("BB = 8 but the top's buffer beat is 16 bytes"), e.getMessage());
    }

    @Test
    void rendersBothVariantsWithTheirChildren() {
        for (boolean log2 : new boolean[] {false, true}) {
            SoftmaxUnit.Params p = SoftmaxUnit.params(16, 4, 1024, log2, 16, 64, 197);
            ModuleSpec spec = SoftmaxUnit.spec(p);
            List<String> names = spec.flatten().stream().map(ModuleSpec::name).toList();
            assertTrue(names.containsAll(List.of("vitgen_top_softmax", "vitgen_softmax", SoftmaxUnit.SPLIT, SoftmaxUnit.PACK)),
                    names.toString());
            assertEquals(log2, names.contains("vitgen_attn_shift"), names.toString());
            assertEquals(log2, names.contains("vitgen_requant"), names.toString());
            String v = Emitter.render(List.of(spec)).get("vitgen_top_softmax.v");
            assertTrue(v.contains("module vitgen_top_softmax"), "rendered");
            assertEquals(log2, v.contains("v_rd_desc_tdata"), "v channel only with log2");
            assertTrue(v.contains("docs/arithmetic.md section " + (log2 ? "4" : "3")), "cites the arithmetic");
        }
    }

    @Test
    void attachesToTheTopWithOneCall() {
        AcceleratorTop top = new AcceleratorTop(AcceleratorTop.Params.defaults("v")).attachSoftmax(config("softmax.variant=log2"));
        AcceleratorTop.Attached a = top.units().get(Unit.SOFTMAX);
        assertEquals("vitgen_top_softmax", a.def().name());
        assertEquals(List.of("x", "v"), a.reads());
        assertEquals(List.of("o"), a.writes());
        assertTrue(top.supported().containsAll(Set.of(Command.OP_SOFTMAX, Command.OP_ATTNV)));
        assertTrue(top.netlist().spec().flatten().stream().anyMatch(m -> m.name().equals("vitgen_top_softmax")));
    }
}
