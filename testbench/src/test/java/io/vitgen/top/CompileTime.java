package io.vitgen.top;
import io.vitgen.config.*;
import io.vitgen.estimate.*;
public final class CompileTime {
    public static void main(String[] a) throws Exception {
        for (int r : new int[]{16, 16, 32, 56, 57, 64}) {
            Config cfg = new ConfigLoader().warnings(w -> { }).setAll(java.util.Map.of("model.preset", "deit-tiny", "mac.rows", ""+r, "mac.cols", "64", "target.mem.bits", "512")).load();
            long t0 = System.nanoTime();
            var l = StreamPrograms.layer(cfg);
            long t1 = System.nanoTime();
            var im = StreamPrograms.image(cfg, io.vitgen.golden.VitGeometry.DEIT_TINY);
            long t2 = System.nanoTime();
            var res = StreamTiming.run(im, StreamCosts.of(cfg), 4);
            long t3 = System.nanoTime();
            System.out.printf("rows %d: layer %d cmds %.0f ms, image %d cmds %.0f ms, timing %.2f ms total %d%n", r, l.size(), (t1-t0)/1e6, im.size(), (t2-t1)/1e6, (t3-t2)/1e6, res.total());
        }
    }
}
