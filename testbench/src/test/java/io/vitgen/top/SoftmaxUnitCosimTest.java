package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.SoftmaxUnit;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code vitgen_top_softmax} alone through the stream harness (docs/top-softmax.md): commands on
 * the command port, read descriptors answered in order from a model of the buffers, write beats
 * applied and acknowledged with status beats, random stalls on every channel and a random initial
 * state. Every descriptor is compared with the one the command implies and every written byte
 * with {@link io.vitgen.compile.Interpreter} on the same buffer contents: DeiT-Tiny rows (197
 * keys, head width 64), odd shapes (13 keys, head width 8), Shiftmax b = 8 and b = 16, log2 and
 * ATTNV, buffer beats of 16 and 8 bytes, lanes 1 and 4; refused commands pulse err with done and
 * touch no channel.
 */
class SoftmaxUnitCosimTest {

    private static final long MAX_CYCLES = 400_000;

    /** A refused command: err bits as expected, done, and no descriptor on any channel. */
    static void refused(SoftmaxUnitRig rig, BigInteger bits, int wantErr, String what) {
        SoftmaxUnitRig.Outcome o = rig.run(bits, 10_000);
        assertEquals(wantErr, o.err(), what + ": err bits");
        assertTrue(o.x().isEmpty() && o.v().isEmpty() && o.o().isEmpty(), what + ": no descriptor may be issued");
    }

