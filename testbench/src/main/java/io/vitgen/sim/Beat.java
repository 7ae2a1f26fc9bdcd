package io.vitgen.sim;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One AXI4-Stream transfer: tdata of any width (64-bit little-endian words), tlast, tkeep and
 * tuser (up to 64 bits each) and, for beats taken by a sink, the cycle of the handshake.
 */
public final class Beat {
    private final long[] words;
    private final int width;
    private final boolean last;
    private final long keep;
    private final long user;
    private final long cycle;

    Beat(long[] words, int width, boolean last, long keep, long user, long cycle) {
        this.words = words;
        this.width = width;
        this.last = last;
        this.keep = keep;
        this.user = user;
        this.cycle = cycle;
    }

    /**
     * A beat with this non-negative data value (masked to the port width when sent). For signed
     * values use {@link StreamSource#push(BigInteger, boolean)}, which knows the port width, or
     * {@link #ofLanes}.
     */
    public static Beat of(BigInteger data, boolean last) {
        Objects.requireNonNull(data, "data");
        if (data.signum() < 0) {
            throw new IllegalArgumentException("Beat.of needs a non-negative value (the width is unknown here), got "
                    + data);
        }
        int width = Math.max(1, data.bitLength() + 1);
        return new Beat(Wire.toWords(data, width), width, last, 0L, 0L, -1L);
    }

    /** A beat whose tdata is these 64 bits (bits above 63 zero). */
    public static Beat of(long data, boolean last) {
        return new Beat(new long[] {data}, 64, last, 0L, 0L, -1L);
    }

    /**
     * A multi-lane beat: lane i of {@code laneWidth} bits at {@code tdata[i*laneWidth +: laneWidth]}
     * (negative lane values are stored in two's complement).
     */
    public static Beat ofLanes(long[] lanes, int laneWidth, boolean last, long keep) {
        if (laneWidth < 1 || laneWidth > 64) {
            throw new IllegalArgumentException("laneWidth must be 1..64, got " + laneWidth);
        }
        int width = lanes.length * laneWidth;
        long[] w = new long[Math.max(1, (width + 63) / 64)];
        long laneMask = laneWidth == 64 ? -1L : (1L << laneWidth) - 1;
        for (int i = 0; i < lanes.length; i++) {
            long v = lanes[i] & laneMask;
            int bit = i * laneWidth;
            w[bit >>> 6] |= v << (bit & 63);
            int spill = (bit & 63) + laneWidth - 64;
            if (spill > 0) {
                w[(bit >>> 6) + 1] |= v >>> (laneWidth - spill);
            }
        }
        return new Beat(w, Math.max(1, width), last, keep, 0L, -1L);
    }

    /** The same beat with this tkeep value. */
    public Beat withKeep(long newKeep) {
        return new Beat(words, width, last, newKeep, user, cycle);
    }

    /** The same beat with this tuser value. */
    public Beat withUser(long newUser) {
        return new Beat(words, width, last, keep, newUser, cycle);
    }

    /** tdata as a non-negative integer. */
    public BigInteger data() {
        return Wire.toBigInteger(words);
    }

    /** The low 64 bits of tdata. */
    public long dataLong() {
        return words.length == 0 ? 0L : words[0];
    }

    /** tdata as 64-bit little-endian words (a copy). */
    public long[] words() {
        return words.clone();
    }

    long[] rawWords() {
        return words;
    }

    /** Bit width of tdata (the port width for received beats). */
    public int width() {
        return width;
    }

    /** Unsigned value of lane {@code index} of {@code laneWidth} bits (1..64). */
    public long lane(int index, int laneWidth) {
        if (laneWidth < 1 || laneWidth > 64) {
            throw new IllegalArgumentException("laneWidth must be 1..64, got " + laneWidth);
        }
        int bit = index * laneWidth;
        if (index < 0 || bit + laneWidth > words.length * 64) {
            throw new IndexOutOfBoundsException("lane " + index + " of width " + laneWidth + " outside " + width + " bits");
        }
        long v = words[bit >>> 6] >>> (bit & 63);
        int spill = (bit & 63) + laneWidth - 64;
        if (spill > 0) {
            v |= words[(bit >>> 6) + 1] << (laneWidth - spill);
        }
        return laneWidth == 64 ? v : v & ((1L << laneWidth) - 1);
    }

    /** Two's complement value of lane {@code index} of {@code laneWidth} bits. */
    public long signedLane(int index, int laneWidth) {
        long v = lane(index, laneWidth);
        int shift = 64 - laneWidth;
        return (v << shift) >> shift;
    }

    public boolean last() {
        return last;
    }

    public long keep() {
        return keep;
    }

    public long user() {
        return user;
    }

    /** Cycle of the handshake for a received beat, -1 for a beat built in Java. */
    public long cycle() {
        return cycle;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Beat)) {
            return false;
        }
        Beat b = (Beat) o;
        return last == b.last && keep == b.keep && user == b.user && data().equals(b.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(data(), last, keep, user);
    }

    @Override
    public String toString() {
        return "Beat{data=0x" + data().toString(16) + ", last=" + last
                + (keep != 0 ? ", keep=0x" + Long.toHexString(keep) : "")
                + (user != 0 ? ", user=0x" + Long.toHexString(user) : "")
                + (cycle >= 0 ? ", cycle=" + cycle : "") + "}";
    }
}
