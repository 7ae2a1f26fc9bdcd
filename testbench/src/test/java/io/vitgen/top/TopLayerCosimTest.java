package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.GoldenCheck;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.MemoryImage;
import io.vitgen.compile.Program;
import io.vitgen.compile.Unit;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
import io.vitgen.estimate.StreamCosts;
import io.vitgen.estimate.StreamTiming;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;
import org.junit.jupiter.api.Test;

/**
 * Whole encoder layers through the generated accelerator top ({@link AcceleratorTop#forConfig}:
 * every compute unit attached): the compiled stream, weights, constants and input are written into
 * the AXI memory model, the top is started over AXI4-Lite and runs to its interrupt, and the output
 * region must equal the golden layer ({@link EncoderLayer#forward}) in every token and channel.
 */
class TopLayerCosimTest {

    static final ModelShape ODD = new ModelShape(13, 40, 5, 72);

    static Config config(ModelShape s, EncoderLayer.SoftmaxMode mode, int bits, EncoderLayer.GeluMode gelu,
            String... extra) {
        Map<String, String> m = new HashMap<>(Map.of("model.preset", "custom", "model.tokens", "" + s.tokens(),
                "model.channels", "" + s.channels(), "model.heads", "" + s.heads(), "model.mlp", "" + s.mlp(),
                "softmax.variant", mode == EncoderLayer.SoftmaxMode.LOG2 ? "log2" : "shiftmax",
                "gelu.variant", gelu == EncoderLayer.GeluMode.IGELU ? "igelu" : "shiftgelu"));
        if (mode == EncoderLayer.SoftmaxMode.SHIFTMAX) {
            m.put("softmax.out.bits", "" + bits);
        }
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
            if (kv.startsWith("model.preset=")) {
                m.keySet().removeAll(List.of("model.tokens", "model.channels", "model.heads", "model.mlp"));
            }
        }
        try {
            return new ConfigLoader().warnings(w -> { }).setAll(m).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one layer run measured. */
    record Run(long cycles, Map<String, Long> counters, int commands, long usefulMacs, double wallSeconds, Program program) {
        double macUtilisation(int macs) {
            return usefulMacs / ((double) macs * counters.get("total"));
        }
    }

    /** Useful MACs of one encoder layer (the six GEMMs; attention per head). */
    static long layerMacs(ModelShape s) {
        long n = s.tokens();
        long c = s.channels();
        long d = c / s.heads();
        return n * c * 3 * c + s.heads() * (n * d * n + n * n * d) + n * c * c + 2 * n * c * s.mlp();
    }

    static Run runLayer(ModelShape shape, long seed, EncoderLayer.SoftmaxMode mode, int bits,
            EncoderLayer.GeluMode gelu, Config cfg, AxiMemory.Config mem) {
        return runLayer(shape, seed, mode, bits, gelu, cfg, mem, false, null);
    }

    /**
     * One layer through the top. With {@code probes} every intermediate tensor is also stored to
     * memory ({@link LayerCompiler#compileStoringProbes}) and a difference is named by tensor, token
     * and channel ({@link GoldenCheck}); {@code corrupt}, when given, changes the image before the run.
     */
    static Run runLayer(ModelShape shape, long seed, EncoderLayer.SoftmaxMode mode, int bits,
            EncoderLayer.GeluMode gelu, Config cfg, AxiMemory.Config mem, boolean probes,
            java.util.function.BiConsumer<Program, byte[]> corrupt) {
        EncoderLayer.Calibrated cal = EncoderLayer.random(shape, seed, mode, bits, gelu);
        List<IntEncoderLayer> ints = List.of(IntEncoderLayer.of(cal.layer()));
        // compile.batch: image b's input is another calibration's (same shape, seed + 1000 b) through this layer
        int batch = BufferPlan.batch(cfg);
        List<long[][]> inputs = new java.util.ArrayList<>();
        inputs.add(cal.input());
        for (int b = 1; b < batch; b++) {
            inputs.add(EncoderLayer.random(shape, seed + 1000L * b, mode, bits, gelu).input());
        }
        Program p = batch > 1 ? LayerCompiler.compileBatch(ints, inputs, cfg, BufferPlan.forShape(shape,
                        BufferPlan.rowBlock(cfg), mode == EncoderLayer.SoftmaxMode.SHIFTMAX && bits == 16 ? 2 : 1, batch), probes)
                : probes ? LayerCompiler.compileStoringProbes(ints, cal.input(), cfg)
                : LayerCompiler.compile(ints, cal.input(), cfg);
        AcceleratorTop top = AcceleratorTop.forProgram(cfg, p);
        top.requireRunnable(p.commands(), p.labels());
        byte[] img = p.image().toBytes();
        if (corrupt != null) {
            corrupt.accept(p, img);
        }
        String what = (batch > 1 ? "batch " + batch + " " : "") + shape + " " + mode + (mode == EncoderLayer.SoftmaxMode.SHIFTMAX ? " b=" + bits : "") + " " + gelu
                + " seed " + seed;
        try (TopRig rig = new TopRig(top, seed, mem)) {
            long t0 = System.nanoTime();
            TopRig.Outcome o = rig.run(img, 0, p.image().region("commands").addr(), 0, img.length, 40_000_000);
            double wall = (System.nanoTime() - t0) / 1e9;
            assertTrue(o.done() && !o.failed(), what + ": STATUS " + o.status() + ", ERROR " + o.error() + " at command #"
                    + o.errCmd() + (o.errCmd() < p.labels().size() ? " (" + p.labels().get((int) o.errCmd()) + ")" : ""));
            assertEquals(0, o.error(), what + ": ERROR register");
            assertEquals(p.commands().size(), o.counters().get("commands"), what + ": CMD_DONE");
            byte[] dram = rig.mem.dump(0, img.length);
            if (probes) {
                Optional<String> d = GoldenCheck.firstMismatch(List.of(cal.layer()), inputs, p,
                        new Interpreter.Run(dram, p.storedTensors(dram), null));
                if (d.isPresent()) {
                    fail(what + ": " + d.get());
                }
            }
            for (int b = 0; b < batch; b++) {
                long[][] want = cal.layer().forward(inputs.get(b));
                MemoryImage.Region out = p.outputs().get(b);
                long[][] got = MemoryImage.read(dram, out);
                for (int t = 0; t < want.length; t++) {
                    for (int ch = 0; ch < want[t].length; ch++) {
                        if (got[t][ch] != want[t][ch]) {
                            fail(what + ": " + (batch > 1 ? "image " + b + "'s " : "") + "layer output differs first at"
                                    + " token " + t + ", channel " + ch + ": expected " + want[t][ch] + ", got " + got[t][ch]);
                        }
                    }
                }
            }
            return new Run(o.counters().get("total"), o.counters(), p.commands().size(), batch * layerMacs(shape), wall, p);
        }
    }

    /**
     * The odd shape (13 tokens, 40 channels, 5 heads of 5, MLP 72: multiples of nothing) on three
     * tops that together cover both softmax variants (Shiftmax b = 16 and b = 8, log2 with
     * attention x V by shifts), both GELU variants, an int8x2-packed and a non-square array, fixed
     * and random memory latency with stalls.
     */
    @Test
    void oddShapeEverySoftmaxAndGeluVariant() {
        long seed = Seeds.of("TopLayerCosimTest", 13);
        Object[][] cases = {
            {EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, AxiMemory.Config.fixed(8),
                new String[] {"mac.rows=4", "mac.cols=4"}},
            {EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.IGELU, AxiMemory.Config.random(1, 40, 600),
                new String[] {"mac.rows=4", "mac.cols=8", "mac.dsp.packing=int8x2", "softmax.lanes=1", "gelu.lanes=2"}},
            {EncoderLayer.SoftmaxMode.LOG2, 16, EncoderLayer.GeluMode.IGELU, AxiMemory.Config.random(20, 100, 500),
                new String[] {"mac.rows=8", "mac.cols=4", "layernorm.lanes=1", "target.mem.bits=64"}},
        };
        int i = 0;
        for (Object[] c : cases) {
            EncoderLayer.SoftmaxMode mode = (EncoderLayer.SoftmaxMode) c[0];
            int bits = (Integer) c[1];
            EncoderLayer.GeluMode g = (EncoderLayer.GeluMode) c[2];
            Config cfg = config(ODD, mode, bits, g, (String[]) c[4]);
            Run r = runLayer(ODD, seed + i, mode, bits, g, cfg, (AxiMemory.Config) c[3], true, null);
            System.out.printf("odd layer %s b=%d %s %s: %d commands, %d cycles, array %d, %.2f s%n", mode, bits, g,
                    String.join(" ", (String[]) c[4]), r.commands(), r.cycles(), r.counters().get("array"), r.wallSeconds());
            i++;
        }
    }

    /**
     * Memory ports wider than the tests above (BB = 32 and 64 bytes: a buffer word wider than most
     * rows of this layer, the fetch's nine command words in one beat and a bit): a small layer on a
     * 256-bit top and on a 512-bit top with an int8x2 array, every intermediate tensor compared.
     */
    @Test
    void widePorts256And512Bits() {
        ModelShape s = new ModelShape(8, 32, 2, 64);
        Object[][] cases = {
            {AxiMemory.Config.fixed(8), new String[] {"mac.rows=4", "mac.cols=4", "target.mem.bits=256"}},
            {AxiMemory.Config.random(1, 40, 600),
                new String[] {"mac.rows=4", "mac.cols=8", "mac.dsp.packing=int8x2", "target.mem.bits=512"}},
        };
        for (Object[] c : cases) {
            Config cfg = config(s, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, (String[]) c[1]);
            Run r = runLayer(s, 1, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, cfg,
                    (AxiMemory.Config) c[0], true, null);
            System.out.printf("wide port layer %s %s: %d commands, %d cycles, LOAD %d, STORE %d, %.2f s%n", s,
                    String.join(" ", (String[]) c[1]), r.commands(), r.cycles(), r.counters().get("load"),
                    r.counters().get("store"), r.wallSeconds());
        }
    }

    /**
     * The softmax unit's busy counter (CYC_SOFTMAX) against the stream-timed estimate's cost of the
     * same SOFTMAX commands ({@link StreamCosts}): within {@link EstimateValidationTest#BOUND}, or
     * {@link StreamCosts#UNIT_OVERHEAD} cycles per command when the commands are so short that 2 %
     * is less (this layer's rows of 12 keys are one 64-score chunk: about 90 cycles a command, of
     * which the top's buffers add 3 to the unit alone; DeiT-Tiny rows are checked by ./bench
     * top-softmax wide, docs/top-softmax.md).
     */
    static void softmaxBusyMatchesTheEstimate(String what, Config cfg, Run r) {
        StreamTiming.Result t = StreamTiming.run(r.program().commands(), StreamCosts.of(cfg), 4);
        long rtl = r.counters().get("softmax");
        long model = t.busy(Unit.SOFTMAX);
        long n = r.program().commands().stream().filter(c -> c.unit() == Unit.SOFTMAX).count();
        double err = (model - rtl) / (double) rtl;
        double allowed = Math.max(EstimateValidationTest.BOUND * rtl, (double) StreamCosts.UNIT_OVERHEAD * n);
        System.out.printf("%s: CYC_SOFTMAX %,d over %d commands, estimate %,d (%+.2f %%, %+.1f cycles a command)%n", what,
                rtl, n, model, 100 * err, (model - rtl) / (double) n);
        assertTrue(n > 0 && Math.abs(model - rtl) <= allowed, String.format("%s: softmax estimate %,d cycles vs"
                + " CYC_SOFTMAX %,d over %d commands: %+.2f %% (bound: 2 %% or 4 cycles a command)", what, model, rtl, n,
                100 * err));
    }

    /**
     * Wide int8x2 arrays (the kv260 and zcu102 presets have 32 and 64 packed columns): a small layer
     * (12 tokens, 64 channels, 2 heads, MLP 128: QKV in three and six column tiles, FC1 in two and
     * four) on a 2x32 int8x2 top with a 128-bit port and on a 2x64 int8x2 top with a 512-bit port,
     * every intermediate tensor compared. The row units have one lane (the GEMM unit is under test,
     * and the builds stay short), except the 512-bit top's softmax unit: 64 lanes (softmax.lanes=64,
     * the zcu102 preset's), whose busy counter must also agree with the estimate's SOFTMAX costs. Tops from 30 columns on had a wrong last column of every
     * GEMM tile before the engine kept its channel beat per channel (docs/top.md).
     */
    @Test
    void wideInt8x2Arrays32And64Columns() {
        ModelShape s = new ModelShape(12, 64, 2, 128);
        Object[][] cases = {
            {AxiMemory.Config.random(1, 30, 700),
                new String[] {"mac.rows=2", "mac.cols=32", "mac.dsp.packing=int8x2", "mac.requant.lanes=4",
                    "softmax.lanes=1", "layernorm.lanes=1", "gelu.lanes=1"}},
            {AxiMemory.Config.fixed(12),
                new String[] {"mac.rows=2", "mac.cols=64", "mac.dsp.packing=int8x2", "mac.requant.lanes=8",
                    "softmax.lanes=64", "layernorm.lanes=1", "gelu.lanes=1", "target.mem.bits=512"}},
        };
        for (Object[] c : cases) {
            Config cfg = config(s, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.SHIFTGELU, (String[]) c[1]);
            Run r = runLayer(s, Seeds.of("TopLayerCosimTest", 3264), EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                    EncoderLayer.GeluMode.SHIFTGELU, cfg, (AxiMemory.Config) c[0], true, null);
            System.out.printf("wide int8x2 layer %s %s: %d commands, %d cycles, %.2f s%n", s, String.join(" ", (String[]) c[1]),
                    r.commands(), r.cycles(), r.wallSeconds());
            if (cfg.softmax().lanes() == 64) {
                softmaxBusyMatchesTheEstimate("wide int8x2 layer, 64 softmax lanes", cfg, r);
            }
        }
    }

    /** A wrong weight byte in memory is named by the first tensor it changes, with token and channel. */
    @Test
    void aWrongWeightIsNamedByTensorTokenAndChannel() {
        Config cfg = config(ODD, EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU, "mac.rows=4",
                "mac.cols=4");
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> runLayer(ODD,
                Seeds.of("TopLayerCosimTest", 13), EncoderLayer.SoftmaxMode.SHIFTMAX, 16, EncoderLayer.GeluMode.SHIFTGELU,
                cfg, AxiMemory.Config.fixed(8), true, (p, img) -> {
                    MemoryImage.Region w = p.image().region("L0.w.fc1");
                    img[(int) w.addr() + 17] ^= 0x40;            // W[0][17] of fc1: channel 17 of every fc1 row
                }));
        System.out.println("planted fault: " + e.getMessage());
        assertTrue(e.getMessage().contains("layer 0 tensor fc1 differs first at token ")
                && e.getMessage().contains(", channel 17: expected"), e.getMessage());
    }

