package io.vitgen.sim;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares beats taken from a sink with the beats the golden model expects and, on the first
 * difference, fails with an {@link AssertionError} naming the stream, the beat index, the cycle,
 * expected and actual values in hex, the seed, the replay file (and how to re-run it) and the
 * waveform (written when {@code VITGEN_WAVES}/{@code vitgen.waves} is set).
 */
public final class BeatChecker {
    private BeatChecker() {
    }

    /** Compares tdata, tlast and, when the sink has them, tkeep and tuser. */
    public static void assertBeats(Simulation sim, StreamSink sink, List<Beat> expected, List<Beat> actual) {
        compare(sim, sink, expected, actual, true);
    }

    /** Compares tdata only (tlast, tkeep, tuser ignored). */
    public static void assertData(Simulation sim, StreamSink sink, List<BigInteger> expectedData, List<Beat> actual) {
        List<Beat> exp = new ArrayList<>(expectedData.size());
        for (BigInteger d : expectedData) {
            exp.add(Beat.of(d, false));
        }
        compare(sim, sink, exp, actual, false);
    }

    /**
     * Compares rows of lane values (as {@link StreamSink#takeRows} returns them) with the golden
     * rows; reports row, element and beat.
     */
    public static void assertRows(Simulation sim, StreamSink sink, List<long[]> expectedRows, List<long[]> actualRows) {
        int n = Math.min(expectedRows.size(), actualRows.size());
        for (int row = 0; row < n; row++) {
            long[] e = expectedRows.get(row);
            long[] a = actualRows.get(row);
            int m = Math.min(e.length, a.length);
            for (int i = 0; i < m; i++) {
                if (e[i] != a[i]) {
                    fail(sim, sink, "row " + row + " element " + i + ": expected " + e[i] + " (0x"
                            + Long.toHexString(e[i]) + "), actual " + a[i] + " (0x" + Long.toHexString(a[i]) + ")");
                }
            }
            if (e.length != a.length) {
                fail(sim, sink, "row " + row + ": expected " + e.length + " elements, actual " + a.length);
            }
        }
        if (expectedRows.size() != actualRows.size()) {
            fail(sim, sink, "expected " + expectedRows.size() + " rows, actual " + actualRows.size());
        }
    }

    private static void compare(Simulation sim, StreamSink sink, List<Beat> expected, List<Beat> actual,
            boolean sideband) {
        BigInteger mask = BigInteger.ONE.shiftLeft(sink.dataWidth()).subtract(BigInteger.ONE);
        int n = Math.min(expected.size(), actual.size());
        int mismatches = 0;
        String first = null;
        for (int i = 0; i < n; i++) {
            Beat e = expected.get(i);
            Beat a = actual.get(i);
            String diff = null;
            BigInteger ed = e.data().and(mask);
            BigInteger ad = a.data();
            int digits = (sink.dataWidth() + 3) / 4;
            if (!ed.equals(ad)) {
                diff = "tdata expected 0x" + hex(ed, digits) + ", actual 0x" + hex(ad, digits);
            } else if (sideband && sink.last != null && e.last() != a.last()) {
                diff = "tlast expected " + (e.last() ? 1 : 0) + ", actual " + (a.last() ? 1 : 0);
            } else if (sideband && sink.keep != null && e.keep() != a.keep()) {
                diff = "tkeep expected 0x" + Long.toHexString(e.keep()) + ", actual 0x" + Long.toHexString(a.keep());
            } else if (sideband && sink.user != null && e.user() != a.user()) {
                diff = "tuser expected 0x" + Long.toHexString(e.user()) + ", actual 0x" + Long.toHexString(a.user());
            }
            if (diff != null) {
                mismatches++;
                if (first == null) {
                    first = "beat " + i + " (cycle " + a.cycle() + "): " + diff;
                }
            }
        }
        if (first != null) {
            fail(sim, sink, first + (mismatches > 1 ? " (" + mismatches + " of " + n + " beats differ)" : ""));
        }
        if (expected.size() != actual.size()) {
            fail(sim, sink, "expected " + expected.size() + " beats, actual " + actual.size());
        }
    }

    private static String hex(BigInteger v, int digits) {
        String s = v.toString(16);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    /**
     * Runs {@code cycles} more cycles and fails if the sink receives any beat: a block must not
     * emit more than the golden model expects. Call it after the last expected beat was taken.
     */
    public static void assertDrained(Simulation sim, StreamSink sink, long cycles) {
        sim.run(cycles);
        if (sink.available() > 0) {
            List<Beat> extra = sink.take();
            fail(sim, sink, extra.size() + " beat(s) after the last expected one, the first " + extra.get(0)
                    + " at cycle " + extra.get(0).cycle());
        }
    }

    /**
     * Fails the test with {@code what} followed by the seed, the replay file and the waveform (when
     * requested): use it for every check of a block's output, not a bare AssertionError.
     */
    public static void fail(Simulation sim, StreamSink sink, String what) {
        throw new AssertionError(sim.model().top() + " " + sink.prefix() + ": " + what + "\n"
                + sim.failureArtifacts());
    }
}
