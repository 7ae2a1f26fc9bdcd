package io.vitgen.golden;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Error of every integer operator against its float reference on seeded random data of a model
 * shape, and of one whole encoder layer against its float twin. Errors are in units of the
 * operator's output LSB (the real value of one integer step).
 */
public final class AccuracyReport {

    /**
     * One operator's error.
     *
     * @param operator  name
     * @param elements  number of outputs compared
     * @param lsb       real value of one output step
     * @param maxErr    max |integer - reference| in LSB
     * @param meanErr   mean |integer - reference| in LSB
     * @param relErr    max abs error as a fraction of the reference's full scale (max |reference|)
     * @param reference what it was compared with
     */
    public record Row(String operator, long elements, double lsb, double maxErr, double meanErr, double relErr,
            String reference) {
    }

    /**
     * One encoder layer against its float twin.
     *
     * @param mode     softmax variant
     * @param cosine   cosine similarity of the outputs (real units)
     * @param maxErr   max abs error in real units
     * @param maxLsb   max abs error in output LSB (S_out)
     * @param meanLsb  mean abs error in output LSB
     * @param outMax   max |float output|
     * @param softmaxX X of the softmax
     * @param geluX    X of ShiftGELU
     */
    public record Layer(EncoderLayer.SoftmaxMode mode, double cosine, double maxErr, double maxLsb, double meanLsb,
            double outMax, long softmaxX, long geluX) {
    }

    private final ModelShape shape;
    private final long seed;
    private final List<Row> rows = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private double seconds;

    private AccuracyReport(ModelShape shape, long seed) {
        this.shape = shape;
        this.seed = seed;
    }

