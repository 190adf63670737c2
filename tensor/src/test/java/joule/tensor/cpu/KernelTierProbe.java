package joule.tensor.cpu;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import joule.tensor.BinaryOp;
import joule.tensor.DType;
import joule.tensor.ReduceOp;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;

/**
 * Every kernel of {@link VectorKernels} (each unary and binary op, where, each reduction, the
 * leading-axis accumulation, the NaN search, and each path of the matrix multiply) and the fused
 * ops of the CPU backend, on fixed inputs of both dtypes, as SHA-256 digests of their bits. The
 * inputs hold the special values, the overflow and underflow thresholds and a spread of
 * magnitudes, and each segment is long enough for the vector loop (the four-accumulator loop of
 * the reductions too) and leaves a scalar tail. {@link KernelTierTest} runs it in JVMs that
 * execute the kernels in the interpreter, in C1 and in C2, which must agree bit for bit.
 *
 * <p>Run as a main class with a number of rounds, it computes the digests that many times, fails
 * (exit status 1) if a round differs from the first, prints {@link #LAST_ROUND} before the last
 * round and then the digests.
 */
public final class KernelTierProbe {
    /** Elements per segment: 14 float or 29 double vectors of the preferred 512-bit species, and a tail. */
    static final int N = 237;
    /** Printed before the last round. */
    static final String LAST_ROUND = "-- last round";

