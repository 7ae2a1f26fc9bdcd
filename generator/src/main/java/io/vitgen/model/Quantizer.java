package io.vitgen.model;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vitgen.golden.EncoderLayer;
import io.vitgen.golden.FloatVit;
import io.vitgen.golden.FloatVit.Point;
import io.vitgen.golden.ShiftGelu;
import io.vitgen.golden.VitGeometry;
import io.vitgen.golden.VitModel;

/**
 * Post-training quantization of a float ViT into {@link VitModel} (docs/model.md, "Quantization").
 *
 * <ul>
 * <li>Weights: symmetric int8, one scale per output channel, max |w| / 127 (as I-ViT: per-channel
 * min/max of the weights); the head has one per-tensor scale (docs/arithmetic.md section 10).</li>
 * <li>Activations: symmetric, one scale per tensor, calibrated by running the float model on the
 * calibration images. The int16 residual stream takes max |x| / 32767 (never clipped: FQ-ViT shows
 * that a few residual channels carry values far above the rest, and clipping them hurts);
 * int8 tensors take the 99.99th percentile of |x| / 127 by default (clipping the rare extremes of
 * attention scores and MLP activations buys resolution for everything else; FQ-ViT offers
 * percentile calibration for this reason), or max with {@link Method#MAX} (I-ViT's min/max).
 * Each image's value is computed alone and the largest over the images is kept.</li>
 * <li>The GELU input scale is raised to the smallest one ShiftGELU accepts (X &lt;= 127) when needed.</li>
 * </ul>
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** How an int8 activation range is chosen. */
    public enum Method { MAX, PERCENTILE }

    /**
     * @param method     int8 activation calibration
     * @param percentile for PERCENTILE, e.g. 99.99
     * @param mode       softmax variant of the integer layers
     */
    public record Options(Method method, double percentile, EncoderLayer.SoftmaxMode mode, int softmaxBits) {
        /** Shiftmax with 16 output bits (or log2). */
        public Options(Method method, double percentile, EncoderLayer.SoftmaxMode mode) {
            this(method, percentile, mode, 16);
        }

        public static Options defaults() {
            return new Options(Method.PERCENTILE, 99.99, EncoderLayer.SoftmaxMode.SHIFTMAX);
        }

        /** The softmax variant: log2, or Shiftmax with {@code bits} output bits. */
        public Options withSoftmax(EncoderLayer.SoftmaxMode m, int bits) {
            return new Options(method, percentile, m, m == EncoderLayer.SoftmaxMode.LOG2 ? 16 : bits);
        }

        public String describe() {
            return method == Method.MAX ? "max" : String.format(Locale.ROOT, "percentile %s", percentile);
        }
    }

    /** Cosine of integer vs float activations over all calibration images, per compared tensor. */
    public record Cosine(String tensor, double cosine) {
    }

    /**
     * @param model      the integer model
     * @param cosines    embedding, each layer's output, final norm, logits
     * @param images     calibration images
     * @param top1       images whose integer top-1 class equals the float top-1
     * @param top5       images whose integer top-5 set equals the float top-5 set (as sets)
     * @param top1InTop5 images whose float top-1 class is among the integer top-5
     * @param top5Overlap mean size of the intersection of the two top-5 sets, over 5
     */
    public record Result(VitModel model, List<Cosine> cosines, int images, int top1, int top5, int top1InTop5,
            double top5Overlap) {
        /** The per-layer and agreement lines the command prints. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%-12s %s%n", "tensor", "cosine(integer, float)"));
            for (Cosine c : cosines) {
                sb.append(String.format(Locale.ROOT, "%-12s %.6f%n", c.tensor(), c.cosine()));
            }
            sb.append(String.format(Locale.ROOT, "top-1 agreement: %d/%d (%.1f %%)%n", top1, images, 100.0 * top1 / images));
            sb.append(String.format(Locale.ROOT, "top-5 agreement: same set %d/%d (%.1f %%), float top-1 in integer"
                    + " top-5 %d/%d (%.1f %%), mean overlap %.3f%n", top5, images, 100.0 * top5 / images, top1InTop5,
                    images, 100.0 * top1InTop5 / images, top5Overlap));
            return sb.toString();
        }
    }

    /** Histogram bins of the percentile estimate (resolution: max / 4096). */
    private static final int BINS = 4096;

    /** Per-tensor statistics of one image, folded into the running value over images. */
    private static final class Stats implements FloatVit.Observer {
        private final Options options;
        private final int depth;
        /** [point][block + 1] -> value over the images so far */
        final Map<Point, double[]> byPoint = new EnumMap<>(Point.class);
        /** the current image's values, [point][block + 1] -> list of tensors' contributions */
        private final Map<Point, List<double[][]>[]> current = new EnumMap<>(Point.class);

        Stats(Options options, int depth) {
            this.options = options;
            this.depth = depth;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void observe(Point point, int block, double[][] values) {
            // percentile needs the whole tensor of this image: the attention scores arrive one head
            // at a time, so keep copies until the image ends (values are valid only during the call)
            List<double[][]>[] slots = current.computeIfAbsent(point, p -> new List[depth + 2]);
            if (slots[block + 1] == null) {
                slots[block + 1] = new ArrayList<>();
            }
            double[][] copy = new double[values.length][];
            for (int i = 0; i < values.length; i++) {
                copy[i] = values[i].clone();
            }
            slots[block + 1].add(copy);
        }

        void endImage() {
            for (Map.Entry<Point, List<double[][]>[]> e : current.entrySet()) {
                double[] acc = byPoint.computeIfAbsent(e.getKey(), p -> new double[depth + 2]);
                boolean int16 = e.getKey() == Point.EMBED || e.getKey() == Point.RES1 || e.getKey() == Point.OUT;
                for (int b = 0; b < e.getValue().length; b++) {
                    List<double[][]> parts = e.getValue()[b];
                    if (parts == null) {
                        continue;
                    }
                    double v = int16 || options.method() == Method.MAX ? maxAbs(parts) : percentile(parts,
                            options.percentile());
                    acc[b] = Math.max(acc[b], v);
                }
            }
            current.clear();
        }

        double get(Point p, int block) {
            double[] v = byPoint.get(p);
            return v == null ? 0 : v[block + 1];
        }
    }

    static double maxAbs(List<double[][]> parts) {
        double m = 0;
        for (double[][] t : parts) {
            for (double[] row : t) {
                for (double v : row) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m;
    }

    /** The p-th percentile of |x| from a histogram of BINS bins over [0, max]: the upper edge of its bin. */
    static double percentile(List<double[][]> parts, double p) {
        double max = maxAbs(parts);
        if (max == 0) {
            return 0;
        }
        long[] hist = new long[BINS];
        long n = 0;
        for (double[][] t : parts) {
            for (double[] row : t) {
                for (double v : row) {
                    int bin = (int) Math.min(BINS - 1, Math.floor(Math.abs(v) / max * BINS));
                    hist[bin]++;
                    n++;
                }
            }
        }
        long want = (long) Math.ceil(p / 100.0 * n);
        long seen = 0;
        for (int i = 0; i < BINS; i++) {
            seen += hist[i];
            if (seen >= want) {
                return max * (i + 1) / BINS;
            }
        }
        return max;
    }

    /**
     * Calibrates on {@code images} (3 x S x S, normalized), builds the integer model, then runs both
     * models on the same images and measures their agreement.
     *
     * @throws ModelException when a calibrated scale is zero or the model cannot be expressed
     *                        (a constant out of range), naming the tensor
     */
    public static Result quantize(FloatVit.Weights w, List<double[][][]> images, Options options,
            java.util.function.Consumer<String> progress) throws ModelException {
        if (images.isEmpty()) {
            throw new ModelException("no calibration images");
        }
        VitGeometry g = w.geometry();
        Stats stats = new Stats(options, g.depth());
        List<FloatVit.Result> floats = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < images.size(); i++) {
            floats.add(FloatVit.forward(w, images.get(i), stats));
            stats.endImage();
            if (progress != null && (i == 0 || (i + 1) % 8 == 0 || i + 1 == images.size())) {
                progress.accept(String.format(Locale.ROOT, "calibration: %d/%d images (%.1f s)", i + 1,
                        images.size(), (System.nanoTime() - t0) / 1e9));
            }
        }
        VitModel model = build(w, stats, options);
        return measure(model, images, floats, progress, t0);
    }

    /** Calibration only: the integer model, without the agreement run (tests, model new). */
    public static VitModel calibrate(FloatVit.Weights w, List<double[][][]> images, Options options) throws ModelException {
        if (images.isEmpty()) {
            throw new ModelException("no calibration images");
        }
        Stats stats = new Stats(options, w.geometry().depth());
        for (double[][][] img : images) {
            FloatVit.forward(w, img, stats);
            stats.endImage();
        }
        return build(w, stats, options);
    }

    /**
     * Agreement of an integer model with its float twin (its own dequantized weights), e.g. for an
     * I-ViT checkpoint, which has no separate float model.
     */
    public static Result compareWithTwin(VitModel model, List<double[][][]> images,
            java.util.function.Consumer<String> progress) {
        FloatVit.Weights twin = model.floatWeights();
        List<FloatVit.Result> floats = new ArrayList<>();
        long t0 = System.nanoTime();
        for (double[][][] img : images) {
            floats.add(FloatVit.forward(twin, img, null));
        }
        return measure(model, images, floats, progress, t0);
    }

    private static Result measure(VitModel model, List<double[][][]> images, List<FloatVit.Result> floats,
            java.util.function.Consumer<String> progress, long t0) {
        VitGeometry g = model.geometry();
        // agreement: the integer model on the int8 images against the float model on the real ones
        double[][] sums = new double[g.depth() + 3][3];
        int top1 = 0;
        int top5 = 0;
        int inTop5 = 0;
        double overlap = 0;
        for (int i = 0; i < images.size(); i++) {
            long[][][] q = EvalImages.quantize(images.get(i), model.scales().image());
            VitModel.Trace tr = model.trace(q);
            FloatVit.Result fr = floats.get(i);
            accumulate(sums[0], tr.embed(), model.scales().layers().get(0).in(), fr.embed());
            for (int b = 0; b < g.depth(); b++) {
                accumulate(sums[b + 1], tr.blocks().get(b), model.scales().layers().get(b).out(), fr.blocks().get(b));
            }
            accumulate(sums[g.depth() + 1], new long[][] {tr.norm()}, model.scales().norm(), new double[][] {fr.norm()});
            accumulate(sums[g.depth() + 2], new long[][] {tr.logits()}, 1.0, new double[][] {fr.logits()});
            int[] it = VitModel.topK(tr.logits(), 5);
            int[] ft = VitModel.topK(fr.logits(), 5);
            top1 += it[0] == ft[0] ? 1 : 0;
            int common = 0;
            for (int a : it) {
                for (int b : ft) {
                    common += a == b ? 1 : 0;
                }
                inTop5 += a == ft[0] ? 1 : 0;
            }
            top5 += common == it.length ? 1 : 0;
            overlap += (double) common / it.length;
            if (progress != null && ((i + 1) % 8 == 0 || i + 1 == images.size())) {
                progress.accept(String.format(Locale.ROOT, "integer model: %d/%d images (%.1f s)", i + 1,
                        images.size(), (System.nanoTime() - t0) / 1e9));
            }
        }
        List<Cosine> cos = new ArrayList<>();
        cos.add(new Cosine("embed", cosine(sums[0])));
        for (int b = 0; b < g.depth(); b++) {
            cos.add(new Cosine("block " + b, cosine(sums[b + 1])));
        }
        cos.add(new Cosine("norm", cosine(sums[g.depth() + 1])));
        cos.add(new Cosine("logits", cosine(sums[g.depth() + 2])));
        return new Result(model, cos, images.size(), top1, top5, inTop5, overlap / images.size());
    }

    private static void accumulate(double[] s, long[][] q, double scale, double[][] f) {
        for (int i = 0; i < q.length; i++) {
            for (int j = 0; j < q[i].length; j++) {
                double a = q[i][j] * scale;
                double b = f[i][j];
                s[0] += a * b;
                s[1] += a * a;
                s[2] += b * b;
            }
        }
    }

    private static double cosine(double[] s) {
        return s[1] == 0 || s[2] == 0 ? (s[1] == s[2] ? 1 : 0) : s[0] / Math.sqrt(s[1] * s[2]);
    }

    private static VitModel build(FloatVit.Weights w, Stats st, Options o) throws ModelException {
        VitGeometry g = w.geometry();
        List<String> problems = new ArrayList<>();
        List<EncoderLayer.Params> layers = new ArrayList<>();
        List<EncoderLayer.Scales> scales = new ArrayList<>();
        double in = scale(st, Point.EMBED, -1, 32767, "embed", problems);
        for (int b = 0; b < g.depth(); b++) {
            FloatVit.Block p = w.blocks().get(b);
            layers.add(new EncoderLayer.Params(norm(p.norm1()), linear(p.qkv()), linear(p.proj()), norm(p.norm2()),
                    linear(p.fc1()), linear(p.fc2())));
            String at = "block " + b + " ";
            double fc1 = Math.max(scale(st, Point.FC1, b, 127, at + "fc1 output", problems),
                    1.0 / (1.702 * ShiftGelu.MAX_X) * (1 + 1e-9));
            EncoderLayer.Scales s = new EncoderLayer.Scales(in, scale(st, Point.LN1, b, 127, at + "norm1 output", problems),
                    scale(st, Point.QKV, b, 127, at + "qkv output", problems),
                    scale(st, Point.ATTN, b, 127, at + "attention scores", problems),
                    scale(st, Point.CTX, b, 127, at + "attention output", problems),
                    scale(st, Point.RES1, b, 32767, at + "first residual", problems),
                    scale(st, Point.LN2, b, 127, at + "norm2 output", problems), fc1,
                    scale(st, Point.GELU, b, 127, at + "GELU output", problems),
                    scale(st, Point.OUT, b, 32767, at + "output", problems));
            scales.add(s);
            in = s.out();
        }
        double norm = scale(st, Point.NORM, -1, 127, "final norm output", problems);
        if (!problems.isEmpty()) {
            throw new ModelException(problems);
        }
        FloatVit.Linear pe = w.patch();
        EncoderLayer.Linear pl = linear(pe);
        // head: one scale for the whole tensor (docs/arithmetic.md section 10)
        double hmax = 0;
        for (float[] row : w.head().w()) {
            for (float v : row) {
                hmax = Math.max(hmax, Math.abs(v));
            }
        }
        double hs = hmax == 0 ? 1 : hmax / 127;
        long[][] hw = new long[w.head().in()][w.head().out()];
        for (int r = 0; r < hw.length; r++) {
            for (int j = 0; j < hw[r].length; j++) {
                hw[r][j] = Math.max(-127, Math.min(127, (long) Math.rint(w.head().w()[r][j] / hs)));
            }
        }
        VitModel.Params params = new VitModel.Params(
                new VitModel.Embed(pl.w(), pl.wScale(), pl.bias(), w.cls(), w.pos()), layers, norm(w.norm()),
                new VitModel.Head(hw, hs, w.head().b()));
        try {
            return new VitModel(g, params, new VitModel.Scales(EvalImages.IMAGE_SCALE, scales, norm), o.mode(),
                    o.softmaxBits());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ModelException("the quantized model cannot be expressed in integers: " + e.getMessage());
        }
    }

    private static double scale(Stats st, Point p, int block, int qmax, String what, List<String> problems) {
        double v = st.get(p, block);
        if (!(v > 0) || !Double.isFinite(v)) {
            problems.add(what + ": the calibration images give a range of " + v + "; no scale can be chosen");
            return 1;
        }
        return v / qmax;
    }

    private static EncoderLayer.Norm norm(FloatVit.Norm n) {
        return new EncoderLayer.Norm(n.gamma(), n.beta());
    }

    /** Per-output-channel int8 weights, max |w| / 127 (an all-zero channel gets scale 1). */
    static EncoderLayer.Linear linear(FloatVit.Linear l) {
        int k = l.in();
        int n = l.out();
        double[] scale = new double[n];
        for (int r = 0; r < k; r++) {
            float[] row = l.w()[r];
            for (int j = 0; j < n; j++) {
                scale[j] = Math.max(scale[j], Math.abs(row[j]));
            }
        }
        for (int j = 0; j < n; j++) {
            scale[j] = scale[j] == 0 ? 1 : scale[j] / 127;
        }
        long[][] q = new long[k][n];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < n; j++) {
                q[r][j] = Math.max(-127, Math.min(127, (long) Math.rint(l.w()[r][j] / scale[j])));
            }
        }
        return new EncoderLayer.Linear(q, scale, l.b());
    }
}
