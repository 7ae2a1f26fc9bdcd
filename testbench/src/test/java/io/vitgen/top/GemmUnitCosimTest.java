package io.vitgen.top;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.GemmUnit;
import io.vitgen.top.GemmRig.Expect;

/**
 * vitgen_top_gemm alone, bit-exact against the command interpreter (GemmRig): every epilogue
 * (REQUANT per tensor and per channel, RAW, RESIDUAL), bias tables, split16, W transposed, odd
 * shapes (M = 13, K = 40, N = 72: multiples of nothing), on a 16x16 array with BB = 16, an 8x16
 * int8x2-packed array with BB = 8, a 2x32 int8x2-packed array with BB = 16 (a W row in two beats,
 * an engine channel beat of 2,240 bits) and a 2x2 array, with random stalls on every channel and a
 * random initial state (GemmRig); and the
 * commands it cannot run (K beyond its limit, a bias beyond int32, a split16 element above 32767, a
 * bad scale table entry, a RAW result beyond int32) end with err bit 2 and done.
 */
class GemmUnitCosimTest {

    static final Path DIR = Path.of("target", "rtl", "top-gemm-cosim");

    /** One GEMM command with the buffers it reads. */
    record Case(Command.Gemm gemm, Map<Space, byte[]> buffers) {
    }

    /** Options of a generated case. */
    record Shape(int m, int k, int n, Command.Epilogue epi, boolean split, boolean wt, boolean bias, boolean perChannel) {
    }

    static Case make(Shape s, Random rnd) {
        Map<Space, byte[]> buf = new EnumMap<>(Space.class);
        for (Space sp : new Space[] {Space.ACT, Space.RES, Space.WGT, Space.ATT, Space.HID, Space.CONST}) {
            byte[] b = new byte[GemmRig.SPACE_BYTES];
            rnd.nextBytes(b);
            buf.put(sp, b);
        }
        int e = s.split() ? 2 : 1;
        // A at an odd offset with a stride longer than its rows
        Space aSpace = s.split() ? Space.ATT : Space.ACT;
        long aAddr = 40 + rnd.nextInt(24);
        long aStride = (long) s.k() * e + rnd.nextInt(3) * 8;
        for (int i = 0; i < s.m(); i++) {
            for (int j = 0; j < s.k(); j++) {
                long at = aAddr + i * aStride + (long) j * e;
                if (s.split()) {
                    int p = switch (rnd.nextInt(8)) {
                        case 0 -> 0;
                        case 1 -> 32767;
                        default -> rnd.nextInt(32768);
                    };
                    buf.get(aSpace)[(int) at] = (byte) p;
                    buf.get(aSpace)[(int) at + 1] = (byte) (p >> 8);
                }
            }
        }
        long wRows = s.wt() ? s.n() : s.k();
        long wCols = s.wt() ? s.k() : s.n();
        long wAddr = 100 + rnd.nextInt(64);
        long wStride = wCols + rnd.nextInt(3) * 4;
        // W bytes are random already; make some extreme
        for (int i = 0; i < wRows; i++) {
            if (rnd.nextInt(4) == 0) {
                buf.get(Space.WGT)[(int) (wAddr + i * wStride + rnd.nextInt((int) wCols))] = (byte) -128;
            }
        }
        Operand bias = null;
        Operand table = null;
        DyadicScale scale = null;
        long tabAddr = 8 + 8 * rnd.nextInt(8);
        byte[] cst = buf.get(Space.CONST);
        double mag = s.split() ? 3e-6 : 1e-3;
        if (s.bias()) {
            bias = Operand.of(Space.CONST, tabAddr, 0);
            for (int j = 0; j < s.n(); j++) {
                // RAW writes acc + bias as int32: keep the extremes for the requantizing epilogues
                long v = switch (s.epi() == Command.Epilogue.RAW ? 9 : rnd.nextInt(10)) {
                    case 0 -> Integer.MAX_VALUE;
                    case 1 -> Integer.MIN_VALUE;
                    default -> rnd.nextInt(1 << 20) - (1 << 19);
                };
                put(cst, tabAddr + 8L * j, 8, v);
            }
        }
        if (s.epi() != Command.Epilogue.RAW) {
            if (s.perChannel()) {
                long t = tabAddr + 8L * s.n() + 16;
                table = Operand.of(Space.CONST, t, 0);
                for (int j = 0; j < s.n(); j++) {
                    DyadicScale d = j % 7 == 3 ? new DyadicScale(-(1L << 31) + 1, 62)
                            : DyadicScale.fromRatio((rnd.nextBoolean() ? 1 : -1) * mag * (0.1 + 4 * rnd.nextDouble()));
                    put(cst, t + 8L * j, 4, d.m());
                    put(cst, t + 8L * j + 4, 4, d.k());
                }
            } else {
                scale = DyadicScale.fromRatio(mag * (0.2 + rnd.nextDouble()));
            }
        }
        Operand res = null;
        DyadicScale resScale = null;
        if (s.epi() == Command.Epilogue.RESIDUAL) {
            res = Operand.of(Space.RES, 200 + 2 * rnd.nextInt(16), 2L * s.n() + 6);
            resScale = DyadicScale.fromRatio(0.5 + rnd.nextDouble());
        }
        int ob = s.epi().outBytes();
        Operand out = Operand.of(Space.HID, 24 + rnd.nextInt(40), (long) ob * s.n() + 4 * rnd.nextInt(3));
        Command.Gemm g = new Command.Gemm(Command.Deps.NONE, s.epi(), s.split(), s.wt(), Operand.of(aSpace, aAddr, aStride),
                Operand.of(Space.WGT, wAddr, wStride), out, s.m(), s.k(), s.n(), bias, table, scale, res, resScale);
        return new Case(g, buf);
    }

