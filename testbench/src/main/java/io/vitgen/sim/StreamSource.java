package io.vitgen.sim;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * Drives an AXI4-Stream input of the DUT from a queue of beats. The harness presents the next
 * beat on a cycle with probability {@code validPermille}/1000 (drawn from the simulation seed) and
 * holds it, valid high, until the DUT accepts it. Pushed beats are sent with the next run.
 */
public final class StreamSource extends StreamEndpoint {
    private int validPermille;
    private Wire unsent;
    private int unsentBeats;
    private int pendingInHarness;
    private long waitCycles;
    /** Junk for the lanes tkeep marks invalid: seeded from the simulation seed and the driver id. */
    private final java.util.SplittableRandom junk;

    StreamSource(Simulation sim, int id, String prefix, Port data, Port valid, Port ready, Port last, Port keep,
            Port user, int validPermille) {
        super(sim, id, prefix, data, valid, ready, last, keep, user);
        this.validPermille = validPermille;
        this.junk = new java.util.SplittableRandom(sim.seed() * 0x9E3779B97F4A7C15L + 0x51ED_0000L + id);
    }

    /** Queues a beat; its data is masked to the tdata width. */
    public StreamSource push(Beat beat) {
        Objects.requireNonNull(beat, "beat");
        if (beat.last() && last == null) {
            throw new IllegalArgumentException(prefix + " has no tlast port but a beat sets last");
        }
        if (unsent == null) {
            unsent = new Wire(Wire.OP_PUSH);
            unsent.u8(id).u32(0);
        }
        unsent.words(beat.rawWords(), data.words32());
        unsent.u32(beat.last() ? 1 : 0);
        if (keep != null) {
            unsent.words(new long[] {beat.keep()}, keep.words32());
        }
        if (user != null) {
            unsent.words(new long[] {beat.user()}, user.words32());
        }
        unsentBeats++;
        return this;
    }

    public StreamSource push(BigInteger tdata, boolean tlast) {
        return push(new Beat(Wire.toWords(tdata, data.width()), data.width(), tlast, 0L, 0L, -1L));
    }

    public StreamSource push(long tdata, boolean tlast) {
        return push(new Beat(new long[] {tdata}, 64, tlast, 0L, 0L, -1L));
    }

    public StreamSource pushAll(List<Beat> beats) {
        for (Beat b : beats) {
            push(b);
        }
        return this;
    }

    /**
     * Queues one row of lane values as beats of {@code dataWidth/laneWidth} lanes: every beat full
     * but the last, tlast on the last, and (when the stream has tkeep) one keep bit per lane with
     * the valid lanes low and contiguous. Without tkeep the row must fill whole beats. The lanes
     * tkeep marks invalid carry seeded junk (from the simulation seed), never zeros, so a block that
     * lets an invalid lane into its arithmetic fails the comparison.
     */
    public StreamSource pushRow(long[] values, int laneWidth) {
        if (laneWidth < 1 || laneWidth > 64 || data.width() % laneWidth != 0) {
            throw new IllegalArgumentException(prefix + ": lane width " + laneWidth + " does not divide tdata width "
                    + data.width());
        }
        if (values.length == 0) {
            throw new IllegalArgumentException(prefix + ": empty row");
        }
        int lanes = data.width() / laneWidth;
        if (keep == null && values.length % lanes != 0) {
            throw new IllegalArgumentException(prefix + " has no tkeep, so a row must be a multiple of " + lanes
                    + " lanes, got " + values.length);
        }
        if (keep != null && keep.width() != lanes) {
            throw new IllegalArgumentException(prefix + "_tkeep has " + keep.width() + " bits for " + lanes + " lanes");
        }
        long[] lane = new long[lanes];
        for (int at = 0; at < values.length; at += lanes) {
            int n = Math.min(lanes, values.length - at);
            for (int i = n; i < lanes; i++) {
                lane[i] = junk.nextLong();
            }
            System.arraycopy(values, at, lane, 0, n);
            boolean isLast = at + lanes >= values.length;
            long keepBits = keep == null ? 0L : (n == 64 ? -1L : (1L << n) - 1);
            push(Beat.ofLanes(lane, laneWidth, isLast && last != null, keepBits));
        }
        return this;
    }

    /** Changes the valid probability (per mille) from the next run on. */
    public void setValidPermille(int permille) {
        this.validPermille = Simulation.checkPermille(permille);
        sim.configure(this);
    }

    int validPermille() {
        return validPermille;
    }

    /** Beats queued but not yet accepted by the DUT (as of the last run). */
    public int pending() {
        return pendingInHarness + unsentBeats;
    }

    /** The PUSH frame for beats queued since the last run, or null. */
    byte[] takeUnsent() {
        if (unsent == null) {
            return null;
        }
        byte[] f = unsent.frame();
        int n = unsentBeats;
        // the beat count sits after u32 length, u8 op and u8 id
        f[6] = (byte) n;
        f[7] = (byte) (n >>> 8);
        f[8] = (byte) (n >>> 16);
        f[9] = (byte) (n >>> 24);
        unsent = null;
        unsentBeats = 0;
        return f;
    }

    void pendingInHarness(int n) {
        pendingInHarness = n;
    }

    /**
     * Cycles so far in which this source presented a beat (tvalid high) and the DUT held tready
     * low (as of the last run).
     */
    public long waitCycles() {
        return waitCycles;
    }

    void waitCycles(long n) {
        waitCycles = n;
    }
}
