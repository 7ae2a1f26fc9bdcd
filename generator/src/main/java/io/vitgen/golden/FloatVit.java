package io.vitgen.golden;

import java.util.List;

/**
 * The float ViT/DeiT forward pass (float64 activations, float32 weights): the model a checkpoint
 * describes, run in Java for calibration, and - with dequantized weights - the float twin of
 * {@link VitModel}. timm's computation: patch embedding, class token and position embedding,
 * pre-norm encoder layers (LayerNorm eps 1e-6, exact softmax, erf GELU), final LayerNorm, head on the
 * class token.
 */
public final class FloatVit {
    private FloatVit() {
    }

    /** LayerNorm epsilon of timm's ViT/DeiT. */
    public static final double LN_EPS = 1e-6;

    /** A linear layer: K x N weights (input-major, the transpose of PyTorch's [out, in]) and N biases. */
    public record Linear(float[][] w, double[] b) {
        public int in() {
            return w.length;
        }

        public int out() {
            return b.length;
        }
    }

    /** LayerNorm affine parameters. */
    public record Norm(double[] gamma, double[] beta) {
    }

    /** One encoder layer. */
    public record Block(Norm norm1, Linear qkv, Linear proj, Norm norm2, Linear fc1, Linear fc2) {
    }

    /**
     * Every parameter of the model.
     *
     * @param patch  patch embedding, K = 3 P^2 (channel, row, column order) x C
     * @param cls    class token, C
     * @param pos    position embedding, tokens x C (row 0 belongs to the class token)
     */
    public record Weights(VitGeometry geometry, Linear patch, double[] cls, double[][] pos, List<Block> blocks,
            Norm norm, Linear head) {
    }

    /** Where activations can be observed (calibration); names as in docs/model.md. */
    public enum Point {
        /** residual stream after patch embedding + position embedding (tokens x C) */
        EMBED,
        LN1, QKV,
        /** scores after the head_dim^-0.5 scaling, one call per head (tokens x tokens) */
        ATTN,
        CTX, RES1, LN2, FC1, GELU,
        /** encoder layer output (tokens x C) */
        OUT,
        /** final LayerNorm of the class token (1 x C) */
        NORM,
        /** logits (1 x classes) */
        LOGITS
    }

    /** Receives activations; {@code block} is -1 outside the encoder layers; {@code values} is valid only during the call. */
    @FunctionalInterface
    public interface Observer {
        void observe(Point point, int block, double[][] values);
    }

    /** Outputs and the tensors the quantizer compares: embedding, each layer's output, final norm. */
    public record Result(double[] logits, double[][] embed, List<double[][]> blocks, double[] norm) {
    }

    /** Runs one image (3 x H x W, already normalized); {@code observer} may be null. */
    public static Result forward(Weights w, double[][][] image, Observer observer) {
        VitGeometry g = w.geometry();
        Observer obs = observer == null ? (p, b, v) -> { } : observer;
        int n = g.tokens();
        int c = g.channels();
        double[][] patches = patchesOf(image, g);
        double[][] emb = matmul(patches, w.patch());
        double[][] x = new double[n][c];
        for (int j = 0; j < c; j++) {
            x[0][j] = w.cls()[j] + w.pos()[0][j];
        }
        for (int t = 1; t < n; t++) {
            for (int j = 0; j < c; j++) {
                x[t][j] = emb[t - 1][j] + w.pos()[t][j];
            }
        }
        obs.observe(Point.EMBED, -1, x);
        double[][] embed = copy(x);
        List<double[][]> outs = new java.util.ArrayList<>();
        for (int b = 0; b < w.blocks().size(); b++) {
            x = block(g, w.blocks().get(b), x, b, obs);
            outs.add(copy(x));
        }
        double[] norm = layerNorm(x[0], w.norm());
        obs.observe(Point.NORM, -1, new double[][] {norm});
        double[] logits = matmul(new double[][] {norm}, w.head())[0];
        obs.observe(Point.LOGITS, -1, new double[][] {logits});
        return new Result(logits, embed, outs, norm);
    }

