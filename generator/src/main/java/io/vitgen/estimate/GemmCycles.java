package io.vitgen.estimate;

import java.util.ArrayList;
import java.util.List;

import io.vitgen.config.ModelShape;
import io.vitgen.hw.MacArray;

/**
 * Cycles of the GEMM engine {@code vitgen_mac_gemm} for an M x K x N GEMM with every stream at full
 * rate: the tiles run back to back, each taking max(K, the shape's back-to-back bound) cycles, and
 * the last tile's rows leave after the engine's latency:
 * <pre>
 *   cycles = ceil(M/R) ceil(N/C) max(K, C' + 2, R ceil(C / L)) + latency + (r_last - 1) ceil(C / L)
 *   latency = C' + 12 + ceil(C / L)
 * </pre>
 * with C' = C/2 under int8x2 packing, L the requantizer lanes and r_last the rows of the last row
 * tile. It reproduces the six simulated DeiT-Tiny GEMMs of docs/mac.md exactly (GemmCyclesTest), and
 * the exact output cycles of the co-simulations at full rate (MacGemmCosimTest).
 */
public final class GemmCycles {

    private GemmCycles() {
    }

    /** One GEMM of a model, its cycles on a shape and the ideal (every MAC busy). */
    public record Gemm(String name, int count, int m, int k, int n, long cycles, long ideal) {

        /** MAC utilisation: ideal / cycles. */
        public double utilisation() {
            return (double) ideal / cycles;
        }
    }

    /** Cycles of one M x K x N GEMM on the engine {@code s} (the generated array). */
    public static long cycles(MacArray.Shape s, int m, int k, int n) {
        return cycles(s, false, m, k, n);
    }

    /**
     * The back-to-back bound B of a shape: the generated engine's {@link MacArray.Shape#backToBackK()},
     * max(C' + 2, R ceil(C / L)) - a tile's last step waits only until the previous tile's drain has
     * started (C' + 2 cycles after that tile's last step; the drain reads the rows as they finish,
     * one per cycle), and the requantizer takes R ceil(C / L) cycles per full tile. The same for
     * {@code lean} (estimate.array only changes the LUT per MAC).
     */
    public static int backToBack(MacArray.Shape s, boolean lean) {
        return s.backToBackK();
    }

    /** Cycles of one M x K x N GEMM on the engine {@code s}, generated or ({@code lean}) planned. */
    public static long cycles(MacArray.Shape s, boolean lean, int m, int k, int n) {
        long rowTiles = ceilDiv(m, s.rows());
        long colTiles = ceilDiv(n, s.cols());
        long perTile = Math.max(k, backToBack(s, lean));
        int lastRows = m - (int) (rowTiles - 1) * s.rows();
        return rowTiles * colTiles * perTile + s.latency() + (long) (lastRows - 1) * s.reqBeats();
    }

    /** Cycles if every MAC were busy every cycle: ceil(M K N / (R C)). */
    public static long ideal(MacArray.Shape s, int m, int k, int n) {
        return ceilDiv((long) m * k * n, (long) s.rows() * s.cols());
    }

    /**
     * The GEMMs of one encoder layer of {@code model} (I-ViT placement, docs/arithmetic.md section 9):
     * QKV, q k^T and attention x V per head, the output projection, FC1 and FC2. With
     * {@code attentionOnArray} false (log2 softmax) attention x V runs on vitgen_attn_shift and is left
     * out; with {@code twoPasses} (b = 16 Shiftmax) attention x V takes two int8 passes.
     */
    public static List<Gemm> layer(MacArray.Shape s, ModelShape model, boolean attentionOnArray, boolean twoPasses) {
        return layer(s, false, model, attentionOnArray, twoPasses);
    }

    /** {@link #layer(MacArray.Shape, ModelShape, boolean, boolean)} on the generated or ({@code lean}) planned array. */
    public static List<Gemm> layer(MacArray.Shape s, boolean lean, ModelShape model, boolean attentionOnArray,
                                   boolean twoPasses) {
        int t = model.tokens();
        int c = model.channels();
        int h = model.heads();
        int d = c / h;
        List<Gemm> out = new ArrayList<>();
        out.add(gemm(s, lean, "QKV projection", 1, t, c, 3 * c));
        out.add(gemm(s, lean, "q k^T (per head)", h, t, d, t));
        if (attentionOnArray) {
            out.add(gemm(s, lean, twoPasses ? "attention x V (per head, b = 16: two int8 passes)" : "attention x V (per head)",
                    h * (twoPasses ? 2 : 1), t, t, d));
        }
        out.add(gemm(s, lean, "output projection", 1, t, c, c));
        out.add(gemm(s, lean, "FC1", 1, t, c, model.mlp()));
        out.add(gemm(s, lean, "FC2", 1, t, model.mlp(), c));
        return out;
    }

    /** One GEMM of a model, {@code count} times. */
    public static Gemm gemm(MacArray.Shape s, boolean lean, String name, int count, int m, int k, int n) {
        return new Gemm(name, count, m, k, n, cycles(s, lean, m, k, n), ideal(s, m, k, n));
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
