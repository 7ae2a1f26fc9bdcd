package io.vitgen.hw.softmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.ModuleSpec;

/** The softmax and attention x V builders: parameters from a configuration, checks, rendering. */
class SoftmaxUnitTest {

    private static Config config(String... sets) {
        ConfigLoader l = new ConfigLoader();
        for (String s : sets) {
            l.set(s);
        }
        try {
            return l.load();
        } catch (io.vitgen.config.ConfigException e) {
            throw new AssertionError("test configuration rejected: " + e.getMessage(), e);
        }
    }

    @Test
    void defaultConfigurationGivesTheLinearUnitWithAnIterativeDivider() {
        SoftmaxUnit.Params p = SoftmaxUnit.params(ConfigLoader.defaults());
        // DeiT-Tiny: 197 keys over 4 lanes = 50 beats >= 32, one iterative division per row keeps up
        assertEquals(new SoftmaxUnit.Params(4, 1024, false, 8), p);
        assertEquals(256, p.maxBeats());
        assertEquals(8, p.laneOutBits());
        List<ModuleSpec> blocks = SoftmaxUnit.blocks(ConfigLoader.defaults());
        assertEquals(List.of(SoftmaxUnit.NAME), blocks.stream().map(ModuleSpec::name).toList());
    }

    @Test
    void shortRowsPerBeatSelectADividerBankOrThePipelinedDivider() {
        // 197 keys over 8 lanes = 25 beats: 2 dividers in turn; over 16 lanes = 13 beats: 3
        assertEquals(new SoftmaxUnit.Params(8, 1024, false, 8, false, 2),
                SoftmaxUnit.params(config("softmax.lanes=8")));
        assertEquals(3, SoftmaxUnit.params(config("softmax.lanes=16")).dividers());
        assertEquals(11, SoftmaxUnit.params(config("softmax.lanes=16")).minFullRateBeats());
        assertEquals(1, SoftmaxUnit.params(config("softmax.lanes=2")).dividers());
        // 13 tokens over 8 lanes = 2 beats would need 16 dividers: one pipelined divider instead
        SoftmaxUnit.Params tiny = SoftmaxUnit.params(config("model.preset=custom", "model.tokens=13",
                "model.channels=24", "model.heads=3", "model.mlp=7", "softmax.max.row=13", "softmax.lanes=8"));
        assertTrue(tiny.divPipelined());
        assertEquals(1, tiny.minFullRateBeats());
        assertThrows(IllegalArgumentException.class, () -> new SoftmaxUnit.Params(4, 64, false, 16, true, 2));
    }

    @Test
    void log2VariantBringsTheAttentionUnit() {
        Config c = config("softmax.variant=log2", "softmax.max.row=1024");
        SoftmaxUnit.Params p = SoftmaxUnit.params(c);
        assertTrue(p.log2());
        assertEquals(5, p.laneOutBits());
        List<ModuleSpec> blocks = SoftmaxUnit.blocks(c);
        assertEquals(List.of(SoftmaxUnit.NAME, AttnShiftUnit.NAME), blocks.stream().map(ModuleSpec::name).toList());
        AttnShiftUnit.Params a = AttnShiftUnit.params(c);
        // DeiT-Tiny head dim 64, 16 V lanes, 23 + clog2(1024) accumulator bits
        assertEquals(new AttnShiftUnit.Params(4, 16, 64, 33), a);
        assertEquals(4, a.groups());
        // the first output beat leaves before the last V beat (4 groups): the report must not say
        // "2 cycles from the last V beat"
        String latency = blocks.get(1).facts().get("latency");
        assertTrue(latency.contains("2 cycles after the last key's first V beat (before the row's last V beat)"),
                latency);
        assertTrue(latency.contains("the last output beat 2 cycles after the row's last V beat"), latency);
        assertTrue(Accelerator.blocks(c).stream().anyMatch(m -> m.name().equals(AttnShiftUnit.NAME)));
    }