    /** A DeiT-Tiny layer on the default configuration (16x16, Shiftmax b = 8, ShiftGELU) under random latency. */
    @Test
    void deitTinyLayerOnTheDefaults() {
        Config cfg = config(ModelShape.DEIT_TINY, EncoderLayer.SoftmaxMode.SHIFTMAX, 8, EncoderLayer.GeluMode.SHIFTGELU,
                "model.preset=deit-tiny");
        Run r = runLayer(ModelShape.DEIT_TINY, Seeds.of("TopLayerCosimTest", 197), EncoderLayer.SoftmaxMode.SHIFTMAX, 8,
                EncoderLayer.GeluMode.SHIFTGELU, cfg, AxiMemory.Config.random(10, 40, 800));
        System.out.printf("DeiT-Tiny layer: %d commands, %d cycles, counters %s, MAC utilisation %.1f %%, %.2f s (%.0f cycles/s)%n",
                r.commands(), r.cycles(), r.counters(), 100 * r.macUtilisation(256), r.wallSeconds(),
                r.cycles() / r.wallSeconds());
        assertTrue(r.counters().get("array") >= r.usefulMacs() / 256, "CYC_ARRAY counts every reduction step");
    }

    /** A DeiT-Small layer (384 channels, 6 heads, MLP 1536) on 16x16 with the log2 softmax and i-GELU. */
    @Test
    void deitSmallLayer() {
        ModelShape s = new ModelShape(197, 384, 6, 1536);
        Config cfg = config(s, EncoderLayer.SoftmaxMode.LOG2, 16, EncoderLayer.GeluMode.IGELU, "model.preset=deit-small");
        Run r = runLayer(s, Seeds.of("TopLayerCosimTest", 384), EncoderLayer.SoftmaxMode.LOG2, 16,
                EncoderLayer.GeluMode.IGELU, cfg, AxiMemory.Config.fixed(20));
        System.out.printf("DeiT-Small layer: %d commands, %d cycles, MAC utilisation %.1f %%, %.2f s%n", r.commands(),
                r.cycles(), 100 * r.macUtilisation(256), r.wallSeconds());
    }
}
