package io.vitgen.golden;

import java.util.Random;

/**
 * One integer-only ViT encoder layer in the I-ViT placement of docs/arithmetic.md section 9, composed only from
 * the operators of this package, with its float twin.
 *
 * <pre>
 * x (int16, S_in)
 *  -&gt; I-LayerNorm -&gt; requant per channel -&gt; int8 (S_ln1)
 *  -&gt; GEMM qkv + bias -&gt; requant per channel -&gt; q, k, v int8 (one scale S_qkv)
 *  -&gt; per head: q k^T -&gt; requant (head_dim^-0.5 folded) -&gt; int8 scores (S_attn)
 *     -&gt; Shiftmax with b = 16 (uint15) or b = 8 (uint7) then GEMM with v, or log2 codes then
 *        attention x V by shifts -&gt; int32 (S_qkv * 2^-(b-1), b = 16 for log2)
 *  -&gt; requant -&gt; int8 (S_ctx) -&gt; GEMM proj + bias -&gt; residual add with x -&gt; int16 (S_res1)
 *  -&gt; I-LayerNorm -&gt; requant -&gt; int8 (S_ln2) -&gt; GEMM fc1 + bias -&gt; requant -&gt; int8 (S_fc1 = S_g)
 *  -&gt; ShiftGELU over the mlp channels of each token -&gt; int16 (S_g / 128), or i-GELU per element
 *     -&gt; 36-bit (S_g S_e / 2) -&gt; requant -&gt; int8 (S_fc2in)
 *  -&gt; GEMM fc2 + bias -&gt; residual add with the int16 stream -&gt; int16 (S_out)
 * </pre>
 * The softmax output bits b and the GELU variant are parameters (docs/arithmetic.md section 9):
 * b = 8 feeds P to an int8 array directly; b = 16 is the same integers an int8 array computes in two
 * passes ({@link SplitOperand}).
 * Every integer constant (LayerNorm biases, int32 GEMM biases, dyadic scales, the softmax and GELU
 * X) is derived once, in the constructor, from the float parameters and the activation scales.
 */
public final class EncoderLayer {

    /** Softmax variant: Shiftmax (docs/arithmetic.md section 3, b = 8 or 16) or log2 codes with attention x V by shifts (docs/arithmetic.md section 4). */
    public enum SoftmaxMode { SHIFTMAX, LOG2 }

    /** GELU variant: ShiftGELU (arithmetic section 5) or I-BERT's polynomial i-GELU (section 7). */
    public enum GeluMode { SHIFTGELU, IGELU }

    /**
     * Largest int8 input scale S_fc1 the i-GELU variant runs at: i-GELU needs |floor(1/S_e)| &gt;= 16
     * (arithmetic section 7), which on an int8 input limits the represented range to about +-0.64.
     */
    public static final double IGELU_MAX_SCALE = 0.005;

    /**
     * A linear layer with int8 weights and per-output-channel weight scales.
     *
     * @param w      K x N int8 weights
     * @param wScale N weight scales (real weight = w * wScale)
     * @param bias   N float biases
     */
    public record Linear(long[][] w, double[] wScale, double[] bias) {
        /** Real weights w * wScale. */
        public double[][] dequantized() {
            double[][] d = new double[w.length][];
            for (int r = 0; r < w.length; r++) {
                d[r] = new double[w[r].length];
                for (int j = 0; j < w[r].length; j++) {
                    d[r][j] = w[r][j] * wScale[j];
                }
            }
            return d;
        }
    }

    /** LayerNorm affine parameters (gamma must be non-zero). */
    public record Norm(double[] gamma, double[] beta) {
    }

    /** Float parameters of the layer. */
    public record Params(Norm ln1, Linear qkv, Linear proj, Norm ln2, Linear fc1, Linear fc2) {
    }

    /**
     * Activation scales (real value = integer * scale).
     *
     * @param in      int16 residual input
     * @param ln1     int8 LayerNorm-1 output
     * @param qkv     int8 q, k, v (shared)
     * @param attn    int8 attention scores (after the head_dim^-0.5 scaling)
     * @param ctx     int8 attention output fed to the projection
     * @param res1    int16 residual stream after attention
     * @param ln2     int8 LayerNorm-2 output
     * @param fc1     int8 GELU input (S_g)
     * @param fc2in   int8 GELU output requantized for fc2
     * @param out     int16 layer output
     */
    public record Scales(double in, double ln1, double qkv, double attn, double ctx, double res1, double ln2,
            double fc1, double fc2in, double out) {
    }

