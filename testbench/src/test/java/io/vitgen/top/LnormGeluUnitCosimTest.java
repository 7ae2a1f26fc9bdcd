package io.vitgen.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vitgen.compile.Command;
import io.vitgen.compile.Operand;
import io.vitgen.compile.Space;
import io.vitgen.golden.Seeds;
import io.vitgen.hw.ModuleSpec;
import io.vitgen.hw.top.GeluUnit;
import io.vitgen.hw.top.LnormUnit;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * vitgen_top_lnorm and vitgen_top_gelu alone in the stream harness (RowUnitRig): each command's
 * descriptors are compared with the ones docs/top-units.md and the unit headers promise, every
 * output byte with the command interpreter's run of the same stream (LOAD, command, STORE), and
 * the bytes around the output rows must be untouched. DeiT-Tiny-like rows (C = 192, MLP = 768)
 * and odd shapes (C = 40, MLP = 72, 13 rows), BB = 16 and 8, lanes 4 and 1, both GELU variants,
 * random stalls on every channel. Commands the unit cannot run end with their err bits and done,
 * and the unit then runs the next command exactly.
 */
class LnormGeluUnitCosimTest {

    private static final BigInteger WORD = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Runs the case's command on the rig and checks descriptors, err, bytes; returns cycles. */
    static long runCase(RowUnitRig rig, RowCase c, long seed) {
        Map<Space, byte[]> before = c.buffersBefore(seed);
        rig.buffers.clear();
        before.forEach((s, b) -> rig.buffers.put(s, b.clone()));
        RowUnitRig.Outcome o = rig.run(RowUnitRig.cmdBits(c.unit()), 2_000_000);
        RowUnitRig.check(o.err() == 0, c.labels().get(c.unitCmd()) + ": err bits " + o.err() + ", seed " + seed);
        RowUnitRig.check(expectedDescs(c.unit()).equals(o.descs()), c.labels().get(c.unitCmd()) + ": descriptors "
                + o.descs() + ", expected " + expectedDescs(c.unit()) + ", seed " + seed);
        byte[] want = c.expected(seed);
        byte[] got = c.outputIn(rig.buffers);
        String diff = c.firstDifference(want, got);
        RowUnitRig.check(diff == null, diff + ", seed " + seed);
        // nothing but the output rows changed
        Operand out = c.unitOut();
        byte[] wantBuf = before.get(out.space()).clone();
        for (int r = 0; r < c.rows(); r++) {
            System.arraycopy(want, r * c.rowBytes(), wantBuf, (int) (out.addr() + r * out.stride()), c.rowBytes());
        }
        for (Space s : before.keySet()) {
            byte[] w = s == out.space() ? wantBuf : before.get(s);
            RowUnitRig.check(Arrays.equals(w, rig.buffers.get(s)), s + ": bytes outside the output rows changed, seed " + seed);
        }
        return o.cycles();
    }

    static Map<String, List<RowUnitRig.Desc>> expectedDescs(Command c) {
        if (c instanceof Command.LayerNorm l) {
            int ch = l.channels();
            return Map.of(
                    "x_rd", List.of(desc(l.in(), l.rows(), 2L * ch)),
                    "t_rd", List.of(desc(l.biasTable(), 1, 8L * ch), desc(l.scaleTable(), 1, 8L * ch)),
                    "o_wr", List.of(desc(l.out(), l.rows(), ch)));
        }
        Command.Gelu g = (Command.Gelu) c;
        return Map.of("x_rd", List.of(desc(g.in(), g.rows(), g.len())), "o_wr", List.of(desc(g.out(), g.rows(), g.len())));
    }

    static RowUnitRig.Desc desc(Operand o, int rows, long rowBytes) {
        return RowUnitRig.Desc.of(o.space(), o.addr(), rows, rowBytes, o.stride());
    }

    /** A command with argument word {@code word} (0-based) replaced. */
    static BigInteger withWord(BigInteger cmd, int word, long value) {
        int at = 40 + 64 * word;
        return cmd.andNot(WORD.shiftLeft(at)).or(new BigInteger(Long.toUnsignedString(value)).shiftLeft(at));
    }

