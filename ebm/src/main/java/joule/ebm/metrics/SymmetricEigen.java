package joule.ebm.metrics;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Eigen-decomposition {@code A = V diag(λ) Vᵀ} of a real symmetric matrix, in float64 on the host:
 * Householder reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson-type
 * shifts (EISPACK's {@code tred2} and {@code tql2}, Wilkinson and Reinsch, Handbook for Automatic
 * Computation II, 1971). {@code O(n³)}: a 256 × 256 matrix takes about 80 ms, its eigenvalues alone
 * 25 ms (one core).
 *
 * <p>Matrices are {@code n × n} row-major {@code double[]}; only the lower triangle of the input
 * is read. Eigenvalues come in ascending order, eigenvector {@code k} is column {@code k} of
 * {@code V}, and {@code V} is orthogonal to rounding.
 */
final class SymmetricEigen {
    /** QL sweeps allowed per eigenvalue before giving up (a handful is typical). */
    private static final int MAX_ITERATIONS_PER_VALUE = 60;

    /** Eigenvalues {@code [n]}, ascending, and eigenvectors as the columns of {@code vectors [n, n]} (row-major). */
    record Decomposition(int n, double[] values, double[] vectors) {
        /** {@code V f(Λ) Vᵀ}, row-major {@code [n, n]}: a function of the matrix. */
        double[] mapValues(DoubleUnaryOperator f) {
            double[] out = new double[n * n];
            double[] fv = new double[n];
            for (int k = 0; k < n; k++) {
                fv[k] = f.applyAsDouble(values[k]);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += vectors[i * n + k] * fv[k] * vectors[j * n + k];
                    }
                    out[i * n + j] = s;
                    out[j * n + i] = s;
                }
            }
            return out;
        }
    }

    private SymmetricEigen() {
    }

    /**
     * Decomposes the symmetric {@code n × n} matrix {@code a} (row-major; its lower triangle is
     * used, and it is not modified).
     *
     * @throws IllegalArgumentException if {@code a} is not {@code n × n} or holds a non-finite value
     * @throws ArithmeticException if the QL iteration does not converge (not seen on finite input)
     */
    static Decomposition decompose(double[] a, int n) {
        double[] v = symmetricCopy(a, n);
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalise(v, d, e, n, true);
        double[] vt = transpose(v, n);
        diagonalise(vt, d, e, n);
        sortAscending(vt, d, n);
        return new Decomposition(n, d, transpose(vt, n));
    }

    /**
     * The eigenvalues alone, ascending, of the symmetric {@code n × n} matrix {@code a} (as
     * {@link #decompose}, without accumulating eigenvectors: about a third of the work).
     */
    static double[] eigenvalues(double[] a, int n) {
        double[] v = symmetricCopy(a, n);
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalise(v, d, e, n, false);
        diagonalise(null, d, e, n);
        Arrays.sort(d);
        return d;
    }

    /** {@code a} checked and copied, its upper triangle replaced by the lower one. */
    private static double[] symmetricCopy(double[] a, int n) {
        if (n < 1 || a.length != (long) n * n) {
            throw new IllegalArgumentException("SymmetricEigen: expected an n × n matrix with n ≥ 1, got "
                    + a.length + " elements for n = " + n);
        }
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double x = a[i * n + j];
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("SymmetricEigen: non-finite entry " + x + " at (" + i + ", " + j + ")");
                }
                v[i * n + j] = x;
                v[j * n + i] = x;
            }
        }
        return v;
    }

    private static double[] transpose(double[] m, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = m[i * n + j];
            }
        }
        return t;
    }

    /**
     * Householder reduction of the symmetric matrix in {@code v} to tridiagonal form
     * ({@code tred2}): on return {@code d} is the diagonal, {@code e[1..n−1]} the subdiagonal
     * ({@code e[0] = 0}), and, with {@code accumulate}, {@code v} the orthogonal matrix of the
     * accumulated transformations (otherwise {@code v} is left as scratch).
     */
    private static void tridiagonalise(double[] v, double[] d, double[] e, int n, boolean accumulate) {
        for (int j = 0; j < n; j++) {
            d[j] = v[(n - 1) * n + j];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            double h = 0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0) {
                // Row i is already zero left of the subdiagonal: no reflection.
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                    v[j * n + i] = 0;
                }
            } else {
                // The Householder vector of row i, scaled to avoid under- and overflow.
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0;
                }
                // p = A u / h into e, then the similarity transform A ← A − u qᵀ − q uᵀ.
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j * n + i] = f;
                    g = e[j] + v[j * n + j] * f;
                    for (int k = j + 1; k < i; k++) {
                        g += v[k * n + j] * d[k];
                        e[k] += v[k * n + j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k < i; k++) {
                        v[k * n + j] -= f * e[k] + g * d[k];
                    }
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                }
            }
            d[i] = h;
        }
        if (!accumulate) {
            // d[i] holds h of reflection i; the diagonal is still on v's diagonal.
            for (int j = 0; j < n; j++) {
                d[j] = v[j * n + j];
            }
            e[0] = 0;
            return;
        }
        // Accumulate the reflections into v.
        for (int i = 0; i < n - 1; i++) {
            v[(n - 1) * n + i] = v[i * n + i];
            v[i * n + i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k * n + i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k * n + i + 1] * v[k * n + j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k * n + j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k * n + i + 1] = 0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[(n - 1) * n + j];
            v[(n - 1) * n + j] = 0;
        }
        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    /**
     * Implicit QL iteration on the tridiagonal matrix ({@code d}, {@code e}) from
     * {@link #tridiagonalise} ({@code tql2}): on return {@code d} holds the eigenvalues, unsorted.
     * The rotations are applied to the rows of {@code vt} (the transposed matrix of the
     * tridiagonalisation, so row {@code k} becomes eigenvector {@code k}), unless it is null.
     */
    private static void diagonalise(double[] vt, double[] d, double[] e, int n) {
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0;
        double shiftSum = 0;
        double norm = 0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            // Find a negligible subdiagonal element e[m], m ≥ l: the block l..m is then unreduced.
            norm = Math.max(norm, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n && Math.abs(e[m]) > eps * norm) {
                m++;
            }
            int iterations = 0;
            while (m > l && Math.abs(e[l]) > eps * norm) {
                if (++iterations > MAX_ITERATIONS_PER_VALUE) {
                    throw new ArithmeticException("SymmetricEigen: QL iteration did not converge for eigenvalue " + l
                            + " of " + n + " after " + MAX_ITERATIONS_PER_VALUE + " sweeps");
                }
                // Shift by the eigenvalue of the leading 2 × 2 block closer to d[l].
                double g = d[l];
                double p = (d[l + 1] - g) / (2 * e[l]);
                double r = Math.hypot(p, 1);
                if (p < 0) {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                double dl1 = d[l + 1];
                double h = g - d[l];
                for (int i = l + 2; i < n; i++) {
                    d[i] -= h;
                }
                shiftSum += h;
                // One implicit QL sweep of plane rotations from m − 1 up to l.
                p = d[m];
                double c = 1;
                double c2 = c;
                double c3 = c;
                double el1 = e[l + 1];
                double s = 0;
                double s2 = 0;
                for (int i = m - 1; i >= l; i--) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = Math.hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    if (vt != null) {
                        rotateRows(vt, n, i, c, s);
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
            }
            d[l] += shiftSum;
            e[l] = 0;
        }
    }

    /** Rows {@code i} and {@code i + 1} of {@code vt} ← their rotation by ({@code c}, {@code s}). */
    private static void rotateRows(double[] vt, int n, int i, double c, double s) {
        int r0 = i * n;
        int r1 = r0 + n;
        for (int k = 0; k < n; k++) {
            double x = vt[r0 + k];
            double y = vt[r1 + k];
            vt[r1 + k] = s * x + c * y;
            vt[r0 + k] = c * x - s * y;
        }
    }

    /** Selection sort of the eigenvalues, ascending, moving the eigenvector rows of {@code vt} along. */
    private static void sortAscending(double[] vt, double[] d, int n) {
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            for (int j = i + 1; j < n; j++) {
                if (d[j] < d[k]) {
                    k = j;
                }
            }
            if (k != i) {
                double t = d[k];
                d[k] = d[i];
                d[i] = t;
                for (int col = 0; col < n; col++) {
                    t = vt[i * n + col];
                    vt[i * n + col] = vt[k * n + col];
                    vt[k * n + col] = t;
                }
            }
        }
    }
}
