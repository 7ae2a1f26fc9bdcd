package io.vitgen.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.vitgen.golden.DyadicScale;

/**
 * One command of the accelerator's command stream (docs/commands.md). Every command belongs to one
 * unit's queue ({@link #unit()}), names the dependency tokens it waits for before it starts and
 * the tokens it signals when it completes ({@link Deps}), and reads and writes 2-D regions of the
 * address spaces ({@link #accesses()}), which the {@link StreamChecker} uses to prove the tokens
 * order every conflicting pair of commands.
 */
public sealed interface Command {

    /** Opcodes (the low byte of a command's header word). */
    int OP_LOAD = 0x01;
    int OP_STORE = 0x02;
    int OP_GEMM = 0x03;
    int OP_SOFTMAX = 0x04;
    int OP_ATTNV = 0x05;
    int OP_LAYERNORM = 0x06;
    int OP_GELU = 0x07;
    int OP_SYNC = 0x0E;
    int OP_END = 0x0F;

    /** Largest row count, row length, M, K or N a command carries (16-bit fields). */
    int MAX_DIM = 65535;

    /**
     * Dependency tokens: {@code waits} has bit {@code u.bit()} set to take one token from the
     * channel unit u -> this command's unit before starting; {@code signals} has bit {@code u.bit()}
     * set to put one token into the channel this unit -> u on completion.
     */
    record Deps(int waits, int signals) {
        public static final Deps NONE = new Deps(0, 0);

        public Deps {
            int all = (1 << Unit.values().length) - 1;
            if ((waits & ~all) != 0 || (signals & ~all) != 0) {
                throw new IllegalArgumentException("dependency masks use bits 0.." + (Unit.values().length - 1)
                        + ", got waits " + Integer.toBinaryString(waits) + " signals " + Integer.toBinaryString(signals));
            }
        }

        public static Deps of(List<Unit> waitOn, List<Unit> signalTo) {
            int w = 0;
            for (Unit u : waitOn) {
                w |= u.bit();
            }
            int s = 0;
            for (Unit u : signalTo) {
                s |= u.bit();
            }
            return new Deps(w, s);
        }

        public boolean waitsOn(Unit u) {
            return (waits & u.bit()) != 0;
        }

        public boolean signals(Unit u) {
            return (signals & u.bit()) != 0;
        }

        public Deps withWait(Unit u) {
            return new Deps(waits | u.bit(), signals);
        }

