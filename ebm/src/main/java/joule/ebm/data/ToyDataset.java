package joule.ebm.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The 2-D toy densities of the score-matching and FFJORD papers, as {@code [n, 2]} samples.
 *
 * <p>Shapes and scales follow FFJORD's {@code toy_data.py} (Grathwohl et al. 2019), with random
 * draws instead of evenly spaced ones where that code uses {@code linspace} or fixed class sizes,
 * so every point is an independent draw from the density. Values are computed in double from
 * float64 Philox draws of the given {@link RandomStream} and rounded to the asked dtype at the
 * end: the same seed gives the same points on any thread count, and a float32 sample is the
 * float64 sample of the same seed rounded. Each call advances the stream. Points are computed on
 * the host and returned on the stream's device.
 *
 * <p>CLI names ({@link #cliName()}, {@link #byName(String)}): {@code 8gaussians}, {@code two-moons},
 * {@code swiss-roll}, {@code checkerboard}, {@code pinwheel}, {@code rings}, {@code 2gaussians},
 * {@code gaussian}.
 */
public enum ToyDataset {
    /**
     * Eight isotropic Gaussians, equal weights, centres {@code 2√2·(cos kπ/4, sin kπ/4)} (radius
     * ≈ 2.83), standard deviation {@code 0.5/√2 ≈ 0.354}: FFJORD's {@code (4·c + 0.5·ε)/√2}.
     */
    EIGHT_GAUSSIANS("8gaussians", "eight-gaussians") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 1);
            double[] z = normals(rs, n, 2);
            for (int i = 0; i < n; i++) {
                int k = pick(u[i], 8);
                out[2 * i] = EIGHT_RADIUS * Math.cos(k * Math.PI / 4) + EIGHT_STD * z[2 * i];
                out[2 * i + 1] = EIGHT_RADIUS * Math.sin(k * Math.PI / 4) + EIGHT_STD * z[2 * i + 1];
            }
        }
    },
    /**
     * Two interleaved half circles (scikit-learn's {@code make_moons}, noise 0.1), then scaled by 2
     * and shifted by {@code (−1, −0.2)}: the arcs {@code 2(cos t, sin t) + (−1, −0.2)} and
     * {@code 2(1 − cos t, 0.5 − sin t) + (−1, −0.2)}, {@code t ~ U[0, π]}, each with probability ½,
     * plus Gaussian noise of standard deviation 0.2 (0.1 before scaling).
     */
    TWO_MOONS("two-moons", "moons", "2moons") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 2);
            double[] z = normals(rs, n, 2);
            for (int i = 0; i < n; i++) {
                double t = Math.PI * u[2 * i + 1];
                boolean upper = u[2 * i] < 0.5;
                double a = upper ? Math.cos(t) : 1 - Math.cos(t);
                double b = upper ? Math.sin(t) : 0.5 - Math.sin(t);
                out[2 * i] = 2 * (a + MOONS_NOISE * z[2 * i]) - 1;
                out[2 * i + 1] = 2 * (b + MOONS_NOISE * z[2 * i + 1]) - 0.2;
            }
        }
    },
    /**
     * scikit-learn's {@code make_swiss_roll} (noise 1) seen along its axis, divided by 5:
     * {@code ((t cos t, t sin t) + ε)/5}, {@code t = 1.5π(1 + 2u)}, {@code u ~ U[0, 1]},
     * {@code ε ~ N(0, I)}; radii from about 0.94 to 2.83.
     */
    SWISS_ROLL("swiss-roll", "swissroll") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 1);
            double[] z = normals(rs, n, 2);
            for (int i = 0; i < n; i++) {
                double t = 1.5 * Math.PI * (1 + 2 * u[i]);
                out[2 * i] = (t * Math.cos(t) + z[2 * i]) / 5;
                out[2 * i + 1] = (t * Math.sin(t) + z[2 * i + 1]) / 5;
            }
        }
    },
    /**
     * Uniform on the 8 "black" squares of a 4×4 checkerboard over {@code [−4, 4]²} with squares of
     * side 2: those with {@code ⌊x/2⌋ + ⌊y/2⌋} even.
     */
    CHECKERBOARD("checkerboard") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 3);
            for (int i = 0; i < n; i++) {
                double x1 = 4 * u[3 * i] - 2;
                double x2 = u[3 * i + 1] - 2 * pick(u[3 * i + 2], 2) + Math.floorMod((int) Math.floor(x1), 2);
                out[2 * i] = 2 * x1;
                out[2 * i + 1] = 2 * x2;
            }
        }
    },
    /**
     * Five spiralling arms: {@code f ~ N((1, 0), diag(0.3², 0.1²))}, arm {@code k ~ U{0..4}},
     * angle {@code a = 2πk/5 + 0.25·exp(f₀)}, point {@code 2·(f₀ cos a + f₁ sin a, −f₀ sin a + f₁ cos a)}.
     */
    PINWHEEL("pinwheel") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 1);
            double[] z = normals(rs, n, 2);
            for (int i = 0; i < n; i++) {
                double f0 = 1 + 0.3 * z[2 * i];
                double f1 = 0.1 * z[2 * i + 1];
                double a = 2 * Math.PI * pick(u[i], 5) / 5 + 0.25 * Math.exp(f0);
                out[2 * i] = 2 * (f0 * Math.cos(a) + f1 * Math.sin(a));
                out[2 * i + 1] = 2 * (-f0 * Math.sin(a) + f1 * Math.cos(a));
            }
        }
    },
    /**
     * Four concentric circles of radii 0.75, 1.5, 2.25 and 3, equal weights, uniform angle, plus
     * isotropic Gaussian noise of standard deviation 0.08.
     */
    RINGS("rings") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 2);
            double[] z = normals(rs, n, 2);
            for (int i = 0; i < n; i++) {
                double r = RING_RADII[pick(u[2 * i], RING_RADII.length)];
                double t = 2 * Math.PI * u[2 * i + 1];
                out[2 * i] = r * Math.cos(t) + RING_NOISE * z[2 * i];
                out[2 * i + 1] = r * Math.sin(t) + RING_NOISE * z[2 * i + 1];
            }
        }
    },
    /** Two isotropic Gaussians, equal weights, means {@code (±2, 0)}, standard deviation 0.5. */
    TWO_GAUSSIANS("2gaussians", "two-gaussians", "gmm2") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            double[] u = uniforms(rs, n, 1);
            double[] z = normals(rs, n, 2);
            for (int i = 0; i < n; i++) {
                out[2 * i] = (u[i] < 0.5 ? -2 : 2) + 0.5 * z[2 * i];
                out[2 * i + 1] = 0.5 * z[2 * i + 1];
            }
        }
    },
    /** The standard normal {@code N(0, I₂)}; see {@link #standardNormal} for other dimensions. */
    GAUSSIAN("gaussian", "normal") {
        @Override
        void fill(double[] out, int n, RandomStream rs) {
            System.arraycopy(normals(rs, n, 2), 0, out, 0, 2 * n);
        }
    };

    /** Radius of {@link #EIGHT_GAUSSIANS}' circle of centres, {@code 4/√2}. */
    public static final double EIGHT_RADIUS = 4 / Math.sqrt(2);
    /** Standard deviation of each of {@link #EIGHT_GAUSSIANS}' components, {@code 0.5/√2}. */
    public static final double EIGHT_STD = 0.5 / Math.sqrt(2);
    /** Noise standard deviation of {@link #TWO_MOONS} before the ×2 scaling. */
    static final double MOONS_NOISE = 0.1;
    /** Radii of {@link #RINGS}. */
    static final double[] RING_RADII = {0.75, 1.5, 2.25, 3.0};
    /** Noise standard deviation of {@link #RINGS}. */
    static final double RING_NOISE = 0.08;

    private final String cliName;
    private final String[] aliases;

    ToyDataset(String cliName, String... aliases) {
        this.cliName = cliName;
        this.aliases = aliases;
    }

    /** The name used on the command line, e.g. {@code "two-moons"}. */
    public String cliName() {
        return cliName;
    }

    /** Dimension of the points: 2 for every toy set. */
    public int dim() {
        return 2;
    }

    /** {@code n} independent points, {@code [n, 2]} of {@code dtype}, drawn from {@code rs}. */
    public Tensor sample(int n, DType dtype, RandomStream rs) {
        checkCount("sample", n);
        double[] out = new double[2 * n];
        fill(out, n, rs);
        return Tensor.of(dtype, out, n, 2).to(rs.device());
    }

    abstract void fill(double[] out, int n, RandomStream rs);

    /**
     * {@code n} draws from {@code N(0, I_d)}, {@code [n, d]} of {@code dtype} (float64 draws,
     * rounded); for {@code d = 2} the same points as {@link #GAUSSIAN}.
     */
    public static Tensor standardNormal(int n, int d, DType dtype, RandomStream rs) {
        checkCount("standardNormal", n);
        if (d < 1) {
            throw new IllegalArgumentException("standardNormal: dimension must be ≥ 1, got " + d);
        }
        return rs.normal(DType.FLOAT64, n, d).to(dtype);
    }

    /**
     * The data set called {@code name}: its {@link #cliName()}, an alias (FFJORD's {@code moons},
     * {@code swissroll}, …) or the enum constant's name, ignoring case, with {@code _} read as {@code -}.
     */
    public static ToyDataset byName(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ToyDataset t : values()) {
            if (t.cliName.equals(key) || t.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(key)) {
                return t;
            }
            for (String a : t.aliases) {
                if (a.equals(key)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("ToyDataset: unknown data set \"" + name + "\"; known: "
                + String.join(", ", names()));
    }

    /** The CLI names of all toy sets, in declaration order. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (ToyDataset t : values()) {
            out.add(t.cliName);
        }
        return out;
    }

    private static void checkCount(String op, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(op + ": sample count must be ≥ 0, got " + n);
        }
    }

    /** {@code k} uniforms on [0, 1) per point, row-major. */
    static double[] uniforms(RandomStream rs, int n, int k) {
        return rs.uniform(Device.CPU, DType.FLOAT64, n, k).toDoubleArray();
    }

    /** {@code k} standard normals per point, row-major. */
    static double[] normals(RandomStream rs, int n, int k) {
        return rs.normal(Device.CPU, DType.FLOAT64, n, k).toDoubleArray();
    }

    /** {@code ⌊u·k⌋} for {@code u ∈ [0, 1)}, clamped to {@code k − 1}. */
    static int pick(double u, int k) {
        return Math.min((int) (u * k), k - 1);
    }
}
