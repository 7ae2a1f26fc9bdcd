package io.vitgen.estimate;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.Config;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.softmax.AttnShiftUnit;

/**
 * Resource estimates of the generated blocks from closed formulas, calibrated against Yosys 0.23
 * {@code synth_xilinx -family xcup} (the measurements and the formulas' error are in
 * docs/estimate.md; {@code synth.yosys=on} remains the measured truth). The formulas follow the
 * structure of each block - per MAC, per requantizer lane, per lane of a row unit - with the
 * constants fitted to the measurements. They exist to say, before any synthesis, whether a
 * configuration can fit a part; they are not a substitute for place and route.
 */
public final class ResourceModel {

    private ResourceModel() {
    }

    /** The estimate of every block the configuration generates, in the report's order. */
    public static List<Usage> blocks(Config c) {
        List<Usage> out = new ArrayList<>();
        out.add(gemm(MacArray.shape(c), lean(c)));
        out.add(softmax(c.softmax().lanes(), c.softmax().maxRow(), c.softmax().log2(), c.softmax().log2() ? 16
                : c.softmax().outBits()));
        if (c.softmax().log2()) {
            AttnShiftUnit.Params a = AttnShiftUnit.params(c);
            out.add(attnShift(a.vLanes()));
        }
        out.add(layerNorm(c.layerNorm().lanes(), c.layerNorm().maxChannels(), c.layerNorm().requantInt8()));
        out.add("igelu".equals(c.gelu().variant())
                ? iGelu(c.gelu().lanes(), c.gelu().requantInt8())
                : shiftGelu(c.gelu().lanes(), c.gelu().maxRow(), c.gelu().requantInt8()));
        return out;
    }

    /** The sum of {@link #blocks(Config)}. */
    public static Usage total(Config c) {
        Usage sum = new Usage("all blocks", 0, 0, 0, 0);
        for (Usage u : blocks(c)) {
            sum = sum.plus(u, "all blocks");
        }
        return sum;
    }

    /** One lane of {@code vitgen_requant} at an IN_W-bit input: LUT. */
    static long requantLaneLuts(int inW) {
        return Math.round(184 + 10.65 * inW);
    }

    /** One lane of {@code vitgen_requant}: flip-flops. */
    static long requantLaneFlipFlops(int inW) {
        return 136 + 3L * inW;
    }

    /**
     * One lane of {@code vitgen_requant}: DSPs for the exact IN_W x 32-bit product, tiled as
     * 26 x 17-bit unsigned pieces of the 27 x 18 signed multiplier (33 bits: 4, 16 bits: 2).
     */
    static long requantLaneDsps(int inW) {
        return 2L * ((inW + 25) / 26);
    }

    /**
     * {@code vitgen_mac_gemm}: per MAC the operand, product, accumulator and shadow registers
     * (2 (A_W + W_W) + 2 ACC_W flip-flops) and about ACC_W + 11 LUT of adder and drain multiplexer (the
     * lean array of docs/mac.md: 45 LUT per MAC at ACC_W = 32 measured on 16x16, packed or not);
     * one DSP per multiplier (half with int8x2 packing; 4-bit x 4-bit products go to LUTs, about 27
     * LUT each); the requantizer lanes; per column the drain and bias stage, the row FIFO, the
     * serializer (with shift multiplexers when there are fewer requantizer lanes than columns) and
     * the reassembly (every engine has them since the wavefront drain).
     */
    public static Usage gemm(MacArray.Shape s) {
        return gemm(s, false);
    }

    /**
     * LUT per MAC of the lean array at 32-bit accumulators as measured (docs/mac.md: 45.0 on 16x16,
     * 32x32 and 64x64 in Yosys), for estimate.array=lean: a flat figure in place of ACC_W + 11, which
     * follows quant.acc.bits (36.6 measured at 26 bits on 16x16).
     */
    public static final int LEAN_LUT_PER_MAC = 45;

    /** Does the configuration's estimate assume the lean array (estimate.array=lean)? */
    public static boolean lean(Config c) {
        return "lean".equals(c.values().get("estimate.array"));
    }

    /** {@link #gemm(MacArray.Shape)}, or with {@code lean} the planned lean array's LUT per MAC. */
    public static Usage gemm(MacArray.Shape s, boolean lean) {
        long macs = (long) s.rows() * s.cols();
        boolean lutMultipliers = s.aW() <= 4 && s.wW() <= 4;
        int sumW = s.sumW();
        long dsp = (lutMultipliers ? 0 : s.packInt8x2() ? macs / 2 : macs) + s.reqLanes() * requantLaneDsps(sumW);
        long perMac = lean ? LEAN_LUT_PER_MAC : s.accW() + 11L;
        // per column: the drain and bias stage, the row FIFO (ROWS + 3 deep, LUT RAM), the serializer
        // (shift multiplexers only with fewer lanes than columns) and the reassembly
        long lut = macs * perMac + (lutMultipliers ? 27 * macs : 0)
                + s.reqLanes() * requantLaneLuts(sumW) + 20L * s.cols() + (s.reqBeats() > 1 ? 90L : 25L) * s.cols();
        long ff = macs * (2L * (s.aW() + s.wW()) + 2L * s.accW()) + s.reqLanes() * requantLaneFlipFlops(sumW)
                + 303L * s.cols();
        return new Usage("vitgen_mac_gemm", lut, ff, dsp, 0);
    }

