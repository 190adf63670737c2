package joule.ebm.sde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.nn.Activation;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.nn.Parameter;
import joule.ebm.nn.TimeConditionalMLP;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;
import org.junit.jupiter.api.Test;

/**
 * Divergences of score networks that are not gradients ({@link TimeConditionalMLP}) and that are
 * ({@link NoiseConditionalMLP}) against central differences of the Jacobian's diagonal, and Hutchinson's average.
 */
class DivergenceTest {
    private static double[] finiteDifferenceTrace(ScoreNetwork net, Tensor x, Tensor sigma) {
        int b = x.size(0);
        int d = x.size(1);
        double h = 1e-6;
        double[] trace = new double[b];
        for (int i = 0; i < d; i++) {
            Tensor e = x.unitLike(d, i).expand(b, d).mul(h);
            double[] up = net.score(x.add(e), sigma).toDoubleArray();
            double[] down = net.score(x.sub(e), sigma).toDoubleArray();
            for (int s = 0; s < b; s++) {
                trace[s] += (up[s * d + i] - down[s * d + i]) / (2 * h);
            }
        }
        return trace;
    }

    @Test
    void exactDivergenceIsTheJacobianTraceAndHutchinsonAveragesToIt() {
        List<ScoreNetwork> nets = List.of(
                new TimeConditionalMLP(3, 4, 1, Activation.SILU, DType.FLOAT64, new RandomStream(1), 16, 16),
                new NoiseConditionalMLP(3, Activation.SOFTPLUS, DType.FLOAT64, new RandomStream(2), 16));
        Tensor x = new RandomStream(3).normal(DType.FLOAT64, 5, 3);
        Tensor sigma = new RandomStream(4).uniform(DType.FLOAT64, 5).add(0.2);
        for (ScoreNetwork net : nets) {
            Var in = Var.leaf(x);
            Var s = net.score(in, Var.constant(sigma));
            double[] exact = Divergence.exact().of(s, in, null).toDoubleArray();
            double[] fd = finiteDifferenceTrace(net, x, sigma);
            for (int i = 0; i < 5; i++) {
                assertEquals(fd[i], exact[i], 1e-6 * Math.max(1, Math.abs(fd[i])), net.getClass().getSimpleName());
            }
            int copies = 1000;
            Tensor many = x.narrow(0, 0, 1).expand(copies, 3).contiguous();
            Tensor manySigma = sigma.narrow(0, 0, 1).expand(copies).contiguous();
            Divergence hutchinson = Divergence.hutchinson(Distribution.NORMAL, 7);
            Var inMany = Var.leaf(many);
            double[] est = hutchinson.of(net.score(inMany, Var.constant(manySigma)), inMany, hutchinson.probes(many))
                    .toDoubleArray();
            double mean = 0;
            double sq = 0;
            for (double v : est) {
                mean += v / copies;
                sq += v * v / copies;
            }
            double se = Math.sqrt((sq - mean * mean) / copies);
            assertEquals(exact[0], mean, 4 * se, net.getClass().getSimpleName());
        }
        assertThrows(IllegalArgumentException.class, () -> Divergence.hutchinson(Distribution.UNIFORM, 1));
    }

    @Test
    void timeConditionalMlpNamesItsStateAndChecksShapes() {
        TimeConditionalMLP net = new TimeConditionalMLP(2, 8, 1, Activation.SILU, DType.FLOAT32, new RandomStream(1), 32);
        assertEquals(List.of("net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "embed.W"),
                net.state().stream().map(Parameter::name).toList());
        Tensor x = Tensor.zeros(DType.FLOAT32, 4, 2);
        assertEquals(List.of(4, 2), java.util.Arrays.stream(net.score(x, x.scalarLike(0.5).expand(4)).shape()).boxed()
                .toList());
        assertThrows(IllegalArgumentException.class, () -> net.score(Tensor.zeros(DType.FLOAT32, 4, 3),
                x.scalarLike(0.5).expand(4)));
    }
}
