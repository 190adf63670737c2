package joule.ebm.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Locale;
import joule.ebm.apply.DetectionMetrics;
import joule.tensor.Tensor;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Pictures of {@code score}, {@code denoise} and {@code inpaint}: an ROC curve, and rows of images one above another. */
final class ApplicationPlots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ApplicationPlots() {
    }

    /** The ROC curve with the chance diagonal, titled with the AUROC, 560×560. */
    static BufferedImage roc(DetectionMetrics.Roc roc, DetectionMetrics.Report report, String title) {
        XYChart chart = new XYChartBuilder().width(Plots.PANEL).height(Plots.PANEL).title(title)
                .xAxisTitle("false-positive rate").yAxisTitle("true-positive rate").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY).setLineWidth(1f);
        XYSeries curve = chart.addSeries(String.format(Locale.ROOT, "AUROC %.4f [%.4f, %.4f]", report.auroc().estimate(),
                report.auroc().lo(), report.auroc().hi()), roc.falsePositiveRate(), roc.truePositiveRate());
        curve.setMarker(SeriesMarkers.NONE).setLineColor(new Color(40, 90, 170)).setLineWidth(2f);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Rows of images, one {@code [n, H·W]} tensor (values in {@code [−1, 1]}) per row of the picture, the first
     * {@code columns} images of each (padded with black when there are fewer images than rows), drawn by
     * {@link Plots#imageGrid}.
     */
    static BufferedImage imageRows(int side, int columns, Tensor... rows) {
        Tensor[] parts = new Tensor[rows.length];
        int count = Math.min(columns, rows[0].size(0));
        int width = Math.max(count, rows.length);   // imageGrid draws at most width² images
        for (int i = 0; i < rows.length; i++) {
            Tensor row = rows[i].narrow(0, 0, count);
            parts[i] = width == count ? row : Tensor.cat(0, row, row.scalarLike(-1).expand(width - count, row.size(1)));
        }
        return Plots.imageGrid(Tensor.cat(0, parts), side, width);
    }
}