    static void put(byte[] b, long at, int n, long v) {
        for (int i = 0; i < n; i++) {
            b[(int) at + i] = (byte) (v >>> (8 * i));
        }
    }

    static GemmUnit.Params params(int rows, int cols, boolean packed, int lanes, int bb, int kb) {
        return new GemmUnit.Params(new io.vitgen.hw.MacArray.Shape(rows, cols, 8, 8, 32, 8, packed).withReqLanes(lanes), bb, kb);
    }

    static final Command.Epilogue REQ = Command.Epilogue.REQUANT;
    static final Command.Epilogue RAW = Command.Epilogue.RAW;
    static final Command.Epilogue RES = Command.Epilogue.RESIDUAL;

    /** The epilogue and operand variants every array runs, on the odd shape 13 x 40 x 72. */
    static final Shape[] VARIANTS = {
        new Shape(13, 40, 72, REQ, false, false, false, false),
        new Shape(13, 40, 72, REQ, false, false, true, true),
        new Shape(13, 40, 72, RAW, false, false, true, false),
        new Shape(13, 40, 72, RES, false, false, true, true),
        new Shape(13, 40, 72, RES, false, false, false, false),
        new Shape(13, 40, 72, REQ, true, false, false, false),
        new Shape(13, 40, 72, REQ, false, true, false, true),
        new Shape(13, 40, 72, RAW, true, true, true, false),
    };

    static void runAll(GemmRig rig, long seed, Shape[] shapes, int valid, int ready) {
        Random rnd = new Random(seed);
        for (Shape s : shapes) {
            Case c = make(s, rnd);
            rig.run(c.gemm(), c.buffers(), rnd.nextLong(), valid, ready, Expect.MATCH);
        }
    }

    @Test
    void array16x16Bb16() {
        GemmRig rig = new GemmRig(params(16, 16, false, 4, 16, 512), DIR.resolve("16x16"));
        long seed = Seeds.of("GemmUnitCosimTest.array16x16Bb16", 0x16_16L);
        runAll(rig, seed, VARIANTS, 700, 650);
        // larger: several row and column tiles, K past the back-to-back bound, full rate
        runAll(rig, seed + 1, new Shape[] {
            new Shape(40, 96, 50, REQ, false, false, true, true),
            new Shape(33, 64, 40, REQ, false, true, false, false),
            new Shape(20, 70, 33, RES, true, false, true, true),
        }, 1000, 1000);
    }

    @Test
    void packed8x16Bb8() {
        GemmRig rig = new GemmRig(params(8, 16, true, 4, 8, 256), DIR.resolve("8x16p"));
        long seed = Seeds.of("GemmUnitCosimTest.packed8x16Bb8", 0x816L);
        runAll(rig, seed, VARIANTS, 600, 700);
    }

