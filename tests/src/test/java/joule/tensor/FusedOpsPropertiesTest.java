package joule.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Supplier;
import joule.testing.Domain;
import joule.testing.TensorSamples;
import joule.testing.TensorSamples.BroadcastSpec;
import joule.testing.TensorSamples.Sample;
import joule.testing.TensorSamples.Spec;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fused elementwise ops against the ops they fuse, applied one after the other, over broadcast
 * shapes and layouts: {@code binaryThenUnary} and {@code binaryOfUnary} within the unary op's
 * vector-versus-scalar tolerance ({@link ElementwiseKernelPropertiesTest#ulps(UnaryOp, DType)}: the
 * fused loop cuts segments where the broadcast does, so lanes and tails fall elsewhere), and exactly
 * where the unary op is a single IEEE operation; {@code langevinStep} bit for bit (the same three
 * roundings in the same order).
 */
class FusedOpsPropertiesTest {
    @Provide
    Arbitrary<BroadcastSpec> pairs() {
        return TensorSamples.broadcastSpecs(2);
    }

    @Property(tries = 120)
    void binaryThenUnaryIsTheUnaryOfTheBinary(@ForAll("pairs") BroadcastSpec spec) {
        DType dt = spec.dtype();
        Sample a = TensorSamples.build(spec.operand(0), ElementwiseKernelPropertiesTest.anyReal(dt));
        Sample b = TensorSamples.build(spec.operand(1), Domain.uniform(-30, 30));
        for (BinaryOp op : BinaryOp.values()) {
            for (UnaryOp u : UnaryOp.values()) {
                if (op.restrictedDomain() || u.domain() != null) {
                    continue; // the unfused path: see domainErrorsNameTheFusedOp
                }
                Supplier<String> what = () -> u.opName() + "(" + op.opName() + ") of " + a + " and " + b;
                Tensor pre = ElementwiseKernelPropertiesTest.apply(op, a.tensor(), b.tensor());
                Tensor expected = ElementwiseKernelPropertiesTest.apply(u, pre);
                Tensor fused = a.tensor().binaryThenUnary(op, b.tensor(), u);
                assertClose(u, dt, pre.toDoubleArray(), null, expected, fused, what);
            }
        }
    }

    @Property(tries = 120)
    void binaryOfUnaryIsTheBinaryWithTheUnary(@ForAll("pairs") BroadcastSpec spec) {
        DType dt = spec.dtype();
        Sample a = TensorSamples.build(spec.operand(0), Domain.uniform(-100, 100));
        Sample b = TensorSamples.build(spec.operand(1), Domain.uniform(-30, 30));
        for (BinaryOp op : BinaryOp.values()) {
            for (UnaryOp u : UnaryOp.values()) {
                if (op.restrictedDomain() || u.domain() != null) {
                    continue;
                }
                Supplier<String> what = () -> op.opName() + " with " + u.opName() + " of " + a + " and " + b;
                Tensor expected = ElementwiseKernelPropertiesTest.apply(op, a.tensor(),
                        ElementwiseKernelPropertiesTest.apply(u, b.tensor()));
                Tensor fused = a.tensor().binaryOfUnary(op, u, b.tensor());
                if (op == BinaryOp.MUL || ElementwiseKernelPropertiesTest.ulps(u, dt) == 0) {
                    double[] x = b.tensor().expand(expected.shape()).toDoubleArray();
                    double[] scale = op == BinaryOp.MUL ? a.tensor().expand(expected.shape()).abs().toDoubleArray() : null;
                    assertClose(u, dt, x, scale, expected, fused, what);
                } else {
                    assertArrayEquals(expected.shape(), fused.shape(), what);
                }
            }
        }
    }

    @Property(tries = 120)
    void langevinStepIsThreeOpsBitForBit(@ForAll("specs") Spec spec, @ForAll("steps") double step) {
        Sample x = TensorSamples.build(spec, Domain.uniform(-10, 10));
        Spec other = new Spec(spec.dtype(), spec.shape(), spec.layout(), spec.seed() + 1);
        Tensor score = TensorSamples.build(other, Domain.uniform(-50, 50)).tensor();
        Tensor noise = TensorSamples.build(new Spec(spec.dtype(), spec.shape(), spec.layout(), spec.seed() + 2),
                Domain.uniform(-4, 4)).tensor();
        double scale = Math.sqrt(2 * step);
        Tensor expected = x.tensor().add(score.mul(step)).add(noise.mul(scale));
        Tensor fused = Tensor.langevinStep(x.tensor(), score, noise, step, scale);
        Rounding.assertBitEqual(expected.toDoubleArray(), fused.toDoubleArray(), () -> "langevinStep of " + x);
    }

    @net.jqwik.api.Example
    void domainErrorsNameTheFusedOp() {
        Tensor a = Tensor.of(new double[] {1, -3, 2});
        Tensor b = Tensor.of(new double[] {0.5});
        var log = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.binaryThenUnary(BinaryOp.MUL, b, UnaryOp.LOG));
        org.junit.jupiter.api.Assertions.assertTrue(log.getMessage().startsWith("log: input -1.5 at index [1]"), log.getMessage());
        var div = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> a.mul(0).binaryOfUnary(BinaryOp.DIV, UnaryOp.RELU, b.neg()));
        org.junit.jupiter.api.Assertions.assertTrue(div.getMessage().startsWith("div: 0.0 / 0.0"), div.getMessage());
    }

    @Provide
    Arbitrary<Spec> specs() {
        return TensorSamples.specs();
    }

    @Provide
    Arbitrary<Double> steps() {
        return net.jqwik.api.Arbitraries.of(1e-4, 0.01, 0.37, 2.0);
    }

    /**
     * Fused against unfused: same shape; equal within the unary op's tolerance at its input {@code x}, its
     * absolute floor multiplied by {@code scale} (the other factor of a product; null: 1).
     */
    private static void assertClose(UnaryOp u, DType dt, double[] x, double[] scale, Tensor expected, Tensor fused,
                                    Supplier<String> what) {
        assertArrayEquals(expected.shape(), fused.shape(), what);
        double[] e = expected.toDoubleArray();
        double[] f = fused.toDoubleArray();
        double k = ElementwiseKernelPropertiesTest.ulps(u, dt);
        for (int i = 0; i < e.length; i++) {
            int at = i;
            if (Double.isNaN(e[i]) && Double.isNaN(f[i])) {
                continue;
            }
            double floor = 2 * ElementwiseKernelPropertiesTest.floor(u, dt, x[i]) * (scale == null ? 1 : scale[i]);
            Rounding.assertUlps(e[i], f[i], 2 * k, floor, dt,
                    () -> what.get() + ", element " + at);
        }
    }
}
