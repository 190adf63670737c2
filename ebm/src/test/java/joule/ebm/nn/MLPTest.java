package joule.ebm.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import joule.autograd.GradCheck;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** MLP and NeuralEnergy: forward against a manual computation, names, seeding, gradient checks. */
class MLPTest {
    private static MLP mlp(long seed, int... sizes) {
        return new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(seed), sizes);
    }

    private static double silu(double v) {
        return v / (1 + Math.exp(-v));
    }

    @Test
    void forwardEqualsManualComputation() {
        MLP net = mlp(3, 2, 3, 1);
        Linear l0 = net.layers().get(0);
        Linear l1 = net.layers().get(1);
        Tensor x = new RandomStream(9).normal(DType.FLOAT64, 4, 2);
        double[] h = LinearTest.manual(x.toDoubleArray(), 4, l0.weight().value().toDoubleArray(),
                l0.bias().value().toDoubleArray(), 2, 3);
        for (int i = 0; i < h.length; i++) {
            h[i] = silu(h[i]);
        }
        double[] y = LinearTest.manual(h, 4, l1.weight().value().toDoubleArray(), l1.bias().value().toDoubleArray(), 3, 1);
        assertArrayEquals(y, net.forward(Var.constant(x)).value().toDoubleArray(), 1e-12);
        Tensor e = net.asEnergy().energy(x);
        assertArrayEquals(new int[] {4}, e.shape());
        assertArrayEquals(y, e.toDoubleArray(), 1e-12);
    }

    @Test
    void parameterNamesFollowSequentialWithActivations() {
        MLP net = mlp(1, 2, 8, 8, 1);
        List<String> names = net.parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.4.weight", "layers.4.bias"), names);
        assertArrayEquals(new int[] {8, 2}, net.parameters().get(0).value().shape());
        assertEquals(2 * 8 + 8 + 8 * 8 + 8 + 8 + 1, net.parameterCount());
        assertEquals(List.of("net.0.weight", "net.0.bias"),
                new MLP("net", Activation.TANH, DType.FLOAT64, new RandomStream(1), 2, 1).parameters().stream()
                        .map(Parameter::name).toList());
    }

    @Test
    void sameSeedSameParametersDifferentSeedDifferent() {
        List<Parameter> a = mlp(42, 2, 5, 1).parameters();
        List<Parameter> b = mlp(42, 2, 5, 1).parameters();
        List<Parameter> c = mlp(43, 2, 5, 1).parameters();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value().toDoubleArray(), b.get(i).value().toDoubleArray(), 0.0);
            assertFalse(Arrays.equals(a.get(i).value().toDoubleArray(), c.get(i).value().toDoubleArray()),
                    a.get(i).name());
        }
    }

    /** {@code (x, θ…) ↦ E(x)} with the parameters bound to the checked inputs. */
    private static Function<Var[], Var> energyOfInputsAndParameters(NeuralEnergy energy) {
        List<Parameter> params = energy.parameters();
        return xs -> {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).bind(xs[i + 1]);
            }
            return energy.energy(xs[0]);
        };
    }

    private static Tensor[] inputsAndParameters(Tensor x, NeuralEnergy energy) {
        List<Parameter> params = energy.parameters();
        Tensor[] all = new Tensor[params.size() + 1];
        all[0] = x;
        for (int i = 0; i < params.size(); i++) {
            all[i + 1] = params.get(i).value();
        }
        return all;
    }

    @Test
    void energyPassesGradcheckAndGradgradcheckInXAndParameters() {
        for (Activation act : List.of(Activation.SILU, Activation.SOFTPLUS, Activation.TANH)) {
            NeuralEnergy energy = new MLP(act, DType.FLOAT64, new RandomStream(5), 2, 3, 3, 1).asEnergy();
            Tensor[] inputs = inputsAndParameters(new RandomStream(6).normal(DType.FLOAT64, 2, 2), energy);
            Function<Var[], Var> f = energyOfInputsAndParameters(energy);
            var first = GradCheck.gradcheck(f, inputs);
            assertTrue(first.passed(), act + " " + first);
            var second = GradCheck.gradgradcheck(f, inputs);
            assertTrue(second.passed(), act + " " + second);
        }
    }

    @Test
    void scoreIsMinusTheGradientInX() {
        NeuralEnergy energy = mlp(7, 2, 4, 1).asEnergy();
        Tensor x = new RandomStream(8).normal(DType.FLOAT64, 3, 2);
        Var in = Var.leaf(x);
        energy.energy(in).sum().backward();
        assertArrayEquals(in.grad().neg().toDoubleArray(), energy.score(x).toDoubleArray(), 1e-12);
    }

    @Test
    void badConfigurationsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> mlp(1, 2, 3, 2).asEnergy());
        assertTrue(e.getMessage().startsWith("NeuralEnergy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mlp(1, 2));
        assertTrue(e.getMessage().startsWith("MLP"), e.getMessage());
    }

    @Test
    void parameterRejectsMismatchedValuesGradientsAndBindings() {
        Parameter p = mlp(1, 2, 1).parameters().getFirst();
        for (Runnable bad : List.<Runnable>of(
                () -> p.set(Tensor.zeros(DType.FLOAT64, 2, 1)),
                () -> p.setGrad(Tensor.zeros(DType.FLOAT32, 1, 2)),
                () -> p.bind(Var.leaf(Tensor.zeros(DType.FLOAT64, 3))))) {
            var e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().startsWith("parameter layers.0.weight"), e.getMessage());
        }
    }

    @Test
    void neuralEnergyOfAnyModule() {
        Linear layer = new Linear("proj", 3, 1, DType.FLOAT64, new RandomStream(4));
        NeuralEnergy e = NeuralEnergy.of(layer, x -> layer.forward(x).squeeze(-1).square());
        Tensor x = new RandomStream(5).normal(DType.FLOAT64, 4, 3);
        Tensor expected = layer.forward(Var.constant(x)).value().squeeze(-1).square();
        assertArrayEquals(expected.toDoubleArray(), e.energy(x).toDoubleArray());
        assertEquals(layer.parameters(), e.parameters());
        NeuralEnergy wrong = NeuralEnergy.of(layer, layer::forward);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> wrong.energy(x));
        assertTrue(error.getMessage().contains("[4, 3] → [4, 1]"), error.getMessage());
    }
}
