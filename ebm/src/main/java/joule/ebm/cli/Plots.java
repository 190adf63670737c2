package joule.ebm.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import joule.ebm.energy.Energy;
import joule.ebm.metrics.Box;
import joule.ebm.metrics.GridKl;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.Tensor;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The pictures of the command-line app: charts drawn with XChart (energy maps with samples, point
 * clouds, loss curves) and grids of 28×28 images drawn directly into a {@link BufferedImage}.
 */
final class Plots {
    /** Width and height of one square chart panel, in pixels. */
    static final int PANEL = 560;
    /** Cells per axis of an energy map. */
    static final int CELLS = 160;
    /** Log-density range of an energy map's colour scale, in nats below the maximum. */
    static final double NATS = 10;

    private static final Color SAMPLE = new Color(230, 50, 40);
    private static final Color DATA = new Color(40, 90, 170);
    /** Viridis at 0, ¼, ½, ¾ and 1. */
    private static final int[][] VIRIDIS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Why text can't be drawn here (no fonts installed), or null when it can; found once. */
    private static final String NO_TEXT = textProblem();

    private Plots() {
    }

    /**
     * Whether charts can be drawn: their titles and axes need a font, and a machine without any (a bare
     * container: no fontconfig, no fonts-dejavu-core) can't draw text at all.
     */
    static boolean canDraw() {
        return NO_TEXT == null;
    }

    /** Why charts can't be drawn, with what to install; only when {@link #canDraw()} is false. */
    static String whyNot() {
        return "no fonts are installed, so charts can't be drawn (" + NO_TEXT + "; install fontconfig and "
                + "fonts-dejavu-core)";
    }

