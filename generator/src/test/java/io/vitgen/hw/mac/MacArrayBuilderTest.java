package io.vitgen.hw.mac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitgen.config.Config;
import io.vitgen.config.ConfigException;
import io.vitgen.config.ConfigLoader;
import io.vitgen.emit.Emitter;
import io.vitgen.hw.Accelerator;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.ModuleSpec;

/** Generation-time checks of the GEMM engine and its place in the design. */
class MacArrayBuilderTest {

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void shapeRejectsOutOfRangeValuesNamingThem() {
        assertTrue(message(() -> new MacArray.Shape(0, 4, 8, 8, 32, 8)).contains("rows = 0"));
        assertTrue(message(() -> new MacArray.Shape(4, 65, 8, 8, 32, 8)).contains("cols = 65"));
        assertTrue(message(() -> new MacArray.Shape(4, 4, 6, 8, 32, 8)).contains("activation bits = 6"));
        assertTrue(message(() -> new MacArray.Shape(4, 4, 8, 2, 32, 8)).contains("weight bits = 2"));
        assertTrue(message(() -> new MacArray.Shape(4, 4, 8, 8, 15, 8)).contains("accumulator of 15 bits"));
        assertTrue(message(() -> new MacArray.Shape(4, 4, 8, 8, 32, 33)).contains("output bits = 33"));
        assertEquals(33, new MacArray.Shape(4, 4, 8, 8, 32, 8).sumW());
        assertEquals(64, new MacArray.Shape(4, 4, 8, 8, 22, 8).maxK());
        // K limit: K * 2^(A_W+W_W-2) <= 2^(ACC_W-1) - 1
        assertEquals(127L, new MacArray.Shape(4, 4, 8, 8, 22, 8).kLimit());
        assertEquals(1L, new MacArray.Shape(4, 4, 8, 8, 16, 8).kLimit());
        assertEquals((1L << 21) - 1, new MacArray.Shape(4, 4, 4, 8, 32, 8).kLimit());
        assertEquals(MacArray.K_LIMIT_CAP, new MacArray.Shape(4, 4, 8, 8, 47, 8).kLimit());
        assertEquals(MacArray.K_LIMIT_CAP, new MacArray.Shape(4, 4, 8, 8, 48, 8).kLimit());
        assertEquals(MacArray.K_LIMIT_CAP, new MacArray.Shape(4, 4, 4, 4, 48, 8).kLimit());
        assertTrue(message(() -> new MacArray.Shape(4, 5, 8, 8, 32, 8, true)).contains("cols = 5 must be even"));
        assertTrue(message(() -> new MacArray.Shape(4, 4, 8, 4, 32, 8, true)).contains("8-bit activations and weights"));
        // wavefront drain: max(C' + 2, R ceil(C / L)) with C' = 8 cells and one lane per column
        assertEquals(16, new MacArray.Shape(16, 16, 8, 8, 32, 8, true).backToBackK());
        assertEquals(66, new MacArray.Shape(8, 64, 8, 8, 32, 8).backToBackK());   // unpacked 64 columns: C + 2
    }

    @Test
    void requantizerLanes() {
        MacArray.Shape full = new MacArray.Shape(16, 16, 8, 8, 32, 8);
        assertEquals(16, full.reqLanes());
        assertEquals(1, full.reqBeats());
        assertEquals(18, full.backToBackK());          // the drain: C + 2
        assertEquals(16 + 12 + 1 + 1 + 1, full.latency());    // + the drain group register + the PE's shadow stage
        MacArray.Shape four = full.withReqLanes(4);
        assertEquals(4, four.reqBeats());
        assertEquals(64, four.backToBackK());        // the requantizer: 16 rows x 4 beats
        assertEquals(16 + 12 + 4 + 2, four.latency());
        assertEquals(4 + 12 + 1 + 1, new MacArray.Shape(4, 4, 8, 8, 32, 8).latency());
        assertEquals(2 + 12 + 1, new MacArray.Shape(4, 4, 8, 8, 32, 8, true).latency());   // int8x2 cells: no shadow stage
        assertEquals(16, four.requantDsps());
        assertEquals(4L, four.parameters().get("REQ_LANES"));
        assertEquals(32, full.withReqLanes(8).backToBackK());   // 16 x 2 = 32 > C + 2 = 18
        assertEquals(4, full.withReqLanes(5).reqBeats());        // 5 + 5 + 5 + 1 (padded)
        assertEquals(32, new MacArray.Shape(16, 16, 8, 8, 32, 8, true, 8).backToBackK());
        assertTrue(message(() -> full.withReqLanes(0)).contains("requantizer lanes = 0"));
        assertTrue(message(() -> full.withReqLanes(17)).contains("requantizer lanes = 17 is out of range [1, cols = 16]"));
    }