    public List<Row> rows() {
        return rows;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Runs every measurement. */
    public static AccuracyReport run(ModelShape shape, long seed) {
        long t0 = System.nanoTime();
        AccuracyReport r = new AccuracyReport(shape, seed);
        r.operators();
        for (EncoderLayer.SoftmaxMode mode : EncoderLayer.SoftmaxMode.values()) {
            r.layer(mode);
        }
        r.seconds = (System.nanoTime() - t0) / 1e9;
        return r;
    }

    /** Streaming mean/max of absolute errors. */
    private static final class Err {
        double max;
        double sum;
        double refMax;
        long count;

        /** Adds one comparison: integer output and reference, both in LSB. */
        void add(double got, double ref) {
            double a = Math.abs(got - ref);
            max = Math.max(max, a);
            refMax = Math.max(refMax, Math.abs(ref));
            sum += a;
            count++;
        }

        Row row(String op, double lsb, String ref) {
            return new Row(op, count, lsb, max, count == 0 ? 0 : sum / count, refMax == 0 ? 0 : max / refMax, ref);
        }
    }

    private void operators() {
        Random rnd = new Random(seed);
        int n = shape.tokens();
        int c = shape.channels();
        int hd = shape.headDim();

        // requant: int32 accumulators to int8 with ratios in [2^-12, 2^-11)
        Err rq = new Err();
        for (int i = 0; i < n * c; i++) {
            double ratio = Math.scalb(1.0, -12) * (1 + rnd.nextDouble());
            DyadicScale s = DyadicScale.fromRatio(ratio);
            long z = Math.round(rnd.nextGaussian() * 40 * 4096); // outputs of sd 40..80 LSB, some saturate
            double ref = Math.max(-128, Math.min(127, z * ratio));
            rq.add(s.apply(z, 8), ref);
        }
        rows.add(rq.row("requant (int32 -> int8)", 1, "sat(z * r), r the float ratio"));

        // scores for softmax: q k^T / sqrt(d) of N(0,1) vectors, int8 with max-abs scale
        long[][] scores = new long[shape.heads() * n][n];
        double sAttn;
        {
            double[][] sf = new double[shape.heads() * n][n];
            double max = 0;
            for (int h = 0; h < shape.heads(); h++) {
                double[][] q = gaussian(rnd, n, hd, 1.5);
                double[][] k = gaussian(rnd, n, hd, 1.5);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += q[i][d] * k[j][d];
                        }
                        sf[h * n + i][j] = dot / Math.sqrt(hd);
                        max = Math.max(max, Math.abs(sf[h * n + i][j]));
                    }
                }
            }
            sAttn = max / 127;
            for (int r = 0; r < sf.length; r++) {
                for (int j = 0; j < n; j++) {
                    scores[r][j] = Math.round(sf[r][j] / sAttn);
                }
            }
        }
        long x = ShiftExp.xFromScale(sAttn);

        Err se = new Err();
        for (long d = -255; d <= 0; d++) {
            se.add(ShiftExp.of(d, x, Shiftmax.N_HALVINGS), FloatReference.shiftExp(d, x, Shiftmax.N_HALVINGS));
        }
        rows.add(se.row("shiftexp (X = " + x + ", n = 15, d in [-255, 0])", 1, "X 2^15 exp(d / X)"));

        Err sm16 = new Err();
        Err sm8 = new Err();
        Err l2v = new Err();
        Err l2c = new Err();
        Err av = new Err();
        Err ie = new Err();
        PolyExp.Constants iexp = PolyExp.Constants.of(sAttn);
        long[][] v = new long[n][hd];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < hd; d++) {
                v[i][d] = rnd.nextInt(256) - 128;
            }
        }
        for (long[] row : scores) {
            double[] p = FloatReference.softmax(row, sAttn);
            long[] y16 = Shiftmax.apply(row, x, 16);
            long[] y8 = Shiftmax.apply(row, x, 8);
            Log2Softmax.Result lg = Log2Softmax.apply(row, x);
            long max = Long.MIN_VALUE;
            for (long s : row) {
                max = Math.max(max, s);
            }
            for (int i = 0; i < n; i++) {
                sm16.add(y16[i], p[i] * 32768);
                sm8.add(y8[i], p[i] * 128);
                double val = lg.zero()[i] ? 0 : Math.scalb(1.0, -lg.code()[i]);
                l2v.add(val * 32768, p[i] * 32768);
                if (!lg.zero()[i]) {
                    l2c.add(lg.code()[i], -FloatReference.log2(p[i]));
                }
                long e = PolyExp.apply(row[i] - max, iexp);
                ie.add(e, Math.exp((row[i] - max) * sAttn) / iexp.outputScale());
            }
            long[] acc = Log2Softmax.attentionTimesV(lg.code(), lg.zero(), v);
            for (int d = 0; d < hd; d++) {
                double ref = 0;
                for (int i = 0; i < n; i++) {
                    ref += p[i] * v[i][d];
                }
                av.add(acc[d], ref * 32768);
            }
        }
        rows.add(sm16.row("shiftmax b = 16 (X = " + x + ")", Math.scalb(1.0, -15), "softmax(x S_a)"));
        rows.add(sm8.row("shiftmax b = 8", Math.scalb(1.0, -7), "softmax(x S_a)"));
        rows.add(l2v.row("log2softmax value 2^-code", Math.scalb(1.0, -15), "softmax(x S_a)"));
        rows.add(l2c.row("log2softmax code (not flushed)", 1, "log2(1 / p)"));
        rows.add(av.row("attention x V by shifts", Math.scalb(1.0, -15), "sum p_i V_ij, V int8"));
        rows.add(ie.row("i-exp (S = S_a)", iexp.outputScale(), "exp(d S_a)"));

        // GELU input: FC1 outputs, N(0, 1.5^2) per element, int8 with max-abs scale (and int16 for i-GELU)
        double[][] gf = gaussian(rnd, n, shape.mlp(), 1.5);
        double gmax = EncoderLayer.maxAbs(gf);
        double sg = Math.max(gmax / 127, 1.0 / (1.702 * ShiftGelu.MAX_X) * (1 + 1e-9));
        long gx = ShiftGelu.xFromScale(sg);
        double sg16 = gmax / 32767;
        PolyGelu.Constants ig = PolyGelu.Constants.of(sg16);
        Err sgE = new Err();
        Err sgS = new Err();
        Err igE = new Err();
        for (double[] row : gf) {
            long[] q = new long[row.length];
            long[] q16 = new long[row.length];
            for (int j = 0; j < row.length; j++) {
                q[j] = Math.max(-128, Math.min(127, Math.round(row[j] / sg)));
                q16[j] = Math.round(row[j] / sg16);
            }
            long[] out = ShiftGelu.apply(q, gx);
            for (int j = 0; j < row.length; j++) {
                double lsb = sg / 128;
                sgE.add(out[j], FloatReference.gelu(q[j] * sg) / lsb);
                sgS.add(out[j], FloatReference.geluSigmoid(q[j] * sg) / lsb);
                igE.add(PolyGelu.apply(q16[j], ig), FloatReference.gelu(q16[j] * sg16) / ig.outputScale());
            }
        }
        rows.add(sgE.row("shiftgelu (X = " + gx + ")", sg / 128, "x Phi(x), erf GELU"));
        rows.add(sgS.row("shiftgelu", sg / 128, "x sigmoid(1.702 x)"));
        rows.add(igE.row("i-GELU (int16 input)", Math.abs(ig.outputScale()), "x Phi(x), erf GELU"));

        // LayerNorm: int16 rows with per-channel spread
        Err ln = new Err();
        Err ln8 = new Err();
        double lsbLn = Math.sqrt(c) / Math.scalb(1.0, 30);
        double[] spread = new double[c];
        for (int j = 0; j < c; j++) {
            spread[j] = 0.5 + 1.5 * rnd.nextDouble();
        }
        double[][] lf = new double[n][c];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < c; j++) {
                lf[t][j] = rnd.nextGaussian() * spread[j];
            }
        }
        double sRes = EncoderLayer.maxAbs(lf) / 32767;
        double s8 = 4.0 / 127; // LayerNorm outputs of N(0,1)-like rows rarely exceed 4
        DyadicScale to8 = DyadicScale.fromRatio(lsbLn / s8);
        long[] zeroBias = new long[c];
        for (double[] row : lf) {
            long[] q = new long[c];
            double[] qd = new double[c];
            for (int j = 0; j < c; j++) {
                q[j] = Math.round(row[j] / sRes);
                qd[j] = q[j];
            }
            long[] out = IntLayerNorm.apply(q, zeroBias);
            double[] ref = FloatReference.layerNorm(qd);
            for (int j = 0; j < c; j++) {
                ln.add(out[j], ref[j] / lsbLn);
                ln8.add(to8.apply(out[j], 8), Math.max(-128, Math.min(127, ref[j] / s8)));
            }
        }
        rows.add(ln.row("i-layernorm (C = " + c + ", int16 in)", lsbLn, "(x - mean) / std"));
        rows.add(ln8.row("i-layernorm + requant to int8", s8, "(x - mean) / std"));

        // GEMM (the qkv shape), exact
        long[][] a = randomInt8(rnd, n, c);
        long[][] w = randomInt8(rnd, c, 3 * c);
        long[][] acc = IntGemm.apply(a, w, null);
        double[][] ref = FloatReference.matmul(toDouble(a), toDouble(w), null);
        Err gm = new Err();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3 * c; j++) {
                gm.add(acc[i][j], ref[i][j]);
            }
        }
        rows.add(gm.row("gemm " + n + "x" + c + "x" + 3 * c + " (int8, int32 acc)", 1, "float64 product"));
    }

    private void layer(EncoderLayer.SoftmaxMode mode) {
        EncoderLayer.Calibrated cal = EncoderLayer.random(shape, seed, mode);
        double[][] ref = cal.runFloat();
        long[][] out = cal.runInteger();
        double[][] got = cal.layer().dequantizeOutput(out);
        double sOut = cal.layer().scales().out();
        double max = 0;
        double sum = 0;
        long count = 0;
        for (int i = 0; i < ref.length; i++) {
            for (int j = 0; j < ref[i].length; j++) {
                double e = Math.abs(got[i][j] - ref[i][j]);
                max = Math.max(max, e);
                sum += e;
                count++;
            }
        }
        layers.add(new Layer(mode, EncoderLayer.cosine(got, ref), max, max / sOut, sum / count / sOut,
                EncoderLayer.maxAbs(ref), cal.layer().softmaxX(), cal.layer().geluX()));
    }

    /** The report as text (Markdown tables). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "vitgen accuracy: seed %d, shape tokens=%d channels=%d heads=%d mlp=%d%n%n",
                seed, shape.tokens(), shape.channels(), shape.heads(), shape.mlp()));
        sb.append("Integer operators vs float references (error in output LSB)\n\n");
        sb.append("| operator | outputs | output LSB | max abs err [LSB] | mean abs err [LSB] | max err / full scale | reference |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.4g | %.4g | %.4g | %.2e | %s |%n", r.operator(),
                    r.elements(), r.lsb(), r.maxErr(), r.meanErr(), r.relErr(), r.reference()));
        }
        sb.append("\nOne encoder layer (random int8 weights, calibrated scales) vs its float twin\n\n");
        sb.append("| softmax | cosine similarity | max abs err | max err [LSB] | mean err [LSB] | max abs output | X softmax | X gelu |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Layer l : layers) {
            sb.append(String.format(Locale.ROOT, "| %s | %.6f | %.4g | %.4g | %.4g | %.4g | %d | %d |%n",
                    l.mode().name().toLowerCase(Locale.ROOT), l.cosine(), l.maxErr(), l.maxLsb(), l.meanLsb(),
                    l.outMax(), l.softmaxX(), l.geluX()));
        }
        sb.append(String.format(Locale.ROOT, "%nrun time %.1f s%n", seconds));
        return sb.toString();
    }

    private static double[][] gaussian(Random rnd, int rows, int cols, double sd) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = sd * rnd.nextGaussian();
            }
        }
        return m;
    }

    private static long[][] randomInt8(Random rnd, int rows, int cols) {
        long[][] m = new long[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = rnd.nextInt(256) - 128;
            }
        }
        return m;
    }

    private static double[][] toDouble(long[][] m) {
        double[][] d = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            d[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                d[i][j] = m[i][j];
            }
        }
        return d;
    }
}
