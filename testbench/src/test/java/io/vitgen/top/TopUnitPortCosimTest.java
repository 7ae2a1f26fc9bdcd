package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.vitgen.compile.Command;
import io.vitgen.compile.CommandCodec;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.compile.Unit;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.AcceleratorTop;
import io.vitgen.hw.struct.ModuleDef;
import io.vitgen.hw.struct.Width;
import io.vitgen.sim.AxiMemory;
import io.vitgen.sim.Lint;

/**
 * The controller's compute-unit side (command port, queue, tokens, done, err, busy counter) and the
 * crossbar slots of an attached unit, in the whole top: a test-only unit
 * ({@code src/test/resources/top/vitgen_test_copy_unit.v}, attached as the GELU unit) copies a
 * region plus one per byte. Chains LOAD -> unit -> STORE at odd alignments under random memory
 * latency equal a Java model byte for byte over the whole image window; the unit's error pulse,
 * the buffers' region errors on the unit's channels, malformed headers and a command of an
 * unattached unit each stop the stream with their bit and ERR_CMD, and the next stream runs.
 */
class TopUnitPortCosimTest {

    static final AcceleratorTop.Params P = new AcceleratorTop.Params("vt", 128, 12, 2, 4);
    static final long IMG = 0x1000;
    static final int IMG_BYTES = 16384;
    static final long CMDS = IMG + 12288;

    static ModuleDef copyUnit() {
        return ModuleDef.external("vitgen_test_copy_unit").param("BB", 16)
                .input("aclk", 1).input("aresetn", 1)
                .axisPorts("cmd", true, Width.fixed(AcceleratorTop.CMD_W), false)
                .output("done", 1).output("err", 6).output("busy", 1)
                .axisPorts("x_rd_desc", false, Width.fixed(100), false)
                .axisPorts("x_rd", true, Width.times(8, "BB"), true)
                .input("x_rd_tkeep", Width.param("BB"))
                .axisPorts("o_wr_desc", false, Width.fixed(100), false)
                .axisPorts("o_wr", false, Width.times(8, "BB"), true)
                .axisPorts("o_wr_sts", true, Width.fixed(1), false)
                .build();
    }

    static AcceleratorTop top() {
        return new AcceleratorTop(P).attach(Unit.GELU, copyUnit(), Map.of(), List.of("x"), List.of("o"));
    }

