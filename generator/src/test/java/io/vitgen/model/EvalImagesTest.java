package io.vitgen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalImagesTest {

    @TempDir
    Path dir;

    @Test
    void aUniformPictureNormalizesToTheImageNetFormula() {
        BufferedImage img = new BufferedImage(300, 260, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 260; y++) {
            for (int x = 0; x < 300; x++) {
                img.setRGB(x, y, (200 << 16) | (100 << 8) | 50);
            }
        }
        double[][][] t = EvalImages.transform(img, 224);
        assertEquals(224, t[0].length);
        assertEquals(224, t[0][0].length);
        int[] rgb = {200, 100, 50};
        for (int c = 0; c < 3; c++) {
            double expected = (rgb[c] / 255.0 - EvalImages.MEAN[c]) / EvalImages.STD[c];
            assertEquals(expected, t[c][0][0], 1e-12);
            assertEquals(expected, t[c][223][223], 1e-12);
        }
    }

    @Test
    void imageScaleHoldsEveryPixelAndInt8UsesRne() {
        assertEquals((1 - 0.406) / 0.225 / 127, EvalImages.IMAGE_SCALE, 1e-15);
        double s = EvalImages.IMAGE_SCALE;
        long[][][] q = EvalImages.quantize(new double[][][] {{{0.5 * s, 1.5 * s, -2.5 * s, 2.64, -2.2}}}, s);
        assertArrayEquals(new long[] {0, 2, -2, 127, -106}, q[0][0]);
    }

    @Test
    void resizeKeepsAConstantAndCentreCropsAStripe() {
        double[][] src = new double[40][60];
        for (double[] r : src) {
            java.util.Arrays.fill(r, 77);
        }
        double[][] out = EvalImages.resize(src, 25, 17);
        for (double[] r : out) {
            for (double v : r) {
                assertEquals(77, v, 1e-9);
            }
        }
        // a picture twice as wide: the crop keeps the middle; a stripe at the far left disappears
        BufferedImage img = new BufferedImage(496, 248, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 248; y++) {
            for (int x = 0; x < 496; x++) {
                img.setRGB(x, y, x < 100 ? 0xffffff : 0);
            }
        }
        double[][][] t = EvalImages.transform(img, 224);
        double black = (0 - EvalImages.MEAN[0]) / EvalImages.STD[0];
        assertEquals(black, t[0][100][0], 1e-12);
    }

    @Test
    void picturesReadFromPngAndJpegAndNonPicturesAreRefused() throws Exception {
        BufferedImage img = EvalImages.synthetic(3, 200, 180);
        Path png = dir.resolve("a.png");
        Path jpg = dir.resolve("b.jpg");
        ImageIO.write(img, "png", png.toFile());
        ImageIO.write(img, "jpeg", jpg.toFile());
        BufferedImage back = EvalImages.read(png);
        assertEquals(img.getRGB(17, 33), back.getRGB(17, 33));
        assertEquals(200, EvalImages.read(jpg).getWidth());
        Files.writeString(dir.resolve("c.png"), "not a picture");
        ModelException e = assertThrows(ModelException.class, () -> EvalImages.read(dir.resolve("c.png")));
        assertTrue(e.getMessage().contains("not a picture"), e.getMessage());
        assertEquals(3, EvalImages.list(dir).size());
        assertThrows(ModelException.class, () -> EvalImages.list(dir.resolve("a.png")));
    }

    @Test
    void syntheticPicturesDependOnTheSeedOnly() {
        BufferedImage a = EvalImages.synthetic(9, 64, 64);
        BufferedImage b = EvalImages.synthetic(9, 64, 64);
        BufferedImage c = EvalImages.synthetic(10, 64, 64);
        boolean differ = false;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(a.getRGB(x, y), b.getRGB(x, y));
                differ |= a.getRGB(x, y) != c.getRGB(x, y);
            }
        }
        assertTrue(differ);
    }
}
