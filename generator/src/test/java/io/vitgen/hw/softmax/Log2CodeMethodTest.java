package io.vitgen.hw.softmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.vitgen.golden.IntOps;
import io.vitgen.golden.Log2Softmax;
import io.vitgen.golden.ShiftExp;
import io.vitgen.golden.Shiftmax;

/**
 * Exhaustive check of the divider-free log2 code of {@code vitgen_softmax_log2code} (docs/arithmetic.md section 4
 * allows it only with such an argument). The cell decides "k >= m" for m = 1..16 by comparing
 * W = 2s + e with multiples of e (see the template header and docs/softmax.md); this test
 * holds a model of exactly those comparisons and checks it against the golden model
 * (Log2Softmax.roundedLog2 of IntOps.divRne) for EVERY reachable e (ShiftExp(d; X, 15) for all
 * X in 1..127 and d in -255..0) and EVERY s in [e, 2^31 - 1]:
 *
 * <p>for a fixed e both the cell's code (count of the true comparisons) and the golden code are
 * non-decreasing in s (each comparison is monotone in s; RNE(s/e) and the rounded log2 are
 * monotone). The cell's code is constant between consecutive switching points s_m (the least s
 * where comparison m holds, found by bisection). Two non-decreasing functions that agree at both
 * ends of every interval on which one of them is constant agree everywhere, so checking s = e,
 * s_m - 1, s_m and 2^31 - 1 covers the whole range.
 */
class Log2CodeMethodTest {

    private static final long S_MAX = IntOps.INT31_MAX;

    /** Comparison m (1..16) of the cell: "k >= m" from W = 2s + e, no division. */
    static boolean reached(int m, long s, long e) {
        long w = 2 * s + e;
        long e3 = 3 * e;
        if (m == 1) {
            return (w >> 2) >= e;
        }
        if (m == 2) {
            return ((w - 1) >> 1) >= e3;
        }
        return (w >> (m - 1)) >= e3;
    }

    /** The cell's lane value: 16 for a zero, else the code (count of the thermometer). */
    static int cellCode(long s, long e) {
        int count = 0;
        for (int m = 1; m <= 16; m++) {
            if (reached(m, s, e)) {
                count++;
            }
        }
        return count >= 16 ? 16 : count;
    }

    /** The golden lane value for the same (s, e). */
    static int goldenCode(long s, long e) {
        int k = Log2Softmax.roundedLog2(IntOps.divRne(s, e));
        return k > Log2Softmax.MAX_CODE ? 16 : k;
    }

    /** Least s in [lo, S_MAX] with comparison m true, or S_MAX + 1 if none. */
    static long switchPoint(int m, long e, long lo) {
        if (!reached(m, S_MAX, e)) {
            return S_MAX + 1;
        }
        long a = lo;
        long b = S_MAX;
        while (a < b) {
            long mid = a + (b - a) / 2;
            if (reached(m, mid, e)) {
                b = mid;
            } else {
                a = mid + 1;
            }
        }
        return a;
    }

    @Test
    void comparisonsEqualTheGoldenCodeForEveryReachableEAndEveryS() {
        TreeSet<Long> reachable = new TreeSet<>();
        for (long x = 1; x <= 127; x++) {
            for (long d = -255; d <= 0; d++) {
                reachable.add(ShiftExp.of(d, x, Shiftmax.N_HALVINGS));
            }
        }
        assertTrue(reachable.first() >= 1 && reachable.last() < (1L << ShiftExpCell.E_BITS),
                "e fits the cell's 22-bit lanes");
        long checks = 0;
        for (long e : reachable) {
            TreeSet<Long> points = new TreeSet<>();
            points.add(e);
            points.add(S_MAX);
            for (int m = 1; m <= 16; m++) {
                long sm = switchPoint(m, e, e);
                for (long s : new long[] {sm - 1, sm}) {
                    if (s >= e && s <= S_MAX) {
                        points.add(s);
                    }
                }
            }
            for (long s : points) {
                assertEquals(goldenCode(s, e), cellCode(s, e), "s = " + s + ", e = " + e);
                checks++;
            }
        }
        System.out.println("log2 code method: " + reachable.size() + " reachable e, " + checks
                + " switching points checked, every s in [e, 2^31 - 1] covered");
    }

    /** The thermometer really is one: comparison m implies comparison m - 1 (so count = code). */
    @Test
    void comparisonsAreAThermometer() {
        for (long e = 1; e <= 4096; e += 7) {
            for (long s = e; s < S_MAX; s = s * 3 / 2 + 1) {
                for (int m = 2; m <= 16; m++) {
                    if (reached(m, s, e)) {
                        assertTrue(reached(m - 1, s, e), "m = " + m + ", s = " + s + ", e = " + e);
                    }
                }
            }
        }
    }

    /** Ties of RNE(s / e) (2s = odd * e) land on the even side, as in the golden model. */
    @Test
    void tiesFollowRoundHalfToEven() {
        // s / e = 2.5 rounds to 2 (code 1), 1.5 rounds to 2 (code 1), 5.5 rounds to 6 (code 3)
        assertEquals(1, cellCode(5, 2));
        assertEquals(goldenCode(5, 2), cellCode(5, 2));
        assertEquals(1, cellCode(3, 2));
        assertEquals(goldenCode(3, 2), cellCode(3, 2));
        assertEquals(3, cellCode(11, 2));
        assertEquals(goldenCode(11, 2), cellCode(11, 2));
    }
}