    /** Runs a command the unit must refuse: exactly these err bits, done, no descriptor. */
    static void refused(RowUnitRig rig, BigInteger cmd, int errBits, String what) {
        RowUnitRig.Outcome o = rig.run(cmd, 100);
        assertEquals(errBits, o.err(), what + ": err bits");
        o.descs().forEach((ch, l) -> assertTrue(l.isEmpty(), what + ": no descriptor expected on " + ch + ", got " + l));
        assertTrue(o.cycles() < 20, what + ": done after " + o.cycles() + " cycles");
    }

    static RowUnitRig lnRig(int lanes, int bb, long seed) {
        return lnRig(lanes, bb, seed, true);
    }

    static RowUnitRig lnRig(int lanes, int bb, long seed, boolean stalls) {
        ModuleSpec spec = LnormUnit.spec(lanes, 768, bb);
        return new RowUnitRig(spec, bb, List.of("x", "t"), List.of("o"), seed, stalls);
    }

    static RowUnitRig geluRig(boolean shift, int lanes, int bb, long seed) {
        return geluRig(shift, lanes, bb, seed, true);
    }

    static RowUnitRig geluRig(boolean shift, int lanes, int bb, long seed, boolean stalls) {
        ModuleSpec spec = GeluUnit.spec(shift, lanes, 768, bb);
        return new RowUnitRig(spec, bb, List.of("x"), List.of("o"), seed, stalls);
    }

    @Test
    void layerNormFourLanesBb16() {
        long seed = Seeds.of("LnormGeluUnitCosimTest.ln4", 0x11_4E16L);
        try (RowUnitRig rig = lnRig(4, 16, seed)) {
            long cyc = runCase(rig, RowCase.layerNorm(seed, 10, 192), seed);
            System.out.printf("vitgen_top_lnorm 4 lanes BB 16: 10 rows x 192 channels in %d cycles under stalls%n", cyc);
            runCase(rig, RowCase.layerNorm(seed + 1, 13, 40), seed + 1);
            RowCase c = RowCase.layerNorm(seed + 2, 3, 40);
            BigInteger good = RowUnitRig.cmdBits(c.unit());
            refused(rig, withWord(good, 2, 3 | (769L << 16)), 0b10, "769 channels > MAX_C 768");
            refused(rig, withWord(good, 2, 3), 0b100, "zero channels");
            refused(rig, withWord(good, 2, 40L << 16), 0b100, "zero rows");
            refused(rig, good.setBit(8), 0b100, "a flag bit");
            refused(rig, withWord(good, 6, 1), 0b100, "a nonzero unused word");
            refused(rig, good.flipBit(0), 0b100, "another opcode");
            runCase(rig, c, seed + 2);
        }
    }

    @Test
    void layerNormOneLaneBb8() {
        long seed = Seeds.of("LnormGeluUnitCosimTest.ln1", 0x11_4E08L);
        try (RowUnitRig rig = lnRig(1, 8, seed)) {
            runCase(rig, RowCase.layerNorm(seed, 13, 40), seed);
            // a bias beyond int32 (bit 1) and a scale entry with k = 63 (bit 2): the command runs, then reports
            RowCase c = RowCase.layerNorm(seed + 3, 2, 40);
            Command.LayerNorm l = (Command.LayerNorm) c.unit();
            for (int bad = 0; bad < 2; bad++) {
                Map<Space, byte[]> buf = c.buffersBefore(seed);
                rig.buffers.clear();
                rig.buffers.putAll(buf);
                Operand t = bad == 0 ? l.biasTable().plus(8L * 39 + 5) : l.scaleTable().plus(8L * 17 + 4);
                RowCase.put(buf.get(t.space()), t.addr(), 1, bad == 0 ? 1 : 63);
                RowUnitRig.Outcome o = rig.run(RowUnitRig.cmdBits(l), 100_000);
                assertEquals(bad == 0 ? 0b10 : 0b100, o.err(), bad == 0 ? "bias 2^40" : "k = 63");
                assertEquals(expectedDescs(l), o.descs(), "the command runs");
            }
            runCase(rig, RowCase.layerNorm(seed + 1, 3, 192), seed + 1);
        }
    }

