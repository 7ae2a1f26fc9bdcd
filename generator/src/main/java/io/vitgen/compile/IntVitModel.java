package io.vitgen.compile;

import java.util.List;
import java.util.Objects;

import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;

/**
 * What the compiler needs of a whole integer ViT (docs/model.md, "The whole model"): the geometry,
 * the patch embedding's int8 weights and integer tables, the int16 position embedding (row 0 with
 * the class token folded in), the encoder layers, the final LayerNorm's tables and the head's int8
 * weights and int32 bias - no floats. {@link #of(VitModel)} takes them from the golden model.
 *
 * @param embedW       3P^2 x C int8 patch-embedding weights (K x N)
 * @param embedBias    C int32 biases of the patch-embedding GEMM
 * @param embedRequant C per-channel scales of the embedding branch (accumulator -> residual stream)
 * @param pos          N x C int16 position embedding (row 0: class token + position 0)
 * @param layers       the encoder layers, in order
 * @param normBias     C final-LayerNorm biases (arithmetic section 6)
 * @param normRequant  C per-channel scales of the final LayerNorm -> int8
 * @param headW        C x classes int8 head weights
 * @param headBias     classes int32 head biases
 */
public record IntVitModel(VitGeometry geometry, long[][] embedW, long[] embedBias, DyadicScale[] embedRequant,
        long[][] pos, List<IntEncoderLayer> layers, long[] normBias, DyadicScale[] normRequant, long[][] headW,
        long[] headBias) {

    public IntVitModel {
        Objects.requireNonNull(geometry, "geometry");
        int c = geometry.channels();
        dims("embedW", embedW, geometry.patchK(), c);
        dims("pos", pos, geometry.tokens(), c);
        dims("headW", headW, c, geometry.classes());
        len("embedBias", embedBias, c);
        len("embedRequant", embedRequant, c);
        len("normBias", normBias, c);
        len("normRequant", normRequant, c);
        len("headBias", headBias, geometry.classes());
        layers = List.copyOf(layers);
        if (layers.size() != geometry.depth()) {
            throw new IllegalArgumentException("the geometry has " + geometry.depth() + " layers, the model "
                    + layers.size());
        }
    }

    /** The integer parts of a golden model. */
    public static IntVitModel of(VitModel m) {
        return of(m, m.layers());
    }

    /**
     * The golden model's embedding, norm and head with other encoder layers of the same shape (for
     * example the same parameters built with i-GELU: {@link GoldenCheck#layersWith}).
     */
    public static IntVitModel of(VitModel m, List<EncoderLayer> layers) {
        VitModel.Constants k = m.constants();
        return new IntVitModel(m.geometry(), m.params().embed().w(), k.embedBias(), k.embedRequant(), k.pos(),
                layers.stream().map(IntEncoderLayer::of).toList(), k.normBias(), k.normRequant(), m.params().head().w(),
                k.headBias());
    }

    private static void dims(String name, long[][] w, int k, int n) {
        Objects.requireNonNull(w, name);
        if (w.length != k || w[0].length != n) {
            throw new IllegalArgumentException(name + " must be " + k + " x " + n + ", got " + w.length + " x " + w[0].length);
        }
    }

    private static void len(String name, Object[] v, int n) {
        Objects.requireNonNull(v, name);
        if (v.length != n) {
            throw new IllegalArgumentException(name + " must have " + n + " entries, got " + v.length);
        }
    }

    private static void len(String name, long[] v, int n) {
        Objects.requireNonNull(v, name);
        if (v.length != n) {
            throw new IllegalArgumentException(name + " must have " + n + " entries, got " + v.length);
        }
    }
}
