package io.vitgen.model;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * Pictures in, int8 images out: the standard ImageNet evaluation transform of DeiT/timm (resize
 * the shorter side to floor(image / 0.9) = 248 for 224 with an antialiased bicubic filter, centre
 * crop to image x image, scale to [0, 1], subtract the ImageNet mean and divide by its standard
 * deviation), then int8 at the fixed scale {@link #IMAGE_SCALE} that holds every possible pixel.
 * Also seeded synthetic pictures for calibration without a data set.
 */
public final class EvalImages {
    private EvalImages() {
    }

    /** ImageNet channel means and standard deviations (RGB). */
    public static final double[] MEAN = {0.485, 0.456, 0.406};
    public static final double[] STD = {0.229, 0.224, 0.225};

    /** Centre-crop ratio of DeiT's evaluation (224 / 0.9 = 248.9 -> resize to 248). */
    public static final double CROP_RATIO = 0.9;

    /**
     * Scale of the int8 pixels: the largest normalized value any pixel can take, (1 - 0.406) / 0.225
     * = 2.64, over 127; so no pixel saturates and every image shares one scale.
     */
    public static final double IMAGE_SCALE = maxNormalized() / 127.0;

    private static double maxNormalized() {
        double m = 0;
        for (int c = 0; c < 3; c++) {
            m = Math.max(m, Math.max(MEAN[c] / STD[c], (1 - MEAN[c]) / STD[c]));
        }
        return m;
    }

    /** Reads a PNG/JPEG/BMP/GIF picture (clear error when it is not one). */
    public static BufferedImage read(Path file) throws ModelException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ModelException(file + ": cannot read the picture: " + e.getMessage());
        }
        if (img == null) {
            throw new ModelException(file + ": not a picture Java's ImageIO reads (PNG, JPEG, BMP, GIF)");
        }
        if (img.getWidth() < 1 || img.getHeight() < 1) {
            throw new ModelException(file + ": empty picture");
        }
        return img;
    }

    /** The picture files of a folder (png, jpg, jpeg, bmp, gif), sorted by name. */
    public static List<Path> list(Path dir) throws ModelException {
        if (!Files.isDirectory(dir)) {
            throw new ModelException(dir + ": not a folder of pictures");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = new ArrayList<>(s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg")
                        || n.endsWith(".bmp") || n.endsWith(".gif"));
            }).sorted().toList());
            if (files.isEmpty()) {
                throw new ModelException(dir + ": no pictures (.png, .jpg, .jpeg, .bmp, .gif) in this folder");
            }
            return files;
        } catch (IOException e) {
            throw new ModelException(dir + ": cannot list: " + e.getMessage());
        }
    }

    /** The evaluation transform: 3 x size x size normalized values. */
    public static double[][][] transform(BufferedImage img, int size) {
        int w = img.getWidth();
        int h = img.getHeight();
        int shorter = (int) Math.floor(size / CROP_RATIO);
        int nw;
        int nh;
        if (w <= h) {
            nw = shorter;
            nh = (int) ((long) shorter * h / w);
        } else {
            nh = shorter;
            nw = (int) ((long) shorter * w / h);
        }
        double[][][] rgb = new double[3][h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                rgb[0][y][x] = (p >> 16) & 0xff;
                rgb[1][y][x] = (p >> 8) & 0xff;
                rgb[2][y][x] = p & 0xff;
            }
        }
        int top = (int) Math.rint((nh - size) / 2.0);
        int left = (int) Math.rint((nw - size) / 2.0);
        double[][][] out = new double[3][size][size];
        for (int c = 0; c < 3; c++) {
            double[][] resized = resize(rgb[c], nw, nh);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double v = Math.max(0, Math.min(255, Math.rint(resized[top + y][left + x])));
                    out[c][y][x] = (v / 255.0 - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    /** int8 pixels: RNE(x / IMAGE_SCALE), saturated (never needed for transformed pictures). */
    public static long[][][] quantize(double[][][] image, double scale) {
        long[][][] q = new long[image.length][][];
        for (int c = 0; c < image.length; c++) {
            q[c] = new long[image[c].length][];
            for (int y = 0; y < image[c].length; y++) {
                q[c][y] = new long[image[c][y].length];
                for (int x = 0; x < image[c][y].length; x++) {
                    q[c][y][x] = Math.max(-128, Math.min(127, (long) Math.rint(image[c][y][x] / scale)));
                }
            }
        }
        return q;
    }

    /** The real values of int8 pixels. */
    public static double[][][] dequantize(long[][][] q, double scale) {
        double[][][] d = new double[q.length][][];
        for (int c = 0; c < q.length; c++) {
            d[c] = new double[q[c].length][];
            for (int y = 0; y < q[c].length; y++) {
                d[c][y] = new double[q[c][y].length];
                for (int x = 0; x < q[c][y].length; x++) {
                    d[c][y][x] = q[c][y][x] * scale;
                }
            }
        }
        return d;
    }

    /**
     * Separable resampling with the bicubic kernel (a = -0.5), widened by the scale factor when
     * shrinking (antialiasing, as PIL does); edge pixels are clamped.
     */
    static double[][] resize(double[][] src, int nw, int nh) {
        int h = src.length;
        int w = src[0].length;
        double[][] tmp = new double[h][nw];
        Taps tx = taps(w, nw);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < nw; x++) {
                double acc = 0;
                for (int i = 0; i < tx.index[x].length; i++) {
                    acc += src[y][tx.index[x][i]] * tx.weight[x][i];
                }
                tmp[y][x] = acc;
            }
        }
        double[][] out = new double[nh][nw];
        Taps ty = taps(h, nh);
        for (int y = 0; y < nh; y++) {
            for (int i = 0; i < ty.index[y].length; i++) {
                double wt = ty.weight[y][i];
                double[] row = tmp[ty.index[y][i]];
                for (int x = 0; x < nw; x++) {
                    out[y][x] += row[x] * wt;
                }
            }
        }
        return out;
    }

    private record Taps(int[][] index, double[][] weight) {
    }

    private static Taps taps(int in, int out) {
        double scale = (double) in / out;
        double support = 2.0 * Math.max(scale, 1.0);
        double stretch = Math.max(scale, 1.0);
        int[][] idx = new int[out][];
        double[][] wt = new double[out][];
        for (int o = 0; o < out; o++) {
            double centre = (o + 0.5) * scale;
            int lo = (int) Math.floor(centre - support);
            int hi = (int) Math.ceil(centre + support);
            int count = hi - lo + 1;
            idx[o] = new int[count];
            wt[o] = new double[count];
            double sum = 0;
            for (int i = 0; i < count; i++) {
                int j = lo + i;
                double v = cubic((j + 0.5 - centre) / stretch);
                idx[o][i] = Math.max(0, Math.min(in - 1, j));
                wt[o][i] = v;
                sum += v;
            }
            for (int i = 0; i < count; i++) {
                wt[o][i] /= sum;
            }
        }
        return new Taps(idx, wt);
    }

    private static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    /**
     * A seeded synthetic picture: a two-colour gradient with a dozen filled shapes, lines and pixel
     * noise - natural-image-like statistics (smooth areas, edges, all colours) for calibration
     * when no pictures are given. Drawn without antialiasing, so the pixels depend on the seed only.
     */
    public static BufferedImage synthetic(long seed, int width, int height) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setPaint(new GradientPaint(0, 0, color(r), width * r.nextFloat(), height, color(r)));
        g.fillRect(0, 0, width, height);
        int shapes = 6 + r.nextInt(10);
        for (int i = 0; i < shapes; i++) {
            g.setColor(color(r));
            int x = r.nextInt(width);
            int y = r.nextInt(height);
            int w = 8 + r.nextInt(width / 2);
            int h = 8 + r.nextInt(height / 2);
            switch (r.nextInt(4)) {
                case 0 -> g.fillOval(x - w / 2, y - h / 2, w, h);
                case 1 -> g.fillRect(x - w / 2, y - h / 2, w, h);
                case 2 -> g.fillPolygon(new int[] {x, x + w, x - w / 2}, new int[] {y - h, y + h / 2, y + h}, 3);
                default -> {
                    g.setStroke(new java.awt.BasicStroke(1 + r.nextInt(6)));
                    g.drawLine(x, y, r.nextInt(width), r.nextInt(height));
                }
            }
        }
        g.dispose();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = img.getRGB(x, y);
                int n = (int) Math.round(r.nextGaussian() * 6);
                int rr = clamp(((p >> 16) & 0xff) + n);
                int gg = clamp(((p >> 8) & 0xff) + n);
                int bb = clamp((p & 0xff) + n);
                img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
            }
        }
        return img;
    }

    private static Color color(Random r) {
        return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
