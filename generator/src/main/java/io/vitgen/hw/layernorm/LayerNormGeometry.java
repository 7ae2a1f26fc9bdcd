package io.vitgen.hw.layernorm;

import java.math.BigInteger;

import io.vitgen.hw.Divider;
import io.vitgen.hw.softmax.ReduceTree;

/**
 * Every size of one I-LayerNorm unit, derived once from the generation-time choices (lanes,
 * maximum channels, output kind). The templates print these numbers; nothing is derived twice.
 *
 * <p>Bounds behind the widths (docs/arithmetic.md section 6, x int16, C channels, CAP = {@link #channelCap()}):
 * <ul>
 * <li>sum of (x_i + 2^15) &le; CAP (2^16 - 1); sum of x_i^2 &le; CAP 2^30.</li>
 * <li>V = sum (x_i - xbar)^2 + C (xbar - mu)^2 &le; CAP 2^30 + CAP / 4 with |xbar - mu| &le; 1/2.</li>
 * <li>Newton: k_0 = 2^16, k_1 = (2^16 + V div 2^16) div 2; for j &ge; 1 every k_j lies in
 *     [s, max(k_1, s + 1)] with s = floor(sqrt V) (an integer Newton step from any k &ge; 1 lands at
 *     or above s; from above s it strictly decreases; from s it reaches at most s + 1), and the
 *     quotients floor(V / k_j) &le; s + 2. So divisor, quotient and k fit {@link #denW()} bits.</li>
 * <li>std &ge; 64 (k halves at most ten times from 2^16), so g = floor((2^31 - 1) / std) &lt; 2^25.</li>
 * <li>|y_i| &le; s &le; std, so |y_i g| &le; 2^31 - 1 and yhat_i = (y_i g) &gt;&gt; 1 fits 32 signed bits;
 *     out_i = yhat_i + b_i with int32 b_i fits {@link LayerNormUnit#RAW_BITS} bits exactly.</li>
 * </ul>
 *
 * <p>Quotient bounds behind the divider's {@link #quotW()} (its QUOTIENT_W: every quotient is
 * below 2^quotW, so the divider skips the top vW - quotW steps):
 * <ul>
 * <li>mean, floor(S / C): S = sum (x_i + 2^15) &le; C (2^16 - 1), so the quotient &le; 2^16 - 1
 *     (C &ge; 1).</li>
 * <li>Newton steps 1..9, floor(V / k_j): k_j &ge; s &ge; 1 when V &ge; 1 (above), so
 *     V / k_j &lt; (s + 1)^2 / s = s + 2 + 1/s and the quotient &le; s + 2 &le; sMax + 2 with
 *     sMax = floor(sqrt(VMAX)); for V = 0 the quotient is 0 (k_j &ge; 64).</li>
 * <li>g, floor((2^31 - 1) / std): std &ge; 64, so the quotient &le; (2^31 - 1) / 64 &lt; 2^25.</li>
 * </ul>
 * g's bound dominates (sMax + 2 &lt; 2^22 up to C = 4096), so quotW = 25 for every geometry.
 *
 * @param lanes         channels per beat (1..64)
 * @param maxChannels   most channels per row (configured; rows up to {@link #channelCap()} work)
 * @param int8          true: int8 output after per-channel dyadic requantization; false: raw out_i
 * @param maxBeats      beats of the longest row, ceil(maxChannels / lanes)
 * @param channelCap    maxBeats * lanes: channels the parameter memory and row buffer hold per row
 * @param countW        bits of a channel count 0..channelCap
 * @param beatW         bits of a beat index 0..maxBeats-1 (at least 1)
 * @param laneW         bits of a lane index 0..lanes-1 (at least 1)
 * @param beatSumW      bits of one beat's sum of (x_i + 2^15)
 * @param beatSqW       bits of one beat's sum of x_i^2
 * @param sumW          bits of a row's sum of (x_i + 2^15)
 * @param sqW           bits of a row's sum of x_i^2
 * @param vW            bits of V, also the divider's dividend width
 * @param denW          bits of the divider's divisor (C, k, std)
 * @param quotW         quotient bits the divider computes (its QUOTIENT_W), from the bounds above
 * @param slotW         log2 of the rows the statistics engine holds
 * @param bufBeats      beats the row buffer holds
 * @param bufAddrW      bits of a row-buffer address
 * @param bufCountW     bits of a row-buffer occupancy 0..bufBeats
 * @param paramW        bits of one s_axis_param beat
 * @param outW          bits of one output lane
 * @param outPipe       cycles from a buffer read to the output FIFO's input
 * @param fifoDepth     depth of the output FIFO (and the read credits)
 * @param creditW       bits of the credit counter 0..fifoDepth
 * @param divLatency    cycles of one division (pipelined divider, quotW + 1)
 * @param passPeriod    cycles from issuing one pass of a row to issuing its next
 * @param latency       cycles from a row's last input beat to its first output beat (unit idle)
 * @param fullRateChannels smallest C from which back-to-back rows stream at lanes channels/cycle
 */