    private static String textProblem() {
        BufferedImage probe = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            g.drawString("0", 0, 8);
            return null;
        } catch (Error | RuntimeException e) {   // the JDK's answer to "no fonts": Error("... No physical fonts found.")
            return String.valueOf(e.getMessage());
        } finally {
            g.dispose();
        }
    }

    /** The square shown for a 2-D model: its start Gaussian's mean ± 2.5 of its largest standard deviation. */
    static Box frame(RunConfig.StartSpec start) {
        double half = 2.5 * Math.max(start.std()[0], start.std()[1]);
        return new Box(start.mean()[0] - half, start.mean()[0] + half, start.mean()[1] - half, start.mean()[1] + half);
    }

    /**
     * The density {@code exp(−E)} normalised over {@code box} as a heat map (bright = low energy =
     * likely; the colour scale spans {@value #NATS} nats below the top), with {@code samples [n, 2]} over it;
     * the energy is evaluated on the samples' device.
     */
    static BufferedImage energyMap(Energy energy, Box box, Tensor samples, String title) {
        double[] logp = GridKl.logDensity(energy, box, CELLS, DType.FLOAT32, samples.device()).toDoubleArray();
        double top = Double.NEGATIVE_INFINITY;
        for (double v : logp) {
            top = Math.max(top, v);
        }
        BufferedImage heat = new BufferedImage(CELLS, CELLS, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < CELLS; i++) {
            for (int j = 0; j < CELLS; j++) {
                heat.setRGB(i, CELLS - 1 - j, viridis(1 + (logp[i * CELLS + j] - top) / NATS));
            }
        }
        XYChart chart = axes(box, title);
        double[][] xy = columns(samples);
        chart.addSeries("samples", xy[0], xy[1]).setMarkerColor(SAMPLE);
        chart.addAnnotation(new HeatMap(heat, box, xy));
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** The points {@code [n, 2]} as a scatter plot over {@code box}. */
    static BufferedImage scatter(Tensor points, Box box, String title) {
        XYChart chart = axes(box, title);
        double[][] xy = columns(points);
        chart.addSeries("data", xy[0], xy[1]).setMarkerColor(DATA);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** {@code left} and {@code right} side by side. */
    static BufferedImage beside(BufferedImage left, BufferedImage right) {
        BufferedImage out = new BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        return out;
    }

    /** The loss at every step and its moving average over 50 steps, 800×450. */
    static BufferedImage lossCurve(List<Trainer.StepRecord> steps, String title) {
        int n = steps.size();
        double[] x = new double[n];
        double[] loss = new double[n];
        double[] mean = new double[n];
        double sum = 0;
        int window = 50;
        for (int i = 0; i < n; i++) {
            x[i] = steps.get(i).step();
            loss[i] = steps.get(i).loss();
            sum += loss[i] - (i >= window ? loss[i - window] : 0);
            mean[i] = sum / Math.min(i + 1, window);
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle("step").yAxisTitle("loss")
                .build();
        XYStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setLegendPosition(Styler.LegendPosition.InsideNE);
        style.setXAxisMin(0.0);
        style.setXAxisDecimalPattern("0");
        XYSeries raw = chart.addSeries("loss", x, loss);
        raw.setMarker(SeriesMarkers.NONE).setLineColor(new Color(160, 185, 220)).setLineWidth(1f);
        XYSeries smooth = chart.addSeries("mean of " + window + " steps", x, mean);
        smooth.setMarker(SeriesMarkers.NONE).setLineColor(DATA).setLineWidth(2f);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * The first {@code cols × cols} rows of {@code images [n, side²]} (values in {@code [−1, 1]},
     * −1 black) as a grid, each pixel drawn 3×3, with 2-pixel blue gaps.
     */
    static BufferedImage imageGrid(Tensor images, int side, int cols) {
        int scale = 3;
        int gap = 2;
        int count = Math.min(images.size(0), cols * cols);
        int rows = (count + cols - 1) / cols;
        int cell = side * scale + gap;
        BufferedImage out = new BufferedImage(cols * cell + gap, rows * cell + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(DATA);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        double[] v = images.narrow(0, 0, count).toDoubleArray();
        for (int k = 0; k < count; k++) {
            for (int p = 0; p < side * side; p++) {
                int grey = (int) Math.round(Math.clamp((v[k * side * side + p] + 1) / 2, 0, 1) * 255);
                g.setColor(new Color(grey, grey, grey));
                g.fillRect(gap + (k % cols) * cell + (p % side) * scale, gap + (k / cols) * cell + (p / side) * scale,
                        scale, scale);
            }
        }
        g.dispose();
        return out;
    }

    private static XYChart axes(Box box, String title) {
        XYChart chart = new XYChartBuilder().width(PANEL).height(PANEL).title(title).xAxisTitle("x1").yAxisTitle("x2")
                .build();
        XYStyler style = chart.getStyler();
        style.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        style.setMarkerSize(3);
        style.setLegendVisible(false);
        style.setChartBackgroundColor(Color.WHITE);
        style.setXAxisMin(box.xMin());
        style.setXAxisMax(box.xMax());
        style.setYAxisMin(box.yMin());
        style.setYAxisMax(box.yMax());
        return chart;
    }

    /** The finite points of {@code [n, 2]} as x and y arrays. */
    private static double[][] columns(Tensor points) {
        double[] v = points.toDoubleArray();
        int n = 0;
        for (int i = 0; i < points.size(0); i++) {
            if (Double.isFinite(v[2 * i]) && Double.isFinite(v[2 * i + 1])) {
                v[2 * n] = v[2 * i];
                v[2 * n + 1] = v[2 * i + 1];
                n++;
            }
        }
        double[][] xy = new double[2][n];
        for (int i = 0; i < n; i++) {
            xy[0][i] = v[2 * i];
            xy[1][i] = v[2 * i + 1];
        }
        return xy;
    }

    /** Viridis at {@code t} (clamped to [0, 1]), as RGB. */
    private static int viridis(double t) {
        double u = Math.clamp(t, 0, 1) * (VIRIDIS.length - 1);
        int k = Math.min((int) u, VIRIDIS.length - 2);
        double f = u - k;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
            rgb = rgb << 8 | (int) Math.round(VIRIDIS[k][c] + f * (VIRIDIS[k + 1][c] - VIRIDIS[k][c]));
        }
        return rgb;
    }

    /**
     * The heat map stretched over its box in data coordinates, and the samples drawn over it.
     * XChart paints annotations after the series, so the samples are drawn here again on top.
     */
    private static final class HeatMap extends Annotation {
        private final BufferedImage image;
        private final Box box;
        private final double[][] samples;

        HeatMap(BufferedImage image, Box box, double[][] samples) {
            super(false);
            this.image = image;
            this.box = box;
            this.samples = samples;
        }

        @Override
        public void paint(Graphics2D g) {
            int x0 = getXAxisScreenValue(box.xMin());
            int x1 = getXAxisScreenValue(box.xMax());
            int y0 = getYAxisScreenValue(box.yMax());
            int y1 = getYAxisScreenValue(box.yMin());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, x0, y0, x1 - x0, y1 - y0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(SAMPLE);
            for (int i = 0; i < samples[0].length; i++) {
                double x = samples[0][i];
                double y = samples[1][i];
                if (x >= box.xMin() && x <= box.xMax() && y >= box.yMin() && y <= box.yMax()) {
                    g.fillOval(getXAxisScreenValue(x) - 2, getYAxisScreenValue(y) - 2, 4, 4);
                }
            }
            bounds = new Rectangle2D.Double(x0, y0, x1 - x0, y1 - y0);
        }
    }
}