    private final ModelShape shape;
    private final Params params;
    private final Scales scales;
    private final SoftmaxMode mode;
    private final int softmaxBits;
    private final GeluMode geluMode;
    private final PolyGelu.Constants igelu;

    private final long[] ln1Bias;
    private final DyadicScale[] ln1Requant;
    private final long[] qkvBias;
    private final DyadicScale[] qkvRequant;
    private final DyadicScale scoreRequant;
    private final long softmaxX;
    private final DyadicScale ctxRequant;
    private final long[] projBias;
    private final DyadicScale[] projToRes1;
    private final DyadicScale inToRes1;
    private final long[] ln2Bias;
    private final DyadicScale[] ln2Requant;
    private final long[] fc1Bias;
    private final DyadicScale[] fc1Requant;
    private final long geluX;
    private final DyadicScale geluRequant;
    private final long[] fc2Bias;
    private final DyadicScale[] fc2ToOut;
    private final DyadicScale res1ToOut;

    /**
     * The layer with Shiftmax b = 16 (when {@code mode} is SHIFTMAX) and ShiftGELU: the original
     * form, kept as it was.
     */
    public EncoderLayer(ModelShape shape, Params params, Scales scales, SoftmaxMode mode) {
        this(shape, params, scales, mode, 16, GeluMode.SHIFTGELU);
    }

    /**
     * Derives every integer constant; throws IllegalArgumentException naming the offending value.
     *
     * @param softmaxBits b of the linear Shiftmax, 8 (P in 0..127, an int8 operand) or 16 (P in
     *                    0..32767); the log2 variant takes 16 (its codes carry 2^-15 steps)
     * @param geluMode    ShiftGELU or i-GELU on the int8 FC1 output
     */
    public EncoderLayer(ModelShape shape, Params params, Scales scales, SoftmaxMode mode, int softmaxBits,
            GeluMode geluMode) {
        this.shape = shape;
        this.params = params;
        this.scales = scales;
        this.mode = mode;
        if (softmaxBits != 8 && softmaxBits != 16) {
            throw new IllegalArgumentException("softmax output bits must be 8 or 16, got " + softmaxBits);
        }
        if (mode == SoftmaxMode.LOG2 && softmaxBits != 16) {
            throw new IllegalArgumentException("the log2 softmax variant has no output bits b (its attention x V"
                    + " is in 2^-15 steps); give 16, got " + softmaxBits);
        }
        this.softmaxBits = softmaxBits;
        this.geluMode = java.util.Objects.requireNonNull(geluMode, "geluMode");
        int c = shape.channels();
        checkLinear("qkv", params.qkv(), c, 3 * c);
        checkLinear("proj", params.proj(), c, c);
        checkLinear("fc1", params.fc1(), c, shape.mlp());
        checkLinear("fc2", params.fc2(), shape.mlp(), c);
        IntGemm.checkAccBits(32, 8, 8, Math.max(c, shape.mlp()));

        ln1Bias = IntLayerNorm.biasFrom(params.ln1().beta(), params.ln1().gamma());
        ln1Requant = lnRequant(params.ln1(), c, scales.ln1());
        qkvBias = intBias(params.qkv(), scales.ln1());
        qkvRequant = gemmRequant(params.qkv(), scales.ln1(), scales.qkv());
        scoreRequant = DyadicScale.fromRatio(scales.qkv() * scales.qkv() / Math.sqrt(shape.headDim()) / scales.attn());
        softmaxX = ShiftExp.xFromScale(scales.attn());
        ctxRequant = DyadicScale.fromRatio(scales.qkv() / Math.scalb(1.0, softmaxBits - 1) / scales.ctx());
        projBias = intBias(params.proj(), scales.ctx());
        projToRes1 = gemmRequant(params.proj(), scales.ctx(), scales.res1());
        inToRes1 = DyadicScale.fromRatio(scales.in() / scales.res1());
        ln2Bias = IntLayerNorm.biasFrom(params.ln2().beta(), params.ln2().gamma());
        ln2Requant = lnRequant(params.ln2(), c, scales.ln2());
        fc1Bias = intBias(params.fc1(), scales.ln2());
        fc1Requant = gemmRequant(params.fc1(), scales.ln2(), scales.fc1());
        if (geluMode == GeluMode.SHIFTGELU) {
            geluX = ShiftGelu.xFromScale(scales.fc1());
            igelu = null;
            geluRequant = DyadicScale.fromRatio(scales.fc1() / 128.0 / scales.fc2in());
        } else {
            geluX = 0;
            igelu = PolyGelu.Constants.of(scales.fc1());
            geluRequant = DyadicScale.fromRatio(igelu.outputScale() / scales.fc2in());
        }
        fc2Bias = intBias(params.fc2(), scales.fc2in());
        fc2ToOut = gemmRequant(params.fc2(), scales.fc2in(), scales.out());
        res1ToOut = DyadicScale.fromRatio(scales.res1() / scales.out());
    }

