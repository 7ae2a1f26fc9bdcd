package io.vitgen.estimate;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vitgen.compile.Command;
import io.vitgen.compile.IntEncoderLayer;
import io.vitgen.compile.BufferPlan;
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

    /**
     * What the compiled stream depends on, or whether the compiler takes it: the model, the row block,
     * the batch, the softmax variant and output bits, the GELU variant, the units' output formats,
     * the operand and accumulator widths and, for layer streams, the array's rows (its row tile).
     * Lanes, packing, columns and the ports change the commands' timing, not the stream, so a sweep
     * over them compiles once.
     */
    static String key(Config c, String what) {
        return what + " " + c.model() + " rb " + rowBlock(c) + " batch " + BufferPlan.batch(c) + " "
                + c.softmax().variant() + " " + (c.softmax().log2() ? 0 : c.softmax().outBits()) + " " + c.gelu().variant()
                // what the compiler checks and may refuse
                + " ln " + c.layerNorm().requantInt8() + " gelu " + c.gelu().requantInt8() + " q " + c.quant().actBits() + "x"
                + c.quant().weightBits() + " acc " + c.quant().accBits()
                // a layer stream stores its last row block in two parts at a row tile (an image stores only logits)
                + (what.startsWith("layer") ? " rows " + c.mac().rows() : "");
    }

    /** One encoder layer of the configured model, as {@link LayerCompiler#compile} emits it. */
    public static List<Command> layer(Config c) {
        return CACHE.computeIfAbsent(key(c, "layer"), k -> {
            IntEncoderLayer l = layerOf(c);
            return List.copyOf(LayerCompiler.compileBatch(List.of(l), inputs(c, l), c, layerPlan(c, l), false).commands());
        });
    }

    /** {@code count} encoder layers of the configured model in one stream. */
    public static List<Command> layers(Config c, int count) {
        return CACHE.computeIfAbsent(key(c, "layers" + count), k -> {
            IntEncoderLayer l = layerOf(c);
            return List.copyOf(LayerCompiler.compileBatch(java.util.Collections.nCopies(count, l), inputs(c, l), c,
                    layerPlan(c, l), false).commands());
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
            int batch = BufferPlan.batch(c);
            BufferPlan plan = BufferPlan.forVit(g, rowBlock(c), probBytes(l), batch);
            return List.copyOf(LayerCompiler.compileModelBatch(m, java.util.Collections.nCopies(batch, image), c, plan)
                    .commands());
        });
    }

    /**
     * The row block the stream is compiled for: the compiler's ({@link BufferPlan#rowBlock},
     * compile.row.block or 4 x mac.rows), the one vitgen generate's top is sized for.
     */
    public static int rowBlock(Config c) {
        return BufferPlan.rowBlock(c);
    }

    static BufferPlan layerPlan(Config c, IntEncoderLayer l) {
        return BufferPlan.forShape(l.shape(), rowBlock(c), probBytes(l), BufferPlan.batch(c));
    }

    /** compile.batch zero inputs of the layer's shape (values do not change the stream). */
    static List<long[][]> inputs(Config c, IntEncoderLayer l) {
        return java.util.Collections.nCopies(BufferPlan.batch(c), new long[l.shape().tokens()][l.shape().channels()]);
    }

    /** Bytes per softmax probability in the attention buffer (the compiler's: 2 for Shiftmax b = 16). */
    static int probBytes(IntEncoderLayer l) {
        return l.softmax() == EncoderLayer.SoftmaxMode.SHIFTMAX && l.softmaxBits() == 16 ? 2 : 1;
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
