package joule.ebm.device;

import static joule.ebm.device.DeviceParity.assertSameOnCpuAndCuda;

import java.util.function.Function;
import joule.autograd.Functional;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import org.junit.jupiter.api.Test;

/**
 * autograd's function transformations and gradient checks on the (emulated) CUDA device: the
 * probes, one-hot directions and perturbed inputs they make follow the device of {@code x}, and the
 * results equal the CPU's bit for bit.
 */
class FunctionalOnDeviceTest {
    /** A batched {@code f: [B, 3] → [B]} with a full Hessian per sample. */
    private static final Function<Var, Var> F = x -> x.sin().mul(x.square().sum(new int[] {1}, true)).sum(1)
            .add(x.select(1, 0).mul(x.select(1, 2)).exp());

    private static Tensor x(Device d) {
        return new RandomStream(41).normal(DType.FLOAT64, 4, 3).to(d);
    }

    @Test
    void derivativesGiveTheCpuResultsOnTheDevice() {
        assertSameOnCpuAndCuda("Functional", d -> {
            Tensor x = x(d);
            RandomStream rng = new RandomStream(42);
            Tensor t = rng.normal(DType.FLOAT64, 4, 3).to(d);
            Tensor v = rng.normal(DType.FLOAT64, 4).to(d);
            Function<Var, Var> scalar = in -> F.apply(in).sum();
            Functional.ValueAndGrad vg = Functional.valueAndGrad(scalar, x);
            return new DeviceParity.Results()
                    .tensor("value", vg.value()).tensor("grad", vg.grad())
                    .tensor("vjp", Functional.vjp(F, x, v))
                    .tensor("jvp", Functional.jvp(F, x, t))
                    .tensor("hvp", Functional.hvp(scalar, x, t))
                    .tensor("hessian", Functional.hessian(scalar, x.narrow(0, 0, 2)))
                    .tensor("hessianTrace", Functional.hessianTrace(F, x))
                    .tensor("hessianDiagonal", Functional.hessianDiagonal(F, x))
                    .tensor("hutchinson Rademacher",
                            Functional.hutchinsonTrace(F, x, 3, Distribution.RADEMACHER, new RandomStream(43)))
                    .tensor("hutchinson normal", Functional.hutchinsonTrace(F, x, 2, Distribution.NORMAL, new RandomStream(44)));
        });
    }

    @Test
    void gradientChecksGiveTheCpuReportsOnTheDevice() {
        Function<Var[], Var> f = xs -> F.apply(xs[0]).mul(xs[1]);
        assertSameOnCpuAndCuda("GradCheck", d -> {
            Tensor x = x(d).narrow(0, 0, 2);
            Tensor w = Tensor.of(new double[] {0.5, -2}).to(d);
            GradCheck.Report[] reports = {GradCheck.gradcheck(f, x, w), GradCheck.gradgradcheck(f, x, w),
                GradCheck.vjpIdentity(f, GradCheck.Tolerance.DEFAULT, 45, x, w)};
            DeviceParity.Results r = new DeviceParity.Results();
            for (GradCheck.Report report : reports) {
                r.values(report.check(), report.passed() ? 1 : 0, report.ratio());
            }
            return r;
        });
    }
}
