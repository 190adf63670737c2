package joule.ebm.metrics;

import joule.tensor.DType;
import joule.tensor.Tensor;

/**
 * An axis-aligned rectangle {@code [xMin, xMax] × [yMin, yMax]} of the plane, cut into a regular
 * grid of {@code cells × cells} cells for the 2-D grid metrics. Cell {@code (i, j)} covers
 * {@code [xMin + iΔx, xMin + (i+1)Δx) × [yMin + jΔy, yMin + (j+1)Δy)} with
 * {@code Δx = (xMax − xMin)/cells}, {@code Δy = (yMax − yMin)/cells}; flat index {@code i·cells + j}
 * (x is the slow axis).
 */
public record Box(double xMin, double xMax, double yMin, double yMax) {
    /** Checks that the bounds are finite with {@code xMin < xMax} and {@code yMin < yMax}. */
    public Box {
        if (!(xMin < xMax) || !(yMin < yMax) || !Double.isFinite(xMax - xMin) || !Double.isFinite(yMax - yMin)) {
            throw new IllegalArgumentException("Box: need finite xMin < xMax and yMin < yMax, got [" + xMin + ", "
                    + xMax + "] × [" + yMin + ", " + yMax + "]");
        }
    }

    /** The square {@code [−half, half]²}. */
    public static Box square(double half) {
        return new Box(-half, half, -half, half);
    }

    /** Area of one cell of a {@code cells × cells} grid. */
    public double cellArea(int cells) {
        checkCells("cellArea", cells);
        return (xMax - xMin) / cells * ((yMax - yMin) / cells);
    }

    /** The cell centres {@code [cells², 2]} in flat-index order. */
    public Tensor cellCentres(int cells, DType dtype) {
        checkCells("cellCentres", cells);
        double dx = (xMax - xMin) / cells;
        double dy = (yMax - yMin) / cells;
        double[] out = new double[2 * cells * cells];
        for (int i = 0; i < cells; i++) {
            for (int j = 0; j < cells; j++) {
                int k = i * cells + j;
                out[2 * k] = xMin + (i + 0.5) * dx;
                out[2 * k + 1] = yMin + (j + 0.5) * dy;
            }
        }
        return Tensor.of(dtype, out, cells * cells, 2);
    }

    /**
     * Flat index of the cell holding {@code (x, y)}, or −1 outside the box; points on the upper
     * edges {@code x = xMax} or {@code y = yMax} belong to the last cells.
     */
    public int cellOf(double x, double y, int cells) {
        if (!(x >= xMin && x <= xMax && y >= yMin && y <= yMax)) {
            return -1;
        }
        int i = Math.min((int) ((x - xMin) / (xMax - xMin) * cells), cells - 1);
        int j = Math.min((int) ((y - yMin) / (yMax - yMin) * cells), cells - 1);
        return i * cells + j;
    }

    static void checkCells(String op, int cells) {
        if (cells < 1 || cells > 4096) {
            throw new IllegalArgumentException(op + ": cells per axis must be in 1..4096, got " + cells);
        }
    }
}
