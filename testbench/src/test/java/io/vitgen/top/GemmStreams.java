package io.vitgen.top;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vitgen.compile.Command;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.sim.AxiMemory;

/**
 * Streams of consecutive GEMM commands through the whole top, checked byte for byte against the
 * interpreter (no JUnit: {@link GemmOverlapBenchmark} runs them outside the test runner too).
 */
final class GemmStreams {

    private GemmStreams() {
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /**
     * Runs LOAD of every space, the GEMMs in one stream (the first waits for the loads, the last
     * signals the stores), STORE HID and ATT, END under fixed and random memory latency; every byte
     * of HID and ATT must equal the interpreter's. Returns the cycles of the fixed-latency run.
     */
    static long runConsecutive(AcceleratorTop top, List<Command.Gemm> gs, Map<Space, byte[]> buf, long seed, int space) {
        return runConsecutive(top, gs, buf, seed, space, null);
    }

    /** As above; {@code after} (when not null) sees the fixed-latency run's rig before it closes. */
    static long runConsecutive(AcceleratorTop top, List<Command.Gemm> gs, Map<Space, byte[]> buf, long seed, int space,
            java.util.function.Consumer<TopRig> after) {
        final int SPACE = space;
        Command.Deps none = Command.Deps.NONE;
        List<Command> cmds = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int n = TopGemmCosimTest.SPACES.length;
        for (int i = 0; i < n; i++) {
            Command.Deps d = i == n - 1 ? new Command.Deps(0, Unit.GEMM.bit()) : Command.Deps.NONE;
            cmds.add(new Command.Load(d, Operand.of(Space.DRAM, (long) i * SPACE, SPACE), Operand.of(TopGemmCosimTest.SPACES[i], 0, SPACE),
                    1, SPACE));
            labels.add("load " + TopGemmCosimTest.SPACES[i]);
        }
        for (int i = 0; i < gs.size(); i++) {
            Command.Gemm g = gs.get(i);
            Command.Deps d = new Command.Deps(i == 0 ? Unit.LOAD.bit() : 0, i == gs.size() - 1 ? Unit.STORE.bit() : 0);
            cmds.add(GemmRig.withDeps(g, d));
            labels.add("gemm " + i);
        }
        long hidAddr = (long) n * SPACE;
        long attAddr = hidAddr + SPACE;
        cmds.add(new Command.Store(new Command.Deps(Unit.GEMM.bit(), 0), Operand.of(Space.HID, 0, SPACE),
                Operand.of(Space.DRAM, hidAddr, SPACE), 1, SPACE));
        labels.add("store HID");
        cmds.add(new Command.Store(none, Operand.of(Space.ATT, 0, SPACE), Operand.of(Space.DRAM, attAddr, SPACE), 1, SPACE));
        labels.add("store ATT");
        cmds.add(new Command.End(none));
        labels.add("end");
        long cmdAddr = attAddr + SPACE;
        byte[] image = TopGemmCosimTest.image(buf, n, cmds, cmdAddr, SPACE);
        Interpreter.Run want = Interpreter.run(cmds, labels, image, TopGemmCosimTest.plan(SPACE), List.of(), seed, 2);
        AxiMemory.Config[] mems = {AxiMemory.Config.fixed(8), AxiMemory.Config.random(1, 40, 600)};
        long cycles = 0;
        for (int r = 0; r < mems.length; r++) {
            try (TopRig rig = new TopRig(top, seed + r, mems[r])) {
                TopRig.Outcome o = rig.run(image, 0, cmdAddr, 0, image.length, 2_000_000);
                check(o.done() && !o.failed(), "memory " + r + ": status " + o.status() + ", error " + o.error());
                check(o.error() == 0, "ERROR register " + o.error());
                if (r == 0) {
                    cycles = o.counters().get("total");
                }
                byte[] got = rig.mem.dump(hidAddr, 2 * SPACE);
                for (int b = 0; b < 2 * SPACE; b++) {
                    if (got[b] != want.dram()[(int) hidAddr + b]) {
                        throw new AssertionError("memory " + r + ": " + (b < SPACE ? "HID" : "ATT") + " byte " + b % SPACE + " expected "
                                + want.dram()[(int) hidAddr + b] + ", got " + got[b]);
                    }
                }
                if (r == 0 && after != null) {
                    after.accept(rig);
                }
            }
        }
        return cycles;
    }

}