public record LayerNormGeometry(int lanes, int maxChannels, boolean int8, int maxBeats, int channelCap,
        int countW, int beatW, int laneW, int beatSumW, int beatSqW, int sumW, int sqW, int vW, int denW,
        int quotW, int slotW, int bufBeats, int bufAddrW, int bufCountW, int paramW, int outW, int outPipe,
        int fifoDepth, int creditW, int divLatency, int passPeriod, int latency, int fullRateChannels) {

    /** Largest channel count accepted by the generator. */
    public static final int MAX_CHANNELS = 4096;
    /** Most lanes accepted (the requantizer's limit). */
    public static final int MAX_LANES = 64;
    /** Divider passes per row: the mean, nine Newton divisions (step 1 divides by 2^16: a shift), g. */
    public static final int PASSES = 11;
    /** Cycles from a divider result to the next issue of the same row (V needs three). */
    public static final int RETURN_CYCLES = 3;
    /** Cycles from accepting a row's last beat to admitting its mean division, without the lane tree. */
    public static final int STATS_CYCLES = 4;
    /** Cycles from a buffer read (issue) to the raw value entering the output FIFO. */
    public static final int RAW_PIPE = 4;
    /** Largest quotient of the mean division floor(S / C): S &le; C (2^16 - 1). */
    public static final long MEAN_QUOTIENT_MAX = 0xFFFFL;
    /** Largest quotient of the g division: floor((2^31 - 1) / 64), std &ge; 64. */
    public static final long G_QUOTIENT_MAX = 0x7FFF_FFFFL / 64;
    /** Rows from this many channels on must stream at full rate (DeiT-Tiny C = 192). */
    public static final int THROUGHPUT_CHANNELS = 192;

    /** Computes the geometry; throws with the offending value for out-of-range choices. */
    public static LayerNormGeometry of(int lanes, int maxChannels, boolean int8, int requantLatency) {
        if (lanes < 1 || lanes > MAX_LANES) {
            throw new IllegalArgumentException("LayerNorm lanes = " + lanes + " is out of range [1, " + MAX_LANES + "]");
        }
        if (maxChannels < 1 || maxChannels > MAX_CHANNELS) {
            throw new IllegalArgumentException("LayerNorm max channels = " + maxChannels + " is out of range [1, "
                    + MAX_CHANNELS + "]");
        }
        int maxBeats = (maxChannels + lanes - 1) / lanes;
        int cap = maxBeats * lanes;
        int countW = bits(cap);
        int beatW = Math.max(1, bits(maxBeats - 1));
        int laneW = Math.max(1, bits(lanes - 1));
        int beatSumW = bits((long) lanes * 0xFFFF);
        int beatSqW = bits((long) lanes << 30);
        int sumW = bits((long) cap * 0xFFFF);
        int sqW = bits((long) cap << 30);
        long vMax = ((long) cap << 30) + cap / 4;
        int vW = bits(vMax);
        long s = isqrt(vMax);
        long k1Max = ((1L << 16) + (vMax >> 16)) >> 1;
        long kMax = Math.max(Math.max(1L << 16, k1Max), s + 2);
        int denW = bits(Math.max(kMax, cap));
        // quotients: mean <= 2^16 - 1, Newton floor(V / k_j) <= s + 2, g <= (2^31 - 1) / 64
        int quotW = Divider.quotientWidth(vW, MEAN_QUOTIENT_MAX, s + 2, G_QUOTIENT_MAX);

        int divLatency = Divider.latency(quotW);
        int passPeriod = divLatency + RETURN_CYCLES;
        // accept -> admission, ten pass periods, the g division, its result register
        int resultLatency = STATS_CYCLES + ReduceTree.latency(lanes) + (PASSES - 1) * passPeriod + divLatency + 1;
        int outPipe = RAW_PIPE + (int8 ? requantLatency : 0);
        // start cycle, then issue -> FIFO input, then the FIFO's two cycles
        int latency = resultLatency + 1 + outPipe + 2;

        // Rows held from their first beat to the start of their output, at the guaranteed rate.
        int guaranteedBeats = Math.max(PASSES, Math.min(maxBeats, ceilDiv(THROUGHPUT_CHANNELS, lanes)));
        int rowsHeld = ceilDiv(guaranteedBeats + resultLatency + 8, guaranteedBeats) + 1;
        int slotW = Math.max(1, bits(rowsHeld - 1));
        int slots = 1 << slotW;
        long bufBeatsL = Math.min((long) slots * maxBeats, 2L * maxBeats + resultLatency + 16);
        int bufBeats = (int) Math.max(maxBeats, bufBeatsL);
        int fullRate = fullRateChannels(lanes, cap, slots, resultLatency);

        int outW = int8 ? LayerNormUnit.INT8_BITS : LayerNormUnit.RAW_BITS;
        int paramW = LayerNormUnit.BIAS_BITS + (int8 ? LayerNormUnit.SCALE_BITS : 0);
        int fifoDepth = outPipe + 4;
        return new LayerNormGeometry(lanes, maxChannels, int8, maxBeats, cap, countW, beatW, laneW, beatSumW,
                beatSqW, sumW, sqW, vW, denW, quotW, slotW, bufBeats, Math.max(1, bits(bufBeats - 1)), bits(bufBeats),
                paramW, outW, outPipe, fifoDepth, bits(fifoDepth), divLatency, passPeriod, latency, fullRate);
    }

    /** Rows the statistics engine holds (between a row's first beat and the start of its output). */
    public int slots() {
        return 1 << slotW;
    }

    /** Index of the last beat of the longest row. */
    public int lastBeat() {
        return maxBeats - 1;
    }

    /** Index of the last lane. */
    public int lastLane() {
        return lanes - 1;
    }

    /** Last row-buffer address. */
    public int bufLast() {
        return bufBeats - 1;
    }

    /** Top bit index of s_axis_param_tdata. */
    public int paramMsb() {
        return paramW - 1;
    }

    /** Spaces that align the m_axis_tdata port name with the other ports of the template. */
    public String outPad() {
        return " ".repeat(Math.max(1, 5 - Integer.toString(outW).length()));
    }

    /** Bits of a count of rows in flight 0..slots. */
    public int slotCountW() {
        return slotW + 1;
    }

    /** Cycles from a row's first input beat to its first output beat for a row of c channels. */
    public int firstToFirstLatency(int c) {
        return ceilDiv(c, lanes) - 1 + latency;
    }

    /** Divider tag bits: slot and pass number. */
    public int tagW() {
        return slotW + LayerNormUnit.PASS_BITS;
    }

    /** Bits of one row-buffer entry: LANES int16 values and their tkeep bits. */
    public int bufEntryW() {
        return lanes * LayerNormUnit.IN_BITS + lanes;
    }

    /** Bits of one output-FIFO entry: LANES output lanes and their tkeep bits. */
    public int fifoEntryW() {
        return lanes * outW + lanes;
    }

    /** ceil(log2(n + 1)): bits of an unsigned value up to n (0 for n = 0). */
    static int bits(long n) {
        return 64 - Long.numberOfLeadingZeros(n);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static long isqrt(long n) {
        return BigInteger.valueOf(n).sqrt().longValueExact();
    }

    /**
     * Smallest C for which rows of C channels arrive back to back at full rate: a row needs at
     * least {@link #PASSES} beats (one divider slot per beat) and the rows in flight must fit the
     * slots.
     */
    private static int fullRateChannels(int lanes, int cap, int slots, int resultLatency) {
        for (int c = 1; c <= cap; c++) {
            int beats = ceilDiv(c, lanes);
            if (beats >= PASSES && ceilDiv(beats + resultLatency + 8, beats) + 1 <= slots) {
                return c;
            }
        }
        return cap + 1; // no row length reaches full rate (the configured maximum is too short)
    }
}