    private KernelTierProbe() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Map<String, String> first = null;
        for (int r = 0; r < rounds; r++) {
            if (r == rounds - 1) {
                System.out.println(LAST_ROUND);
            }
            Map<String, String> now = results();
            if (first == null) {
                first = now;
            } else if (!now.equals(first)) {
                for (String name : first.keySet()) {
                    if (!first.get(name).equals(now.get(name))) {
                        System.out.println("round " + r + " differs from round 0 in " + name);
                    }
                }
                System.exit(1);
            }
        }
        first.forEach((name, digest) -> System.out.println(name + "=" + digest));
    }

    /** Digest of each case, by name, in a fixed order. */
    public static Map<String, String> results() {
        Map<String, String> out = new LinkedHashMap<>();
        for (DType dt : DType.values()) {
            double[] x = values(dt, 1);
            double[] y = values(dt, 2);
            double[] finite = finite(x);
            double[] zeros = new double[2 * N];
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] = i % 3 == 0 ? 0.0 : -0.0;
            }
            if (dt == DType.FLOAT32) {
                Float32.kernels(f(x), f(y), f(finite), f(zeros), out);
            } else {
                Float64.kernels(x.clone(), y.clone(), finite.clone(), zeros, out);
            }
            fused(dt, finite, out);
        }
        return out;
    }

    /** {m, n, k, A's row stride, A's column stride} of the matrix products: see {@link Float64#kernels}. */
    private static final int[][] GEMMS = {{11, 1, 150, 150, 1}, {11, 1, 40, 1, 11}, {3, 20, 9, 9, 1},
                                          {20, 40, 30, 30, 1}, {21, 35, 300, 1, 21}};

    /** Segment lengths of the reductions: the four-accumulator loop, the one-vector loop and the tail, or only some. */
    private static final int[] LENGTHS = {N, 151, 37, 5};

    private static final CpuKernels K = VectorKernels.INSTANCE;

    // The float32 half is the float64 one with the element type changed.
    private static final class Float64 {
        /**
         * Each unary op on x (one segment of N, and one of N - 3 from offset N + 3), each binary op on the
         * second half of x and y (y unit-stride, then broadcast), where, each reduction of finite values,
         * of x (with NaN) and of ±0, the accumulation, the NaN search, and the matrix products: a
         * matrix-vector product as dot products and as column sums, one small enough to run unpacked, and
         * packed ones with edge tiles.
         */
        static void kernels(double[] x, double[] y, double[] finite, double[] zeros, Map<String, String> out) {
            String dt = DType.FLOAT64 + " ";
            for (UnaryOp op : UnaryOp.values()) {
                double[] res = new double[2 * N];
                K.unary(op, x, 0, 1, res, 0, 1, N);
                K.unary(op, x, N + 3, 1, res, N, 1, N - 3);
                out.put(dt + op.opName(), digest(res));
            }
            for (BinaryOp op : BinaryOp.values()) {
                double[] res = new double[2 * N];
                K.binary(op, x, N, 1, y, 0, 1, res, 0, 1, N);
                K.binary(op, x, N, 1, y, 7, 0, res, N, 1, N);
                out.put(dt + op.opName(), digest(res));
            }
            double[] picked = new double[N];
            K.where(x, 0, 1, x, N, 1, y, 0, 1, picked, 0, 1, N);
            out.put(dt + "where", digest(picked));
            for (ReduceOp op : ReduceOp.values()) {
                double[] res = new double[3 * LENGTHS.length];
                for (int j = 0; j < LENGTHS.length; j++) {
                    res[3 * j] = K.reduce(op, finite, 1, LENGTHS[j]);
                    res[3 * j + 1] = K.reduce(op, x, 1, LENGTHS[j]);
                    res[3 * j + 2] = K.reduce(op, zeros, 1, LENGTHS[j]);
                }
                out.put(dt + "reduce " + op.opName(), digest(res));
                double[] acc = y.clone();
                K.accumulate(op, x, 0, acc, 0, N);
                K.accumulate(op, x, N, acc, 0, N);
                out.put(dt + "accumulate " + op.opName(), digest(acc));
            }
            out.put(dt + "firstNaN", digest(new double[] {K.firstNaN(x, 0, 2 * N), K.firstNaN(finite, 0, 2 * N),
                                                          K.firstNaN(x, 1, 2 * N - 1)}));
            for (int[] g : GEMMS) {
                double[] a = squash(finite, g[0] * g[2]);
                double[] b = squash(y, g[2] * g[1]);
                double[] c = new double[g[0] * g[1]];
                K.gemm(g[0], g[1], g[2], a, 0, g[3], g[4], b, 0, g[1], 1, c, 0, g[1]);
                out.put(dt + "gemm " + Arrays.toString(g), digest(c));
            }
        }

        /** n values in (-1, 1) from v, repeated. */
        private static double[] squash(double[] v, int n) {
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                double e = v[i % v.length];
                out[i] = Double.isFinite(e) ? e / (1 + Math.abs(e)) : 0.5;
            }
            return out;
        }
    }

    private static final class Float32 {
        static void kernels(float[] x, float[] y, float[] finite, float[] zeros, Map<String, String> out) {
            String dt = DType.FLOAT32 + " ";
            for (UnaryOp op : UnaryOp.values()) {
                float[] res = new float[2 * N];
                K.unary(op, x, 0, 1, res, 0, 1, N);
                K.unary(op, x, N + 3, 1, res, N, 1, N - 3);
                out.put(dt + op.opName(), digest(res));
            }
            for (BinaryOp op : BinaryOp.values()) {
                float[] res = new float[2 * N];
                K.binary(op, x, N, 1, y, 0, 1, res, 0, 1, N);
                K.binary(op, x, N, 1, y, 7, 0, res, N, 1, N);
                out.put(dt + op.opName(), digest(res));
            }
            float[] picked = new float[N];
            K.where(x, 0, 1, x, N, 1, y, 0, 1, picked, 0, 1, N);
            out.put(dt + "where", digest(picked));
            for (ReduceOp op : ReduceOp.values()) {
                double[] res = new double[3 * LENGTHS.length];
                for (int j = 0; j < LENGTHS.length; j++) {
                    res[3 * j] = K.reduce(op, finite, 1, LENGTHS[j]);
                    res[3 * j + 1] = K.reduce(op, x, 1, LENGTHS[j]);
                    res[3 * j + 2] = K.reduce(op, zeros, 1, LENGTHS[j]);
                }
                out.put(dt + "reduce " + op.opName(), digest(res));
                float[] acc = y.clone();
                K.accumulate(op, x, 0, acc, 0, N);
                K.accumulate(op, x, N, acc, 0, N);
                out.put(dt + "accumulate " + op.opName(), digest(acc));
            }
            out.put(dt + "firstNaN", digest(new double[] {K.firstNaN(x, 0, 2 * N), K.firstNaN(finite, 0, 2 * N),
                                                          K.firstNaN(x, 1, 2 * N - 1)}));
            for (int[] g : GEMMS) {
                float[] a = squash(finite, g[0] * g[2]);
                float[] b = squash(y, g[2] * g[1]);
                float[] c = new float[g[0] * g[1]];
                K.gemm(g[0], g[1], g[2], a, 0, g[3], g[4], b, 0, g[1], 1, c, 0, g[1]);
                out.put(dt + "gemm " + Arrays.toString(g), digest(c));
            }
        }

        private static float[] squash(float[] v, int n) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                float e = v[i % v.length];
                out[i] = Float.isFinite(e) ? e / (1 + Math.abs(e)) : 0.5f;
            }
            return out;
        }
    }

    /** The CPU backend's fused ops and composites, through {@link Tensor}. */
    private static void fused(DType dt, double[] finite, Map<String, String> out) {
        Tensor x = Tensor.of(dt, Arrays.copyOf(finite, 2 * 151), 2, 151);
        Tensor b = Tensor.of(dt, Arrays.copyOfRange(finite, N, N + 151), 151);
        out.put(dt + " tensor add then silu", digest(x.binaryThenUnary(BinaryOp.ADD, b, UnaryOp.SILU)));
        out.put(dt + " tensor mul of silu_grad", digest(x.binaryOfUnary(BinaryOp.MUL, UnaryOp.SILU_GRAD, b)));
        out.put(dt + " tensor langevin step", digest(Tensor.langevinStep(x, x.mul(0.5), x.mul(-0.25), 0.01, 0.3)));
        out.put(dt + " tensor logsumexp", digest(x.logsumexp(1)));
        out.put(dt + " tensor softplus", digest(x.softplus()));
        out.put(dt + " tensor sum over the leading axis", digest(x.sum(0)));
    }

    /**
     * {@code 2N} fixed values of the dtype, from the seed: special values and the thresholds of
     * exp and expm1 (overflow, underflow to subnormals and to zero), then magnitudes from the
     * smallest subnormal to the largest finite value, values near 0, in [-25, 25], up to 10⁵ (sin
     * and cos reduce them), and far beyond, with both signs.
     */
    static double[] values(DType dt, long seed) {
        boolean f32 = dt == DType.FLOAT32;
        double[] special = f32
                ? new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                    Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE,
                    -Float.MAX_VALUE, 1, -1, 0.5, 2, -2, 88.72283f, 88.72284f, 89, -87.33654f, -103.97208f,
                    -103.97209f, -104, -150, 0x1p-25, -0x1p-25, 0.34657359f, 17.328679f, 9.010913f, 1e30, -1e30}
                : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
                    Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE,
                    -Double.MAX_VALUE, 1, -1, 0.5, 2, -2, 709.782712893384, 709.7827128933841, 710, -708.3964185322641,
                    -745.1332191019411, -745.1332191019412, -746, -1075, 0x1p-54, -0x1p-54, 0.34657359027997264,
                    36.7368005696771, 19.061547465398498, 1e300, -1e300};
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[2 * N];
        System.arraycopy(special, 0, v, 0, special.length);
        double tiny = f32 ? Math.log(Float.MIN_VALUE) : Math.log(Double.MIN_VALUE);
        double huge = f32 ? Math.log(Float.MAX_VALUE) : Math.log(Double.MAX_VALUE);
        for (int i = special.length; i < v.length; i++) {
            double sign = random.nextBoolean() ? 1 : -1;
            v[i] = switch (i % 5) {
                case 0 -> sign * Math.exp(random.nextDouble(tiny, huge));
                case 1 -> sign * Math.exp(random.nextDouble(-30, 0));
                case 2 -> random.nextDouble(-25, 25);
                case 3 -> random.nextDouble(-1e5, 1e5);
                default -> sign * Math.exp(random.nextDouble(0, huge));
            };
        }
        return v;
    }

    /** The values with the non-finite ones replaced by 1.5. */
    private static double[] finite(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                out[i] = 1.5;
            }
        }
        return out;
    }

    private static float[] f(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static String digest(Tensor t) {
        return digest(t.toDoubleArray());
    }

    private static String digest(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return digest(wide);
    }

    /**
     * SHA-256 of the values' bits, every NaN counted as the canonical one: Java leaves the sign and
     * payload of a NaN unspecified, and the tiers do differ in them (an x86 addition returns
     * whichever NaN operand the compiler happened to put first).
     */
    private static String digest(double[] values) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8);
            for (double v : values) {
                md.update(buf.clear().putLong(Double.doubleToLongBits(v)).array());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
