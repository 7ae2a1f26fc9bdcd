package io.vitgen.estimate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The sweep's plot: images/s against DSP (left) and LUT (right), one marker per point - grey when
 * the estimate does not fit the part, blue when it does, red and larger on the Pareto front.
 */
public final class SweepPlot {

    private SweepPlot() {
    }

    /** The plot as PNG bytes, {@code width} x {@code height} pixels. */
    public static byte[] png(Sweep.Result r, String title, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        NumberAxis ips = new NumberAxis("images/s (estimate)");
        CombinedRangeXYPlot plot = new CombinedRangeXYPlot(ips);
        plot.setGap(12);
        plot.add(panel(r, true), 1);
        plot.add(panel(r, false), 1);
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        long front = r.points().stream().filter(Sweep.Point::pareto).count();
        long fits = r.points().stream().filter(Sweep.Point::fits).count();
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%,d points, %,d fit %s, %,d on the Pareto front"
                + " (most images/s for the fewest DSP and LUT)", r.points().size(), fits,
                r.part() == null ? "(no part)" : r.part(), front), new Font("SansSerif", Font.PLAIN, 12)));
        BufferedImage img = chart.createBufferedImage(width, height);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static XYPlot panel(Sweep.Result r, boolean dsp) {
        XYSeries other = new XYSeries("does not fit", false, true);
        XYSeries fit = new XYSeries("fits the part", false, true);
        XYSeries front = new XYSeries("Pareto front", false, true);
        for (Sweep.Point p : r.points()) {
            double x = dsp ? p.dsps() : p.luts();
            (p.pareto() ? front : p.fits() ? fit : other).add(x, p.imagesPerSecond());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(other);
        data.addSeries(fit);
        data.addSeries(front);
        XYLineAndShapeRenderer ren = new XYLineAndShapeRenderer(false, true);
        ren.setSeriesPaint(0, new Color(170, 170, 170));
        ren.setSeriesShape(0, new Rectangle2D.Double(-2, -2, 4, 4));
        ren.setSeriesPaint(1, new Color(40, 90, 200));
        ren.setSeriesShape(1, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
        ren.setSeriesPaint(2, new Color(220, 30, 30));
        ren.setSeriesShape(2, new Ellipse2D.Double(-5, -5, 10, 10));
        ren.setSeriesStroke(2, new BasicStroke(2f));
        ren.setSeriesVisibleInLegend(0, dsp);
        ren.setSeriesVisibleInLegend(1, dsp);
        ren.setSeriesVisibleInLegend(2, dsp);
        NumberAxis x = new NumberAxis(dsp ? "DSP (estimate)" : "LUT (estimate)");
        x.setAutoRangeIncludesZero(true);
        XYPlot p = new XYPlot(data, x, null, ren);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(new Color(220, 220, 220));
        p.setRangeGridlinePaint(new Color(220, 220, 220));
        return p;
    }
}
