package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.MemoryImage;
import io.vitgen.compile.Program;
import io.vitgen.config.Config;
import io.vitgen.config.ConfigLoader;
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
        }
        try {
            return new ConfigLoader().warnings(w -> { }).setAll(m).load();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one layer run measured. */
    record Run(long cycles, Map<String, Long> counters, int commands, long usefulMacs, double wallSeconds) {
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
        EncoderLayer.Calibrated cal = EncoderLayer.random(shape, seed, mode, bits, gelu);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), cfg);
        AcceleratorTop top = AcceleratorTop.forProgram(cfg, p);
        top.requireRunnable(p.commands(), p.labels());
        byte[] img = p.image().toBytes();
        long[][] want = cal.layer().forward(cal.input());
        String what = shape + " " + mode + (mode == EncoderLayer.SoftmaxMode.SHIFTMAX ? " b=" + bits : "") + " " + gelu
                + " seed " + seed;
        try (TopRig rig = new TopRig(top, seed, mem)) {
            long t0 = System.nanoTime();
            TopRig.Outcome o = rig.run(img, 0, p.image().region("commands").addr(), 0, img.length, 40_000_000);
            double wall = (System.nanoTime() - t0) / 1e9;
            assertTrue(o.done() && !o.failed(), what + ": STATUS " + o.status() + ", ERROR " + o.error() + " at command #"
                    + o.errCmd() + (o.errCmd() < p.labels().size() ? " (" + p.labels().get((int) o.errCmd()) + ")" : ""));
            assertEquals(0, o.error(), what + ": ERROR register");
            assertEquals(p.commands().size(), o.counters().get("commands"), what + ": CMD_DONE");
            MemoryImage.Region out = p.image().region("output");
            long[][] got = MemoryImage.read(rig.mem.dump(0, img.length), out);
            for (int t = 0; t < want.length; t++) {
                for (int ch = 0; ch < want[t].length; ch++) {
                    if (got[t][ch] != want[t][ch]) {
                        fail(what + ": layer output differs first at token " + t + ", channel " + ch + ": expected "
                                + want[t][ch] + ", got " + got[t][ch]);
                    }
                }
            }
            return new Run(o.cycles(), o.counters(), p.commands().size(), layerMacs(shape), wall);
        }
    }

    @Test
    void oddShapeEverySoftmaxAndGeluVariant() {
        long seed = Seeds.of("TopLayerCosimTest", 13);
        int i = 0;
        for (EncoderLayer.GeluMode g : EncoderLayer.GeluMode.values()) {
            for (Object[] sm : new Object[][] {{EncoderLayer.SoftmaxMode.SHIFTMAX, 16}, {EncoderLayer.SoftmaxMode.SHIFTMAX, 8},
                    {EncoderLayer.SoftmaxMode.LOG2, 16}}) {
                EncoderLayer.SoftmaxMode mode = (EncoderLayer.SoftmaxMode) sm[0];
                int bits = (Integer) sm[1];
                Config cfg = config(ODD, mode, bits, g, "mac.rows=4", "mac.cols=4");
                AxiMemory.Config mem = i % 2 == 0 ? AxiMemory.Config.fixed(8) : AxiMemory.Config.random(1, 40, 600);
                Run r = runLayer(ODD, seed + i, mode, bits, g, cfg, mem);
                System.out.printf("odd layer %s b=%d %s: %d commands, %d cycles, array %d, %.2f s%n", mode, bits, g,
                        r.commands(), r.cycles(), r.counters().get("array"), r.wallSeconds());
                i++;
            }
        }
    }
}
