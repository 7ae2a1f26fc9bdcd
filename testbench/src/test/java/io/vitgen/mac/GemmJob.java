package io.vitgen.mac;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.IntGemm;
import io.vitgen.hw.MacArray;
import io.vitgen.hw.Requant;
import io.vitgen.sim.Beat;
import io.vitgen.sim.StreamSource;

/**
 * One GEMM Y = requant(A * W + bias) as the host streams it into vitgen_mac_gemm (docs/mac.md,
 * "Stream order"): tiles in M-tile-major order, for each tile K beats of A and W and one channel
 * beat; the expected output is the golden model's ({@link IntGemm#apply}, {@link
 * IntGemm#requantize}) in the order the engine returns it.
 */
final class GemmJob {

    final MacArray.Shape shape;
    final long[][] a;      // M x K
    final long[][] w;      // K x N
    final long[] bias;     // N
    final DyadicScale[] scales;   // N
    /**
     * Junk for every lane the protocol leaves free: A lanes beyond the tile's valid rows and W
     * lanes beyond its valid columns (tkeep low), and channel-beat lanes of columns the tile does
     * not have. Seeded from the operands, which come from the test's seed, so a run reproduces.
     */
    private final java.util.SplittableRandom junk;

    GemmJob(MacArray.Shape shape, long[][] a, long[][] w, long[] bias, DyadicScale[] scales) {
        this.shape = shape;
        this.a = a;
        this.w = w;
        this.bias = bias;
        this.scales = scales;
        this.junk = new java.util.SplittableRandom(java.util.Arrays.deepHashCode(a) * 0x9E3779B97F4A7C15L
                + java.util.Arrays.deepHashCode(w));
    }

    int m() {
        return a.length;
    }

    int k() {
        return w.length;
    }

    int n() {
        return w[0].length;
    }

    int rowTiles() {
        return (m() + shape.rows() - 1) / shape.rows();
    }

    int colTiles() {
        return (n() + shape.cols() - 1) / shape.cols();
    }

    int tiles() {
        return rowTiles() * colTiles();
    }

    /** Output beats: one per valid row of every tile = M * (column tiles). */
    int outputBeats() {
        return m() * colTiles();
    }

    /** The ideal cycle count M*K*N / (ROWS*COLS). */
    double idealCycles() {
        return (double) m() * k() * n() / (shape.rows() * shape.cols());
    }

    /** Queues every tile's operand and channel beats on the three sources. */
    void push(StreamSource aSrc, StreamSource wSrc, StreamSource chanSrc) {
        for (int t = 0; t < tiles(); t++) {
            pushTile(t, aSrc, wSrc, chanSrc);
        }
    }

    /** Queues tile {@code t}'s beats (tile order: M tile outer, N tile inner). */
    void pushTile(int t, StreamSource aSrc, StreamSource wSrc, StreamSource chanSrc) {
        pushTile(t, aSrc, wSrc, chanSrc, kk -> kk == k() - 1);
    }

    /**
     * Queues every tile with W's tlast where {@code wLast} says (A's stays on beat K-1): operand
     * streams that disagree on a tile's end, for the err_tlast_mismatch tests.
     */
    void pushWithWTlast(StreamSource aSrc, StreamSource wSrc, StreamSource chanSrc,
            java.util.function.IntPredicate wLast) {
        for (int t = 0; t < tiles(); t++) {
            pushTile(t, aSrc, wSrc, chanSrc, wLast);
        }
    }

    private void pushTile(int t, StreamSource aSrc, StreamSource wSrc, StreamSource chanSrc,
            java.util.function.IntPredicate wLast) {
        int rows = shape.rows();
        int cols = shape.cols();
        int m0 = (t / colTiles()) * rows;
        int n0 = (t % colTiles()) * cols;
        int rv = Math.min(rows, m() - m0);
        int cv = Math.min(cols, n() - n0);
        long rowKeep = rv == 64 ? -1L : (1L << rv) - 1;
        long colKeep = cv == 64 ? -1L : (1L << cv) - 1;
        long[] aLanes = new long[rows];
        long[] wLanes = new long[cols];
        for (int kk = 0; kk < k(); kk++) {
            boolean last = kk == k() - 1;
            for (int r = 0; r < rows; r++) {
                aLanes[r] = r < rv ? a[m0 + r][kk] : junk.nextLong();
            }
            for (int c = 0; c < cols; c++) {
                wLanes[c] = c < cv ? w[kk][n0 + c] : junk.nextLong();
            }
            aSrc.push(Beat.ofLanes(aLanes, shape.aW(), last, rowKeep));
            wSrc.push(Beat.ofLanes(wLanes, shape.wW(), wLast.test(kk), colKeep));
        }
        BigInteger chan = BigInteger.ZERO;
        for (int c = 0; c < cv; c++) {
            DyadicScale s = scales[n0 + c];
            BigInteger lane = BigInteger.valueOf(Requant.packScale(s.m(), s.k())).shiftLeft(MacArray.BIAS_BITS)
                    .or(BigInteger.valueOf(bias[n0 + c] & 0xFFFF_FFFFL));
            chan = chan.or(lane.shiftLeft(c * MacArray.CHAN_BITS));
        }
        for (int c = cv; c < cols; c++) {
            BigInteger lane = new BigInteger(MacArray.CHAN_BITS, new java.util.Random(junk.nextLong()));
            chan = chan.or(lane.shiftLeft(c * MacArray.CHAN_BITS));
        }
        chanSrc.push(Beat.of(chan, false));
    }

