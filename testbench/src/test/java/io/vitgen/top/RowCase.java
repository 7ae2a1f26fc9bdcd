package io.vitgen.top;

import io.vitgen.compile.BufferPlan;
import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Interpreter;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.PolyGelu;
import io.vitgen.golden.ShiftGelu;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One LAYERNORM or GELU command as a whole stream: LOAD its operands (and tables) from memory
 * into the buffers, the command, STORE its output rows, END. The interpreter's run of the stream
 * is the reference; {@link #buffersBefore} is what the buffers hold when the command starts (the
 * loads applied to random bytes), so the unit can be run alone on the same bytes.
 *
 * @param cmds     the stream
 * @param labels   one label per command
 * @param image    the memory image: operands, tables, the stream at {@code cmdAddr}, the output region
 * @param cmdAddr  byte address of the stream
 * @param unitCmd  index of the LAYERNORM / GELU command
 * @param outAddr  memory address of the stored output (rows x rowBytes, dense)
 * @param rows     output rows
 * @param rowBytes output bytes per row
 */
record RowCase(List<Command> cmds, List<String> labels, byte[] image, long cmdAddr, int unitCmd, long outAddr, int rows,
        int rowBytes) {

    /** Bytes of every buffer space in these streams (the top's default). */
    static final int BUF_BYTES = 65536;

    static BufferPlan plan() {
        Map<Space, Long> cap = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                cap.put(s, (long) BUF_BYTES);
            }
        }
        return new BufferPlan(cap, 16);
    }

    Command unit() {
        return cmds.get(unitCmd);
    }

    /** The interpreter's output rows (dense, rows x rowBytes). */
    byte[] expected(long seed) {
        byte[] dram = Interpreter.run(cmds, labels, image, plan(), List.of(), seed, 4).dram();
        byte[] out = new byte[rows * rowBytes];
        System.arraycopy(dram, (int) outAddr, out, 0, out.length);
        return out;
    }

    /** The buffers when the unit's command starts: random bytes, then every LOAD before it. */
    Map<Space, byte[]> buffersBefore(long seed) {
        Random rnd = new Random(seed);
        Map<Space, byte[]> b = new EnumMap<>(Space.class);
        for (Space s : Space.values()) {
            if (s != Space.DRAM) {
                byte[] a = new byte[BUF_BYTES];
                rnd.nextBytes(a);
                b.put(s, a);
            }
        }
        for (int i = 0; i < unitCmd; i++) {
            Command.Load l = (Command.Load) cmds.get(i);
            for (int r = 0; r < l.rows(); r++) {
                System.arraycopy(image, (int) (l.src().addr() + r * l.src().stride()), b.get(l.dst().space()),
                        (int) (l.dst().addr() + r * l.dst().stride()), (int) l.rowBytes());
            }
        }
        return b;
    }

    /** The output rows as the unit left them in the buffers (dense). */
    byte[] outputIn(Map<Space, byte[]> buffers) {
        Operand o = unitOut();
        byte[] out = new byte[rows * rowBytes];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(buffers.get(o.space()), (int) (o.addr() + r * o.stride()), out, r * rowBytes, rowBytes);
        }
        return out;
    }

    Operand unitOut() {
        Command c = unit();
        return c instanceof Command.LayerNorm l ? l.out() : ((Command.Gelu) c).out();
    }

    /** The first differing output byte named by row and channel, or null. */
    String firstDifference(byte[] want, byte[] got) {
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                return labels.get(unitCmd) + " row " + (i / rowBytes) + " channel " + (i % rowBytes) + ": expected "
                        + want[i] + ", got " + got[i];
            }
        }
        return null;
    }

    // ---- the two kinds of case ----

    private static final class Builder {
        final Random rnd;
        final byte[] mem = new byte[1 << 20];
        int top = 0;
        final List<Command> cmds = new ArrayList<>();
        final List<String> labels = new ArrayList<>();

        Builder(Random rnd) {
            this.rnd = rnd;
            rnd.nextBytes(mem);
        }

        long alloc(int bytes) {
            long a = top;
            top += (bytes + 63) & ~63;
            return a;
        }

        void load(long src, Operand dst, int rows, int rowBytes, boolean signal) {
            cmds.add(new Command.Load(Command.Deps.of(List.of(), signal ? List.of(signalTo) : List.of()),
                    Operand.of(Space.DRAM, src, rowBytes), dst, rows, rowBytes));
            labels.add("load " + cmds.size());
        }

        Unit signalTo;

        RowCase finish(Command unitCmd, String label, Operand out, int rows, int rowBytes) {
            int idx = cmds.size();
            cmds.add(unitCmd);
            labels.add(label);
            long outAddr = alloc(rows * rowBytes);
            cmds.add(new Command.Store(Command.Deps.of(List.of(unitCmd.unit()), List.of()), out,
                    Operand.of(Space.DRAM, outAddr, rowBytes), rows, rowBytes));
            labels.add("store");
            cmds.add(new Command.End(Command.Deps.NONE));
            labels.add("end");
            byte[] stream = CommandCodec.toBytes(CommandCodec.encode(cmds));
            long cmdAddr = alloc(stream.length);
            System.arraycopy(stream, 0, mem, (int) cmdAddr, stream.length);
            byte[] image = java.util.Arrays.copyOf(mem, top);
            return new RowCase(List.copyOf(cmds), List.copyOf(labels), image, cmdAddr, idx, outAddr, rows, rowBytes);
        }
    }

    /** LAYERNORM of rows x channels int16 from RES into ACT with strides and offsets; tables in CONST. */
    static RowCase layerNorm(long seed, int rows, int channels) {
        Random rnd = new Random(seed);
        Builder b = new Builder(rnd);
        b.signalTo = Unit.LNORM;
        long x = b.alloc(rows * 2 * channels);
        for (int r = 0; r < rows; r++) {
            int spread = r % 5 == 0 ? 32768 : 1 + rnd.nextInt(r % 3 == 0 ? 64 : 4000);
            for (int j = 0; j < channels; j++) {
                long v = r % 7 == 3 ? 1234 : Math.max(-32768, Math.min(32767, rnd.nextInt(2 * spread) - spread));
                put(b.mem, x + 2L * (r * channels + j), 2, v);
            }
        }
        long bias = b.alloc(8 * channels);
        long scale = b.alloc(8 * channels);
        for (int j = 0; j < channels; j++) {
            put(b.mem, bias + 8L * j, 8, rnd.nextInt(1 << 22) - (1 << 21));
            DyadicScale s = DyadicScale.fromRatio(Math.scalb(0.5 + rnd.nextDouble() * 0.5, -22 - rnd.nextInt(4)));
            put(b.mem, scale + 8L * j, 4, s.m());
            put(b.mem, scale + 8L * j + 4, 4, s.k());
        }
        int inStride = 2 * channels + rnd.nextInt(12);
        Operand in = Operand.of(Space.RES, 2 + rnd.nextInt(60), inStride);
        Operand bt = Operand.of(Space.CONST, rnd.nextInt(64), 0);
        Operand st = Operand.of(Space.CONST, 64 + ((8 * channels + 63) & ~63) + rnd.nextInt(64), 0);
        Operand out = Operand.of(Space.ACT, rnd.nextInt(64), channels + rnd.nextInt(20));
        b.load(x, in, rows, 2 * channels, false);
        b.load(bias, bt, 1, 8 * channels, false);
        b.load(scale, st, 1, 8 * channels, true);
        Command ln = new Command.LayerNorm(Command.Deps.of(List.of(Unit.LOAD), List.of(Unit.STORE)), in, out, rows,
                channels, bt, st);
        return b.finish(ln, "layernorm " + rows + " x " + channels, out, rows, channels);
    }

    /** GELU of rows x len int8 from HID into HID (another slot), ShiftGELU or i-GELU. */
    static RowCase gelu(long seed, int rows, int len, boolean igelu) {
        Random rnd = new Random(seed);
        Builder b = new Builder(rnd);
        b.signalTo = Unit.GELU;
        long x = b.alloc(rows * len);
        long[][] xs = new long[rows][len];
        for (int r = 0; r < rows; r++) {
            int spread = r % 4 == 0 ? 128 : 1 + rnd.nextInt(r % 3 == 0 ? 8 : 100);
            for (int j = 0; j < len; j++) {
                xs[r][j] = r % 9 == 5 ? -128 : Math.max(-128, Math.min(127, rnd.nextInt(2 * spread) - spread));
                put(b.mem, x + (long) r * len + j, 1, xs[r][j]);
            }
        }
        int xConst = 0;
        PolyGelu.Constants k = null;
        long maxAbs = 1;
        if (igelu) {
            k = PolyGelu.Constants.of(Math.scalb(1.0, -9 - rnd.nextInt(9)) * (1 + rnd.nextDouble()));   // S in [2^-17, 2^-8)
            for (long[] row : xs) {
                for (long y : PolyGelu.apply(row, k)) {
                    maxAbs = Math.max(maxAbs, Math.abs(y));
                }
            }
        } else {
            xConst = 1 + rnd.nextInt(127);
            for (long[] row : xs) {
                for (long y : ShiftGelu.apply(row, xConst)) {
                    maxAbs = Math.max(maxAbs, Math.abs(y));
                }
            }
        }
        DyadicScale scale = DyadicScale.fromRatio(127.0 / maxAbs * (0.6 + rnd.nextDouble()));
        Operand in = Operand.of(Space.HID, rnd.nextInt(64), len + rnd.nextInt(24));
        Operand out = Operand.of(Space.HID, 32768 + rnd.nextInt(64), len + rnd.nextInt(24));
        b.load(x, in, rows, len, true);
        Command g = new Command.Gelu(Command.Deps.of(List.of(Unit.LOAD), List.of(Unit.STORE)), igelu, in, out, rows, len,
                xConst, igelu ? k.b() : 0, igelu ? k.c() : 0, igelu ? k.one() : 0, scale);
        return b.finish(g, (igelu ? "i-GELU " : "ShiftGELU ") + rows + " x " + len, out, rows, len);
    }

    static void put(byte[] b, long addr, int bytes, long v) {
        for (int i = 0; i < bytes; i++) {
            b[(int) addr + i] = (byte) (v >>> (8 * i));
        }
    }
}
