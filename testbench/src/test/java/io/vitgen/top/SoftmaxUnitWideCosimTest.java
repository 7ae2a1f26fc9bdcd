package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.top.SoftmaxUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code vitgen_top_softmax} with 32 and 64 score lanes (softmax.lanes 32 and 64, which need
 * 256- and 512-bit memory ports) through the stream harness of {@link SoftmaxUnitCosimTest}:
 * random stalls on every channel, random initial state, every descriptor and every written byte
 * against the interpreter. Three builds: Shiftmax b = 16 (which also runs b = 8) at BB 32 with
 * LANES = BB, so a b = 16 chunk is two write beats; Shiftmax b = 8 only at BB 64, 64 lanes (the
 * zcu102 preset's unit, eight iterative dividers for 197-key rows); log2 with ATTNV at BB 64, 64
 * lanes (CODE_LANES 64). Rows of 197 keys (DeiT-Tiny: four 64-score chunks, the last of 5), of
 * 13 keys (one partial chunk), of one key, of exactly one and two chunks and of MAX_ROW keys.
 */
class SoftmaxUnitWideCosimTest {

    @Test
    void shiftmaxB16Lanes32Beat32() {
        long seed = Seeds.of("SoftmaxUnitWideCosimTest.shiftmaxB16Lanes32Beat32", 0x5A11_3201L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(32, 32, 256, false, 16, 64, 197);
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "sm-l32-bb32", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 12, 197, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 3, 201),
                    Operand.of(Space.ATT, 8192, 400));
            SoftmaxUnitRig.softmax(rig, rnd, 12, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197),
                    Operand.of(Space.HID, 5, 197));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 7, 13),
                    Operand.of(Space.ACT, 1, 26));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 8, 127, Operand.of(Space.QKV, 1000, 16), Operand.of(Space.ACT, 999, 13));
            SoftmaxUnitRig.softmax(rig, rnd, 5, 1, false, 16, 1, Operand.of(Space.RES, 11, 1), Operand.of(Space.RES, 100, 2));
            SoftmaxUnitRig.softmax(rig, rnd, 4, 32, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.RES, 200, 32),
                    Operand.of(Space.RES, 3000, 64));
            SoftmaxUnitRig.softmax(rig, rnd, 4, 64, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.RES, 201, 64),
                    Operand.of(Space.RES, 6001, 64));
            SoftmaxUnitRig.softmax(rig, rnd, 2, 256, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.WGT, 0, 256),
                    Operand.of(Space.WGT, 4096, 512));
            Operand in = Operand.of(Space.ATT, 0, 16);
            Operand out = Operand.of(Space.HID, 0, 16);
            SoftmaxUnitCosimTest.refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 16, in,
                    out, 2, 257, 5)), 2, "row of 257");
            SoftmaxUnitRig.softmax(rig, rnd, 3, 197, false, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197),
                    Operand.of(Space.ATT, 4096, 394));
        }
    }

    @Test
    void shiftmaxB8Lanes64Beat64() {
        long seed = Seeds.of("SoftmaxUnitWideCosimTest.shiftmaxB8Lanes64Beat64", 0x5A11_6401L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(64, 64, 1024, false, 8, 64, 197);
        assertEquals(8, p.softmax().dividers(), "the preset's divider bank for 197-key rows at 64 lanes");
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "sm-l64-bb64-b8", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 16, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 5, 197),
                    Operand.of(Space.ATT, 8000, 200));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.QKV, 3, 13),
                    Operand.of(Space.ACT, 0, 13));
            SoftmaxUnitRig.softmax(rig, rnd, 5, 1, false, 8, 1, Operand.of(Space.RES, 11, 1), Operand.of(Space.RES, 100, 1));
            SoftmaxUnitRig.softmax(rig, rnd, 4, 64, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.RES, 64, 64),
                    Operand.of(Space.RES, 3000, 64));
            SoftmaxUnitRig.softmax(rig, rnd, 4, 128, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.RES, 7, 130),
                    Operand.of(Space.RES, 6001, 128));
            SoftmaxUnitRig.softmax(rig, rnd, 2, 1024, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.WGT, 0, 1024),
                    Operand.of(Space.WGT, 4096, 1024));
            Operand in = Operand.of(Space.ATT, 0, 16);
            SoftmaxUnitCosimTest.refused(rig, SoftmaxUnitRig.cmdBits(new Command.Softmax(Command.Deps.NONE, false, 16, in,
                    in.plus(4096), 2, 16, 5)), 2, "b = 16 on a b = 8 unit");
            SoftmaxUnitRig.softmax(rig, rnd, 6, 197, false, 8, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197),
                    Operand.of(Space.HID, 1, 197));
        }
    }

    @Test
    void log2AndAttnvLanes64Beat64() {
        long seed = Seeds.of("SoftmaxUnitWideCosimTest.log2AndAttnvLanes64Beat64", 0x5A11_6402L);
        Random rnd = new Random(seed);
        SoftmaxUnit.Params p = SoftmaxUnit.params(64, 64, 256, true, 16, 64, 197);
        assertEquals(64, p.attn().codeLanes());
        try (SoftmaxUnitRig rig = new SoftmaxUnitRig(p, "log2-l64-bb64-hd64", seed, rnd, false)) {
            SoftmaxUnitRig.softmax(rig, rnd, 10, 197, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197),
                    Operand.of(Space.ATT, 4000, 200));
            SoftmaxUnitRig.softmax(rig, rnd, 9, 13, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 9, 13),
                    Operand.of(Space.HID, 1, 13));
            SoftmaxUnitRig.softmax(rig, rnd, 3, 64, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.RES, 0, 64),
                    Operand.of(Space.RES, 1000, 64));
            SoftmaxUnitRig.softmax(rig, rnd, 2, 256, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.WGT, 3, 256),
                    Operand.of(Space.WGT, 4096, 256));
            // DeiT-Tiny attention x V with 64-code beats: 197 keys, head width 64
            SoftmaxUnitRig.attnv(rig, rnd, 4, 197, 64, Operand.of(Space.ATT, 0, 200), Operand.of(Space.QKV, 128, 576),
                    Operand.of(Space.ACT, 64, 192), SoftmaxUnitRig.attnScale(rnd, 197));
            SoftmaxUnitRig.attnv(rig, rnd, 5, 13, 64, Operand.of(Space.ATT, 3, 13), Operand.of(Space.QKV, 5, 64),
                    Operand.of(Space.ACT, 1, 64), SoftmaxUnitRig.attnScale(rnd, 13));
            SoftmaxUnitRig.attnv(rig, rnd, 2, 64, 64, Operand.of(Space.ATT, 0, 64), Operand.of(Space.QKV, 0, 192),
                    Operand.of(Space.ACT, 0, 64), SoftmaxUnitRig.attnScale(rnd, 64));
            Operand in = Operand.of(Space.ATT, 0, 16);
            Operand out = Operand.of(Space.HID, 0, 64);
            SoftmaxUnitCosimTest.refused(rig, SoftmaxUnitRig.cmdBits(new Command.AttnV(Command.Deps.NONE, in, in, out, 2, 257,
                    64, new DyadicScale(3, 4))), 2, "n = 257");
            SoftmaxUnitRig.softmax(rig, rnd, 4, 197, true, 16, 1 + rnd.nextInt(127), Operand.of(Space.ATT, 0, 197),
                    Operand.of(Space.HID, 0, 197));
        }
    }
}
