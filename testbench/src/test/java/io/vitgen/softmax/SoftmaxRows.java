package io.vitgen.softmax;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.vitgen.golden.Shiftmax;
import io.vitgen.softmax.SoftmaxHarness.Row;

/** Row corpora for the softmax co-simulations (every row's X in 1..127). */
final class SoftmaxRows {

    private SoftmaxRows() {
    }

    /** For every X in 1..127: one row holding all 256 int8 values (every d in [-255, 0]), shuffled. */
    static List<Row> everyX(Random rnd) {
        List<Row> rows = new ArrayList<>();
        for (int X = 1; X <= 127; X++) {
            List<Long> all = new ArrayList<>();
            for (long v = -128; v <= 127; v++) {
                all.add(v);
            }
            Collections.shuffle(all, rnd);
            rows.add(new Row(all.stream().mapToLong(Long::longValue).toArray(), X, "all-values"));
        }
        return rows;
    }

    /**
     * Random and corner rows: random lengths 1..maxRow (half of them short), lengths around the
     * lane count, length 1 and maxRow, uniform, narrow-range, all-equal, one-hot and two-valued
     * extreme rows, and rows in the sum-clamp region (large X, long flat rows).
     */
    static List<Row> mixed(Random rnd, int maxRow, int lanes, int count) {
        List<Row> rows = new ArrayList<>();
        int[] fixedLengths = {1, 2, lanes - 1, lanes, lanes + 1, 2 * lanes + 1, maxRow - 1, maxRow};
        for (int len : fixedLengths) {
            if (len >= 1 && len <= maxRow) {
                rows.add(uniform(rnd, len, 1 + rnd.nextInt(127)));
                rows.add(allEqual(len, rnd.nextBoolean() ? 127 : -128, 1 + rnd.nextInt(127)));
            }
        }
        for (int i = 0; i < count; i++) {
            int len = randomLength(rnd, maxRow);
            int X = 1 + rnd.nextInt(127);
            switch (rnd.nextInt(7)) {
                case 0, 1 -> rows.add(uniform(rnd, len, X));
                case 2 -> rows.add(narrow(rnd, len, X));
                case 3 -> rows.add(allEqual(len, rnd.nextInt(256) - 128, X));
                case 4 -> rows.add(oneHot(rnd, len, X));
                case 5 -> rows.add(extremes(rnd, len, X));
                default -> rows.add(clampRegion(rnd, maxRow));
            }
        }
        return rows;
    }

    /** Rows whose raw exponential sum crosses 2^31 - 1 (or sits right at it). */
    static List<Row> clampRows(Random rnd, int maxRow, int count) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(clampRegion(rnd, maxRow));
        }
        return rows;
    }

    static int randomLength(Random rnd, int maxRow) {
        int k = rnd.nextInt(4);
        if (k == 0) {
            return 1 + rnd.nextInt(Math.min(maxRow, 9));
        }
        if (k == 1) {
            return Math.max(1, maxRow - rnd.nextInt(Math.min(maxRow, 8)));
        }
        return 1 + rnd.nextInt(maxRow);
    }

    static Row uniform(Random rnd, int len, int X) {
        long[] x = new long[len];
        for (int i = 0; i < len; i++) {
            x[i] = rnd.nextInt(256) - 128;
        }
        return new Row(x, X, "uniform");
    }

    /** Values within a few steps of the maximum: many comparable e_i, codes near log2(N). */
    static Row narrow(Random rnd, int len, int X) {
        int top = rnd.nextInt(256) - 128;
        int width = 1 + rnd.nextInt(12);
        long[] x = new long[len];
        for (int i = 0; i < len; i++) {
            x[i] = Math.max(-128, top - rnd.nextInt(width));
        }
        return new Row(x, X, "narrow");
    }

    static Row allEqual(int len, int value, int X) {
        long[] x = new long[len];
        java.util.Arrays.fill(x, value);
        return new Row(x, X, "all-equal");
    }

    static Row oneHot(Random rnd, int len, int X) {
        long[] x = new long[len];
        java.util.Arrays.fill(x, -128);
        x[rnd.nextInt(len)] = 127;
        return new Row(x, X, "one-hot");
    }

    static Row extremes(Random rnd, int len, int X) {
        long[] x = new long[len];
        for (int i = 0; i < len; i++) {
            x[i] = rnd.nextBoolean() ? 127 : -128;
        }
        return new Row(x, X, "extremes");
    }

    /**
     * A row in the clamp region: X large enough that N * X * 2^15 reaches 2^31 - 1 for a flat
     * row, values within a few steps of the maximum; when maxRow is too short for the clamp the
     * longest flat row with X = 127 is returned instead.
     */
    static Row clampRegion(Random rnd, int maxRow) {
        int minX = (int) Math.ceil((Math.pow(2, 31) - 1) / (maxRow * 32768.0));
        int X = Math.min(127, minX + rnd.nextInt(Math.max(1, 128 - minX)));
        // flat rows need N >= (2^31 - 1) / (X * 2^15); sometimes exactly at the threshold
        int need = (int) Math.ceil((Math.pow(2, 31) - 1) / (X * 32768.0));
        int len = Math.min(maxRow, need + (rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(Math.max(1, maxRow - need + 1))));
        long[] x = new long[len];
        int top = rnd.nextInt(256) - 128;
        for (int i = 0; i < len; i++) {
            x[i] = rnd.nextInt(4) == 0 ? Math.max(-128, top - rnd.nextInt(2)) : top;
        }
        return new Row(x, X, "clamp");
    }

    /** Rows whose sum the clamp changed (for coverage checks). */
    static long clampedCount(List<Row> rows) {
        return rows.stream().filter(r -> Shiftmax.trace(r.x(), r.X(), 16).clamped()).count();
    }
}