    public ModelShape shape() {
        return shape;
    }

    public Params params() {
        return params;
    }

    public Scales scales() {
        return scales;
    }

    public SoftmaxMode mode() {
        return mode;
    }

    /** X of the softmax (ceil(1 / S_attn)). */
    public long softmaxX() {
        return softmaxX;
    }

    /** X of ShiftGELU (ceil(1 / (1.702 S_fc1))); only for the ShiftGELU variant. */
    public long geluX() {
        if (geluMode != GeluMode.SHIFTGELU) {
            throw new IllegalStateException("the i-GELU layer has no ShiftGELU X; see igeluConstants()");
        }
        return geluX;
    }

    /** Output bits b of the linear Shiftmax (16 for the log2 variant). */
    public int softmaxBits() {
        return softmaxBits;
    }

    public GeluMode geluMode() {
        return geluMode;
    }

    /** i-GELU constants (only for the i-GELU variant). */
    public PolyGelu.Constants igeluConstants() {
        if (igelu == null) {
            throw new IllegalStateException("the ShiftGELU layer has no i-GELU constants");
        }
        return igelu;
    }

    /**
     * Every integer constant of the layer, as the accelerator's memory image carries them.
     * Arrays are the layer's own: do not modify.
     */
    public record Constants(long[] ln1Bias, DyadicScale[] ln1Requant, long[] qkvBias, DyadicScale[] qkvRequant,
            DyadicScale scoreRequant, long softmaxX, DyadicScale ctxRequant, long[] projBias,
            DyadicScale[] projToRes1, DyadicScale inToRes1, long[] ln2Bias, DyadicScale[] ln2Requant,
            long[] fc1Bias, DyadicScale[] fc1Requant, long geluX, PolyGelu.Constants igelu,
            DyadicScale geluRequant, long[] fc2Bias, DyadicScale[] fc2ToOut, DyadicScale res1ToOut) {
    }

    /** The integer constants derived in the constructor. */
    public Constants constants() {
        return new Constants(ln1Bias, ln1Requant, qkvBias, qkvRequant, scoreRequant, softmaxX, ctxRequant, projBias,
                projToRes1, inToRes1, ln2Bias, ln2Requant, fc1Bias, fc1Requant, geluX, igelu, geluRequant, fc2Bias,
                fc2ToOut, res1ToOut);
    }

    /** The integer layer: N x C int16 in (scale S_in), N x C int16 out (scale S_out). */
    public long[][] forward(long[][] x) {
        return trace(x).get("out");
    }

