package io.vitgen.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntGemm;
import org.junit.jupiter.api.Test;

/**
 * A command combination the layer compiler does not use, run by the interpreter on a hand-made
 * stream and compared with the golden operators: a GEMM with a split 16-bit A operand, a transposed
 * W, a per-channel scale table and the RESIDUAL epilogue, then STORE; and the interpreter's refusal
 * of an out-of-range access.
 */
class CommandSemanticsTest {

    @Test
    void splitGemmWithTransposedWAndResidualEpilogue() {
        Random rnd = new Random(3);
        int m = 5;
        int k = 7;
        int n = 6;
        long[][] a = new long[m][k];
        long[][] wt = new long[n][k];
        long[][] r = new long[m][n];
        for (long[] row : a) {
            for (int j = 0; j < k; j++) {
                row[j] = rnd.nextInt(32768);
            }
        }
        for (long[] row : wt) {
            for (int j = 0; j < k; j++) {
                row[j] = rnd.nextInt(256) - 128;
            }
        }
        for (long[] row : r) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextInt(65536) - 32768;
            }
        }
        DyadicScale[] perChannel = new DyadicScale[n];
        for (int j = 0; j < n; j++) {
            perChannel[j] = DyadicScale.fromRatio(0.001 * (j + 1));
        }
        DyadicScale rs = DyadicScale.fromRatio(0.75);

        MemoryImage img = new MemoryImage();
        MemoryImage.Region ra = img.allocate("a", m, k, 2);
        MemoryImage.Region rw = img.allocate("wt", n, k, 1);
        MemoryImage.Region rr = img.allocate("r", m, n, 2);
        MemoryImage.Region rsc = img.allocate("scales", 1, 2 * n, 4);
        MemoryImage.Region out = img.allocate("out", m, n, 2);
        img.write(ra, a);
        img.write(rw, wt);
        img.write(rr, r);
        long[][] sc = new long[1][2 * n];
        for (int j = 0; j < n; j++) {
            sc[0][2 * j] = perChannel[j].m();
            sc[0][2 * j + 1] = perChannel[j].k();
        }
        img.write(rsc, sc);

        Command.Deps none = Command.Deps.NONE;
        List<Command> s = new ArrayList<>();
        s.add(new Command.Load(none, ra.operand(), Operand.of(Space.ATT, 0, 2L * k), m, 2L * k));
        s.add(new Command.Load(none, rw.operand(), Operand.of(Space.WGT, 0, k), n, k));
        s.add(new Command.Load(none, rr.operand(), Operand.of(Space.RES, 0, 2L * n), m, 2L * n));
        s.add(new Command.Load(new Command.Deps(0, Unit.GEMM.bit()), rsc.operand(), Operand.of(Space.CONST, 0, 0), 1, 8L * n));
        s.add(new Command.Gemm(new Command.Deps(Unit.LOAD.bit(), Unit.STORE.bit()), Command.Epilogue.RESIDUAL, true, true,
                Operand.of(Space.ATT, 0, 2L * k), Operand.of(Space.WGT, 0, k), Operand.of(Space.RES, 256, 2L * n), m, k, n,
                null, Operand.of(Space.CONST, 0, 0), null, Operand.of(Space.RES, 0, 2L * n), rs));
        s.add(new Command.Store(new Command.Deps(Unit.GEMM.bit(), 0), Operand.of(Space.RES, 256, 2L * n), out.operand(), m,
                2L * n));
        s.add(new Command.End(none));
        assertTrue(StreamChecker.check(s).ok(), StreamChecker.check(s).problems().toString());
        BufferPlan plan = new BufferPlan(Map.of(Space.ACT, 0L, Space.RES, 512L, Space.QKV, 0L, Space.WGT, 64L, Space.ATT,
                128L, Space.HID, 256L, Space.CONST, 64L), 4);
        Interpreter.Run run = Interpreter.run(s, null, img.toBytes(), plan, List.of(), 9, 4);

        long[][] w = new long[k][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                w[j][i] = wt[i][j];
            }
        }
        long[][] acc = IntGemm.apply(a, w, null);
        long[][] got = MemoryImage.read(run.dram(), out);
        for (int i = 0; i < m; i++) {
            long[] want = new long[n];
            for (int j = 0; j < n; j++) {
                want[j] = DyadicScale.residualAdd(acc[i][j], perChannel[j], r[i][j], rs, 16);
            }
            assertArrayEquals(want, got[i], "row " + i);
        }

        // the same stream with a STORE beyond the RES buffer is refused, naming the command
        List<Command> bad = new ArrayList<>(s);
        bad.set(5, new Command.Store(new Command.Deps(Unit.GEMM.bit(), 0), Operand.of(Space.RES, 500, 2L * n), out.operand(),
                m, 2L * n));
        Interpreter.ExecutionException e = assertThrows(Interpreter.ExecutionException.class,
                () -> Interpreter.run(bad, null, img.toBytes(), plan, List.of(), 9, 4));
        assertTrue(e.getMessage().startsWith("command #5 STORE: reads RES bytes [500, 560) beyond its 512 bytes"),
                e.getMessage());
    }
}
