package joule.ebm.metrics;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Blocked sums of functions of pairwise squared distances, in float64, for the sample metrics. */
final class Pairwise {
    /** Elements per block of the distance matrix (32 MiB of float64). */
    static final long DEFAULT_BLOCK = 1L << 22;

    private Pairwise() {
    }

    /** Checks a sample {@code [n, d]} with at least {@code minRows} rows and finite values; returns it as float64. */
    static Tensor sample(String op, String name, Tensor t, int minRows) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException(op + ": " + name + " must be [n, d], got shape " + Shapes.format(t.shape()));
        }
        if (t.size(0) < minRows || t.size(1) < 1) {
            throw new IllegalArgumentException(op + ": " + name + " needs at least " + minRows
                    + " points of dimension ≥ 1, got shape " + Shapes.format(t.shape()));
        }
        Tensor x = t.to(DType.FLOAT64);
        double maxAbs = x.abs().max(new int[0], false).item();
        if (!Double.isFinite(maxAbs)) {
            throw new IllegalArgumentException(op + ": " + name + " has non-finite values (max |value| = " + maxAbs + ")");
        }
        return x;
    }

    static void sameDim(String op, Tensor x, Tensor y) {
        if (x.size(1) != y.size(1)) {
            throw new IllegalArgumentException(op + ": x " + Shapes.format(x.shape()) + " and y "
                    + Shapes.format(y.shape()) + " differ in dimension (" + x.size(1) + " ≠ " + y.size(1) + ")");
        }
        if (x.device() != y.device()) {
            throw new IllegalArgumentException(op + ": x on " + x.device() + " and y on " + y.device()
                    + " (move one with to(Device))");
        }
    }

    /** Row squared norms {@code [n, 1]}. */
    static Tensor rowSqNorms(Tensor a) {
        return a.square().sum(new int[] {1}, true);
    }

    /**
     * {@code ‖a_i − b_j‖² = ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j}, clamped at 0, {@code [m, n]};
     * {@code aa: [m, 1]}, {@code bbT: [1, n]}.
     */
    static Tensor sqDist(Tensor a, Tensor aa, Tensor b, Tensor bbT) {
        return aa.add(bbT).sub(a.matmul(b.mT()).mul(2)).maximum(aa.scalarLike(0));
    }

    /**
     * {@code Σ_{i,j} f(‖a_i − b_j‖²)} in row blocks of about {@code blockElements}; with
     * {@code excludeDiagonal} ({@code b} then being {@code a}) the sum over {@code i ≠ j}, computed
     * as twice the sum over {@code i < j}.
     */
    static double sum(Tensor a, Tensor b, boolean excludeDiagonal, UnaryOperator<Tensor> f, long blockElements) {
        int m = a.size(0);
        int n = b.size(0);
        Tensor aa = rowSqNorms(a);
        Tensor bbT = excludeDiagonal ? aa.mT() : rowSqNorms(b).mT();
        int rows = (int) Math.max(1, Math.min(m, blockElements / Math.max(1, n)));
        double total = 0;
        for (int i0 = 0; i0 < m; i0 += rows) {
            int c = Math.min(rows, m - i0);
            Tensor ai = a.narrow(0, i0, c);
            Tensor aai = aa.narrow(0, i0, c);
            if (!excludeDiagonal) {
                total += f.apply(sqDist(ai, aai, b, bbT)).sum().item();
                continue;
            }
            // Rows i0..i0+c against columns i0..i0+c (strict upper triangle) and i0+c..n (all).
            Tensor square = f.apply(sqDist(ai, aai, ai, bbT.narrow(1, i0, c)));
            total += 2 * square.mul(strictUpperMask(c).to(square.device())).sum().item();
            if (i0 + c < n) {
                total += 2 * f.apply(sqDist(ai, aai, b.narrow(0, i0 + c, n - i0 - c), bbT.narrow(1, i0 + c, n - i0 - c)))
                        .sum().item();
            }
        }
        return total;
    }

    /** 1 where {@code j > i}, else 0, {@code [c, c]} float64. */
    private static Tensor strictUpperMask(int c) {
        double[] mask = new double[c * c];
        for (int i = 0; i < c; i++) {
            Arrays.fill(mask, i * c + i + 1, (i + 1) * c, 1.0);
        }
        return Tensor.of(DType.FLOAT64, mask, c, c);
    }
}