    static Path unitFile() {
        try {
            return Path.of(TopUnitPortCosimTest.class.getResource("/top/vitgen_test_copy_unit.v").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static long[] gelu(Command.Deps d, Operand in, Operand out, int rows, int len, long flags, int argc) {
        long h = 0x07L | ((long) d.waits() << 8) | ((long) d.signals() << 16) | ((long) argc << 24) | (flags << 32);
        long[] w = new long[1 + argc];
        w[0] = h;
        long[] args = {in.encode(), out.encode(), rows | ((long) len << 16), 0, 0, 0, 0, 0};
        System.arraycopy(args, 0, w, 1, argc);
        return w;
    }

    static long[] gelu(Command.Deps d, Operand in, Operand out, int rows, int len) {
        return gelu(d, in, out, rows, len, 0, 6);
    }

    static long[] words(Command... c) {
        return CommandCodec.encode(List.of(c));
    }

    static long[] concat(long[]... parts) {
        List<Long> all = new ArrayList<>();
        for (long[] p : parts) {
            for (long w : p) {
                all.add(w);
            }
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    static final Command.Deps L_TO_G = Command.Deps.of(List.of(), List.of(Unit.GELU));
    static final Command.Deps G_MID = Command.Deps.of(List.of(Unit.LOAD), List.of(Unit.STORE));
    static final Command.Deps S_FROM_G = Command.Deps.of(List.of(Unit.GELU), List.of());
    static final Command END = new Command.End(Command.Deps.NONE);

    static Command load(long src, int srcStride, Space s, long dst, int dstStride, int rows, int len, Command.Deps d) {
        return new Command.Load(d, Operand.of(Space.DRAM, src, srcStride), Operand.of(s, dst, dstStride), rows, len);
    }

    static Command store(Space s, long src, int srcStride, long dst, int dstStride, int rows, int len, Command.Deps d) {
        return new Command.Store(d, Operand.of(s, src, srcStride), Operand.of(Space.DRAM, dst, dstStride), rows, len);
    }

    @Test
    void topWithAnAttachedUnitIsLintClean() throws Exception {
        // 128-bit port, spaces sized per space (not powers of two), one unit with two channels
        AcceleratorTop.Params p = new AcceleratorTop.Params("vt", 128, 12, 2, 4,
                List.of(4096L, 3008L, 2048L, 4096L, 1040L, 4096L, 528L));
        AcceleratorTop t = new AcceleratorTop(p).attach(Unit.GELU, copyUnit(), Map.of(), List.of("x"), List.of("o"));
        List<Path> rtl = new ArrayList<>(TopRig.emit(t));
        rtl.add(unitFile());
        assertEquals("", Lint.run(rtl, p.topName(), Map.of()), "verilator -Wall must print nothing");
        assertEquals("", Lint.iverilog(rtl, p.topName(), Map.of()), "iverilog -g2005 -Wall must print nothing");
    }

    @Test
    void chainsThroughAnAttachedUnitEqualTheModel() {
        long seed = Seeds.of("TopUnitPortCosimTest", 0x6E10_0001L);
        Random rnd = new Random(seed);
        for (AxiMemory.Config cfg : List.of(AxiMemory.Config.fixed(8), AxiMemory.Config.random(1, 40, 600))) {
            try (TopRig rig = new TopRig(top(), List.of(unitFile()), seed, cfg)) {
                byte[] image = new byte[IMG_BYTES];
                rnd.nextBytes(image);
                byte[] model = image.clone();
                long[] stream = new long[0];
                int act = 0;
                int hid = 0;
                int n = 6;
                for (int i = 0; i < n; i++) {
                    int rows = 1 + rnd.nextInt(4);
                    int len = 1 + rnd.nextInt(70);
                    int ms = len + rnd.nextInt(9);
                    int src = rnd.nextInt(2048);
                    int dst = 4096 + i * 1024 + rnd.nextInt(64);
                    int as = len + rnd.nextInt(13);
                    int hs = len + rnd.nextInt(13);
                    int a = act + rnd.nextInt(16);
                    int h = hid + rnd.nextInt(16);
                    act = a + rows * as;
                    hid = h + rows * hs;
                    stream = concat(stream,
                            words(load(IMG + src, ms, Space.ACT, a, as, rows, len, L_TO_G)),
                            gelu(G_MID, Operand.of(Space.ACT, a, as), Operand.of(Space.HID, h, hs), rows, len),
                            words(store(Space.HID, h, hs, IMG + dst, ms, rows, len, S_FROM_G)));
                    for (int r = 0; r < rows; r++) {
                        for (int b = 0; b < len; b++) {
                            model[dst + r * ms + b] = (byte) (image[src + r * ms + b] + 1);
                        }
                    }
                }
                stream = concat(stream, words(END));
                byte[] cmds = CommandCodec.toBytes(stream);
                System.arraycopy(cmds, 0, image, (int) (CMDS - IMG), cmds.length);
                System.arraycopy(cmds, 0, model, (int) (CMDS - IMG), cmds.length);
                TopRig.Outcome o = rig.run(image, IMG, CMDS, IMG, IMG_BYTES, 200_000);
                assertEquals(0L, o.error(), "ERROR (seed " + seed + ")");
                assertEquals(2L, o.status(), "STATUS done");
                byte[] got = rig.mem.dump(IMG, IMG_BYTES);
                for (int i = 0; i < IMG_BYTES; i++) {
                    if (got[i] != model[i]) {
                        throw new AssertionError(String.format("image byte 0x%X: expected %d, got %d (seed %d, %s)",
                                IMG + i, model[i], got[i], seed, cfg));
                    }
                }
                assertEquals(3L * n + 1, o.counters().get("commands"), "CMD_DONE");
                assertTrue(o.counters().get("gelu") >= n, "CYC_GELU counts the unit's busy cycles");
                assertEquals(0L, o.counters().get("array"), "no GEMM unit: CYC_ARRAY stays 0");
                System.out.printf("unit chain (%s): %d commands in %d cycles, unit busy %d%n", cfg, 3 * n + 1,
                        o.cycles(), o.counters().get("gelu"));
            }
        }
    }

    @Test
    void unitAndBufferErrorsStopTheStreamWithTheirBit() {
        try (TopRig rig = new TopRig(top(), List.of(unitFile()), 0x6E10_0002L, AxiMemory.Config.random(1, 30, 700))) {
            long[] okLoad = words(load(IMG, 16, Space.ACT, 0, 16, 1, 16, Command.Deps.NONE));
            Operand in = Operand.of(Space.ACT, 0, 16);
            Operand out = Operand.of(Space.HID, 0, 16);
            // the unit's own error pulse (i-GELU flag: not generated for this variant)
            expect(rig, concat(okLoad, gelu(Command.Deps.NONE, in, out, 1, 16, 1, 6), words(END)),
                    AcceleratorTop.ERR_UNSUPPORTED, 1, "unit err pulse");
            // a write region past the end of HID (buffer error on the unit's write channel)
            expect(rig, concat(okLoad, okLoad, gelu(Command.Deps.NONE, in, Operand.of(Space.HID,
                    P.spaceBytes(Space.HID) - 8, 16), 1, 16), words(END)), AcceleratorTop.ERR_BUFFER_RANGE, 2,
                    "unit write past HID");
            // a read of space 0 (buffer error on the unit's read channel)
            expect(rig, concat(gelu(Command.Deps.NONE, Operand.of(Space.DRAM, 0, 16), out, 2, 16), words(END)),
                    AcceleratorTop.ERR_BUFFER_RANGE, 0, "unit read of DRAM");
            // malformed headers: wrong argument count, an undefined flag, the unit signalling itself
            expect(rig, concat(okLoad, gelu(Command.Deps.NONE, in, out, 1, 16, 0, 5), words(END)),
                    AcceleratorTop.ERR_MALFORMED, 1, "GELU with 5 argument words");
            expect(rig, concat(okLoad, gelu(Command.Deps.NONE, in, out, 1, 16, 2, 6), words(END)),
                    AcceleratorTop.ERR_MALFORMED, 1, "GELU with flag bit 1");
            expect(rig, concat(gelu(Command.Deps.of(List.of(), List.of(Unit.GELU)), in, out, 1, 16), words(END)),
                    AcceleratorTop.ERR_MALFORMED, 0, "GELU signalling itself");
            // a command of a unit this top does not have
            expect(rig, concat(okLoad, words(new Command.LayerNorm(Command.Deps.NONE, Operand.of(Space.RES, 0, 32),
                    Operand.of(Space.ACT, 0, 16), 1, 16, Operand.of(Space.CONST, 0, 8),
                    Operand.of(Space.CONST, 256, 8)), END)), AcceleratorTop.ERR_UNSUPPORTED, 1,
                    "LAYERNORM (no LayerNorm unit attached)");
        }
    }

    private void expect(TopRig rig, long[] stream, int bit, long errCmd, String what) {
        rig.mem.load(CMDS, CommandCodec.toBytes(stream));
        TopRig.Outcome o = rig.start(CMDS, IMG, IMG_BYTES, 20_000);
        assertEquals(1L << bit, o.error(), what + ": ERROR register");
        assertEquals(errCmd, o.errCmd(), what + ": ERR_CMD");
        assertEquals(4L, o.status(), what + ": STATUS must be error, not busy, not done");
        assertEquals(2L, rig.ctl.readOk(0x08), what + ": IRQ_STATUS must have the error source");
        System.out.printf("fault %-40s stopped after %d cycles%n", what, o.cycles());
        // the next stream runs: LOAD -> unit -> STORE
        byte[] src = new byte[90];
        new Random(what.hashCode()).nextBytes(src);
        rig.mem.load(IMG, src);
        rig.mem.load(IMG + 4096, new byte[90]);
        rig.mem.load(CMDS, CommandCodec.toBytes(concat(words(load(IMG, 30, Space.ACT, 3, 31, 3, 30, L_TO_G)),
                gelu(G_MID, Operand.of(Space.ACT, 3, 31), Operand.of(Space.HID, 7, 33), 3, 30),
                words(store(Space.HID, 7, 33, IMG + 4096, 30, 3, 30, S_FROM_G), END))));
        o = rig.start(CMDS, IMG, IMG_BYTES, 20_000);
        assertEquals(0L, o.error(), "good stream after " + what);
        byte[] want = new byte[90];
        for (int i = 0; i < 90; i++) {
            want[i] = (byte) (src[i] + 1);
        }
        assertArrayEquals(want, rig.mem.dump(IMG + 4096, 90), "good stream after " + what);
    }
}