    @Test
    void requantizerLanesComeFromTheConfiguration() throws Exception {
        assertEquals(4, MacArray.shape(ConfigLoader.defaults()).reqLanes());
        assertEquals(16, MacArray.shape(new ConfigLoader().set("mac.requant.lanes=16").load()).reqLanes());
        // at most mac.cols lanes are used
        assertEquals(2, MacArray.shape(new ConfigLoader().set("mac.cols=2").load()).reqLanes());
        ConfigException zero = assertThrows(ConfigException.class,
                () -> new ConfigLoader().set("mac.requant.lanes=0").load());
        assertTrue(zero.getMessage().contains("mac.requant.lanes"), zero.getMessage());
        String facts = MacArray.gemm(ConfigLoader.defaults()).facts().toString();
        assertTrue(facts.contains("tiles back to back when K >= 64"), facts);
        assertTrue(facts.contains("4 lanes (16 DSP48E2)"), facts);
    }

    @Test
    void configurationErrorsAreClear() {
        ConfigException ws = assertThrows(ConfigException.class,
                () -> new ConfigLoader().set("mac.dataflow=weight-stationary").load());
        assertTrue(ws.getMessage().contains("mac.dataflow=weight-stationary is not implemented yet"), ws.getMessage());
        ConfigException packing = assertThrows(ConfigException.class,
                () -> new ConfigLoader().set("mac.dsp.packing=int8x2").set("mac.cols=15").load());
        assertTrue(packing.getMessage().contains("mac.cols=15 must be even"), packing.getMessage());
        ConfigException packing4 = assertThrows(ConfigException.class,
                () -> new ConfigLoader().set("mac.dsp.packing=int8x2").set("quant.weight.bits=4").load());
        assertTrue(packing4.getMessage().contains("needs quant.act.bits=8"), packing4.getMessage());
        ConfigException narrow = assertThrows(ConfigException.class,
                () -> new ConfigLoader().set("quant.acc.bits=25").load());
        assertTrue(narrow.getMessage().contains("quant.acc.bits=25 is too narrow"), narrow.getMessage());
        ConfigException big = assertThrows(ConfigException.class, () -> new ConfigLoader().set("mac.rows=65").load());
        assertTrue(big.getMessage().contains("mac.rows"), big.getMessage());
    }

    @Test
    void packingIsConfigurable() throws Exception {
        Config config = new ConfigLoader().set("mac.dsp.packing=int8x2").set("mac.cols=6").load();
        MacArray.Shape s = MacArray.shape(config);
        assertTrue(s.packInt8x2());
        assertFalse(s.parameters().containsKey("PACK_INT8X2"), "packing is fixed in the text, not a parameter");
        ModuleSpec gemm = MacArray.gemm(config);
        String text = Emitter.render(List.of(gemm)).get("vitgen_mac_array.v");
        assertTrue(text.contains("localparam integer PACK_INT8X2 = 1;"), "packing printed at generation time");
        assertTrue(text.contains("vitgen_mac_pe_int8x2 #(") && !text.contains("vitgen_mac_pe #("), "only the pair cell");
        List<String> modules = gemm.flatten().stream().map(ModuleSpec::name).toList();
        assertTrue(modules.contains("vitgen_mac_pe_int8x2") && !modules.contains("vitgen_mac_pe"), modules.toString());
    }

    @Test
    void theConfiguredEngineIsPartOfTheDesignAndSynthesized() throws Exception {
        Config config = new ConfigLoader().set("mac.rows=8").set("mac.cols=12").set("quant.act.bits=4").load();
        MacArray.Shape s = MacArray.shape(config);
        assertEquals(Map.of("ROWS", 8L, "COLS", 12L, "A_W", 4L, "W_W", 8L, "ACC_W", 32L, "OUT_W", 4L,
                "K_MAX", (1L << 21) - 1, "REQ_LANES", 4L), s.parameters());
        ModuleSpec gemm = Accelerator.blocks(config).stream().filter(b -> b.name().equals("vitgen_mac_gemm"))
                .findFirst().orElseThrow();
        assertTrue(gemm.synthesize());
        String text = Emitter.render(List.of(gemm)).get("vitgen_mac_gemm.v");
        assertTrue(text.contains("parameter integer ROWS  = 8,") && text.contains("parameter integer COLS  = 12,"),
                "configured parameter defaults");
        assertTrue(text.contains("parameter integer K_MAX = 2097151"), "K limit from ACC_W, A_W, W_W");
        assertTrue(text.contains("output wire                  err_k_overflow"), "K-limit error port");
        List<String> modules = gemm.flatten().stream().map(ModuleSpec::name).toList();
        assertTrue(modules.containsAll(List.of("vitgen_mac_pe", "vitgen_mac_array", "vitgen_requant",
                "vitgen_requant_scale", "vitgen_axis_skid")), modules.toString());
        assertFalse(modules.contains("vitgen_mac_pe_int8x2"), "mac.dsp.packing=none emits no pair cell: " + modules);
        String array = Emitter.render(List.of(gemm)).get("vitgen_mac_array.v");
        assertTrue(array.contains("localparam integer PACK_INT8X2 = 0;") && !array.contains("vitgen_mac_pe_int8x2 #("),
                "only the single cell is instantiated");
    }
}