    @Test
    void shiftGeluFourLanesBb16() {
        long seed = Seeds.of("LnormGeluUnitCosimTest.sg4", 0x56_E416L);
        try (RowUnitRig rig = geluRig(true, 4, 16, seed)) {
            long cyc = runCase(rig, RowCase.gelu(seed, 6, 768, false), seed);
            System.out.printf("vitgen_top_gelu ShiftGELU 4 lanes BB 16: 6 rows x 768 in %d cycles under stalls%n", cyc);
            runCase(rig, RowCase.gelu(seed + 1, 13, 72, false), seed + 1);
            RowCase c = RowCase.gelu(seed + 2, 2, 72, false);
            BigInteger good = RowUnitRig.cmdBits(c.unit());
            refused(rig, good.setBit(8), 0b10, "the i-GELU flag on a ShiftGELU unit");
            refused(rig, RowUnitRig.cmdBits(RowCase.gelu(seed + 9, 2, 72, true).unit()), 0b10, "an i-GELU command");
            refused(rig, withWord(good, 2, 2 | (72L << 16) | (200L << 32)), 0b10, "X = 200");
            refused(rig, withWord(good, 2, 2 | (769L << 16) | (5L << 32)), 0b10, "769 elements > MAX_ROW 768");
            refused(rig, withWord(good, 2, 2 | (72L << 16)), 0b100, "X = 0");
            refused(rig, withWord(good, 5, 63L << 32), 0b100, "k = 63");
            refused(rig, withWord(good, 4, 5), 0b100, "c given to ShiftGELU");
            runCase(rig, c, seed + 2);
        }
    }

    @Test
    void shiftGeluOneLaneBb8() {
        long seed = Seeds.of("LnormGeluUnitCosimTest.sg1", 0x56_E108L);
        try (RowUnitRig rig = geluRig(true, 1, 8, seed)) {
            runCase(rig, RowCase.gelu(seed, 13, 72, false), seed);
            runCase(rig, RowCase.gelu(seed + 1, 2, 768, false), seed + 1);
        }
    }

    @Test
    void iGeluFourLanesBb8() {
        long seed = Seeds.of("LnormGeluUnitCosimTest.ig4", 0x16_E408L);
        try (RowUnitRig rig = geluRig(false, 4, 8, seed)) {
            runCase(rig, RowCase.gelu(seed, 6, 768, true), seed);
            runCase(rig, RowCase.gelu(seed + 1, 13, 72, true), seed + 1);
            RowCase c = RowCase.gelu(seed + 2, 2, 72, true);
            BigInteger good = RowUnitRig.cmdBits(c.unit());
            refused(rig, good.clearBit(8), 0b10, "ShiftGELU on an i-GELU unit");
            refused(rig, RowUnitRig.cmdBits(RowCase.gelu(seed + 9, 2, 72, false).unit()), 0b10, "a ShiftGELU command");
            refused(rig, withWord(good, 3, -(1L << 21) & 0xFFFF_FFFFL), 0b10, "b = -2^21");
            refused(rig, withWord(good, 3, 5), 0b100, "b = 5");
            refused(rig, withWord(good, 4, -(1L << 41)), 0b10, "c = -2^41");
            refused(rig, withWord(good, 2, 2 | (72L << 16) | (3L << 32)), 0b100, "X given to i-GELU");
            runCase(rig, c, seed + 2);
        }
    }

    @Test
    void iGeluOneLaneBb16() {
        long seed = Seeds.of("LnormGeluUnitCosimTest.ig1", 0x16_E116L);
        try (RowUnitRig rig = geluRig(false, 1, 16, seed)) {
            runCase(rig, RowCase.gelu(seed, 13, 72, true), seed);
            runCase(rig, RowCase.gelu(seed + 1, 2, 768, true), seed + 1);
        }
    }
}
