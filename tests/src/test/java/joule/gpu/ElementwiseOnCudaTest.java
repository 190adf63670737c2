package joule.gpu;

import static joule.gpu.Accuracy.assertAsAccurateAsTheCpu;
import static joule.gpu.Accuracy.assertExact;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import joule.gpu.Operands.Layout;
import joule.gpu.Operands.Operand;
import joule.tensor.BinaryOp;
import joule.tensor.DType;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise SPI methods on CUDA against the CPU backend in float64: {@code unary} for every
 * {@link UnaryOp}, {@code binary} for every {@link BinaryOp} (broadcast), the fused
 * {@code binaryThenUnary}, {@code binaryOfUnary} and {@code langevinStep}, and {@code where}; random
 * shapes (sizes 0 and 1 included), layouts and values, plus one large tensor each. Within
 * {@link Accuracy#assertAsAccurateAsTheCpu}'s tolerance; {@code where} exactly.
 */
class ElementwiseOnCudaTest extends CudaTest {
    private static final int TRIALS = 12;
    /** Large enough for many thread blocks, and not a multiple of any vector or block width. */
    private static final int LARGE = (1 << 20) + 17;

    static Stream<Arguments> unaryOps() {
        return withEachDType((Object[]) UnaryOp.values());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryOps")
    void unary(UnaryOp op, DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial <= TRIALS; trial++) {
            int[] shape = trial == TRIALS ? new int[] {LARGE} : Operands.shape(r, 4, 20_000);
            Operand x = Operands.operand(r, dtype, shape, Layout.any(r), Operands.domain(op, r));
            assertAsAccurateAsTheCpu(label(op + " of " + Shapes.format(shape)), cuda().unary(op, x.cuda()),
                    cpu().unary(op, x.host()), cpu().unary(op, x.reference()), dtype);
        }
    }

    static Stream<Arguments> binaryOps() {
        return withEachDType((Object[]) BinaryOp.values());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryOps")
    void binary(BinaryOp op, DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial <= TRIALS; trial++) {
            int[] shape = trial == TRIALS ? new int[] {LARGE} : Operands.shape(r, 4, 20_000);
            int[] other = trial == TRIALS ? new int[] {1} : Operands.partner(r, shape);
            boolean swap = r.nextBoolean();
            Operand a = Operands.operand(r, dtype, swap ? other : shape, Layout.any(r), left(op, r));
            Operand b = Operands.operand(r, dtype, swap ? shape : other, Layout.any(r), right(op, r));
            assertAsAccurateAsTheCpu(label(op + " of " + Shapes.format(a.shape()) + " and " + Shapes.format(b.shape())),
                    cuda().binary(op, a.cuda(), b.cuda()), cpu().binary(op, a.host(), b.host()),
                    cpu().binary(op, a.reference(), b.reference()), dtype);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void powerOfANegativeBaseToIntegerExponents(DType dtype) {
        SplittableRandom r = random();
        int[] shape = Operands.shape(r, 3, 20_000);
        Operand a = Operands.operand(r, dtype, shape, Layout.any(r), Operands.normal(r, 2));
        Operand b = Operands.operand(r, dtype, Operands.partner(r, shape), Layout.any(r), () -> r.nextInt(7) - 3);
        assertAsAccurateAsTheCpu(label("pow with integer exponents"), cuda().binary(BinaryOp.POW, a.cuda(), b.cuda()),
                cpu().binary(BinaryOp.POW, a.host(), b.host()), cpu().binary(BinaryOp.POW, a.reference(), b.reference()),
                dtype);
    }

    /** The left operand of {@code op}: positive bases for pow, ties (and NaN) for comparisons and max/min. */
    private static DoubleSupplier left(BinaryOp op, SplittableRandom r) {
        return switch (op) {
            case POW -> Operands.uniform(r, 0.1, 4);
            case ADD, SUB, MUL, DIV -> Operands.normal(r, 3);
            default -> r.nextBoolean() ? Operands.ties(r, true) : Operands.normal(r, 3);
        };
    }

    /** The right operand of {@code op}: denominators away from 0, moderate exponents, ties for comparisons. */
    private static DoubleSupplier right(BinaryOp op, SplittableRandom r) {
        return switch (op) {
            case DIV -> Operands.nonZero(r);
            case POW -> Operands.normal(r, 2);
            case ADD, SUB, MUL -> Operands.normal(r, 3);
            default -> r.nextBoolean() ? Operands.ties(r, true) : Operands.normal(r, 3);
        };
    }

    /** The binary ops of the fused methods (bias + activation, gradient × derivative). */
    private static final BinaryOp[] FUSED = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.MAXIMUM};

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryOps")
    void binaryThenUnary(UnaryOp u, DType dtype) {
        SplittableRandom r = random();
        for (BinaryOp op : FUSED) {
            if (u.domain() != null && op == BinaryOp.SUB) {
                continue;   // a − b would leave the domain of u
            }
            for (int trial = 0; trial < 3; trial++) {
                int[] shape = Operands.shape(r, 3, 20_000);
                DoubleSupplier values = u.domain() != null ? Operands.uniform(r, 0.05, 2) : Operands.normal(r, 2);
                Operand a = Operands.operand(r, dtype, shape, Layout.any(r), values);
                Operand b = Operands.operand(r, dtype, Operands.partner(r, shape), Layout.any(r), values);
                assertAsAccurateAsTheCpu(label(u + "(" + op + ") of " + Shapes.format(shape)),
                        cuda().binaryThenUnary(op, a.cuda(), b.cuda(), u), cpu().binaryThenUnary(op, a.host(), b.host(), u),
                        cpu().unary(u, cpu().binary(op, a.reference(), b.reference())), dtype);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryOps")
    void binaryOfUnary(UnaryOp u, DType dtype) {
        SplittableRandom r = random();
        for (BinaryOp op : FUSED) {
            for (int trial = 0; trial < 3; trial++) {
                int[] shape = Operands.shape(r, 3, 20_000);
                Operand a = Operands.operand(r, dtype, Operands.partner(r, shape), Layout.any(r), Operands.normal(r, 2));
                Operand b = Operands.operand(r, dtype, shape, Layout.any(r), Operands.domain(u, r));
                assertAsAccurateAsTheCpu(label(op + " of " + u + " on " + Shapes.format(shape)),
                        cuda().binaryOfUnary(op, a.cuda(), u, b.cuda()), cpu().binaryOfUnary(op, a.host(), u, b.host()),
                        cpu().binary(op, a.reference(), cpu().unary(u, b.reference())), dtype);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void langevinStep(DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial <= TRIALS; trial++) {
            int[] shape = trial == TRIALS ? new int[] {LARGE / 2, 2} : Operands.shape(r, 3, 20_000);
            Operand x = Operands.operand(r, dtype, shape, Layout.any(r), Operands.normal(r, 2));
            Operand score = Operands.operand(r, dtype, shape, Layout.any(r), Operands.normal(r, 5));
            Operand noise = Operands.operand(r, dtype, shape, Layout.any(r), Operands.normal(r, 1));
            double step = r.nextDouble(1e-4, 0.5);
            double scale = Math.sqrt(2 * step);
            assertAsAccurateAsTheCpu(label("langevinStep of " + Shapes.format(shape)),
                    cuda().langevinStep(x.cuda(), score.cuda(), noise.cuda(), step, scale),
                    cpu().langevinStep(x.host(), score.host(), noise.host(), step, scale),
                    cpu().langevinStep(x.reference(), score.reference(), noise.reference(), step, scale), dtype);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void where(DType dtype) {
        SplittableRandom r = random();
        for (int trial = 0; trial <= TRIALS; trial++) {
            int[] shape = trial == TRIALS ? new int[] {LARGE} : Operands.shape(r, 4, 20_000);
            double[] conditions = {0, 1, -2, 0.5, Double.NaN, -0.0};
            Operand cond = Operands.operand(r, dtype, Operands.partner(r, shape), Layout.any(r),
                    () -> conditions[r.nextInt(conditions.length)]);
            Operand a = Operands.operand(r, dtype, Operands.partner(r, shape), Layout.any(r), Operands.normal(r, 1));
            Operand b = Operands.operand(r, dtype, shape, Layout.any(r), Operands.normal(r, 1));
            Tensor out = cuda().where(cond.cuda(), a.cuda(), b.cuda());
            assertExact(label("where over " + Shapes.format(shape)), out,
                    cpu().where(cond.reference(), a.reference(), b.reference()), dtype);
        }
    }
}
