package joule.ebm.energy;

import joule.autograd.Var;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Shared checks and host-side linear algebra of the analytic energies (package-private). */
final class Energies {
    private Energies() {
    }

    /** Checks that {@code x} is {@code [B, D]} with {@code D == dim} ({@code dim < 0}: any {@code D ≥ minDim}). */
    static void checkBatch(String who, Var x, int dim, int minDim) {
        int[] s = x.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException(who + ": expected x of shape [B, D], got " + Shapes.format(s));
        }
        if (dim >= 0 && s[1] != dim) {
            throw new IllegalArgumentException(who + ": expected x of shape [B, " + dim + "], got " + Shapes.format(s));
        }
        if (s[1] < minDim) {
            throw new IllegalArgumentException(who + ": needs D ≥ " + minDim + ", got x of shape " + Shapes.format(s));
        }
    }

    static double positive(String who, String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(who + ": " + name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static double finite(String who, String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(who + ": " + name + " must be finite, got " + v);
        }
        return v;
    }

    /**
     * Lower Cholesky factor {@code L} ({@code L Lᵀ = a}) of a symmetric {@code n×n} row-major
     * matrix; throws naming {@code who}/{@code what} if {@code a} is not symmetric (to a relative
     * tolerance {@code symTol}) or not positive definite.
     */
    static double[] cholesky(String who, String what, double[] a, int n, double symTol) {
        double scale = 0;
        for (double v : a) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(who + ": " + what + " has a non-finite entry " + v);
            }
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i * n + j] - a[j * n + i]) > symTol * scale) {
                    throw new IllegalArgumentException(who + ": " + what + " is not symmetric: entry [" + i + ", " + j
                            + "] = " + a[i * n + j] + " but [" + j + ", " + i + "] = " + a[j * n + i]);
                }
            }
        }
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                throw new IllegalArgumentException(who + ": " + what + " is not positive definite (Cholesky pivot " + j
                        + " is " + d + ")");
            }
            double ljj = Math.sqrt(d);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                // symmetric: read the average of the two triangles
                double s = 0.5 * (a[i * n + j] + a[j * n + i]);
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / ljj;
            }
        }
        return l;
    }

    /** {@code a⁻¹ = L⁻ᵀ L⁻¹} from the Cholesky factor {@code L} of {@code a}, made exactly symmetric. */
    static double[] inverseFromCholesky(double[] l, int n) {
        // Linv: lower-triangular inverse of L by forward substitution
        double[] li = new double[n * n];
        for (int c = 0; c < n; c++) {
            for (int i = c; i < n; i++) {
                double s = i == c ? 1 : 0;
                for (int k = c; k < i; k++) {
                    s -= l[i * n + k] * li[k * n + c];
                }
                li[i * n + c] = s / l[i * n + i];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) {
                    s += li[k * n + i] * li[k * n + j];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        return inv;
    }

    /** {@code log det a = 2 Σ log L_ii} from the Cholesky factor. */
    static double logDetFromCholesky(double[] l, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.log(l[i * n + i]);
        }
        return 2 * s;
    }

    /**
     * A host array held as a tensor of whichever dtype and device an input has, converted once and
     * cached (energies accept float32 and float64 inputs alike).
     */
    static final class Constant {
        private final double[] data;
        private final int[] shape;
        private volatile Tensor cached;

        Constant(double[] data, int... shape) {
            this.data = data.clone();
            this.shape = shape.clone();
        }

        /** As a constant {@link Var} of {@code like}'s dtype and device. */
        Var like(Var like) {
            return Var.constant(tensorLike(like.value()));
        }

        Tensor tensorLike(Tensor like) {
            Tensor t = cached;
            if (t == null || t.dtype() != like.dtype() || t.device() != like.device()) {
                t = Tensor.of(like.dtype(), data, shape).to(like.device());
                cached = t;
            }
            return t;
        }
    }
}
