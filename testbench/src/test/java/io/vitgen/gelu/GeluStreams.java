package io.vitgen.gelu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vitgen.sim.Beat;
import io.vitgen.sim.BeatChecker;
import io.vitgen.sim.Simulation;
import io.vitgen.sim.StreamSink;

/** Rows to beats and back for the GELU co-simulations, with the tkeep/tlast contract checked. */
final class GeluStreams {

    private GeluStreams() {
    }

    /**
     * The beats of one row of int8 values: full beats, tkeep low lanes on the last, junk in the
     * lanes outside tkeep (the unit must ignore them). tuser carries {@code user} on the first beat
     * and, when {@code junkUser} is set, random junk on the others.
     */
    static List<Beat> rowBeats(long[] row, int lanes, long user, int userBits, boolean junkUser, Random rnd) {
        List<Beat> beats = new ArrayList<>();
        for (int at = 0; at < row.length; at += lanes) {
            int n = Math.min(lanes, row.length - at);
            long[] lane = new long[lanes];
            for (int i = 0; i < lanes; i++) {
                lane[i] = i < n ? row[at + i] : rnd.nextInt(256) - 128;
            }
            long keep = n == 64 ? -1L : (1L << n) - 1;
            long u = (at == 0 || !junkUser) ? user : rnd.nextLong() & ((1L << userBits) - 1);
            beats.add(Beat.ofLanes(lane, 8, at + lanes >= row.length, keep).withUser(u));
        }
        return beats;
    }

    /**
     * Reassembles output beats into rows, checking that every beat but a row's last has all lanes
     * kept and that the last keeps the low {@code (length - 1) % lanes + 1} lanes of the expected
     * row length. Returns the rows (signed lane values). A violation fails through
     * {@link BeatChecker#fail} (seed, replay file and waveform in the report).
     */
    static List<long[]> rows(Simulation sim, StreamSink sink, List<Beat> beats, int lanes, int laneWidth,
                             List<Integer> lengths) {
        List<long[]> rows = new ArrayList<>();
        int beat = 0;
        for (int r = 0; r < lengths.size() && beat < beats.size(); r++) {
            int len = lengths.get(r);
            long[] row = new long[len];
            int got = 0;
            while (got < len && beat < beats.size()) {
                Beat b = beats.get(beat++);
                int n = Math.min(lanes, len - got);
                long keep = n == 64 ? -1L : (1L << n) - 1;
                boolean last = got + n == len;
                if (b.keep() != keep || b.last() != last) {
                    BeatChecker.fail(sim, sink, "row " + r + " beat " + (got / lanes) + " (cycle " + b.cycle()
                            + "): expected tkeep 0x" + Long.toHexString(keep) + " tlast " + last + ", got tkeep 0x"
                            + Long.toHexString(b.keep()) + " tlast " + b.last());
                }
                for (int i = 0; i < n; i++) {
                    row[got + i] = b.signedLane(i, laneWidth);
                }
                got += n;
            }
            rows.add(got == len ? row : java.util.Arrays.copyOf(row, got));
        }
        if (beat != beats.size()) {
            BeatChecker.fail(sim, sink, (beats.size() - beat) + " output beats beyond the expected rows");
        }
        return rows;
    }

    /** Beats a row of {@code length} elements takes at {@code lanes} per beat. */
    static int beatCount(int length, int lanes) {
        return (length + lanes - 1) / lanes;
    }
}