    private static double[][] block(VitGeometry g, Block p, double[][] x, int b, Observer obs) {
        int n = g.tokens();
        int c = g.channels();
        int heads = g.heads();
        int hd = c / heads;
        double[][] ln1 = new double[n][];
        for (int t = 0; t < n; t++) {
            ln1[t] = layerNorm(x[t], p.norm1());
        }
        obs.observe(Point.LN1, b, ln1);
        double[][] qkv = matmul(ln1, p.qkv());
        obs.observe(Point.QKV, b, qkv);
        double[][] ctx = new double[n][c];
        double inv = 1.0 / Math.sqrt(hd);
        for (int h = 0; h < heads; h++) {
            double[][] q = new double[n][hd];
            double[][] kT = new double[hd][n];
            double[][] v = new double[n][hd];
            for (int t = 0; t < n; t++) {
                for (int d = 0; d < hd; d++) {
                    q[t][d] = qkv[t][h * hd + d] * inv;
                    kT[d][t] = qkv[t][c + h * hd + d];
                    v[t][d] = qkv[t][2 * c + h * hd + d];
                }
            }
            double[][] s = matmul(q, kT);
            obs.observe(Point.ATTN, b, s);
            double[][] prob = new double[n][];
            for (int i = 0; i < n; i++) {
                prob[i] = FloatReference.softmax(s[i]);
            }
            double[][] o = matmul(prob, v);
            for (int i = 0; i < n; i++) {
                System.arraycopy(o[i], 0, ctx[i], h * hd, hd);
            }
        }
        obs.observe(Point.CTX, b, ctx);
        double[][] proj = matmul(ctx, p.proj());
        double[][] res1 = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                res1[t][j] = x[t][j] + proj[t][j];
            }
        }
        obs.observe(Point.RES1, b, res1);
        double[][] ln2 = new double[n][];
        for (int t = 0; t < n; t++) {
            ln2[t] = layerNorm(res1[t], p.norm2());
        }
        obs.observe(Point.LN2, b, ln2);
        double[][] fc1 = matmul(ln2, p.fc1());
        obs.observe(Point.FC1, b, fc1);
        for (double[] row : fc1) {
            for (int j = 0; j < row.length; j++) {
                row[j] = FloatReference.gelu(row[j]);
            }
        }
        obs.observe(Point.GELU, b, fc1);
        double[][] fc2 = matmul(fc1, p.fc2());
        double[][] out = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                out[t][j] = res1[t][j] + fc2[t][j];
            }
        }
        obs.observe(Point.OUT, b, out);
        return out;
    }

    /** LayerNorm with timm's epsilon. */
    static double[] layerNorm(double[] x, Norm p) {
        int c = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= c;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= c;
        double inv = 1.0 / Math.sqrt(var + LN_EPS);
        double[] out = new double[c];
        for (int i = 0; i < c; i++) {
            out[i] = (x[i] - mean) * inv * p.gamma()[i] + p.beta()[i];
        }
        return out;
    }

    /** a (M x K) times the layer's K x N weights plus bias. */
    static double[][] matmul(double[][] a, Linear l) {
        int k = l.in();
        int nOut = l.out();
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = l.b().clone();
        }
        // weight row outermost: each float row is widened to double once and then streamed over
        // every activation row (a loop the JIT vectorizes)
        double[] wr = new double[nOut];
        for (int r = 0; r < k; r++) {
            float[] src = l.w()[r];
            for (int j = 0; j < nOut; j++) {
                wr[j] = src[j];
            }
            for (int i = 0; i < a.length; i++) {
                double av = a[i][r];
                if (av == 0) {
                    continue;
                }
                double[] row = out[i];
                for (int j = 0; j < nOut; j++) {
                    row[j] += av * wr[j];
                }
            }
        }
        return out;
    }

    /** a (M x K) times b (K x N), both double. */
    static double[][] matmul(double[][] a, double[][] b) {
        int k = b.length;
        int n = b[0].length;
        double[][] out = new double[a.length][n];
        for (int i = 0; i < a.length; i++) {
            double[] ai = a[i];
            double[] row = out[i];
            for (int r = 0; r < k; r++) {
                double av = ai[r];
                double[] br = b[r];
                for (int j = 0; j < n; j++) {
                    row[j] += av * br[j];
                }
            }
        }
        return out;
    }

    /**
     * Patches of a 3 x H x W image as rows of 3 P^2 values in the order of the patch-embedding
     * weight [C, 3, P, P]: channel, row, column (docs/arithmetic.md section 10); patches row-major.
     */
    public static double[][] patchesOf(double[][][] image, VitGeometry g) {
        int p = g.patch();
        int grid = g.grid();
        double[][] out = new double[grid * grid][g.patchK()];
        for (int pr = 0; pr < grid; pr++) {
            for (int pc = 0; pc < grid; pc++) {
                double[] row = out[pr * grid + pc];
                int k = 0;
                for (int ch = 0; ch < VitGeometry.IN_CHANNELS; ch++) {
                    for (int r = 0; r < p; r++) {
                        for (int col = 0; col < p; col++) {
                            row[k++] = image[ch][pr * p + r][pc * p + col];
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The same patch order for an integer image. */
    public static long[][] patchesOf(long[][][] image, VitGeometry g) {
        int p = g.patch();
        int grid = g.grid();
        long[][] out = new long[grid * grid][g.patchK()];
        for (int pr = 0; pr < grid; pr++) {
            for (int pc = 0; pc < grid; pc++) {
                long[] row = out[pr * grid + pc];
                int k = 0;
                for (int ch = 0; ch < VitGeometry.IN_CHANNELS; ch++) {
                    for (int r = 0; r < p; r++) {
                        for (int col = 0; col < p; col++) {
                            row[k++] = image[ch][pr * p + r][pc * p + col];
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }
}
