package io.vitgen.golden;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole integer-only DeiT/ViT (docs/arithmetic.md section 10, docs/model.md): int8 image ->
 * patch embedding as a GEMM over patches -> class token and position embedding added in integers
 * -> {@link EncoderLayer}s on the int16 residual stream -> final I-LayerNorm on the class token ->
 * int8 -> head GEMM -> int32 logits. Every integer constant is derived once, in the constructor,
 * from the float parameters and the activation scales (the layers' own constants by {@link
 * EncoderLayer}); {@link #forwardFloat} is the float twin on the same (dequantized) parameters.
 */
public final class VitModel {

    /**
     * Patch embedding, class token and position embedding.
     *
     * @param w      K x C int8 weights, K = 3 P^2 in (channel, row, column) order
     * @param wScale C per-output-channel weight scales
     * @param bias   C float biases
     * @param cls    C float class token
     * @param pos    tokens x C float position embedding (row 0: the class token's)
     */
    public record Embed(long[][] w, double[] wScale, double[] bias, double[] cls, double[][] pos) {
    }

    /**
     * Classifier head with one per-tensor weight scale (so the int32 logits rank directly).
     *
     * @param w      C x classes int8 weights
     * @param wScale the weight scale
     * @param bias   classes float biases
     */
    public record Head(long[][] w, double wScale, double[] bias) {
    }

    /** Float parameters of the whole model, integer weights with their scales. */
    public record Params(Embed embed, List<EncoderLayer.Params> layers, EncoderLayer.Norm norm, Head head) {
    }

    /**
     * Activation scales.
     *
     * @param image  int8 input pixels (after the eval transform)
     * @param layers each layer's scales; layer 0's {@code in} is the embedding's output scale and
     *               layer i's {@code in} must equal layer i-1's {@code out}
     * @param norm   int8 final LayerNorm output (the head's input)
     */
    public record Scales(double image, List<EncoderLayer.Scales> layers, double norm) {
    }

    /** Integer constants of the parts outside the encoder layers. */
    public record Constants(long[] embedBias, DyadicScale[] embedRequant, long[][] pos, long[] normBias,
            DyadicScale[] normRequant, long[] headBias) {
    }

    /**
     * Every tensor of one integer run.
     *
     * @param patches int8 patches, (tokens - 1) x 3 P^2
     * @param embed   int16 residual stream entering layer 0 (tokens x C)
     * @param blocks  int16 output of each layer
     * @param norm    int8 final LayerNorm output of the class token
     * @param logits  int32 logits
     * @param layers  each layer's intermediates by name ({@link EncoderLayer#trace}), or null when not asked for
     */
    public record Trace(long[][] patches, long[][] embed, List<long[][]> blocks, long[] norm, long[] logits,
            List<java.util.Map<String, long[][]>> layers) {
    }

    private final VitGeometry geometry;
    private final Params params;
    private final Scales scales;
    private final EncoderLayer.SoftmaxMode mode;
    private final int softmaxBits;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final Constants constants;

    /**
     * Checks the parameters against the geometry and derives every constant.
     *
     * @throws IllegalArgumentException naming the part (embedding, layer i, norm, head) and value
     */
    public VitModel(VitGeometry g, Params p, Scales s, EncoderLayer.SoftmaxMode mode) {
        this(g, p, s, mode, 16);
    }

    /**
     * The same with the Shiftmax output bits b (8 or 16; 16 for log2) of every layer; the GELU is
     * ShiftGELU.
     */
    public VitModel(VitGeometry g, Params p, Scales s, EncoderLayer.SoftmaxMode mode, int softmaxBits) {
        this.softmaxBits = softmaxBits;
        this.geometry = g;
        this.params = p;
        this.scales = s;
        this.mode = mode;
        int c = g.channels();
        int n = g.tokens();
        Embed e = p.embed();
        require(e.w().length == g.patchK() && e.w()[0].length == c && e.wScale().length == c && e.bias().length == c
                && e.cls().length == c && e.pos().length == n && e.pos()[0].length == c,
                "patch embedding must be " + g.patchK() + " x " + c + " with " + c + " scales and biases, class token "
                        + c + ", position embedding " + n + " x " + c);
        require(p.layers().size() == g.depth() && s.layers().size() == g.depth(),
                "the model has " + g.depth() + " layers but " + p.layers().size() + " parameter sets and "
                        + s.layers().size() + " scale sets");
        require(p.head().w().length == c && p.head().w()[0].length == g.classes()
                && p.head().bias().length == g.classes(), "head must be " + c + " x " + g.classes());
        for (long[] row : e.w()) {
            IntOps.requireSigned(row, 8, "patch embedding weight");
        }
        for (long[] row : p.head().w()) {
            IntOps.requireSigned(row, 8, "head weight");
        }
        checkScale("image", s.image());
        checkScale("norm", s.norm());
        checkScale("head weight", p.head().wScale());
        IntGemm.checkAccBits(32, 8, 8, Math.max(g.patchK(), c));
        ModelShape shape = g.layerShape();
        for (int i = 0; i < g.depth(); i++) {
            EncoderLayer.Scales ls = s.layers().get(i);
            if (i > 0 && ls.in() != s.layers().get(i - 1).out()) {
                throw new IllegalArgumentException("layer " + i + ": input scale " + ls.in()
                        + " differs from layer " + (i - 1) + "'s output scale " + s.layers().get(i - 1).out());
            }
            try {
                layers.add(new EncoderLayer(shape, p.layers().get(i), ls, mode, softmaxBits,
                        EncoderLayer.GeluMode.SHIFTGELU));
            } catch (IllegalArgumentException | ArithmeticException ex) {
                throw new IllegalArgumentException("layer " + i + ": " + ex.getMessage(), ex);
            }
            EncoderLayer.Constants lc = layers.get(i).constants();
            checkNormBias("layer " + i + " norm1", lc.ln1Bias());
            checkNormBias("layer " + i + " norm2", lc.ln2Bias());
        }
        double sRes0 = s.layers().get(0).in();
        long[] embedBias = new long[c];
        DyadicScale[] embedRequant = new DyadicScale[c];
        for (int j = 0; j < c; j++) {
            double sAcc = s.image() * e.wScale()[j];
            embedBias[j] = intBias("patch embedding", j, e.bias()[j], sAcc);
            embedRequant[j] = ratio("patch embedding channel " + j, sAcc / sRes0);
        }
        long[][] pos = new long[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                double v = t == 0 ? e.cls()[j] + e.pos()[0][j] : e.pos()[t][j];
                require(Double.isFinite(v), "position embedding [" + t + ", " + j + "] is " + v);
                pos[t][j] = IntOps.saturate((long) Math.rint(v / sRes0), 16);
            }
        }
        EncoderLayer.Norm nm = p.norm();
        long[] normBias;
        try {
            normBias = IntLayerNorm.biasFrom(nm.beta(), nm.gamma());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("final norm: " + ex.getMessage(), ex);
        }
        checkNormBias("final norm", normBias);
        DyadicScale[] normRequant = new DyadicScale[c];
        for (int j = 0; j < c; j++) {
            normRequant[j] = ratio("final norm channel " + j,
                    Math.sqrt(c) / Math.scalb(1.0, 30) * nm.gamma()[j] / s.norm());
        }
        long[] headBias = new long[g.classes()];
        for (int j = 0; j < headBias.length; j++) {
            headBias[j] = intBias("head", j, p.head().bias()[j], s.norm() * p.head().wScale());
        }
        constants = new Constants(embedBias, embedRequant, pos, normBias, normRequant, headBias);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** docs/arithmetic.md section 6: |b_c| must stay below 2^31 (a tiny |gamma| against its beta is refused). */
    private static void checkNormBias(String what, long[] bias) {
        for (int j = 0; j < bias.length; j++) {
            require(Math.abs(bias[j]) < (1L << 31), what + " channel " + j + ": LayerNorm bias " + bias[j]
                    + " does not fit int32 (|gamma| too small for its beta)");
        }
    }

    private static void checkScale(String what, double v) {
        require(v > 0 && Double.isFinite(v), what + " scale must be finite and positive, got " + v);
    }

    private static DyadicScale ratio(String what, double r) {
        try {
            return DyadicScale.fromRatio(r);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(what + ": " + ex.getMessage(), ex);
        }
    }

    private static long intBias(String what, int j, double bias, double scale) {
        double v = Math.rint(bias / scale);
        require(Double.isFinite(v) && Math.abs(v) <= Integer.MAX_VALUE, what + " bias [" + j + "] = " + bias
                + " does not fit int32 at scale " + scale);
        return (long) v;
    }

    public VitGeometry geometry() {
        return geometry;
    }

    public Params params() {
        return params;
    }

    public Scales scales() {
        return scales;
    }

    public EncoderLayer.SoftmaxMode mode() {
        return mode;
    }

    /** Output bits b of the linear Shiftmax (16 for log2). */
    public int softmaxBits() {
        return softmaxBits;
    }

    /** The encoder layers (each holds its own derived constants). */
    public List<EncoderLayer> layers() {
        return List.copyOf(layers);
    }

    /** Constants outside the encoder layers. */
    public Constants constants() {
        return constants;
    }

    /** Logits of one int8 image (3 x H x W). */
    public long[] forward(long[][][] image) {
        return trace(image).logits();
    }

    /** One image with every intermediate tensor (docs/model.md, "The whole model"). */
    public Trace trace(long[][][] image) {
        return trace(image, false);
    }

    /** The same; with {@code layerIntermediates}, also every intermediate of every encoder layer. */
    public Trace trace(long[][][] image, boolean layerIntermediates) {
        VitGeometry g = geometry;
        int n = g.tokens();
        int c = g.channels();
        require(image.length == 3 && image[0].length == g.image() && image[0][0].length == g.image(),
                "image must be 3 x " + g.image() + " x " + g.image());
        for (long[][] plane : image) {
            for (long[] row : plane) {
                IntOps.requireSigned(row, 8, "image pixel");
            }
        }
        // patch embedding: one GEMM over the patches, then the residual form with the position embedding
        long[][] patches = FloatVit.patchesOf(image, g);
        long[][] acc = IntGemm.apply(patches, params.embed().w(), constants.embedBias());
        long[][] x = new long[n][c];
        for (int j = 0; j < c; j++) {
            x[0][j] = constants.pos()[0][j];
        }
        for (int t = 1; t < n; t++) {
            for (int j = 0; j < c; j++) {
                long branch = constants.embedRequant()[j].scale(acc[t - 1][j]);
                x[t][j] = IntOps.saturate(Math.addExact(branch, constants.pos()[t][j]), 16);
            }
        }
        long[][] embed = x;
        List<long[][]> blocks = new ArrayList<>();
        List<java.util.Map<String, long[][]>> inner = layerIntermediates ? new ArrayList<>() : null;
        for (EncoderLayer layer : layers) {
            if (layerIntermediates) {
                java.util.Map<String, long[][]> t = layer.trace(x);
                inner.add(t);
                x = t.get("out");
            } else {
                x = layer.forward(x);
            }
            blocks.add(x);
        }
        // final LayerNorm on the class-token row only, requantized to int8 per channel
        long[] ln = IntLayerNorm.apply(x[0], constants.normBias());
        long[] norm = new long[c];
        for (int j = 0; j < c; j++) {
            norm[j] = constants.normRequant()[j].apply(ln[j], 8);
        }
        long[] logits = IntGemm.apply(new long[][] {norm}, params.head().w(), constants.headBias())[0];
        return new Trace(patches, embed, blocks, norm, logits, inner);
    }

    /** The k best classes by integer logit, highest first; ties go to the lower index. */
    public static int[] topK(long[] logits, int k) {
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> logits[a] != logits[b] ? Long.compare(logits[b], logits[a])
                : Integer.compare(a, b));
        int m = Math.min(k, idx.length);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** The k best classes by float logit, highest first; ties go to the lower index. */
    public static int[] topK(double[] logits, int k) {
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> logits[a] != logits[b] ? Double.compare(logits[b], logits[a])
                : Integer.compare(a, b));
        int m = Math.min(k, idx.length);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** The float twin: the same parameters with dequantized weights, on the dequantized image. */
    public FloatVit.Result forwardFloat(long[][][] image) {
        double[][][] real = new double[3][][];
        for (int ch = 0; ch < 3; ch++) {
            real[ch] = new double[image[ch].length][];
            for (int r = 0; r < image[ch].length; r++) {
                real[ch][r] = new double[image[ch][r].length];
                for (int col = 0; col < image[ch][r].length; col++) {
                    real[ch][r][col] = image[ch][r][col] * scales.image();
                }
            }
        }
        return FloatVit.forward(floatWeights(), real, null);
    }

    /** The parameters as a float model (weights dequantized: w * scale). */
    public FloatVit.Weights floatWeights() {
        Embed e = params.embed();
        List<FloatVit.Block> blocks = new ArrayList<>();
        for (EncoderLayer.Params lp : params.layers()) {
            blocks.add(new FloatVit.Block(norm(lp.ln1()), linear(lp.qkv()), linear(lp.proj()), norm(lp.ln2()),
                    linear(lp.fc1()), linear(lp.fc2())));
        }
        double[] headScale = new double[geometry.classes()];
        java.util.Arrays.fill(headScale, params.head().wScale());
        return new FloatVit.Weights(geometry, linear(new EncoderLayer.Linear(e.w(), e.wScale(), e.bias())), e.cls(),
                e.pos(), blocks, norm(params.norm()),
                linear(new EncoderLayer.Linear(params.head().w(), headScale, params.head().bias())));
    }

    private static FloatVit.Norm norm(EncoderLayer.Norm n) {
        return new FloatVit.Norm(n.gamma(), n.beta());
    }

    private static FloatVit.Linear linear(EncoderLayer.Linear l) {
        float[][] w = new float[l.w().length][];
        for (int r = 0; r < w.length; r++) {
            w[r] = new float[l.w()[r].length];
            for (int j = 0; j < w[r].length; j++) {
                w[r][j] = (float) (l.w()[r][j] * l.wScale()[j]);
            }
        }
        return new FloatVit.Linear(w, l.bias());
    }
}
