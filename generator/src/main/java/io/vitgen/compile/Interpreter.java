package io.vitgen.compile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntGemm;
import io.vitgen.golden.IntLayerNorm;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.golden.PolyGelu;
import io.vitgen.golden.ShiftGelu;
import io.vitgen.golden.Shiftmax;
import io.vitgen.golden.SplitOperand;

/**
 * Executes a command stream with the golden operators over the memory image and on-chip buffers
 * of the given capacities, as the accelerator would: a dispatcher feeds per-unit queues in stream
 * order and the units run their queue heads whenever the tokens they wait for are there. Among the
 * units that can run, a seeded random one goes next, so every run is one legal timing of the
 * hardware; with a stream the {@link StreamChecker} accepted, every timing gives the same bytes.
 * Buffers start with random bytes, so a command that reads what nothing wrote shows up as a
 * mismatch. The interpreter knows nothing of layers: it only executes commands.
 */
public final class Interpreter {

    /** A command that cannot execute: out-of-range bytes, a value outside an operator's domain. */
    public static final class ExecutionException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ExecutionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The result of a run: the final external memory, and the tensors the program's probes read
     * (full tensors by name, assembled from the probed blocks).
     */
    public record Run(byte[] dram, Map<String, long[][]> tensors, int[] order) {
    }

    private final Map<Space, byte[]> mem = new EnumMap<>(Space.class);

