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

/**
 * {@code ./bench estimate-trace LATENCY N,C,H,MLP [key=value]...}: one encoder layer of that shape
 * through the generated top at a fixed memory latency, against the stream-timed estimate
 * ({@link StreamTiming} with {@link StreamCosts}): total cycles, each unit's busy counter beside the
 * model's, and with {@code TRACE=1} every command's completion in the RTL (CMD_DONE polled over
 * AXI4-Lite, a few cycles' resolution) beside the model's end time - how the costs of
 * docs/estimate.md were measured. The output region is compared with the golden layer ("exact").
 */
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
            java.util.List<long[]> trace = new java.util.ArrayList<>();
            TopRig.Outcome o;
            if (System.getenv("TRACE") != null) {
                rig.mem.load(0, img);
                rig.ctl.write(0x04, 3); rig.ctl.write(0x08, 3);
                rig.ctl.write(AcceleratorTop.REG_CMD_ADDR, p.image().region("commands").addr());
                rig.ctl.write(AcceleratorTop.REG_IMG_BASE, 0);
                rig.ctl.write(AcceleratorTop.REG_IMG_SIZE, img.length);
                long t0 = rig.sim.cycle();
                rig.ctl.write(AcceleratorTop.REG_CONTROL, 1);
                long last = 0;
                while (true) {
                    long d = rig.ctl.readOk(AcceleratorTop.REG_CMD_DONE);
                    if (d != last) { trace.add(new long[] {rig.sim.cycle() - t0, d}); last = d; }
                    if (d >= p.commands().size() - 1) break;
                }
                rig.sim.run(2000);
                java.util.Map<String, Long> cnt = new java.util.HashMap<>();
                String[] nm = {"total", "array", "load", "store", "softmax", "lnorm", "gelu", "fetch", "stall", "commands"};
                for (int i = 0; i < nm.length; i++) cnt.put(nm[i], rig.ctl.readOk(AcceleratorTop.REG_CYC_TOTAL + 4L * i));
                o = new TopRig.Outcome(2, 0, 0, 0, cnt);
            } else {
                o = rig.run(img, 0, p.image().region("commands").addr(), 0, img.length, 100_000_000);
            }
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
            if (!trace.isEmpty()) {
                long[] ends = new long[p.commands().size()];
                Integer[] idx = new Integer[ends.length];
                for (int i = 0; i < ends.length; i++) { idx[i] = i; }
                java.util.Arrays.sort(idx, (x, y) -> Long.compare(r.end()[x], r.end()[y]));
                int k = 0;
                for (long[] t : trace) {
                    while (k < t[1] && k < idx.length) {
                        int i = idx[k];
                        System.out.printf("done#%3d rtl<=%8d  model %8d (%+6d) cmd %3d %-28s cost %7d start %8d%n", k + 1, t[0], r.end()[i], r.end()[i] - t[0], i, p.labels().get(i), r.cost()[i], r.start()[i]);
                        k++;
                    }
                }
            }
            if (args.length > 0 && System.getenv("LISTING") != null) {
                for (int i = 0; i < p.commands().size(); i++) {
                    System.out.printf("%4d %-30s disp %8d start %8d end %8d cost %7d%n", i, p.labels().get(i), r.dispatch()[i], r.start()[i], r.end()[i], r.cost()[i]);
                }
            }
        }
    }
}
