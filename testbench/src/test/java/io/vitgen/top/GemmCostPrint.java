package io.vitgen.top;
import io.vitgen.compile.*;
import io.vitgen.config.*;
import io.vitgen.estimate.*;
public final class GemmCostPrint {
    public static void main(String[] a) throws Exception {
        Config cfg = new ConfigLoader().warnings(w -> { }).setAll(java.util.Map.of("model.preset", "deit-tiny")).load();
        StreamCosts c = StreamCosts.of(cfg);
        Operand o = new Operand(Space.ACT, 0, 1024);
        int[][] g = {{64,192,576,0,0},{64,64,197,0,1},{64,197,64,1,0},{64,192,192,0,0},{64,192,768,0,0},{64,768,192,0,0}};
        for (int[] x : g) {
            Command.Gemm gm = new Command.Gemm(Command.Deps.NONE, Command.Epilogue.RAW, x[3]==1, x[4]==1, o, o, o, x[0], x[1], x[2], null, null, null, null, null);
            System.out.println(java.util.Arrays.toString(x) + " " + c.cycles(gm));
        }
    }
}
