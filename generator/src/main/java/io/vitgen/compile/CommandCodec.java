package io.vitgen.compile;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.golden.DyadicScale;

/**
 * Commands to 64-bit words and back (docs/commands.md, "Binary layout"). A command is a header word
 * followed by its argument words:
 * <pre>
 * header [7:0] opcode  [15:8] wait mask  [23:16] signal mask  [31:24] argument words  [63:32] flags
 * </pre>
 * The decoder is strict: an unknown opcode, a wrong argument count, reserved bits set or a value a
 * command refuses is an error naming the word index; {@code decode(encode(s))} equals {@code s}.
 */
public final class CommandCodec {

    private CommandCodec() {
    }

    /** Argument words of each opcode (index = opcode). */
    private static int argWords(int opcode) {
        return switch (opcode) {
            case Command.OP_LOAD, Command.OP_STORE -> 3;
            case Command.OP_GEMM -> 8;
            case Command.OP_SOFTMAX -> 3;
            case Command.OP_ATTNV -> 5;
            case Command.OP_LAYERNORM -> 5;
            case Command.OP_GELU -> 6;
            case Command.OP_SYNC, Command.OP_END -> 0;
            default -> -1;
        };
    }

    /** Every command's words, in order. */
    public static long[] encode(List<Command> commands) {
        List<Long> out = new ArrayList<>();
        for (Command c : commands) {
            encode(c, out);
        }
        long[] w = new long[out.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = out.get(i);
        }
        return w;
    }

    /** Little-endian bytes of the words (how the stream sits in memory). */
    public static byte[] toBytes(long[] words) {
        byte[] b = new byte[words.length * 8];
        for (int i = 0; i < words.length; i++) {
            for (int j = 0; j < 8; j++) {
                b[i * 8 + j] = (byte) (words[i] >>> (8 * j));
            }
        }
        return b;
    }

    private static void encode(Command c, List<Long> out) {
        long flags = 0;
        long[] args;
        if (c instanceof Command.Load l) {
            args = new long[] {l.src().encode(), l.dst().encode(), dims(l.rows(), l.rowBytes())};
        } else if (c instanceof Command.Store s) {
            args = new long[] {s.src().encode(), s.dst().encode(), dims(s.rows(), s.rowBytes())};
        } else if (c instanceof Command.Gemm g) {
            flags = g.epilogue().ordinal() | (g.split16() ? 4 : 0) | (g.wTransposed() ? 8 : 0)
                    | (g.bias() != null ? 16 : 0) | (g.scaleTable() != null ? 32 : 0);
            long scaleWord = g.scaleTable() != null ? g.scaleTable().encode() : g.scale() != null ? scale(g.scale()) : 0;
            args = new long[] {g.a().encode(), g.w().encode(), g.out().encode(),
                g.m() | ((long) g.k() << 16) | ((long) g.n() << 32),
                g.bias() != null ? g.bias().encode() : 0, scaleWord,
                g.residual() != null ? g.residual().encode() : 0,
                g.residualScale() != null ? scale(g.residualScale()) : 0};
        } else if (c instanceof Command.Softmax s) {
            flags = (s.log2() ? 1 : 0) | (s.bits() == 16 ? 2 : 0);
            args = new long[] {s.in().encode(), s.out().encode(),
                s.rows() | ((long) s.len() << 16) | ((long) s.x() << 32)};
        } else if (c instanceof Command.AttnV a) {
            args = new long[] {a.codes().encode(), a.v().encode(), a.out().encode(),
                a.rows() | ((long) a.n() << 16) | ((long) a.hd() << 32), scale(a.scale())};
        } else if (c instanceof Command.LayerNorm l) {
            args = new long[] {l.in().encode(), l.out().encode(),
                l.rows() | ((long) l.channels() << 16), l.biasTable().encode(), l.scaleTable().encode()};
        } else if (c instanceof Command.Gelu g) {
            flags = g.igelu() ? 1 : 0;
            args = new long[] {g.in().encode(), g.out().encode(),
                g.rows() | ((long) g.len() << 16) | ((long) g.x() << 32),
                (g.b() & 0xFFFF_FFFFL) | (g.one() << 32), g.c(), scale(g.scale())};
        } else {
            args = new long[0]; // SYNC, END
        }
        out.add(c.opcode() | ((long) c.deps().waits() << 8) | ((long) c.deps().signals() << 16)
                | ((long) args.length << 24) | (flags << 32));
        for (long a : args) {
            out.add(a);
        }
    }

    private static long dims(int rows, long rowBytes) {
        return rows | (rowBytes << 16);
    }

    private static long scale(DyadicScale s) {
        return (s.m() & 0xFFFF_FFFFL) | ((long) s.k() << 32);
    }

    /** The commands of a stream of words; throws {@link IllegalArgumentException} naming the word. */
    public static List<Command> decode(long[] words) {
        List<Command> out = new ArrayList<>();
        int i = 0;
        while (i < words.length) {
            long h = words[i];
            int op = (int) (h & 0xFF);
            int argc = (int) ((h >>> 24) & 0xFF);
            int expected = argWords(op);
            if (expected < 0) {
                throw new IllegalArgumentException("word " + i + ": unknown opcode 0x" + Integer.toHexString(op));
            }
            if (argc != expected) {
                throw new IllegalArgumentException("word " + i + ": opcode 0x" + Integer.toHexString(op) + " has "
                        + expected + " argument words, the header says " + argc);
            }
            if (i + argc >= words.length) {
                throw new IllegalArgumentException("word " + i + ": the stream ends inside the command");
            }
            long[] a = new long[argc];
            System.arraycopy(words, i + 1, a, 0, argc);
            Command.Deps deps = new Command.Deps((int) ((h >>> 8) & 0xFF), (int) ((h >>> 16) & 0xFF));
            long flags = h >>> 32;
            try {
                out.add(decode(op, deps, flags, a));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("word " + i + ": " + e.getMessage(), e);
            }
            i += 1 + argc;
        }
        return out;
    }