    private Interpreter(byte[] dram, BufferPlan plan, Random rnd) {
        mem.put(Space.DRAM, dram);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                byte[] b = new byte[(int) plan.bytes(s)];
                rnd.nextBytes(b);
                mem.put(s, b);
            }
        }
    }

    /** Runs a compiled program; the seed picks the order among runnable units and the initial buffer bytes. */
    public static Run run(Program p, long seed, int queueDepth) {
        return run(p.commands(), p.labels(), p.image().toBytes(), p.plan(), p.probes(), seed, queueDepth);
    }

    /** Runs any stream on a memory image with buffers of the plan's capacities. */
    public static Run run(List<Command> cmds, List<String> labels, byte[] dram, BufferPlan plan, List<Program.Probe> probes,
            long seed, int queueDepth) {
        Random rnd = new Random(seed);
        Interpreter it = new Interpreter(dram.clone(), plan, rnd);
        Map<Integer, List<Program.Probe>> byCmd = new LinkedHashMap<>();
        for (Program.Probe pr : probes) {
            byCmd.computeIfAbsent(pr.after(), k -> new ArrayList<>()).add(pr);
        }
        Map<String, long[][]> tensors = new LinkedHashMap<>();
        int units = Unit.values().length;
        List<ArrayDeque<Integer>> queues = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            queues.add(new ArrayDeque<>());
        }
        int[] tokens = new int[units * units];
        int[] order = new int[cmds.size()];
        int next = 0;
        int done = 0;
        while (done < cmds.size()) {
            // dispatch as far as the queues allow
            while (next < cmds.size()) {
                Command c = cmds.get(next);
                if (c.unit() == null) {
                    if (done == next) {
                        order[done++] = next++;
                        continue;
                    }
                    break;
                }
                ArrayDeque<Integer> q = queues.get(c.unit().ordinal());
                if (q.size() >= queueDepth) {
                    break;
                }
                q.add(next++);
            }
            if (done == cmds.size()) {
                break;
            }
            List<Unit> ready = new ArrayList<>();
            for (Unit u : Unit.values()) {
                ArrayDeque<Integer> q = queues.get(u.ordinal());
                if (!q.isEmpty() && canStart(cmds.get(q.peek()), u, tokens)) {
                    ready.add(u);
                }
            }
            if (ready.isEmpty()) {
                throw new ExecutionException("deadlock after " + done + " commands (run StreamChecker for the reason)", null);
            }
            Unit u = ready.get(rnd.nextInt(ready.size()));
            int i = queues.get(u.ordinal()).poll();
            Command c = cmds.get(i);
            for (Unit o : Unit.values()) {
                if (c.deps().waitsOn(o)) {
                    tokens[o.ordinal() * units + u.ordinal()]--;
                }
            }
            try {
                it.execute(c);
            } catch (RuntimeException e) {
                String label = labels != null ? " (" + labels.get(i) + ")" : "";
                throw new ExecutionException("command #" + i + " " + c.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT)
                        + label + ": " + e.getMessage(), e);
            }
            for (Program.Probe pr : byCmd.getOrDefault(i, List.of())) {
                it.probe(pr, tensors);
            }
            for (Unit o : Unit.values()) {
                if (c.deps().signals(o)) {
                    tokens[u.ordinal() * units + o.ordinal()]++;
                }
            }
            order[done++] = i;
        }
        return new Run(it.mem.get(Space.DRAM), tensors, order);
    }

    private static boolean canStart(Command c, Unit u, int[] tokens) {
        int units = Unit.values().length;
        for (Unit o : Unit.values()) {
            if (c.deps().waitsOn(o) && tokens[o.ordinal() * units + u.ordinal()] == 0) {
                return false;
            }
        }
        return true;
    }

    // ---- memory access ----

    private byte[] space(Operand o, long rows, long rowBytes, boolean write) {
        byte[] b = mem.get(o.space());
        long end = o.addr() + (rows - 1) * o.stride() + rowBytes;
        if (end > b.length) {
            throw new IllegalArgumentException((write ? "writes " : "reads ") + o.space() + " bytes [" + o.addr() + ", "
                    + end + ") beyond its " + b.length + " bytes");
        }
        return b;
    }

    private long[][] read(Operand o, int rows, int cols, int elemBytes) {
        byte[] b = space(o, rows, (long) cols * elemBytes, false);
        long[][] m = new long[rows][cols];
        for (int i = 0; i < rows; i++) {
            long base = o.addr() + i * o.stride();
            for (int j = 0; j < cols; j++) {
                m[i][j] = MemoryImage.get(b, base + (long) j * elemBytes, elemBytes);
            }
        }
        return m;
    }

    private void write(Operand o, long[][] m, int elemBytes) {
        int cols = m[0].length;
        byte[] b = space(o, m.length, (long) cols * elemBytes, true);
        for (int i = 0; i < m.length; i++) {
            long base = o.addr() + i * o.stride();
            for (int j = 0; j < cols; j++) {
                MemoryImage.put(b, base + (long) j * elemBytes, elemBytes, m[i][j], "result");
            }
        }
    }

    private long[] table(Operand o, int entries) {
        return read(o, 1, entries, 8)[0];
    }

    private DyadicScale[] scaleTable(Operand o, int entries) {
        long[][] raw = read(o, 1, 2 * entries, 4);
        DyadicScale[] d = new DyadicScale[entries];
        for (int j = 0; j < entries; j++) {
            d[j] = new DyadicScale(raw[0][2 * j], (int) raw[0][2 * j + 1]);
        }
        return d;
    }

    // ---- commands ----

    private void execute(Command c) {
        if (c instanceof Command.Load l) {
            copy(l.src(), l.dst(), l.rows(), l.rowBytes());
        } else if (c instanceof Command.Store s) {
            copy(s.src(), s.dst(), s.rows(), s.rowBytes());
        } else if (c instanceof Command.Gemm g) {
            gemm(g);
        } else if (c instanceof Command.Softmax s) {
            softmax(s);
        } else if (c instanceof Command.AttnV a) {
            long[][] codes = read(a.codes(), a.rows(), a.n(), 1);
            long[][] v = read(a.v(), a.n(), a.hd(), 1);
            long[][] out = new long[a.rows()][];
            for (int i = 0; i < a.rows(); i++) {
                int[] code = new int[a.n()];
                boolean[] zero = new boolean[a.n()];
                for (int j = 0; j < a.n(); j++) {
                    long b = codes[i][j] & 0xFF;
                    if ((b & ~0x1FL) != 0) {
                        throw new IllegalArgumentException("log2 code byte 0x" + Long.toHexString(b) + " has bits 7:5 set");
                    }
                    code[j] = (int) (b & 0xF);
                    zero[j] = (b & 0x10) != 0;
                }
                out[i] = a.scale().apply(Log2Softmax.attentionTimesV(code, zero, v), 8);
            }
            write(a.out(), out, 1);
        } else if (c instanceof Command.LayerNorm l) {
            long[][] x = read(l.in(), l.rows(), l.channels(), 2);
            long[] bias = table(l.biasTable(), l.channels());
            DyadicScale[] sc = scaleTable(l.scaleTable(), l.channels());
            long[][] out = new long[l.rows()][l.channels()];
            for (int i = 0; i < l.rows(); i++) {
                long[] z = IntLayerNorm.apply(x[i], bias);
                for (int j = 0; j < l.channels(); j++) {
                    out[i][j] = sc[j].apply(z[j], 8);
                }
            }
            write(l.out(), out, 1);
        } else if (c instanceof Command.Gelu g) {
            long[][] x = read(g.in(), g.rows(), g.len(), 1);
            long[][] out = new long[g.rows()][];
            PolyGelu.Constants k = g.igelu() ? new PolyGelu.Constants(g.b(), g.c(), g.one(), Double.NaN) : null;
            for (int i = 0; i < g.rows(); i++) {
                long[] y = g.igelu() ? PolyGelu.apply(x[i], k) : ShiftGelu.apply(x[i], g.x());
                out[i] = g.scale().apply(y, 8);
            }
            write(g.out(), out, 1);
        }
        // SYNC and END change no data
    }

    private void copy(Operand src, Operand dst, int rows, long rowBytes) {
        byte[] s = space(src, rows, rowBytes, false);
        byte[] d = space(dst, rows, rowBytes, true);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(s, (int) (src.addr() + i * src.stride()), d, (int) (dst.addr() + i * dst.stride()), (int) rowBytes);
        }
    }

    private void gemm(Command.Gemm g) {
        long[][] a = read(g.a(), g.m(), g.k(), g.split16() ? 2 : 1);
        long[][] w;
        if (g.wTransposed()) {
            long[][] wt = read(g.w(), g.n(), g.k(), 1);
            w = new long[g.k()][g.n()];
            for (int i = 0; i < g.n(); i++) {
                for (int j = 0; j < g.k(); j++) {
                    w[j][i] = wt[i][j];
                }
            }
        } else {
            w = read(g.w(), g.k(), g.n(), 1);
        }
        long[][] acc = g.split16() ? SplitOperand.product(a, w) : IntGemm.apply(a, w, null);
        if (g.bias() != null) {
            long[] bias = table(g.bias(), g.n());
            for (long[] row : acc) {
                for (int j = 0; j < g.n(); j++) {
                    row[j] += bias[j];
                }
            }
        }
        DyadicScale[] perChannel = g.scaleTable() != null ? scaleTable(g.scaleTable(), g.n()) : null;
        long[][] out = new long[g.m()][g.n()];
        long[][] res = g.residual() != null ? read(g.residual(), g.m(), g.n(), 2) : null;
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                DyadicScale sc = perChannel != null ? perChannel[j] : g.scale();
                out[i][j] = switch (g.epilogue()) {
                    case REQUANT -> sc.apply(acc[i][j], 8);
                    case RAW -> acc[i][j];
                    case RESIDUAL -> DyadicScale.residualAdd(acc[i][j], sc, res[i][j], g.residualScale(), 16);
                };
            }
        }
        write(g.out(), out, g.epilogue().outBytes());
    }

    private void softmax(Command.Softmax s) {
        long[][] x = read(s.in(), s.rows(), s.len(), 1);
        long[][] out = new long[s.rows()][];
        for (int i = 0; i < s.rows(); i++) {
            if (s.log2()) {
                Log2Softmax.Result r = Log2Softmax.apply(x[i], s.x());
                out[i] = new long[s.len()];
                for (int j = 0; j < s.len(); j++) {
                    out[i][j] = r.zero()[j] ? 0x10 | r.code()[j] : r.code()[j];
                }
            } else {
                out[i] = Shiftmax.apply(x[i], s.x(), s.bits());
            }
        }
        write(s.out(), out, s.outBytes());
    }

    private void probe(Program.Probe pr, Map<String, long[][]> tensors) {
        Program.place(tensors, pr, read(pr.src(), pr.rows(), pr.cols(), pr.type().bytes()));
    }
}