        public Deps withSignal(Unit u) {
            return new Deps(waits, signals | u.bit());
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Unit u : Unit.values()) {
                if (waitsOn(u)) {
                    sb.append(" wait ").append(u);
                }
            }
            for (Unit u : Unit.values()) {
                if (signals(u)) {
                    sb.append(" signal ").append(u);
                }
            }
            return sb.toString().trim();
        }
    }

    /** A 2-D region a command reads or writes: rows of {@code rowBytes} bytes, {@code stride} apart. */
    record Access(Space space, long addr, long stride, long rows, long rowBytes, boolean write) {
        /** First byte past the region. */
        public long end() {
            return addr + (rows - 1) * stride + rowBytes;
        }

        static Access read(Operand o, long rows, long rowBytes) {
            return new Access(o.space(), o.addr(), o.stride(), rows, rowBytes, false);
        }

        static Access write(Operand o, long rows, long rowBytes) {
            return new Access(o.space(), o.addr(), o.stride(), rows, rowBytes, true);
        }
    }

    /** How the GEMM engine finishes an accumulator (arithmetic sections 1 and 8). */
    enum Epilogue {
        /** sat8(RNE(acc m / 2^k)), per channel or per tensor: int8 out. */
        REQUANT(1),
        /** the int32 accumulator itself. */
        RAW(4),
        /** sat16(RNE(acc m_j / 2^k_j) + RNE(res m_r / 2^k_r)) with an int16 residual: int16 out. */
        RESIDUAL(2);

        private final int outBytes;

        Epilogue(int outBytes) {
            this.outBytes = outBytes;
        }

        public int outBytes() {
            return outBytes;
        }
    }

    Deps deps();

    /** The queue that executes the command (null for SYNC and END, which the dispatcher runs). */
    Unit unit();

    /** The opcode byte. */
    int opcode();

    /** Every region the command reads or writes. */
    List<Access> accesses();

    /** The same command with other dependency tokens. */
    Command withDeps(Deps deps);

    // ---- the commands ----

    /** Copies {@code rows} rows of {@code rowBytes} bytes from memory to a buffer. */
    record Load(Deps deps, Operand src, Operand dst, int rows, long rowBytes) implements Command {
        public Load {
            Checks.deps(deps);
            Checks.space("LOAD source", src, true);
            Checks.space("LOAD destination", dst, false);
            Checks.dim("LOAD rows", rows);
            Checks.range("LOAD row bytes", rowBytes, 1, 0xFFFF_FFFFL);
        }

        public Unit unit() { return Unit.LOAD; }
        public int opcode() { return OP_LOAD; }
        public List<Access> accesses() {
            return List.of(Access.read(src, rows, rowBytes), Access.write(dst, rows, rowBytes));
        }
        public Command withDeps(Deps d) { return new Load(d, src, dst, rows, rowBytes); }
    }

    /** Copies {@code rows} rows of {@code rowBytes} bytes from a buffer to memory. */
    record Store(Deps deps, Operand src, Operand dst, int rows, long rowBytes) implements Command {
        public Store {
            Checks.deps(deps);
            Checks.space("STORE source", src, false);
            Checks.space("STORE destination", dst, true);
            Checks.dim("STORE rows", rows);
            Checks.range("STORE row bytes", rowBytes, 1, 0xFFFF_FFFFL);
        }

        public Unit unit() { return Unit.STORE; }
        public int opcode() { return OP_STORE; }
        public List<Access> accesses() {
            return List.of(Access.read(src, rows, rowBytes), Access.write(dst, rows, rowBytes));
        }
        public Command withDeps(Deps d) { return new Store(d, src, dst, rows, rowBytes); }
    }

    /**
     * out (M x N) = epilogue(A (M x K) W (K x N) + bias): the whole tiled GEMM in one command, the
     * engine walks the tiles. A is int8, or with {@code split16} a non-negative int16 (0..32767)
     * computed exactly in two int8 passes (arithmetic section 9); W is int8, stored K x N or, with
     * {@code wTransposed}, N x K (row n holds column n). {@code bias} (N int64 entries) may be
     * null; the scale is per channel ({@code scaleTable}, N entries {m int32, k int32}) or per
     * tensor ({@code scale}); RESIDUAL adds {@code residual} (M x N int16) scaled by
     * {@code residualScale}.
     */
    record Gemm(Deps deps, Epilogue epilogue, boolean split16, boolean wTransposed, Operand a, Operand w,
            Operand out, int m, int k, int n, Operand bias, Operand scaleTable, DyadicScale scale,
            Operand residual, DyadicScale residualScale) implements Command {
        public Gemm {
            Checks.deps(deps);
            Objects.requireNonNull(epilogue, "epilogue");
            Checks.space("GEMM A", a, false);
            Checks.space("GEMM W", w, false);
            Checks.space("GEMM out", out, false);
            Checks.dim("GEMM M", m);
            Checks.dim("GEMM K", k);
            Checks.dim("GEMM N", n);
            if (bias != null) {
                Checks.space("GEMM bias", bias, false);
            }
            if (epilogue == Epilogue.RAW) {
                if (scaleTable != null || scale != null) {
                    throw new IllegalArgumentException("a RAW GEMM has no scale");
                }
            } else if ((scaleTable == null) == (scale == null)) {
                throw new IllegalArgumentException("a " + epilogue + " GEMM needs exactly one of a scale table or a scale");
            }
            if (scaleTable != null) {
                Checks.space("GEMM scale table", scaleTable, false);
            }
            if (scale != null) {
                Checks.scale("GEMM scale", scale);
            }
            if ((epilogue == Epilogue.RESIDUAL) != (residual != null && residualScale != null)) {
                throw new IllegalArgumentException("a residual operand and scale go with the RESIDUAL epilogue only");
            }
            if (residual != null) {
                Checks.space("GEMM residual", residual, false);
                Checks.scale("GEMM residual scale", residualScale);
            }
        }

        public Unit unit() { return Unit.GEMM; }
        public int opcode() { return OP_GEMM; }
        public List<Access> accesses() {
            List<Access> l = new ArrayList<>();
            l.add(Access.read(a, m, (long) k * (split16 ? 2 : 1)));
            l.add(wTransposed ? Access.read(w, n, k) : Access.read(w, k, n));
            if (bias != null) {
                l.add(Access.read(bias, 1, 8L * n));
            }
            if (scaleTable != null) {
                l.add(Access.read(scaleTable, 1, 8L * n));
            }
            if (residual != null) {
                l.add(Access.read(residual, m, 2L * n));
            }
            l.add(Access.write(out, m, (long) n * epilogue.outBytes()));
            return l;
        }
        public Command withDeps(Deps d) {
            return new Gemm(d, epilogue, split16, wTransposed, a, w, out, m, k, n, bias, scaleTable, scale, residual,
                    residualScale);
        }
    }

    /**
     * Softmax over each of {@code rows} rows of {@code len} int8 scores (arithmetic sections 3, 4):
     * Shiftmax with b = {@code bits} (8: int8 out, 16: int16 out), or log2 codes (one byte each:
     * bits 3:0 the code, bit 4 the zero flag).
     */
    record Softmax(Deps deps, boolean log2, int bits, Operand in, Operand out, int rows, int len, int x)
            implements Command {
        public Softmax {
            Checks.deps(deps);
            if (bits != 8 && bits != 16) {
                throw new IllegalArgumentException("SOFTMAX bits must be 8 or 16, got " + bits);
            }
            if (log2 && bits != 16) {
                throw new IllegalArgumentException("log2 SOFTMAX carries bits = 16 (its codes are 2^-15 steps)");
            }
            Checks.space("SOFTMAX in", in, false);
            Checks.space("SOFTMAX out", out, false);
            Checks.dim("SOFTMAX rows", rows);
            Checks.dim("SOFTMAX row length", len);
            Checks.range("SOFTMAX X", x, 1, 255);
        }

        /** Bytes per output element. */
        public int outBytes() {
            return !log2 && bits == 16 ? 2 : 1;
        }

        public Unit unit() { return Unit.SOFTMAX; }
        public int opcode() { return OP_SOFTMAX; }
        public List<Access> accesses() {
            return List.of(Access.read(in, rows, len), Access.write(out, rows, (long) len * outBytes()));
        }
        public Command withDeps(Deps d) { return new Softmax(d, log2, bits, in, out, rows, len, x); }
    }

    /**
     * Attention x V by shifts (arithmetic section 4) over {@code rows} rows of {@code n} log2
     * codes and V (n x hd int8), requantized per tensor to int8.
     */
    record AttnV(Deps deps, Operand codes, Operand v, Operand out, int rows, int n, int hd, DyadicScale scale)
            implements Command {
        public AttnV {
            Checks.deps(deps);
            Checks.space("ATTNV codes", codes, false);
            Checks.space("ATTNV V", v, false);
            Checks.space("ATTNV out", out, false);
            Checks.dim("ATTNV rows", rows);
            Checks.dim("ATTNV n", n);
            Checks.dim("ATTNV head width", hd);
            Checks.scale("ATTNV scale", scale);
        }

        public Unit unit() { return Unit.SOFTMAX; }
        public int opcode() { return OP_ATTNV; }
        public List<Access> accesses() {
            return List.of(Access.read(codes, rows, n), Access.read(v, n, hd), Access.write(out, rows, hd));
        }
        public Command withDeps(Deps d) { return new AttnV(d, codes, v, out, rows, n, hd, scale); }
    }

    /**
     * I-LayerNorm (arithmetic section 6) of {@code rows} int16 rows of {@code channels}, plus the
     * bias table (int64 per channel), requantized per channel (scale table) to int8.
     */
    record LayerNorm(Deps deps, Operand in, Operand out, int rows, int channels, Operand biasTable,
            Operand scaleTable) implements Command {
        public LayerNorm {
            Checks.deps(deps);
            Checks.space("LAYERNORM in", in, false);
            Checks.space("LAYERNORM out", out, false);
            Checks.space("LAYERNORM bias table", biasTable, false);
            Checks.space("LAYERNORM scale table", scaleTable, false);
            Checks.dim("LAYERNORM rows", rows);
            Checks.dim("LAYERNORM channels", channels);
        }

        public Unit unit() { return Unit.LNORM; }
        public int opcode() { return OP_LAYERNORM; }
        public List<Access> accesses() {
            return List.of(Access.read(in, rows, 2L * channels), Access.read(biasTable, 1, 8L * channels),
                    Access.read(scaleTable, 1, 8L * channels), Access.write(out, rows, channels));
        }
        public Command withDeps(Deps d) { return new LayerNorm(d, in, out, rows, channels, biasTable, scaleTable); }
    }

    /**
     * GELU over {@code rows} int8 rows of {@code len}: ShiftGELU with X (arithmetic section 5) or
     * i-GELU with b, c, one (section 7), then requantized per tensor to int8.
     */
    record Gelu(Deps deps, boolean igelu, Operand in, Operand out, int rows, int len, int x, long b, long c, long one,
            DyadicScale scale) implements Command {
        public Gelu {
            Checks.deps(deps);
            Checks.space("GELU in", in, false);
            Checks.space("GELU out", out, false);
            Checks.dim("GELU rows", rows);
            Checks.dim("GELU row length", len);
            Checks.scale("GELU scale", scale);
            if (igelu) {
                Checks.range("GELU i-GELU b", b, Integer.MIN_VALUE, -1);
                Checks.range("GELU i-GELU one", one, Integer.MIN_VALUE, Integer.MAX_VALUE);
                if (x != 0) {
                    throw new IllegalArgumentException("i-GELU has no X");
                }
            } else {
                Checks.range("GELU X", x, 1, 255);
                if (b != 0 || c != 0 || one != 0) {
                    throw new IllegalArgumentException("ShiftGELU has no b, c, one");
                }
            }
        }

        public Unit unit() { return Unit.GELU; }
        public int opcode() { return OP_GELU; }
        public List<Access> accesses() {
            return List.of(Access.read(in, rows, len), Access.write(out, rows, len));
        }
        public Command withDeps(Deps d) { return new Gelu(d, igelu, in, out, rows, len, x, b, c, one, scale); }
    }

    /** Barrier: the dispatcher issues nothing after it until every earlier command has completed. */
    record Sync(Deps deps) implements Command {
        public Sync {
            if (deps.waits() != 0 || deps.signals() != 0) {
                throw new IllegalArgumentException("SYNC carries no tokens");
            }
        }

        public Unit unit() { return null; }
        public int opcode() { return OP_SYNC; }
        public List<Access> accesses() { return List.of(); }
        public Command withDeps(Deps d) { return new Sync(d); }
    }

    /** End of the stream: after every earlier command has completed, the top raises its interrupt. */
    record End(Deps deps) implements Command {
        public End {
            if (deps.waits() != 0 || deps.signals() != 0) {
                throw new IllegalArgumentException("END carries no tokens");
            }
        }

        public Unit unit() { return null; }
        public int opcode() { return OP_END; }
        public List<Access> accesses() { return List.of(); }
        public Command withDeps(Deps d) { return new End(d); }
    }

    /** Argument checks shared by the records. */
    final class Checks {
        private Checks() {
        }

        static void deps(Deps d) {
            Objects.requireNonNull(d, "deps");
        }

        static void space(String what, Operand o, boolean dram) {
            Objects.requireNonNull(o, what);
            if ((o.space() == Space.DRAM) != dram) {
                throw new IllegalArgumentException(what + " must be " + (dram ? "in DRAM" : "an on-chip buffer")
                        + ", got " + o);
            }
        }

        static void dim(String what, long v) {
            range(what, v, 1, MAX_DIM);
        }

        static void range(String what, long v, long min, long max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + " = " + v + " is outside " + min + ".." + max);
            }
        }

        static void scale(String what, DyadicScale s) {
            Objects.requireNonNull(s, what);
            range(what + " m", s.m(), Integer.MIN_VALUE, Integer.MAX_VALUE);
            range(what + " k", s.k(), 0, 63);
        }
    }
}