    /**
     * 32 int8x2 columns: the engine's channel beat (m = 1, k = 0, bias 0 in every lane) is 2,240 bits
     * wide, and a constant that wide lost its top word in Verilator 5.006, so column 31 of every tile
     * took the engine's initial state (docs/mac.md, "Channel beat"); N = 72 gives two full column
     * tiles and a partial one.
     */
    @Test
    void packed2x32Bb16() {
        GemmRig rig = new GemmRig(params(2, 32, true, 8, 16, 256), DIR.resolve("2x32p"));
        long seed = Seeds.of("GemmUnitCosimTest.packed2x32Bb16", 0x232L);
        runAll(rig, seed, VARIANTS, 800, 700);
    }

    @Test
    void tiny2x2() {
        GemmRig rig = new GemmRig(params(2, 2, false, 1, 16, 128), DIR.resolve("2x2"));
        long seed = Seeds.of("GemmUnitCosimTest.tiny2x2", 0x22L);
        runAll(rig, seed, new Shape[] {
            VARIANTS[1], VARIANTS[3], VARIANTS[5], VARIANTS[7],
            new Shape(1, 1, 1, REQ, false, false, true, true),
            new Shape(3, 1, 5, RAW, true, true, false, false),
        }, 750, 600);
        errors(rig, seed);
    }

    /** Commands the unit cannot run end with err bit 2 and done, never a hang. */
    static void errors(GemmRig rig, long seed) {
        Random rnd = new Random(seed ^ 0xE77);
        long limit = rig.params.kLimit(false);
        // K beyond the unit's limit: refused before any access
        Case c = make(new Shape(3, (int) limit + 1, 3, REQ, false, false, false, false), rnd);
        rig.run(c.gemm(), c.buffers(), 1, 800, 800, Expect.REFUSED);
        c = make(new Shape(3, (int) rig.params.kLimit(true) + 1, 3, REQ, true, false, false, false), rnd);
        rig.run(c.gemm(), c.buffers(), 2, 800, 800, Expect.REFUSED);
        // a bias entry beyond int32 (the engine's bias path is int32)
        c = make(new Shape(3, 4, 5, REQ, false, false, true, false), rnd);
        put(c.buffers().get(Space.CONST), c.gemm().bias().addr() + 8 * 2, 8, 1L << 40);
        rig.run(c.gemm(), c.buffers(), 3, 800, 800, Expect.ERROR);
        // a split16 element above 32767 (the interpreter refuses it)
        c = make(new Shape(3, 4, 5, REQ, true, false, false, false), rnd);
        Operand a = c.gemm().a();
        c.buffers().get(a.space())[(int) (a.addr() + a.stride() * 2 + 3)] = (byte) 0x90;
        rig.run(c.gemm(), c.buffers(), 4, 800, 800, Expect.ERROR);
        // a scale table entry with k = 63
        c = make(new Shape(3, 4, 5, REQ, false, false, false, true), rnd);
        put(c.buffers().get(Space.CONST), c.gemm().scaleTable().addr() + 8 * 4 + 4, 4, 63);
        rig.run(c.gemm(), c.buffers(), 5, 800, 800, Expect.ERROR);
        // a RAW result beyond int32
        c = make(new Shape(3, 4, 5, RAW, false, false, true, false), rnd);
        for (int j = 0; j < 5; j++) {
            put(c.buffers().get(Space.CONST), c.gemm().bias().addr() + 8L * j, 8, Integer.MAX_VALUE);
        }
        byte[] w = c.buffers().get(Space.WGT);
        Operand wo = c.gemm().w();
        byte[] ab = c.buffers().get(c.gemm().a().space());
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 5; j++) {
                w[(int) (wo.addr() + k * wo.stride() + j)] = 127;
            }
            for (int i = 0; i < 3; i++) {
                ab[(int) (c.gemm().a().addr() + i * c.gemm().a().stride() + k)] = 127;
            }
        }
        rig.run(c.gemm(), c.buffers(), 6, 800, 800, Expect.ERROR);
    }
}
