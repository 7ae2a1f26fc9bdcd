package io.vitgen.compile;

import java.util.Objects;

import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;

/**
 * What the compiler needs of one encoder layer: its shape, its arithmetic choices, its int8
 * weights and its integer constants - no floats. This record is the plug-in point for model files:
 * whatever reads a checkpoint builds these; until then {@link #of(EncoderLayer)} takes them from the
 * golden model's layer.
 *
 * @param wQkv C x 3C, wProj C x C, wFc1 C x MLP, wFc2 MLP x C int8 weights (K x N)
 */
public record IntEncoderLayer(ModelShape shape, EncoderLayer.SoftmaxMode softmax, int softmaxBits,
        EncoderLayer.GeluMode gelu, long[][] wQkv, long[][] wProj, long[][] wFc1, long[][] wFc2,
        EncoderLayer.Constants constants) {

    public IntEncoderLayer {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(softmax, "softmax");
        Objects.requireNonNull(gelu, "gelu");
        Objects.requireNonNull(constants, "constants");
        int c = shape.channels();
        dims("wQkv", wQkv, c, 3 * c);
        dims("wProj", wProj, c, c);
        dims("wFc1", wFc1, c, shape.mlp());
        dims("wFc2", wFc2, shape.mlp(), c);
    }

    /** The integer parts of a golden layer. */
    public static IntEncoderLayer of(EncoderLayer l) {
        EncoderLayer.Params p = l.params();
        return new IntEncoderLayer(l.shape(), l.mode(), l.softmaxBits(), l.geluMode(), p.qkv().w(), p.proj().w(),
                p.fc1().w(), p.fc2().w(), l.constants());
    }

    private static void dims(String name, long[][] w, int k, int n) {
        Objects.requireNonNull(w, name);
        if (w.length != k || w[0].length != n) {
            throw new IllegalArgumentException(name + " must be " + k + " x " + n + ", got " + w.length + " x " + w[0].length);
        }
    }
}
