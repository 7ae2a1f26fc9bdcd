package io.vitgen.estimate;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.vitgen.compile.Command;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.IntVitModel;
import io.vitgen.compile.LayerCompiler;
import io.vitgen.config.Config;
import io.vitgen.golden.DyadicScale;
import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.ModelShape;
import io.vitgen.golden.VitGeometry;

/**
 * The command streams the compiler emits for a configuration's model, for timing: one encoder layer
 * ({@link LayerCompiler#compile}) and, for the DeiT presets, one whole image
 * ({@link LayerCompiler#compileModel}). The stream depends on the shapes and the configuration, not
 * on the weight values, so the layers are random ones of the model's shape and the embedding, norm
 * and head are zeros; streams are cached per configuration keys the compiler reads, so a sweep
 * compiles each distinct stream once.
 */
public final class StreamPrograms {

    private StreamPrograms() {
    }

    private static final Map<String, List<Command>> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, IntEncoderLayer> LAYERS = new ConcurrentHashMap<>();

    /** The keys that change the compiled stream (everything but the target, estimate and output keys). */
    static String key(Config c, String what) {
        TreeMap<String, String> k = new TreeMap<>();
        for (Map.Entry<String, String> e : c.values().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("target.") || name.startsWith("estimate.") || name.startsWith("synth.")
                    || name.startsWith("output.") || name.startsWith("design.")) {
                continue;
            }
            k.put(name, e.getValue());
        }
        return what + k;
    }

    /** One encoder layer of the configured model, as {@link LayerCompiler#compile} emits it. */
    public static List<Command> layer(Config c) {
        return CACHE.computeIfAbsent(key(c, "layer"), k -> {
            IntEncoderLayer l = layerOf(c);
            long[][] input = new long[l.shape().tokens()][l.shape().channels()];
            return List.copyOf(LayerCompiler.compile(List.of(l), input, c).commands());
        });
    }

    /** {@code count} encoder layers of the configured model in one stream. */
    public static List<Command> layers(Config c, int count) {
        return CACHE.computeIfAbsent(key(c, "layers" + count), k -> {
            IntEncoderLayer l = layerOf(c);
            long[][] input = new long[l.shape().tokens()][l.shape().channels()];
            return List.copyOf(LayerCompiler.compile(java.util.Collections.nCopies(count, l), input, c).commands());
        });
    }

    /** One image through the whole model (DeiT presets: patch embedding, the layers, final norm, head). */
    public static List<Command> image(Config c, VitGeometry g) {
        return CACHE.computeIfAbsent(key(c, "image"), k -> {
            IntEncoderLayer l = layerOf(c);
            int ch = g.channels();
            DyadicScale one = new DyadicScale(1, 0);
            DyadicScale[] ones = new DyadicScale[ch];
            Arrays.fill(ones, one);
            IntVitModel m = new IntVitModel(g, new long[g.patchK()][ch], new long[ch], ones,
                    new long[g.tokens()][ch], java.util.Collections.nCopies(g.depth(), l), new long[ch], ones,
                    new long[ch][g.classes()], new long[g.classes()]);
            int side = g.image();
            long[][][] image = new long[3][side][side];
            return List.copyOf(LayerCompiler.compileModel(m, image, c).commands());
        });
    }

    /** A random layer of the configured shape and arithmetic (values do not change the stream). */
    static IntEncoderLayer layerOf(Config c) {
        io.vitgen.config.ModelShape m = c.model();
        ModelShape s = new ModelShape(m.tokens(), m.channels(), m.heads(), m.mlp());
        EncoderLayer.SoftmaxMode mode = c.softmax().log2() ? EncoderLayer.SoftmaxMode.LOG2 : EncoderLayer.SoftmaxMode.SHIFTMAX;
        int bits = c.softmax().log2() ? 16 : c.softmax().outBits();
        EncoderLayer.GeluMode gelu = "igelu".equals(c.gelu().variant()) ? EncoderLayer.GeluMode.IGELU
                : EncoderLayer.GeluMode.SHIFTGELU;
        return LAYERS.computeIfAbsent(s + " " + mode + " " + bits + " " + gelu,
                k -> IntEncoderLayer.of(EncoderLayer.random(s, 1, mode, bits, gelu).layer()));
    }
}