    /** The golden output, one entry per tile: the tile's valid rows x valid columns, row-major. */
    List<long[]> expectedTiles() {
        long[][] y = IntGemm.requantize(IntGemm.apply(a, w, bias), scales, shape.outW());
        List<long[]> out = new ArrayList<>();
        for (int t = 0; t < tiles(); t++) {
            int m0 = (t / colTiles()) * shape.rows();
            int n0 = (t % colTiles()) * shape.cols();
            int rv = Math.min(shape.rows(), m() - m0);
            int cv = Math.min(shape.cols(), n() - n0);
            long[] tile = new long[rv * cv];
            for (int r = 0; r < rv; r++) {
                for (int c = 0; c < cv; c++) {
                    tile[r * cv + c] = y[m0 + r][n0 + c];
                }
            }
            out.add(tile);
        }
        return out;
    }

    // ---- generators ----------------------------------------------------------------------------

    /** Uniform random signed operands of {@code bits} bits, extremes included. */
    static long[][] randomMatrix(Random rnd, int rows, int cols, int bits) {
        long[][] x = new long[rows][cols];
        long lo = -(1L << (bits - 1));
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[i][j] = lo + rnd.nextInt(1 << bits);
            }
        }
        return x;
    }

    /** Every value the minimum or the maximum of {@code bits} bits, chosen at random per element. */
    static long[][] extremeMatrix(Random rnd, int rows, int cols, int bits) {
        long[][] x = new long[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[i][j] = rnd.nextBoolean() ? -(1L << (bits - 1)) : (1L << (bits - 1)) - 1;
            }
        }
        return x;
    }

    /** The same value everywhere. */
    static long[][] constantMatrix(int rows, int cols, long v) {
        long[][] x = new long[rows][cols];
        for (long[] row : x) {
            java.util.Arrays.fill(row, v);
        }
        return x;
    }

    /** Random int32 biases, extremes sometimes. */
    static long[] randomBias(Random rnd, int n) {
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(6)) {
                case 0 -> b[i] = Integer.MIN_VALUE;
                case 1 -> b[i] = Integer.MAX_VALUE;
                case 2 -> b[i] = 0;
                case 3 -> b[i] = rnd.nextInt();
                default -> b[i] = rnd.nextInt(1 << 16) - (1 << 15);
            }
        }
        return b;
    }

    /**
     * Per-channel scales: realistic ratios (DyadicScale.fromRatio), negative m, identity-like and
     * tie-prone ones (m = odd, small k: (acc + bias) * m hits exact halves often).
     */
    static DyadicScale[] randomScales(Random rnd, int n, int accLog2) {
        DyadicScale[] s = new DyadicScale[n];
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(6)) {
                case 0 -> s[i] = new DyadicScale(1, 1);                         // ties on every odd value
                case 1 -> s[i] = new DyadicScale(2 * rnd.nextInt(8) + 1, 1 + rnd.nextInt(3));
                case 2 -> s[i] = new DyadicScale(-(2 * rnd.nextInt(64) + 1), 1 + rnd.nextInt(8));
                case 3 -> s[i] = new DyadicScale(1L << 30, 30);                  // identity, then saturation
                case 4 -> s[i] = DyadicScale.fromRatio((rnd.nextBoolean() ? 1 : -1)
                        * Math.scalb(0.5 + rnd.nextDouble(), -accLog2 + 7 + rnd.nextInt(3)));
                default -> s[i] = new DyadicScale(rnd.nextInt(1 << 16) - (1 << 15) | 1, rnd.nextInt(63));
            }
        }
        return s;
    }
}