    @Test
    void accumulatorBitsCoverTheLongestRow() {
        assertEquals(32, AttnShiftUnit.accBits(1));
        assertEquals(32, AttnShiftUnit.accBits(197));
        assertEquals(32, AttnShiftUnit.accBits(512));
        assertEquals(33, AttnShiftUnit.accBits(513));
        assertEquals(35, AttnShiftUnit.accBits(4096));
    }

    @Test
    void invalidParametersFailInTheBuilderWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxUnit.Params(0, 1024, false, 16));
        assertTrue(e.getMessage().contains("LANES = 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SoftmaxUnit.Params(4, 1024, false, 12));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AttnShiftUnit.Params(4, 16, 40, 32));
        assertTrue(e.getMessage().contains("HEAD_DIM = 40"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AttnShiftUnit.Params(4, 16, 64, 22));
        assertTrue(e.getMessage().contains("ACC_W = 22"), e.getMessage());
    }

    @Test
    void templatesRenderTheBuilderDefaults() {
        Map<String, String> files = Emitter.render(List.of(
                SoftmaxUnit.spec(new SoftmaxUnit.Params(2, 300, true, 16)),
                AttnShiftUnit.spec(new AttnShiftUnit.Params(2, 8, 64, 32))));
        String softmax = files.get("vitgen_softmax.v");
        assertTrue(softmax.contains("parameter integer LANES         = 2,"), softmax);
        assertTrue(softmax.contains("parameter integer MAX_ROW       = 300,"));
        assertTrue(softmax.contains("parameter integer OUT_MODE      = 1,"));
        assertTrue(files.get("vitgen_attn_shift.v").contains("parameter integer HEAD_DIM   = 64,"));
        for (String cell : List.of("vitgen_softmax_exp.v", "vitgen_softmax_log2code.v", "vitgen_reduce_tree.v",
                "vitgen_axis_fifo.v", "vitgen_axis_skid.v")) {
            assertTrue(files.containsKey(cell), cell);
        }
        // only the configured output's datapath and cell: no divider in the log2 unit
        assertFalse(files.containsKey("vitgen_divider.v"), files.keySet().toString());
        assertFalse(softmax.contains("vitgen_divider") || softmax.contains("gen_linear"), softmax);
        Map<String, String> linear = Emitter.render(List.of(SoftmaxUnit.spec(new SoftmaxUnit.Params(2, 300, false, 8))));
        assertTrue(linear.containsKey("vitgen_divider.v"), linear.keySet().toString());
        assertFalse(linear.containsKey("vitgen_softmax_log2code.v"), linear.keySet().toString());
        assertFalse(linear.get("vitgen_softmax.v").contains("vitgen_softmax_log2code")
                || linear.get("vitgen_softmax.v").contains("gen_log2"));
        assertTrue(linear.get("vitgen_softmax.v").contains("output wire                                                 status_row_cut"));
        List<String> texts = new java.util.ArrayList<>(files.values());
        texts.addAll(linear.values());
        for (String text : texts) {
            assertFalse(text.contains("$v") || text.contains("${") || text.contains("#if") || text.contains("#end"),
                    "no unrendered Velocity reference or directive");
        }
    }

    @Test
    void documentedLatencyAndBufferSizes() {
        SoftmaxUnit.Params lin = new SoftmaxUnit.Params(4, 1024, false, 16);
        SoftmaxUnit.Params log = new SoftmaxUnit.Params(4, 1024, true, 16);
        // B + 2 clog2(LANES) + 48 (linear: 32-cycle division) or + 18 (log2)
        assertEquals(50 + 52, SoftmaxUnit.latency(lin, 50));
        assertEquals(50 + 22, SoftmaxUnit.latency(log, 50));
        assertEquals(256 + 2 + 4, SoftmaxUnit.scoreDepth(lin));
        assertEquals(256 + 7 + 36 + 4, SoftmaxUnit.diffDepth(lin));
        assertEquals(256 + 7 + 3 + 4, SoftmaxUnit.diffDepth(log));
        assertEquals(35, SoftmaxUnit.fifoBits(lin));
        assertEquals(0, ReduceTree.latency(1));
        assertEquals(2, ReduceTree.latency(3));
        assertEquals(4, ReduceTree.latency(16));
    }
}
