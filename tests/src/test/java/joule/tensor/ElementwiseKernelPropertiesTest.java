package joule.tensor;

import static joule.testing.Domain.integers;
import static joule.testing.Domain.logUniform;
import static joule.testing.Domain.mix;
import static joule.testing.Domain.of;
import static joule.testing.Domain.signed;
import static joule.testing.Domain.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import joule.tensor.cpu.CpuBackend;
import joule.testing.Domain;
import joule.testing.TensorSamples;
import joule.testing.TensorSamples.BroadcastSpec;
import joule.testing.TensorSamples.Layout;
import joule.testing.TensorSamples.Sample;
import joule.testing.TensorSamples.Spec;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every elementwise SIMD kernel against its scalar twin ({@link CpuBackend#withScalarKernels}),
 * for every {@link UnaryOp} and {@link BinaryOp} (iterated over {@code values()}, so a new op is
 * covered, and the exhaustive switches below don't compile until it has a domain and a
 * tolerance), on random shapes, layouts and broadcasts.
 *
 * <p>Two checks per op: the scalar twin equals the op's definition applied to the row-major
 * values and rounded once, bit for bit (this pins the strided loop and the layouts, independently
 * of any kernel); and the vector result is within the op's tolerance of the scalar one.
 *
 * <h2>Tolerances</h2>
 * In units of ε·|result| (ε = ulp(1) = 2u; one ulp of y is at most ε|y|), from the accuracy of
 * each path. The scalar twin computes in double and rounds once: for float32 its error is
 * 0.5ε (+ a float64 ulp, 2⁻²⁹ε); for float64 it is the error of {@link Math}'s function.
 * <ul>
 * <li>neg, abs, sign, relu, maximum, minimum, comparisons, where: no rounding at all: bit-equal.
 * <li>square, reciprocal, sqrt, add, sub, mul, div: one IEEE operation, correctly rounded in
 *     the vector path; the scalar path computes it in double and rounds to float once, which gives
 *     the same correctly rounded float (double has 53 ≥ 2·24 + 2 bits, so the double rounding is
 *     innocuous): bit-equal, both dtypes.
 * <li>rsqrt: vector {@code 1/√x} rounds twice (ε/2 + ε/2), scalar once: float32 1.5; float64:
 *     the same two double operations in both paths: bit-equal.
 * <li>exp, expm1, log, log1p, sin, cos, pow: the vector path's functions ({@code VectorMath};
 *     float64 pow is {@code StrictMath.pow}) are within 1 ulp of the exact result (tested in
 *     {@code VectorMathAccuracyTest}), as {@code Math.exp} etc. specify for themselves. Vector 1 +
 *     scalar 0.5 (float32) or 1 (float64, {@code Math} again): 1.5 and 2.
 * <li>tanh: {@code Math.tanh} is "within 2.5 ulps", {@code VectorMath}'s within 1 (float32) and
 *     1.1 (float64, measured): at most 2.5 + 0.5 = 3 (float32), 2.5 + 2.5 = 5 (float64).
 * <li>sigmoid {@code 1/(1+e)} and silu {@code x/(1+e)}, {@code e = exp(-x)}: e has relative error
 *     ε; {@code 1+e} adds ε/2 and passes on e's error times e/(1+e) ≤ 1; the division adds ε/2;
 *     no cancellation anywhere (1+e > 0): 2ε for the vector path. Float32 2 + 0.5 = 2.5; float64
 *     (the scalar path has the same 2ε) 4.
 * <li>softplus {@code max(x,0) + log1p(exp(-|x|))}: exp ε, log1p's condition number
 *     e/((1+e)·log1p(e)) ≤ 1 passes it on, log1p's own ε, then a sum of two non-negative terms
 *     (ε/2): 2.5ε per path. Float32 2.5 + 0.5 = 3; float64 5.
 * <li>The composites overflow exp(-x) in the working precision for very negative x (float32
 *     x < -88.7), where the exact result is tiny: an absolute floor derived per op in
 *     {@link #floor(UnaryOp, DType, double)}.
 * </ul>
 */
class ElementwiseKernelPropertiesTest {
    // ------------------------------------------------------------------ op table

    static Tensor apply(UnaryOp op, Tensor x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case SIGN -> x.sign();
            case SQUARE -> x.square();
            case RECIPROCAL -> x.reciprocal();
            case SQRT -> x.sqrt();
            case RSQRT -> x.rsqrt();
            case EXP -> x.exp();
            case EXPM1 -> x.expm1();
            case LOG -> x.log();
            case LOG1P -> x.log1p();
            case SIN -> x.sin();
            case COS -> x.cos();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case SOFTPLUS -> x.softplus();
            case SILU -> x.silu();
            case SILU_GRAD -> x.siluGrad();
            case SILU_GRAD2 -> x.siluGrad2();
            case RELU -> x.relu();
        };
    }

    static Tensor apply(BinaryOp op, Tensor a, Tensor b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.pow(b);
            case MAXIMUM -> a.maximum(b);
            case MINIMUM -> a.minimum(b);
            case EQ -> a.eq(b);
            case NE -> a.ne(b);
            case LT -> a.lt(b);
            case LE -> a.le(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
        };
    }

    /** Allowed difference vector − scalar in ulps of the result (see the class comment); 0 = bit-equal. */
    static double ulps(UnaryOp op, DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        return switch (op) {
            case NEG, ABS, SIGN, RELU, SQUARE, RECIPROCAL, SQRT -> 0;
            case RSQRT -> f32 ? 1.5 : 0;
            case EXP, EXPM1, LOG, LOG1P, SIN, COS -> f32 ? 1.5 : 2;
            case TANH -> f32 ? 3 : 5;
            case SIGMOID, SILU -> f32 ? 2.5 : 4;
            case SOFTPLUS -> f32 ? 3 : 5;
            case SILU_GRAD, SILU_GRAD2 -> f32 ? 6 : 8;
        };
    }

    /**
     * Absolute floor of the tolerance at input x, for the composites whose exp(-x) or exp(-|x|)
     * leaves the normal range in the working precision. sigmoid: exp(-x) overflows only where the
     * exact result 1/(1+e⁻ˣ) < 1/MAX_VALUE, below MIN_NORMAL. softplus: exp(-|x|) underflows only
     * where the log1p term is below MIN_NORMAL. silu: where exp(-x) overflows the vector path gives
     * x/∞ = ∓0 while the exact |x|/(1+e⁻ˣ) < |x|/MAX_VALUE (at most 30 MIN_NORMAL for float32
     * x ≥ -120): the floor is |x|/MAX_VALUE + MIN_NORMAL.
     */
    static double floor(UnaryOp op, DType dtype, double x) {
        double max = dtype == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        return switch (op) {
            case SIGMOID, SOFTPLUS -> Rounding.minNormal(dtype);
            case SILU -> Math.abs(x) / max + Rounding.minNormal(dtype);
            // s (1 + x (1 - s)) and s (1 - s) (2 + x (1 - 2s)) cancel near their zeros: a few eps of the
            // largest term, which is at most 1 + |x|.
            case SILU_GRAD, SILU_GRAD2 -> 8 * Rounding.eps(dtype) * (1 + Math.abs(x)) + Rounding.minNormal(dtype);
            default -> 0;
        };
    }

    static double ulps(BinaryOp op, DType dtype) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE -> 0;
            case POW -> dtype == DType.FLOAT32 ? 1.5 : 2;
        };
    }

    /** Finite reals of every magnitude the dtype holds, with repeats, ±0 and ±1. */
    static Domain anyReal(DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        return mix(4, uniform(-100, 100), 2, integers(-2, 2), 2, signed(logUniform(f32 ? 1e-44 : 1e-320, f32 ? 1e36 : 1e300)),
                1, of(0.0, -0.0, 1, -1));
    }

    /** Values inside the op's domain, weighted to where its kernel is delicate. */
    static Domain domain(UnaryOp op, DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        Domain positive = logUniform(f32 ? 1e-44 : 1e-320, f32 ? 3e38 : 1e308);
        Domain small = signed(logUniform(1e-12, 1));
        return switch (op) {
            case NEG, ABS, SIGN, SQUARE, RECIPROCAL, RELU -> anyReal(dtype);
            case SQRT, RSQRT -> mix(4, positive, 2, uniform(0, 100), 1, of(0.0, -0.0, 1, 4));
            case EXP, EXPM1 -> mix(4, uniform(-20, 20), 2, uniform(f32 ? -104 : -745, f32 ? 88.7 : 709.7), 2, small);
            case LOG -> mix(4, positive, 2, uniform(0.5, 2), 1, of(0.0, 1));
            case LOG1P -> mix(3, uniform(-1, 10), 2, small, 2, logUniform(1, f32 ? 3e38 : 1e308), 1, of(-1.0, 0.0, -0.0));
            case SIN, COS -> mix(4, uniform(-10, 10), 2, uniform(-1e4, 1e4), 1, small, 1, of(0.0, -0.0));
            case TANH -> mix(4, uniform(-10, 10), 2, small, 1, uniform(-50, 50));
            case SIGMOID, SOFTPLUS, SILU, SILU_GRAD, SILU_GRAD2 -> mix(4, uniform(-30, 30), 2, uniform(f32 ? -120 : -800, f32 ? 120 : 800), 1, small);
        };
    }

    /** Operand domains {a, b}, possibly several pairs per op. */
    static List<Domain[]> domains(BinaryOp op, DType dtype) {
        Domain any = anyReal(dtype);
        return switch (op) {
            case ADD, SUB, MUL, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE -> List.<Domain[]>of(new Domain[] {any, any});
            case DIV -> List.<Domain[]>of(new Domain[] {any, r -> {
                double v = any.next(r);
                return v == 0 || TensorSamples.round(dtype, v) == 0 ? 1.5 : v;
            }});
            case POW -> List.of(
                    new Domain[] {mix(3, logUniform(1e-3, 1e3), 1, of(0.0, 1)), uniform(-6, 6)},
                    new Domain[] {mix(3, uniform(-5, 5), 2, integers(-3, 3)), integers(-4, 4)});
        };
    }

    // ------------------------------------------------------------------ properties

    @Provide
    Arbitrary<Spec> specs() {
        return TensorSamples.specs();
    }

    @Provide
    Arbitrary<BroadcastSpec> pairs() {
        return TensorSamples.broadcastSpecs(2);
    }

    @Provide
    Arbitrary<BroadcastSpec> triples() {
        return TensorSamples.broadcastSpecs(3);
    }

    @Property(tries = 200)
    void unaryKernelsMatchTheirScalarTwins(@ForAll("specs") Spec spec) {
        DType dt = spec.dtype();
        for (UnaryOp op : UnaryOp.values()) {
            Sample x = TensorSamples.build(spec, domain(op, dt));
            Supplier<String> what = () -> op.opName() + " of " + x;
            Tensor vector = apply(op, x.tensor());
            Tensor scalar = CpuBackend.withScalarKernels(() -> apply(op, x.tensor()));
            assertArrayEquals(x.shape(), vector.shape(), what);
            assertEquals(dt, vector.dtype(), what);
            double[] expected = new double[x.values().length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = TensorSamples.round(dt, op.apply(x.values()[i]));
            }
            double[] s = scalar.toDoubleArray();
            Rounding.assertBitEqual(expected, s, () -> "scalar twin of " + what.get());
            double[] v = vector.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                int at = i;
                Rounding.assertUlps(s[i], v[i], ulps(op, dt), floor(op, dt, x.values()[i]), dt,
                        () -> what.get() + ", element " + at + " (x = " + x.values()[at] + ")");
            }
        }
    }

    @Property(tries = 200)
    void binaryKernelsMatchTheirScalarTwins(@ForAll("pairs") BroadcastSpec spec) {
        DType dt = spec.dtype();
        int[] ia = TensorSamples.broadcastIndex(spec.shapes()[0], spec.out());
        int[] ib = TensorSamples.broadcastIndex(spec.shapes()[1], spec.out());
        for (BinaryOp op : BinaryOp.values()) {
            for (Domain[] domain : domains(op, dt)) {
                Sample a = TensorSamples.build(spec.operand(0), domain[0]);
                Sample b = TensorSamples.build(spec.operand(1), domain[1]);
                Supplier<String> what = () -> op.opName() + " of " + a + " and " + b;
                Tensor vector = apply(op, a.tensor(), b.tensor());
                Tensor scalar = CpuBackend.withScalarKernels(() -> apply(op, a.tensor(), b.tensor()));
                assertArrayEquals(spec.out(), vector.shape(), what);
                double[] expected = new double[ia.length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = TensorSamples.round(dt, op.apply(a.values()[ia[i]], b.values()[ib[i]]));
                }
                double[] s = scalar.toDoubleArray();
                Rounding.assertBitEqual(expected, s, () -> "scalar twin of " + what.get());
                double[] v = vector.toDoubleArray();
                for (int i = 0; i < v.length; i++) {
                    int at = i;
                    Rounding.assertUlps(s[i], v[i], ulps(op, dt), 0, dt, () -> what.get() + ", element " + at
                            + " (" + a.values()[ia[at]] + ", " + b.values()[ib[at]] + ")");
                }
            }
        }
    }

    @Property(tries = 150)
    void whereKernelMatchesItsScalarTwin(@ForAll("triples") BroadcastSpec spec) {
        DType dt = spec.dtype();
        Sample c = TensorSamples.build(spec.operand(0), mix(3, of(0.0, -0.0), 2, of(1, -1, 0.5, Double.NaN, 1e-30)));
        Sample a = TensorSamples.build(spec.operand(1), anyReal(dt));
        Sample b = TensorSamples.build(spec.operand(2), anyReal(dt));
        Tensor vector = Tensor.where(c.tensor(), a.tensor(), b.tensor());
        Tensor scalar = CpuBackend.withScalarKernels(() -> Tensor.where(c.tensor(), a.tensor(), b.tensor()));
        int[] ic = TensorSamples.broadcastIndex(spec.shapes()[0], spec.out());
        int[] ia = TensorSamples.broadcastIndex(spec.shapes()[1], spec.out());
        int[] ib = TensorSamples.broadcastIndex(spec.shapes()[2], spec.out());
        double[] expected = new double[ic.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = c.values()[ic[i]] != 0 ? a.values()[ia[i]] : b.values()[ib[i]];
        }
        Supplier<String> what = () -> "where(" + c + ", " + a + ", " + b + ")";
        assertArrayEquals(spec.out(), vector.shape(), what);
        Rounding.assertBitEqual(expected, scalar.toDoubleArray(), () -> "scalar " + what.get());
        Rounding.assertBitEqual(expected, vector.toDoubleArray(), () -> "vector " + what.get());
    }

    @Property(tries = 150)
    void clampIsExactAndPropagatesNaN(@ForAll("specs") Spec spec, @ForAll @IntRange(min = -50, max = 50) int lo,
                                      @ForAll @IntRange(max = 60) int width, @ForAll boolean fractional) {
        DType dt = spec.dtype();
        double low = fractional ? lo + 0.1 : lo;
        double high = low + (fractional ? width * 0.7 : width);
        Sample x = TensorSamples.build(spec, mix(6, anyReal(dt), 1, of(Double.NaN)));
        Tensor vector = x.tensor().clamp(low, high);
        Tensor scalar = CpuBackend.withScalarKernels(() -> x.tensor().clamp(low, high));
        double[] expected = new double[x.values().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Math.min(Math.max(x.values()[i], TensorSamples.round(dt, low)), TensorSamples.round(dt, high));
        }
        Supplier<String> what = () -> "clamp(" + low + ", " + high + ") of " + x;
        assertArrayEquals(x.shape(), vector.shape(), what);
        Rounding.assertBitEqual(expected, scalar.toDoubleArray(), () -> "scalar " + what.get());
        Rounding.assertBitEqual(expected, vector.toDoubleArray(), () -> "vector " + what.get());
    }

    // ------------------------------------------------------------------ special values

    static double[] specials(DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        return new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1, -1, 0.5, -2,
                3, Rounding.minValue(dtype), -Rounding.minValue(dtype), Rounding.minNormal(dtype),
                -Rounding.minNormal(dtype), f32 ? Float.MAX_VALUE : Double.MAX_VALUE,
                f32 ? -Float.MAX_VALUE : -Double.MAX_VALUE, 100, -100, 1e-3};
    }

    /** Elements per special-value tensor. */
    static final int SPECIAL_LENGTH = 1024;

    /**
     * Runs every op's kernels a few thousand times on short tensors of special values, so that
     * the special-value properties below check the C2-compiled kernels: compiled, the Vector API
     * can differ from its own interpreted fallback on special values (its POW turned C99's
     * {@code pow(1, NaN) = 1} once compiled, where Math.pow and the fallback give NaN).
     */
    @BeforeContainer
    static void warmUpKernels() {
        for (DType dt : DType.values()) {
            double[] special = specials(dt);
            double[] v = new double[64];
            for (int i = 0; i < v.length; i++) {
                v[i] = special[i % special.length];
            }
            double[] positive = new double[64];
            for (int i = 0; i < positive.length; i++) {
                positive[i] = 0.5 + i % 7 * 0.3;
            }
            Tensor x = Tensor.of(dt, v);
            Tensor y = Tensor.of(dt, positive); // in every domain, and no pow(1, inf)
            for (int round = 0; round < 400; round++) {
                for (UnaryOp op : UnaryOp.values()) {
                    apply(op, op.domain() == null ? x : y);
                }
                for (BinaryOp op : BinaryOp.values()) {
                    apply(op, op.restrictedDomain() ? y : x, x);
                }
            }
        }
    }

    /**
     * NaN, infinities, zeros of both signs, subnormals and the extremes, at every lane position
     * (the vector is rotated so each value meets the main loop and the tail): the same
     * NaN/infinity in both paths, finite results within the op's tolerance. Inputs outside the
     * op's domain are left out here (they are errors, tested below). The kernels are compiled
     * by then ({@link #warmUpKernels()}).
     */
    @Property(tries = 40)
    void specialValuesPropagateAlike(@ForAll DType dt, @ForAll @IntRange(max = 40) int rotate,
                                     @ForAll Layout anyLayout) {
        double[] special = specials(dt);
        Layout layout = anyLayout == Layout.EXPANDED ? Layout.STRIDED : anyLayout; // expanding would drop values
        for (UnaryOp op : UnaryOp.values()) {
            List<Double> in = new ArrayList<>();
            while (in.size() < SPECIAL_LENGTH) {
                for (double x : special) {
                    if (!Double.isNaN(op.apply(x)) || Double.isNaN(x) || op.domain() == null) {
                        in.add(x);
                    }
                }
            }
            double[] values = rotate(in.stream().mapToDouble(Double::doubleValue).toArray(), rotate);
            Sample x = TensorSamples.build(new Spec(dt, new int[] {values.length}, layout, rotate), values);
            double[] v = apply(op, x.tensor()).toDoubleArray();
            double[] s = CpuBackend.withScalarKernels(() -> apply(op, x.tensor())).toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                int at = i;
                Rounding.assertUlps(s[i], v[i], ulps(op, dt), floor(op, dt, x.values()[i]), dt,
                        () -> op.opName() + "(" + x.values()[at] + ") in " + x.spec());
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            List<double[]> pairs = new ArrayList<>();
            for (double a : special) {
                for (double b : special) {
                    double a32 = TensorSamples.round(dt, a);
                    double b32 = TensorSamples.round(dt, b);
                    boolean domainError = op.restrictedDomain() && Double.isNaN(op.apply(a32, b32))
                            && !Double.isNaN(a32) && !Double.isNaN(b32);
                    if (!domainError) {
                        pairs.add(new double[] {a, b});
                    }
                }
            }
            while (pairs.size() < SPECIAL_LENGTH) {
                pairs.addAll(pairs.subList(0, Math.min(pairs.size(), SPECIAL_LENGTH - pairs.size())));
            }
            double[] av = rotate(pairs.stream().mapToDouble(p -> p[0]).toArray(), rotate);
            double[] bv = rotate(pairs.stream().mapToDouble(p -> p[1]).toArray(), rotate);
            Sample a = TensorSamples.build(new Spec(dt, new int[] {av.length}, layout, rotate), av);
            Sample b = TensorSamples.build(new Spec(dt, new int[] {bv.length}, Layout.CONTIGUOUS, rotate), bv);
            double[] v = apply(op, a.tensor(), b.tensor()).toDoubleArray();
            double[] s = CpuBackend.withScalarKernels(() -> apply(op, a.tensor(), b.tensor())).toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                int at = i;
                Rounding.assertUlps(s[i], v[i], ulps(op, dt), 0, dt,
                        () -> op.opName() + "(" + a.values()[at] + ", " + b.values()[at] + ") " + dt);
            }
        }
    }

    /** {@code body} on the scalar kernels or the default (vector) ones. */
    static <T> T on(boolean scalarKernels, Supplier<T> body) {
        return scalarKernels ? CpuBackend.withScalarKernels(body) : body.get();
    }

    /**
     * The special pairs that have no value by the op's definition (0/0, inf/inf, pow(-1, inf),
     * pow(1, NaN)...) are errors under both kernels, wherever they sit among the lanes: the vector
     * kernel gives NaN exactly where the scalar definition does, once compiled too
     * ({@link #warmUpKernels()}).
     */
    @Property(tries = 30)
    void specialDomainErrorsAreErrorsInBothKernels(@ForAll DType dt, @ForAll @IntRange(max = 40) int at,
                                                   @ForAll boolean scalarKernels) {
        double[] special = specials(dt);
        for (BinaryOp op : BinaryOp.values()) {
            if (!op.restrictedDomain()) {
                continue;
            }
            for (double x : special) {
                for (double y : special) {
                    double a32 = TensorSamples.round(dt, x);
                    double b32 = TensorSamples.round(dt, y);
                    if (!Double.isNaN(op.apply(a32, b32)) || Double.isNaN(a32) || Double.isNaN(b32)) {
                        continue;
                    }
                    double[] av = new double[SPECIAL_LENGTH + 41];
                    double[] bv = new double[SPECIAL_LENGTH + 41];
                    Arrays.fill(av, 2);
                    Arrays.fill(bv, 1);
                    av[at] = x;
                    bv[at] = y;
                    Tensor a = Tensor.of(dt, av);
                    Tensor b = Tensor.of(dt, bv);
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> on(scalarKernels, () -> apply(op, a, b)), () -> op + "(" + x + ", " + y + ") " + dt);
                    assertTrue(e.getMessage().startsWith(op.opName() + ": " + a32), e.getMessage());
                    assertTrue(e.getMessage().contains("at index [" + at + "]"), e.getMessage());
                }
            }
        }
    }

    private static double[] rotate(double[] v, int by) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[(i + by) % v.length] = v[i];
        }
        return out;
    }

    // ------------------------------------------------------------------ domain errors

    /** A value outside the op's domain, or null if it has none. */
    static double[] outside(UnaryOp op) {
        return switch (op) {
            case SQRT, RSQRT, LOG -> new double[] {-1, -1e-3, -7.5, Double.NEGATIVE_INFINITY};
            case LOG1P -> new double[] {-2, -1.5, -1e3, Double.NEGATIVE_INFINITY};
            case NEG, ABS, SIGN, SQUARE, RECIPROCAL, EXP, EXPM1, SIN, COS, TANH, SIGMOID, SOFTPLUS, SILU, SILU_GRAD, SILU_GRAD2, RELU -> null;
        };
    }

    /**
     * Values outside the domain, planted at random places among valid ones, raise
     * IllegalArgumentException naming the op, the first bad value in row-major order and its
     * index, in both kernels; NaN planted instead propagates (NaN results there) without error.
     */
    @Property(tries = 100)
    void unaryDomainErrorsNameTheOpAndTheFirstBadValue(@ForAll("specs") Spec spec, @ForAll boolean scalarKernels) {
        int n = TensorSamples.numel(spec.shape());
        if (n == 0) {
            return;
        }
        for (UnaryOp op : UnaryOp.values()) {
            double[] bad = outside(op);
            if (bad == null) {
                assertEquals(null, op.domain(), op + " has a domain but no test of it");
                continue;
            }
            SplittableRandom random = new SplittableRandom(spec.seed());
            double[] values = TensorSamples.build(spec, domain(op, spec.dtype())).values();
            double[] nan = values.clone();
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
                int at = random.nextInt(n);
                values[at] = bad[random.nextInt(bad.length)];
                nan[at] = Double.NaN;
            }
            Sample x = TensorSamples.build(spec, values);
            int first = 0;
            while (first < n && !Double.isNaN(op.apply(x.values()[first]))) {
                first++;
            }
            if (first == n) {
                continue; // an expanded layout kept none of the planted values
            }
            int firstBad = first;
            double badValue = x.values()[first];
            Supplier<Tensor> run = () -> apply(op, x.tensor());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> on(scalarKernels, run), () -> op + " of " + x);
            String message = e.getMessage();
            assertTrue(message.startsWith(op.opName() + ": input " + badValue + " at index "
                            + Arrays.toString(Shapes.unravel(firstBad, spec.shape()))),
                    () -> "message \"" + message + "\" for " + op + " of " + x + ", first bad value at " + firstBad);
            assertTrue(message.contains(op.domain()), message);

            Sample y = TensorSamples.build(spec, nan);
            Supplier<Tensor> runNaN = () -> apply(op, y.tensor());
            double[] out = on(scalarKernels, runNaN).toDoubleArray();
            for (int i = 0; i < n; i++) {
                assertEquals(Double.isNaN(y.values()[i]), Double.isNaN(out[i]), op + " of NaN, element " + i);
            }
        }
    }

    /**
     * 0/0, ±inf/±inf and a negative base with a non-integer exponent are errors naming the op, the
     * operands and the index of the first such pair; a NaN operand is not.
     */
    @Property(tries = 100)
    void binaryDomainErrorsNameTheOpAndTheFirstBadPair(@ForAll("pairs") BroadcastSpec spec,
                                                      @ForAll boolean scalarKernels) {
        int n = TensorSamples.numel(spec.out());
        if (n == 0) {
            return;
        }
        DType dt = spec.dtype();
        int[] ia = TensorSamples.broadcastIndex(spec.shapes()[0], spec.out());
        int[] ib = TensorSamples.broadcastIndex(spec.shapes()[1], spec.out());
        for (BinaryOp op : BinaryOp.values()) {
            if (!op.restrictedDomain()) {
                continue;
            }
            SplittableRandom random = new SplittableRandom(spec.seed());
            double[][] badPairs = op == BinaryOp.DIV
                    ? new double[][] {{0, 0}, {-0.0, 0}, {0, -0.0}, {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
                        {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}}
                    : new double[][] {{-2, 0.5}, {-1e-3, 1.25}, {-8, 1.0 / 3}, {-100, -2.5}};
            Domain[] domain = domains(op, dt).get(0);
            double[] valid = TensorSamples.build(spec.operand(0), domain[0]).values();
            double[] av = valid.clone();
            double[] bv = TensorSamples.build(spec.operand(1), domain[1]).values();
            Sample bValid = TensorSamples.build(spec.operand(1), bv);
            int at = random.nextInt(n);
            double[] pair = badPairs[random.nextInt(badPairs.length)];
            av[ia[at]] = pair[0];
            bv[ib[at]] = pair[1];
            Sample a = TensorSamples.build(spec.operand(0), av);
            Sample b = TensorSamples.build(spec.operand(1), bv);
            int first = 0;
            while (first < n && !(Double.isNaN(op.apply(a.values()[ia[first]], b.values()[ib[first]]))
                    && !Double.isNaN(a.values()[ia[first]]) && !Double.isNaN(b.values()[ib[first]]))) {
                first++;
            }
            if (first == n) {
                continue; // an expanded layout kept none of the planted values
            }
            int bad = first;
            Supplier<Tensor> run = () -> apply(op, a.tensor(), b.tensor());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> on(scalarKernels, run), () -> op + " of " + a + ", " + b);
            String message = e.getMessage();
            String symbol = op == BinaryOp.POW ? " ^ " : " / ";
            assertTrue(message.startsWith(op.opName() + ": " + a.values()[ia[bad]] + symbol + b.values()[ib[bad]]
                            + " at index " + Arrays.toString(Shapes.unravel(bad, spec.out())) + " has no value"),
                    () -> "message \"" + message + "\" for " + op + " of " + a + ", " + b + ", first bad pair at " + bad);

            valid[ia[at]] = Double.NaN;
            Sample aNaN = TensorSamples.build(spec.operand(0), valid);
            Supplier<Tensor> runNaN = () -> apply(op, aNaN.tensor(), bValid.tensor());
            double[] out = on(scalarKernels, runNaN).toDoubleArray();
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(aNaN.values()[ia[i]])) {
                    int k = i;
                    assertTrue(Double.isNaN(out[i]) || op == BinaryOp.POW && bValid.values()[ib[i]] == 0,
                            () -> op + " with NaN, element " + k);
                }
            }
        }
    }

    @Property(tries = 20)
    void scalarOperandsBroadcastOverEveryLayout(@ForAll("specs") Spec spec, @ForAll @IntRange(min = -9, max = 9) int c) {
        Sample x = TensorSamples.build(spec, anyReal(spec.dtype()));
        double[] v = x.tensor().mul((double) c).add(1.0).toDoubleArray();
        double[] s = CpuBackend.withScalarKernels(() -> x.tensor().mul((double) c).add(1.0)).toDoubleArray();
        Rounding.assertBitEqual(s, v, x::toString);
    }

}
