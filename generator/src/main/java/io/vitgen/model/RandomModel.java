package io.vitgen.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vitgen.golden.FloatVit;
import io.vitgen.golden.VitGeometry;

/**
 * Seeded random float ViTs with statistics like trained ones, for tests and benchmarks
 * (docs/model.md, "Random models"): weights N(0, 1/K) with a log-normal spread of the output
 * channels (sigma 0.3), the residual branches damped by 0.5, LayerNorm gamma 1 + N(0, 0.1^2) and beta
 * N(0, 0.05^2), position embedding N(0, 0.1^2), and two residual channels with a constant offset of
 * 3 to 6 from the patch-embedding bias - the inter-channel outliers FQ-ViT reports for trained
 * ViTs, which the int16 residual stream must carry.
 */
public final class RandomModel {
    private RandomModel() {
    }

    /** The float weights of a random model. */
    public static FloatVit.Weights weights(VitGeometry g, long seed) {
        Random r = new Random(seed);
        int c = g.channels();
        FloatVit.Linear patch = linear(r, g.patchK(), c, 1.0, 0.02);
        for (int k = 0; k < 2 && k < c; k++) {
            int ch = (k * 7 + 3) % c;
            patch.b()[ch] = (float) ((r.nextBoolean() ? 1 : -1) * (3 + 3 * r.nextDouble()));
        }
        double[] cls = gaussian(r, c, 0.02);
        double[][] pos = new double[g.tokens()][];
        for (int t = 0; t < pos.length; t++) {
            pos[t] = gaussian(r, c, 0.1);
        }
        List<FloatVit.Block> blocks = new ArrayList<>();
        for (int i = 0; i < g.depth(); i++) {
            blocks.add(new FloatVit.Block(norm(r, c), linear(r, c, 3 * c, 1.0, 0.02), linear(r, c, c, 0.5, 0.02),
                    norm(r, c), linear(r, c, g.mlp(), 1.0, 0.02), linear(r, g.mlp(), c, 0.5, 0.02)));
        }
        return new FloatVit.Weights(g, patch, cls, pos, blocks, norm(r, c), linear(r, c, g.classes(), 2.0, 0.01));
    }

    private static FloatVit.Linear linear(Random r, int k, int n, double gain, double biasSd) {
        double sd = gain / Math.sqrt(k);
        double[] spread = new double[n];
        for (int j = 0; j < n; j++) {
            spread[j] = Math.exp(0.3 * r.nextGaussian());
        }
        float[][] w = new float[k][n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                w[i][j] = (float) (sd * spread[j] * r.nextGaussian());
            }
        }
        return new FloatVit.Linear(w, gaussian(r, n, biasSd));
    }

    private static FloatVit.Norm norm(Random r, int c) {
        double[] g = new double[c];
        for (int j = 0; j < c; j++) {
            g[j] = (float) (1 + 0.1 * r.nextGaussian());
        }
        return new FloatVit.Norm(g, gaussian(r, c, 0.05));
    }

    private static double[] gaussian(Random r, int n, double sd) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = (float) (sd * r.nextGaussian());
        }
        return v;
    }

    /** Seeded synthetic calibration images of the model's size, already transformed (3 x S x S). */
    public static List<double[][][]> images(VitGeometry g, long seed, int count) {
        List<double[][][]> out = new ArrayList<>();
        int side = (int) Math.floor(g.image() / EvalImages.CROP_RATIO) + 8;
        for (int i = 0; i < count; i++) {
            out.add(EvalImages.transform(EvalImages.synthetic(seed * 1_000_003L + i, side + (i % 3) * 16, side), g.image()));
        }
        return out;
    }
}
