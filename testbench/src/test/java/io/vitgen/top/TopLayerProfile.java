package io.vitgen.top;

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
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;

/**
 * {@code ./bench top-timeline BITS WINDOW [key=value...]}: where a DeiT-Tiny layer's cycles go. Lists
 * the compiled stream (index, label, tokens), runs it through the generated top (the memory model of
 * {@code ./bench top-layer}: latency 10..40, 80 % ready) and every WINDOW cycles reads the counters
 * over AXI4-Lite, printing each unit's busy share of the window (array = reduction steps), the
 * memory-stall share and the commands completed; at the end the total, the MAC utilisation and
 * whether the output equals the golden layer (exit code 1 if not). The tool behind docs/top.md,
 * "Where a layer's cycles go".
 */
public final class TopLayerProfile {
    public static void main(String[] args) throws Exception {
        int bits = Integer.parseInt(args[0]);
        int win = Integer.parseInt(args[1]);
        Map<String, String> kv = new HashMap<>(Map.of("model.preset", "deit-tiny", "softmax.out.bits", "" + bits));
        for (int i = 2; i < args.length; i++) {
            String[] kvp = args[i].split("=", 2);
            kv.put(kvp[0], kvp[1]);
        }
        Config cfg = new ConfigLoader().warnings(w -> { }).setAll(kv).load();
        ModelShape s = ModelShape.DEIT_TINY;
        EncoderLayer.Calibrated cal = EncoderLayer.random(s, 197, EncoderLayer.SoftmaxMode.SHIFTMAX, bits,
                EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), cfg);
        for (int i = 0; i < p.commands().size(); i++) {
            System.out.println(i + " " + p.labels().get(i) + "  " + p.commands().get(i).deps());
        }
        byte[] img = p.image().toBytes();
        try (TopRig rig = new TopRig(AcceleratorTop.forProgram(cfg, p), 197, AxiMemory.Config.random(10, 40, 800))) {
            rig.mem.load(0, img);
            var ctl = rig.ctl;
            ctl.write(0x04, 3); ctl.write(0x08, 3); ctl.write(AcceleratorTop.REG_ERROR, 0x3F);
            ctl.write(AcceleratorTop.REG_CMD_ADDR, p.image().region("commands").addr());
            ctl.write(AcceleratorTop.REG_IMG_BASE, 0);
            ctl.write(AcceleratorTop.REG_IMG_SIZE, img.length);
            ctl.write(AcceleratorTop.REG_CONTROL, 1);
            long[] prev = new long[11];
            System.out.println("  t  | array load store smax lnorm gelu fetch stall | done");
            while (true) {
                rig.sim.run(win);
                long[] c = new long[11];
                for (int i = 0; i < 10; i++) {
                    c[i] = ctl.readOk(AcceleratorTop.REG_CYC_TOTAL + 4L * i);
                }
                long dt = c[0] - prev[0];
                StringBuilder sb = new StringBuilder(String.format("%7d |", c[0]));
                for (int i = 1; i < 9; i++) {
                    sb.append(String.format(" %4.0f", 100.0 * (c[i] - prev[i]) / Math.max(1, dt)));
                }
                sb.append(String.format(" | %d", c[9]));
                System.out.println(sb);
                prev = c;
                long st = ctl.readOk(AcceleratorTop.REG_STATUS);
                if ((st & 6) != 0) {
                    System.out.printf("status %d total %d array %d util %.2f %%%n", st, c[0], c[1],
                            100.0 * TopLayerBenchmark.macs(p) / (256.0 * c[0]));
                    byte[] d = rig.mem.dump(0, img.length);
                    long[][] want = cal.layer().forward(cal.input());
                    boolean exact = java.util.Arrays.deepEquals(want, MemoryImage.read(d, p.image().region("output")));
                    System.out.println(exact ? "the output equals the golden layer" : "the output DIFFERS from the golden layer");
                    if (!exact) {
                        System.exit(1);
                    }
                    break;
                }
            }
        }
    }
}