    /**
     * {@code vitgen_softmax}: per lane the exponential, the score and difference FIFO ports and (linear)
     * the output multiplier e_i * f (one DSP), or (log2) the 16-comparison code cell. LUTs: linear
     * fitted on 1 to 8 lanes (b = 16) and, above 8 lanes, on 16, 32 and 64 (b = 8 and 16 differ by 8
     * LUT a lane there, which the formula ignores); log2 fitted on 4 lanes, within 3.1 % at 32;
     * flip-flops: b = 8 keeps 24 fewer output bits a lane.
     * Block RAM: the two FIFOs ({@link #softmaxFifoBram36}).
     */
    public static Usage softmax(int lanes, int maxRow, boolean log2, int outBits) {
        long lut = log2 ? 182 + 697L * lanes : lanes <= 8 ? 182 + 447L * lanes : 600 + 345L * lanes;
        long ff = 332 + (log2 ? 292L : outBits == 16 ? 238L : 214L) * lanes;
        return new Usage("vitgen_softmax", lut, ff, log2 ? 0 : lanes, softmaxFifoBram36(lanes, maxRow, log2));
    }

    /** {@link #softmax(int, int, boolean, int)} with 16-bit linear outputs. */
    public static Usage softmax(int lanes, int maxRow, boolean log2) {
        return softmax(lanes, maxRow, log2, 16);
    }

    /**
     * BRAM36 of vitgen_softmax's score and difference FIFOs (docs/softmax.md: entries of 8 LANES +
     * clog2(LANES) + 1 bits): Yosys keeps a FIFO of at most 64 entries in LUT RAM and puts a deeper
     * one in RAMB18s of 36 bits x 512 (18 x 1024, 9 x 2048, ...), as measured from 1 to 64 lanes.
     */
    static double softmaxFifoBram36(int lanes, int maxRow, boolean log2) {
        io.vitgen.hw.softmax.SoftmaxUnit.Params p = new io.vitgen.hw.softmax.SoftmaxUnit.Params(lanes, maxRow, log2, 16);
        int bits = io.vitgen.hw.softmax.SoftmaxUnit.fifoBits(p);
        return (ramb18(io.vitgen.hw.softmax.SoftmaxUnit.scoreDepth(p), bits)
                + ramb18(io.vitgen.hw.softmax.SoftmaxUnit.diffDepth(p), bits)) / 2.0;
    }

    private static long ramb18(int depth, int bits) {
        if (depth <= 64) {
            return 0;
        }
        long rows = 512;
        long width = 36;
        while (rows < depth && width > 1) {
            rows *= 2;
            width /= 2;
        }
        return ((bits + width - 1) / width) * ((depth + rows - 1) / rows);
    }

    /** {@code vitgen_attn_shift}: per V lane a barrel shift, an adder and a ring entry. */
    public static Usage attnShift(int vLanes) {
        return new Usage(AttnShiftUnit.NAME, 200L * vLanes, 93L * vLanes, 0, 0);
    }

    /**
     * {@code vitgen_layernorm}: the statistics (divider pipeline, Newton square root) are a fixed
     * part; per lane the square, y * g product (2 DSPs) and adders; with int8 output one requantizer
     * lane per channel lane; block RAM for the row buffer and the per-channel parameter tables.
     */
    public static Usage layerNorm(int lanes, int maxChannels, boolean int8) {
        long lut = 1639 + 126L * lanes + (int8 ? lanes * requantLaneLuts(32) : 0);
        long ff = 1743 + 280L * lanes + (int8 ? lanes * requantLaneFlipFlops(32) : 0);
        long dsp = 2L * lanes + 2 + (int8 ? lanes * requantLaneDsps(32) : 0);
        double bram = 2 * (Math.ceil(maxChannels * 32.0 / 36_864) + (int8 ? Math.ceil(maxChannels * 70.0 / 36_864) : 0));
        return new Usage("vitgen_layernorm", lut, ff, dsp, bram);
    }

    /**
     * {@code vitgen_shiftgelu}: per lane one pipelined 31-bit divider (about two thirds of the unit),
     * the ShiftExp cell and the x * sig product; with int8 output a requantizer lane; the row
     * buffer in block RAM.
     */
    public static Usage shiftGelu(int lanes, int maxRow, boolean int8) {
        long lut = 400 + 2518L * lanes - (int8 ? 0 : lanes * requantLaneLuts(16));
        long ff = 390 + 2285L * lanes - (int8 ? 0 : lanes * requantLaneFlipFlops(16));
        long dsp = lanes * (3 + (int8 ? requantLaneDsps(16) : 0));
        double bram = Math.ceil(maxRow * 16.0 / 36_864 * 2) / 2;
        return new Usage("vitgen_shiftgelu", lut, ff, dsp, bram);
    }

    /** {@code vitgen_igelu}: per lane the polynomial's squares and products; with int8 output a requantizer lane. */
    public static Usage iGelu(int lanes, boolean int8) {
        long lut = 180 + 743L * lanes - (int8 ? 0 : lanes * requantLaneLuts(36));
        long ff = 290 + 437L * lanes - (int8 ? 0 : lanes * requantLaneFlipFlops(36));
        long dsp = 2 + 3L * lanes + (int8 ? lanes * requantLaneDsps(36) : 0);
        return new Usage("vitgen_igelu", lut, ff, dsp, 0);
    }
}