    private static Command decode(int op, Command.Deps deps, long flags, long[] a) {
        switch (op) {
            case Command.OP_LOAD, Command.OP_STORE -> {
                noFlags(flags, 0);
                int rows = (int) (a[2] & 0xFFFF);
                long rowBytes = a[2] >>> 16;
                if ((rowBytes >>> 32) != 0) {
                    throw new IllegalArgumentException("row bytes beyond 32 bits");
                }
                return op == Command.OP_LOAD
                        ? new Command.Load(deps, Operand.decode(a[0]), Operand.decode(a[1]), rows, rowBytes)
                        : new Command.Store(deps, Operand.decode(a[0]), Operand.decode(a[1]), rows, rowBytes);
            }
            case Command.OP_GEMM -> {
                noFlags(flags, 0x3F);
                int ep = (int) (flags & 3);
                if (ep > 2) {
                    throw new IllegalArgumentException("unknown GEMM epilogue " + ep);
                }
                Command.Epilogue epilogue = Command.Epilogue.values()[ep];
                boolean perChannel = (flags & 32) != 0;
                boolean hasBias = (flags & 16) != 0;
                if ((a[3] >>> 48) != 0) {
                    throw new IllegalArgumentException("GEMM dimension word has reserved bits 63:48 set");
                }
                Operand scaleTable = perChannel ? Operand.decode(a[5]) : null;
                DyadicScale scale = !perChannel && epilogue != Command.Epilogue.RAW ? scale(a[5]) : null;
                if (epilogue == Command.Epilogue.RAW && a[5] != 0 || !hasBias && a[4] != 0) {
                    throw new IllegalArgumentException("GEMM argument set that its flags say is absent");
                }
                boolean res = epilogue == Command.Epilogue.RESIDUAL;
                if (!res && (a[6] != 0 || a[7] != 0)) {
                    throw new IllegalArgumentException("GEMM residual words set without the RESIDUAL epilogue");
                }
                return new Command.Gemm(deps, epilogue, (flags & 4) != 0, (flags & 8) != 0, Operand.decode(a[0]),
                        Operand.decode(a[1]), Operand.decode(a[2]), (int) (a[3] & 0xFFFF), (int) ((a[3] >>> 16) & 0xFFFF),
                        (int) ((a[3] >>> 32) & 0xFFFF), hasBias ? Operand.decode(a[4]) : null, scaleTable, scale,
                        res ? Operand.decode(a[6]) : null, res ? scale(a[7]) : null);
            }
            case Command.OP_SOFTMAX -> {
                noFlags(flags, 3);
                reserved(a[2], 40, "SOFTMAX dimension");
                return new Command.Softmax(deps, (flags & 1) != 0, (flags & 2) != 0 ? 16 : 8, Operand.decode(a[0]),
                        Operand.decode(a[1]), (int) (a[2] & 0xFFFF), (int) ((a[2] >>> 16) & 0xFFFF),
                        (int) ((a[2] >>> 32) & 0xFF));
            }
            case Command.OP_ATTNV -> {
                noFlags(flags, 0);
                reserved(a[3], 48, "ATTNV dimension");
                return new Command.AttnV(deps, Operand.decode(a[0]), Operand.decode(a[1]), Operand.decode(a[2]),
                        (int) (a[3] & 0xFFFF), (int) ((a[3] >>> 16) & 0xFFFF), (int) ((a[3] >>> 32) & 0xFFFF), scale(a[4]));
            }
            case Command.OP_LAYERNORM -> {
                noFlags(flags, 0);
                reserved(a[2], 32, "LAYERNORM dimension");
                return new Command.LayerNorm(deps, Operand.decode(a[0]), Operand.decode(a[1]), (int) (a[2] & 0xFFFF),
                        (int) ((a[2] >>> 16) & 0xFFFF), Operand.decode(a[3]), Operand.decode(a[4]));
            }
            case Command.OP_GELU -> {
                noFlags(flags, 1);
                reserved(a[2], 40, "GELU dimension");
                return new Command.Gelu(deps, (flags & 1) != 0, Operand.decode(a[0]), Operand.decode(a[1]),
                        (int) (a[2] & 0xFFFF), (int) ((a[2] >>> 16) & 0xFFFF), (int) ((a[2] >>> 32) & 0xFF),
                        (int) a[3], a[4], a[3] >> 32, scale(a[5]));
            }
            case Command.OP_SYNC -> {
                noFlags(flags, 0);
                return new Command.Sync(deps);
            }
            case Command.OP_END -> {
                noFlags(flags, 0);
                return new Command.End(deps);
            }
            default -> throw new IllegalArgumentException("unknown opcode 0x" + Integer.toHexString(op));
        }
    }

    private static DyadicScale scale(long w) {
        if ((w >>> 38) != 0) {
            throw new IllegalArgumentException("scale word has reserved bits 63:38 set");
        }
        return new DyadicScale((int) w, (int) (w >>> 32));
    }

    private static void noFlags(long flags, long allowed) {
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException("reserved flag bits set: 0x" + Long.toHexString(flags & ~allowed));
        }
    }

    private static void reserved(long w, int fromBit, String what) {
        if ((w >>> fromBit) != 0) {
            throw new IllegalArgumentException(what + " word has reserved bits 63:" + fromBit + " set");
        }
    }
}
