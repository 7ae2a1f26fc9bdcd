package io.vitgen.top;

import java.util.List;

import io.vitgen.compile.Command;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.compile.MemoryImage;
import io.vitgen.compile.Program;
import io.vitgen.compile.Unit;
import io.vitgen.config.Config;
import io.vitgen.estimate.StreamCosts;
import io.vitgen.estimate.StreamTiming;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;

/** Calibration scratch: RTL counters vs the stream timing for one layer. args: latency shape(n,c,h,mlp) sets... */
public final class StreamCalib {
    public static void main(String[] args) throws Exception {
        int lat = Integer.parseInt(args[0]);
        String[] sh = args[1].split(",");
        ModelShape s = new ModelShape(Integer.parseInt(sh[0]), Integer.parseInt(sh[1]), Integer.parseInt(sh[2]), Integer.parseInt(sh[3]));
        String[] sets = new String[args.length - 2 + 1];
        System.arraycopy(args, 2, sets, 0, args.length - 2);
        sets[sets.length - 1] = "estimate.mem.latency=" + lat;
        boolean log2 = String.join(" ", args).contains("log2");
        boolean igelu = String.join(" ", args).contains("igelu");
        int bits = String.join(" ", args).contains("out.bits=8") ? 8 : 16;
        Config cfg = TopLayerCosimTest.config(s, log2 ? EncoderLayer.SoftmaxMode.LOG2 : EncoderLayer.SoftmaxMode.SHIFTMAX, bits,
                igelu ? EncoderLayer.GeluMode.IGELU : EncoderLayer.GeluMode.SHIFTGELU, sets);
        EncoderLayer.Calibrated cal = EncoderLayer.random(s, 7, log2 ? EncoderLayer.SoftmaxMode.LOG2 : EncoderLayer.SoftmaxMode.SHIFTMAX, bits,
                igelu ? EncoderLayer.GeluMode.IGELU : EncoderLayer.GeluMode.SHIFTGELU);
        Program p = LayerCompiler.compile(List.of(IntEncoderLayer.of(cal.layer())), cal.input(), cfg);
        StreamTiming.Result r = StreamTiming.run(p.commands(), StreamCosts.of(cfg), 4);
        AcceleratorTop top = AcceleratorTop.forProgram(cfg, p);
        byte[] img = p.image().toBytes();
        try (TopRig rig = new TopRig(top, 7, AxiMemory.Config.fixed(lat))) {
            TopRig.Outcome o = rig.run(img, 0, p.image().region("commands").addr(), 0, img.length, 100_000_000);
            long[][] got = MemoryImage.read(rig.mem.dump(0, img.length), p.image().region("output"));
            boolean exact = java.util.Arrays.deepEquals(got, cal.layer().forward(cal.input()));
            System.out.println("exact " + exact + " commands " + p.commands().size());
            System.out.printf("total rtl %d model %d (%+.2f %%)%n", o.counters().get("total"), r.total(),
                    100.0 * (r.total() - o.counters().get("total")) / o.counters().get("total"));
            String[] names = {"load", "store", "softmax", "lnorm", "gelu", "fetch"};
            Unit[] us = {Unit.LOAD, Unit.STORE, Unit.SOFTMAX, Unit.LNORM, Unit.GELU, null};
            for (int i = 0; i < names.length; i++) {
                long m = us[i] == null ? r.fetchBusy() : r.busy(us[i]);
                int cnt = 0;
                for (Command c : p.commands()) {
                    if (us[i] == null || c.unit() == us[i]) cnt++;
                }
                System.out.printf("%-8s rtl %9d model %9d  n=%d  per-cmd diff %.1f%n", names[i], o.counters().get(names[i]), m, cnt,
                        (m - o.counters().get(names[i])) / (double) Math.max(1, cnt));
            }
            System.out.printf("array rtl %d, gemm busy model %d%n", o.counters().get("array"), r.busy(Unit.GEMM));
            if (args.length > 0 && System.getenv("LISTING") != null) {
                for (int i = 0; i < p.commands().size(); i++) {
                    System.out.printf("%4d %-30s disp %8d start %8d end %8d cost %7d%n", i, p.labels().get(i), r.dispatch()[i], r.start()[i], r.end()[i], r.cost()[i]);
                }
            }
        }
    }
}