    /**
     * The integer layer with every intermediate tensor, by name, in the order they are computed:
     * {@code ln1, qkv, scores.h, probs.h} (Shiftmax) or {@code codes.h} (log2: the code, -1 where
     * the zero flag is set), {@code ctx_acc, ctx, res1, ln2, fc1, gelu, out} (heads h = 0, 1, ...).
     */
    public java.util.LinkedHashMap<String, long[][]> trace(long[][] x) {
        int n = shape.tokens();
        int c = shape.channels();
        if (x.length != n) {
            throw new IllegalArgumentException("encoder input has " + x.length + " tokens, expected " + n);
        }
        for (long[] row : x) {
            if (row.length != c) {
                throw new IllegalArgumentException("encoder input row has " + row.length + " channels, expected " + c);
            }
            IntOps.requireSigned(row, 16, "encoder input");
        }
        java.util.LinkedHashMap<String, long[][]> t = new java.util.LinkedHashMap<>();
        // attention block
        long[][] ln1 = new long[n][];
        for (int i = 0; i < n; i++) {
            ln1[i] = requantRow(IntLayerNorm.apply(x[i], ln1Bias), ln1Requant, 8);
        }
        t.put("ln1", ln1);
        long[][] qkv = IntGemm.requantize(IntGemm.apply(ln1, params.qkv().w(), qkvBias), qkvRequant, 8);
        t.put("qkv", qkv);
        int hd = shape.headDim();
        long[][] ctxAcc = new long[n][c];
        for (int h = 0; h < shape.heads(); h++) {
            long[][] q = columns(qkv, h * hd, hd);
            long[][] kT = transpose(columns(qkv, c + h * hd, hd));
            long[][] v = columns(qkv, 2 * c + h * hd, hd);
            long[][] scores = IntGemm.requantize(IntGemm.apply(q, kT, null), new DyadicScale[] {scoreRequant}, 8);
            t.put("scores." + h, scores);
            long[][] headOut;
            if (mode == SoftmaxMode.SHIFTMAX) {
                long[][] probs = new long[n][];
                for (int i = 0; i < n; i++) {
                    probs[i] = Shiftmax.apply(scores[i], softmaxX, softmaxBits);
                }
                t.put("probs." + h, probs);
                headOut = IntGemm.apply(probs, v, null);
            } else {
                headOut = new long[n][];
                long[][] codes = new long[n][n];
                for (int i = 0; i < n; i++) {
                    Log2Softmax.Result r = Log2Softmax.apply(scores[i], softmaxX);
                    headOut[i] = Log2Softmax.attentionTimesV(r.code(), r.zero(), v);
                    for (int j = 0; j < n; j++) {
                        codes[i][j] = r.zero()[j] ? -1 : r.code()[j];
                    }
                }
                t.put("codes." + h, codes);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(headOut[i], 0, ctxAcc[i], h * hd, hd);
            }
        }
        t.put("ctx_acc", ctxAcc);
        long[][] ctx = IntGemm.requantize(ctxAcc, new DyadicScale[] {ctxRequant}, 8);
        t.put("ctx", ctx);
        long[][] proj = IntGemm.apply(ctx, params.proj().w(), projBias);
        long[][] res1 = new long[n][c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                res1[i][j] = DyadicScale.residualAdd(proj[i][j], projToRes1[j], x[i][j], inToRes1, 16);
            }
        }
        t.put("res1", res1);
        // MLP block
        long[][] ln2 = new long[n][];
        for (int i = 0; i < n; i++) {
            ln2[i] = requantRow(IntLayerNorm.apply(res1[i], ln2Bias), ln2Requant, 8);
        }
        t.put("ln2", ln2);
        long[][] fc1 = IntGemm.requantize(IntGemm.apply(ln2, params.fc1().w(), fc1Bias), fc1Requant, 8);
        t.put("fc1", fc1);
        long[][] gelu = new long[n][];
        for (int i = 0; i < n; i++) {
            long[] g = geluMode == GeluMode.SHIFTGELU ? ShiftGelu.apply(fc1[i], geluX) : PolyGelu.apply(fc1[i], igelu);
            gelu[i] = geluRequant.apply(g, 8);
        }
        t.put("gelu", gelu);
        long[][] fc2 = IntGemm.apply(gelu, params.fc2().w(), fc2Bias);
        long[][] out = new long[n][c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = DyadicScale.residualAdd(fc2[i][j], fc2ToOut[j], res1[i][j], res1ToOut, 16);
            }
        }
        t.put("out", out);
        return t;
    }

    /** Maximum absolute value of every float intermediate, used to calibrate the scales. */
    public record FloatRanges(double ln1, double qkv, double attn, double ctx, double res1, double ln2,
            double fc1, double gelu, double out) {
    }

    /** The float twin: same parameters (dequantized weights), exact softmax, erf GELU, no rounding. */
    public double[][] forwardFloat(double[][] x) {
        return forwardFloat(shape, params, x, null);
    }

    private static double[][] forwardFloat(ModelShape shape, Params params, double[][] x, double[] ranges) {
        int n = shape.tokens();
        int c = shape.channels();
        int hd = shape.headDim();
        double[][] ln1 = new double[n][];
        for (int t = 0; t < n; t++) {
            ln1[t] = FloatReference.layerNorm(x[t], params.ln1().gamma(), params.ln1().beta());
        }
        double[][] qkv = FloatReference.matmul(ln1, params.qkv().dequantized(), params.qkv().bias());
        double[][] ctx = new double[n][c];
        double attnMax = 0;
        double inv = 1.0 / Math.sqrt(hd);
        for (int h = 0; h < shape.heads(); h++) {
            double[][] q = columns(qkv, h * hd, hd);
            double[][] kT = transpose(columns(qkv, c + h * hd, hd));
            double[][] v = columns(qkv, 2 * c + h * hd, hd);
            double[][] s = FloatReference.matmul(q, kT, null);
            double[][] p = new double[n][];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    s[i][j] *= inv;
                }
                attnMax = Math.max(attnMax, maxAbs(s[i]));
                p[i] = FloatReference.softmax(s[i]);
            }
            double[][] o = FloatReference.matmul(p, v, null);
            for (int i = 0; i < n; i++) {
                System.arraycopy(o[i], 0, ctx[i], h * hd, hd);
            }
        }
        double[][] proj = FloatReference.matmul(ctx, params.proj().dequantized(), params.proj().bias());
        double[][] res1 = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                res1[t][j] = proj[t][j] + x[t][j];
            }
        }
        double[][] ln2 = new double[n][];
        for (int t = 0; t < n; t++) {
            ln2[t] = FloatReference.layerNorm(res1[t], params.ln2().gamma(), params.ln2().beta());
        }
        double[][] fc1 = FloatReference.matmul(ln2, params.fc1().dequantized(), params.fc1().bias());
        double[][] gelu = new double[n][shape.mlp()];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < shape.mlp(); j++) {
                gelu[t][j] = FloatReference.gelu(fc1[t][j]);
            }
        }
        double[][] fc2 = FloatReference.matmul(gelu, params.fc2().dequantized(), params.fc2().bias());
        double[][] out = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                out[t][j] = fc2[t][j] + res1[t][j];
            }
        }
        if (ranges != null) {
            double[] r = {maxAbs(ln1), maxAbs(qkv), attnMax, maxAbs(ctx), maxAbs(res1), maxAbs(ln2), maxAbs(fc1),
                maxAbs(gelu), maxAbs(out)};
            System.arraycopy(r, 0, ranges, 0, r.length);
        }
        return out;
    }

    /** A layer with random parameters and input, calibrated on that input. */
    public record Calibrated(EncoderLayer layer, long[][] input, double[][] floatInput) {
        /** Integer output. */
        public long[][] runInteger() {
            return layer.forward(input);
        }

        /** Float twin output on the same (dequantized) input. */
        public double[][] runFloat() {
            return layer.forwardFloat(floatInput);
        }
    }

    /**
     * Random layer from a seed: weights N(0, 1/K) quantized to int8 per output channel (max-abs),
     * biases N(0, 0.1^2), gamma = 1 + N(0, 0.1^2), beta N(0, 0.1^2); input N(0, 1) with per-channel
     * spread in [0.5, 2] quantized to int16. Activation scales are max-abs calibrated on the float
     * twin's run on this input (int8: max / 127, int16: max / 32767); S_fc1 is raised to the
     * smallest value ShiftGELU accepts if needed.
     */
    public static Calibrated random(ModelShape shape, long seed, SoftmaxMode mode) {
        return random(shape, seed, mode, 16, GeluMode.SHIFTGELU);
    }

    /**
     * As {@link #random(ModelShape, long, SoftmaxMode)} with the softmax output bits and the GELU
     * variant chosen; with i-GELU, S_fc1 is lowered to {@link #IGELU_MAX_SCALE} when larger (FC1
     * outputs beyond about +-0.64 then saturate: i-GELU on int8 inputs is coarse, see docs/golden.md).
     */
    public static Calibrated random(ModelShape shape, long seed, SoftmaxMode mode, int softmaxBits, GeluMode gelu) {
        Random rnd = new Random(seed);
        int n = shape.tokens();
        int c = shape.channels();
        Params p = new Params(norm(rnd, c), linear(rnd, c, 3 * c), linear(rnd, c, c), norm(rnd, c),
                linear(rnd, c, shape.mlp()), linear(rnd, shape.mlp(), c));
        double[] spread = new double[c];
        for (int j = 0; j < c; j++) {
            spread[j] = 0.5 + 1.5 * rnd.nextDouble();
        }
        double[][] xf = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                xf[t][j] = rnd.nextGaussian() * spread[j];
            }
        }
        double sIn = maxAbs(xf) / 32767;
        long[][] xi = new long[n][c];
        double[][] xd = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                xi[t][j] = Math.max(-32768, Math.min(32767, Math.round(xf[t][j] / sIn)));
                xd[t][j] = xi[t][j] * sIn;
            }
        }
        double[] r = new double[9];
        forwardFloat(shape, p, xd, r);
        double sFc1 = gelu == GeluMode.SHIFTGELU
                ? Math.max(r[6] / 127, 1.0 / (1.702 * ShiftGelu.MAX_X) * (1 + 1e-9))
                : Math.min(r[6] / 127, IGELU_MAX_SCALE);
        Scales s = new Scales(sIn, r[0] / 127, r[1] / 127, r[2] / 127, r[3] / 127, r[4] / 32767,
                r[5] / 127, sFc1, r[7] / 127, r[8] / 32767);
        return new Calibrated(new EncoderLayer(shape, p, s, mode, softmaxBits, gelu), xi, xd);
    }

    /** Cosine similarity of two equally shaped matrices. */
    public static double cosine(double[][] a, double[][] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                ab += a[i][j] * b[i][j];
                aa += a[i][j] * a[i][j];
                bb += b[i][j] * b[i][j];
            }
        }
        return ab / Math.sqrt(aa * bb);
    }

    /** Integer output in real units (times S_out). */
    public double[][] dequantizeOutput(long[][] out) {
        double[][] d = new double[out.length][];
        for (int i = 0; i < out.length; i++) {
            d[i] = new double[out[i].length];
            for (int j = 0; j < out[i].length; j++) {
                d[i][j] = out[i][j] * scales.out();
            }
        }
        return d;
    }

    // ---- helpers ----

    private static Norm norm(Random rnd, int c) {
        double[] g = new double[c];
        double[] b = new double[c];
        for (int j = 0; j < c; j++) {
            g[j] = 1 + 0.1 * rnd.nextGaussian();
            b[j] = 0.1 * rnd.nextGaussian();
        }
        return new Norm(g, b);
    }

    private static Linear linear(Random rnd, int k, int n) {
        double sd = 1.0 / Math.sqrt(k);
        double[][] w = new double[k][n];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < n; j++) {
                w[r][j] = sd * rnd.nextGaussian();
            }
        }
        double[] scale = new double[n];
        long[][] q = new long[k][n];
        for (int j = 0; j < n; j++) {
            double m = 0;
            for (int r = 0; r < k; r++) {
                m = Math.max(m, Math.abs(w[r][j]));
            }
            scale[j] = m / 127;
            for (int r = 0; r < k; r++) {
                q[r][j] = Math.round(w[r][j] / scale[j]);
            }
        }
        double[] bias = new double[n];
        for (int j = 0; j < n; j++) {
            bias[j] = 0.1 * rnd.nextGaussian();
        }
        return new Linear(q, scale, bias);
    }

    private static void checkLinear(String name, Linear l, int k, int n) {
        if (l.w().length != k || l.w()[0].length != n || l.wScale().length != n || l.bias().length != n) {
            throw new IllegalArgumentException(name + " must be " + k + " x " + n + " with " + n
                    + " weight scales and biases");
        }
        for (long[] row : l.w()) {
            IntOps.requireSigned(row, 8, name + " weight");
        }
    }

    private static DyadicScale[] lnRequant(Norm norm, int c, double sOut) {
        DyadicScale[] d = new DyadicScale[c];
        for (int j = 0; j < c; j++) {
            d[j] = DyadicScale.fromRatio(Math.sqrt(c) / Math.scalb(1.0, 30) * norm.gamma()[j] / sOut);
        }
        return d;
    }

    private static long[] intBias(Linear l, double sIn) {
        long[] b = new long[l.bias().length];
        for (int j = 0; j < b.length; j++) {
            double v = Math.rint(l.bias()[j] / (sIn * l.wScale()[j]));
            if (Math.abs(v) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bias " + l.bias()[j] + " does not fit int32 at scale "
                        + sIn * l.wScale()[j]);
            }
            b[j] = (long) v;
        }
        return b;
    }

    private static DyadicScale[] gemmRequant(Linear l, double sIn, double sOut) {
        DyadicScale[] d = new DyadicScale[l.wScale().length];
        for (int j = 0; j < d.length; j++) {
            d[j] = DyadicScale.fromRatio(sIn * l.wScale()[j] / sOut);
        }
        return d;
    }

    private static long[] requantRow(long[] z, DyadicScale[] perChannel, int bits) {
        long[] out = new long[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = perChannel[j].apply(z[j], bits);
        }
        return out;
    }

    private static long[][] columns(long[][] m, int from, int count) {
        long[][] out = new long[m.length][count];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], from, out[i], 0, count);
        }
        return out;
    }

    private static double[][] columns(double[][] m, int from, int count) {
        double[][] out = new double[m.length][count];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], from, out[i], 0, count);
        }
        return out;
    }

    private static long[][] transpose(long[][] m) {
        long[][] t = new long[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double maxAbs(double[][] v) {
        double m = 0;
        for (double[] r : v) {
            m = Math.max(m, maxAbs(r));
        }
        return m;
    }
}
