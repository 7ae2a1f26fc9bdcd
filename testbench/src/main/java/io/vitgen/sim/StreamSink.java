package io.vitgen.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Takes beats from an AXI4-Stream output of the DUT. The harness raises tready on a cycle with
 * probability {@code readyPermille}/1000 (drawn from the simulation seed) and checks the stream
 * contract every cycle: once tvalid is high without tready, tvalid stays high and
 * tdata/tlast/tkeep/tuser stay stable until the transfer; a violation fails the run.
 */
public final class StreamSink extends StreamEndpoint {
    private int readyPermille;
    private final List<Beat> received = new ArrayList<>();
    private long stallCycles;

    StreamSink(Simulation sim, int id, String prefix, Port data, Port valid, Port ready, Port last, Port keep,
            Port user, int readyPermille) {
        super(sim, id, prefix, data, valid, ready, last, keep, user);
        this.readyPermille = readyPermille;
    }

    /** Beats received and not yet taken. */
    public int available() {
        return received.size();
    }

    /** The beats received and not yet taken (read-only view). */
    public List<Beat> beats() {
        return Collections.unmodifiableList(received);
    }

    /** Returns and forgets every beat received so far. */
    public List<Beat> take() {
        List<Beat> out = new ArrayList<>(received);
        received.clear();
        return out;
    }

    /**
     * Reassembles received beats into rows of lane values (lane i at
     * {@code tdata[i*laneWidth +: laneWidth]}, tkeep one bit per lane when present, tlast closing a
     * row) and takes them; an unfinished row stays for later.
     */
    public List<long[]> takeRows(int laneWidth, boolean signed) {
        if (data.width() % laneWidth != 0) {
            throw new IllegalArgumentException(prefix + ": lane width " + laneWidth + " does not divide " + data.width());
        }
        if (last == null) {
            throw new IllegalStateException(prefix + " has no tlast, rows are undefined");
        }
        int lanes = data.width() / laneWidth;
        List<long[]> rows = new ArrayList<>();
        List<Long> row = new ArrayList<>();
        int consumed = 0;
        for (int i = 0; i < received.size(); i++) {
            Beat b = received.get(i);
            for (int l = 0; l < lanes; l++) {
                if (keep == null || (b.keep() >>> l & 1L) != 0) {
                    row.add(signed ? b.signedLane(l, laneWidth) : b.lane(l, laneWidth));
                }
            }
            if (b.last()) {
                rows.add(row.stream().mapToLong(Long::longValue).toArray());
                row.clear();
                consumed = i + 1;
            }
        }
        received.subList(0, consumed).clear();
        return rows;
    }

    /** Changes the ready probability (per mille) from the next run on. */
    public void setReadyPermille(int permille) {
        this.readyPermille = Simulation.checkPermille(permille);
        sim.configure(this);
    }

    int readyPermille() {
        return readyPermille;
    }

    void add(Beat b) {
        received.add(b);
    }

    /** Beat layout on the wire: data words, flags word, keep words, user words. */
    int strideWords() {
        return data.words32() + 1 + (keep == null ? 0 : keep.words32()) + (user == null ? 0 : user.words32());
    }

    /**
     * Cycles so far in which the DUT offered a beat (tvalid high) and this sink held tready low:
     * the back-pressure the test applied (as of the last run).
     */
    public long stallCycles() {
        return stallCycles;
    }

    void stallCycles(long n) {
        stallCycles = n;
    }
}