    static BigInteger setBits(BigInteger b, int lsb, int width, long value) {
        BigInteger mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE).shiftLeft(lsb);
        return b.andNot(mask).or(BigInteger.valueOf(value).shiftLeft(lsb));
    }

    /** Argument word i's bit position in cmd_tdata. */
    static int word(int i) {
        return 40 + 64 * i;
    }

    @Test
    void shiftmaxLanes4Beat16() {
        long seed = Seeds.of("SoftmaxUnitCosimTest.shiftmaxLanes4Beat16", 0x5A11_0001L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(16, 4, 256, false, 16, 64, 197);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "sm-l4-bb16", seed, rnd, false)) {
            // DeiT-Tiny score rows (197 keys) in ATT, b = 16 out in ATT at a stride, then b = 8
            SoftmaxUnitRig.softmax(rig, rnd, 12, 197, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 3, 201), Operand.of(Space.ATT, 8192, 400));
            SoftmaxUnitRig.softmax(rig, rnd, 10, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197), Operand.of(Space.HID, 5, 197));
            // odd shapes: 13 keys, 1 key, the longest row, rows shorter than a chunk
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 7, 13), Operand.of(Space.ACT, 1, 26));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 8, 127, Operand.of(Space.QKV, 1000, 16), Operand.of(Space.ACT, 999, 13));
            SoftmaxUnitRig.softmax(rig, rnd, 5, 1, false, 16, 1, Operand.of(Space.RES, 11, 1), Operand.of(Space.RES, 100, 2));
            SoftmaxUnitRig.softmax(rig, rnd, 3, 3, false, 8, 64, Operand.of(Space.RES, 200, 3), Operand.of(Space.RES, 300, 0 + 3));
            SoftmaxUnitRig.softmax(rig, rnd, 2, 256, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.WGT, 0, 256), Operand.of(Space.WGT, 4096, 512));
            // refusals: the log2 flag (bit 1), a row above MAX_ROW (bit 1), X > 127 (bit 1), ATTNV (bit 1)
            Operand in = Operand.of(Space.ATT, 0, 16);
            Operand out = Operand.of(Space.HID, 0, 16);
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, true, 16, in, out, 2, 16, 5)), 2, "log2 flag");
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 16, in, out, 2, 257, 5)), 2, "row of 257");
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 8, in, out, 2, 16, 200)), 2, "X = 200");
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.AttnV(Command.Deps.NONE, in, in, out, 2, 16, 64, new DyadicScale(3, 4))),
                    2, "ATTNV on a Shiftmax unit");
            // malformed (bit 2): X = 0, zero rows, an unknown flag, reserved operand bits, space 0, log2 without b = 16
            BigInteger ok = SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 16, in, out, 2, 16, 5));
            refused(rig, setBits(ok, word(2) + 32, 8, 0), 4, "X = 0");
            refused(rig, setBits(ok, word(2), 16, 0), 4, "zero rows");
            refused(rig, setBits(ok, word(2) + 16, 16, 0), 4, "zero row length");
            refused(rig, setBits(ok, 8 + 5, 1, 1), 4, "unknown flag bit 5");
            refused(rig, setBits(ok, word(0) + 4, 4, 9), 4, "operand bits 7:4");
            refused(rig, setBits(ok, word(1), 4, 0), 4, "output in DRAM");
            refused(rig, setBits(ok, word(2) + 50, 1, 1), 4, "reserved dimension bit");
            refused(rig, setBits(ok, word(5), 1, 1), 4, "argument word 5");
            refused(rig, setBits(setBits(ok, 8, 2, 1), word(2) + 16, 16, 300), 6, "log2 without b = 16, row of 300");
            refused(rig, setBits(ok, 0, 8, 0x07), 2, "a GELU opcode");
            // and the unit still runs after the refusals
            SoftmaxUnitRig.softmax(rig, rnd, 4, 197, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197), Operand.of(Space.ATT, 4096, 394));
        }
    }

    @Test
    void shiftmaxLanes1Beat8() {
        long seed = Seeds.of("SoftmaxUnitCosimTest.shiftmaxLanes1Beat8", 0x5A11_0002L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(8, 1, 200, false, 8, 64, 197);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "sm-l1-bb8-b8", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 3, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 5, 197), Operand.of(Space.ATT, 4000, 200));
            SoftmaxUnitRig.softmax(rig, rnd, 7, 13, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ACT, 0, 13), Operand.of(Space.HID, 3, 13));
            SoftmaxUnitRig.softmax(rig, rnd, 2, 8, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ACT, 100, 8), Operand.of(Space.HID, 100, 8));
            Operand in = Operand.of(Space.ATT, 0, 16);
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 16, in, in.plus(4096), 2, 16, 5)), 2,
                    "b = 16 on a b = 8 unit");
        }
    }

    @Test
    void shiftmaxLanes4Beat8Sixteen() {
        long seed = Seeds.of("SoftmaxUnitCosimTest.shiftmaxLanes4Beat8Sixteen", 0x5A11_0003L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(8, 4, 256, false, 16, 64, 197);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "sm-l4-bb8", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 6, 197, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 1, 197), Operand.of(Space.ATT, 2000, 394));
            SoftmaxUnitRig.softmax(rig, rnd, 6, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 1, 197), Operand.of(Space.ATT, 5000, 197));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 3, 13), Operand.of(Space.QKV, 500, 26));
        }
    }

    @Test
    void shiftmaxLanesEqualToTheBeat() {
        // LANES = BB: a b = 16 chunk is two beats of output (the write channel's bandwidth)
        long seed = Seeds.of("SoftmaxUnitCosimTest.shiftmaxLanesEqualToTheBeat", 0x5A11_0006L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(8, 8, 256, false, 16, 64, 197);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "sm-l8-bb8", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 5, 197, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 1, 197), Operand.of(Space.ATT, 2000, 394));
            SoftmaxUnitRig.softmax(rig, rnd, 5, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 1, 197), Operand.of(Space.ATT, 5000, 197));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 3, 13), Operand.of(Space.QKV, 500, 26));
            SoftmaxUnitRig.softmax(rig, rnd, 4, 8, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 3, 8), Operand.of(Space.QKV, 500, 16));
            // a row's last chunk of at most LANES / 2 scores is one write beat, not two (12 = 8 + 4 keys, 1 key)
            SoftmaxUnitRig.softmax(rig, rnd, 5, 12, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 3, 12), Operand.of(Space.QKV, 500, 24));
            SoftmaxUnitRig.softmax(rig, rnd, 3, 1, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.RES, 3, 1), Operand.of(Space.RES, 500, 2));
        }
    }

    @Test
    void log2AndAttnvLanes4Beat16() {
        long seed = Seeds.of("SoftmaxUnitCosimTest.log2AndAttnvLanes4Beat16", 0x5A11_0004L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(16, 4, 256, true, 16, 64, 197);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "log2-l4-bb16-hd64", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 10, 197, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197), Operand.of(Space.ATT, 4000, 200));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 9, 13), Operand.of(Space.HID, 1, 13));
            // DeiT-Tiny attention x V: 197 keys, head width 64 (V rows of one head at the QKV stride)
            SoftmaxUnitRig.attnv(rig, rnd, 5, 197, 64, Operand.of(Space.ATT, 0, 200), Operand.of(Space.QKV, 128, 576),
                    Operand.of(Space.ACT, 64, 192), SoftmaxUnitRig.attnScale(rnd, 197));
            SoftmaxUnitRig.attnv(rig, rnd, 7, 13, 64, Operand.of(Space.ATT, 3, 13), Operand.of(Space.QKV, 5, 64),
                    Operand.of(Space.ACT, 1, 64), SoftmaxUnitRig.attnScale(rnd, 13));
            Operand in = Operand.of(Space.ATT, 0, 16);
            Operand out = Operand.of(Space.HID, 0, 64);
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 16, in, out, 2, 16, 5)), 2,
                    "Shiftmax on a log2 unit");
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.AttnV(Command.Deps.NONE, in, in, out, 2, 16, 8, new DyadicScale(3, 4))),
                    2, "head width 8 on a head-64 unit");
            refused(rig, SoftmaxUnitRig.cmdBits(new Command.AttnV(Command.Deps.NONE, in, in, out, 2, 257, 64, new DyadicScale(3, 4))),
                    2, "n = 257");
            BigInteger ok = SoftmaxUnitRig.cmdBits(new Command.AttnV(Command.Deps.NONE, in, in.plus(1000), out, 2, 16, 64,
                    new DyadicScale(3, 4)));
            refused(rig, setBits(ok, word(4) + 32, 6, 63), 4, "k = 63");
            refused(rig, setBits(ok, word(4), 32, 0x8000_0000L), 4, "m = -2^31");
            refused(rig, setBits(ok, word(4) + 40, 1, 1), 4, "scale word bit 40");
            refused(rig, setBits(ok, 8, 1, 1), 4, "ATTNV with a flag");
            refused(rig, setBits(ok, word(3) + 32, 16, 0), 6, "head width 0");
            // a code byte with bits 7:5 set: the command runs, then err bit 2
            byte[][] cd = SoftmaxUnitRig.codes(rnd, 2, 16);
            cd[1][7] = (byte) 0x23;
            rig.put(in, cd);
            SoftmaxUnitRig.Outcome o = rig.run(ok, MAX_CYCLES);
            assertEquals(4, o.err(), "a code byte with bit 5 set");
            assertEquals(1, o.o().size(), "the command still writes its rows");
            SoftmaxUnitRig.attnv(rig, rnd, 3, 64, 64, Operand.of(Space.ATT, 0, 64), Operand.of(Space.QKV, 0, 192),
                    Operand.of(Space.ACT, 0, 64), SoftmaxUnitRig.attnScale(rnd, 64));
        }
    }

    @Test
    void log2AndAttnvLanes1Beat8OddShape() {
        long seed = Seeds.of("SoftmaxUnitCosimTest.log2AndAttnvLanes1Beat8OddShape", 0x5A11_0005L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(8, 1, 64, true, 16, 8, 13);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "log2-l1-bb8-hd8", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 13, 13, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 13), Operand.of(Space.ATT, 1000, 13));
            SoftmaxUnitRig.attnv(rig, rnd, 13, 13, 8, Operand.of(Space.ATT, 1000, 13), Operand.of(Space.QKV, 16, 120),
                    Operand.of(Space.ACT, 8, 40), SoftmaxUnitRig.attnScale(rnd, 13));
            SoftmaxUnitRig.attnv(rig, rnd, 4, 64, 8, Operand.of(Space.ATT, 0, 64), Operand.of(Space.QKV, 3, 8),
                    Operand.of(Space.ACT, 2, 8), SoftmaxUnitRig.attnScale(rnd, 64));
            SoftmaxUnitRig.softmax(rig, rnd, 3, 64, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 64), Operand.of(Space.ATT, 1000, 64));
        }
    }
}
