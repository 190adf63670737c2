package joule.ebm.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * DSM and NCSN written once against {@link ScoreNetwork}: energies give the numbers of the energy-only
 * formulas bit for bit, and score networks on image batches {@code [B, C, H, W]} give the formulas.
 */
class ScoreNetworkLossesTest {
    /** The exact noisy score of data N(0, I): {@code s(x̃, σ) = −x̃ / (1 + σ²)}, for any {@code [B, …]}. */
    private static final ScoreNetwork STANDARD_NORMAL = (x, sigma) -> {
        int[] perSample = new int[x.rank()];
        java.util.Arrays.fill(perSample, 1);
        perSample[0] = x.size(0);
        return x.neg().div(sigma.square().add(1).reshape(perSample));
    };

    /** The loss's gradient in each parameter (null for the last layer's bias, which no score depends on). */
    private static double[][] gradients(List<Parameter> parameters, Var loss) {
        parameters.forEach(Parameter::zeroGrad);
        loss.backward();
        return parameters.stream().map(p -> p.grad() == null ? null : p.grad().toDoubleArray()).toArray(double[][]::new);
    }

    @Test
    void anEnergyGivesTheEnergyFormulaBitForBit() {
        NeuralEnergy energy = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(1), 2, 8, 1).asEnergy();
        Tensor batch = new RandomStream(2).normal(DType.FLOAT64, 16, 2);
        Var loss = new DenoisingScoreMatching(energy, 0.3).compute(batch, new RandomStream(3));
        double[][] grads = gradients(energy.parameters(), loss);

        Tensor eps = new RandomStream(3).normal(DType.FLOAT64, 16, 2);
        Var s = energy.score(Var.leaf(batch.add(eps.mul(0.3))));
        Var formula = s.add(Var.constant(eps.div(0.3))).square().sum(1).mean().mul(0.5);
        assertEquals(formula.item(), loss.item(), 0);
        double[][] expected = gradients(energy.parameters(), formula);
        for (int i = 0; i < grads.length; i++) {
            assertArrayEquals(expected[i], grads[i], 0);
        }
    }

    @Test
    void aNoiseConditionalEnergyGivesTheNcsnFormulaBitForBit() {
        NoiseConditionalMLP model = new NoiseConditionalMLP(2, Activation.SILU, DType.FLOAT64, new RandomStream(4), 8);
        double[] sigmas = {1, 0.3, 0.1};
        Tensor batch = new RandomStream(5).normal(DType.FLOAT64, 16, 2);
        Var loss = new MultiLevelDenoisingScoreMatching(model, sigmas).compute(batch, new RandomStream(6));
        double[][] grads = gradients(model.parameters(), loss);

        RandomStream rng = new RandomStream(6);
        double[] u = rng.uniform(Device.CPU, DType.FLOAT64, 16).toDoubleArray();
        double[] level = new double[16];
        for (int i = 0; i < 16; i++) {
            level[i] = sigmas[Math.min(2, (int) (u[i] * 3))];
        }
        Tensor sigma = Tensor.of(level);
        Tensor column = sigma.unsqueeze(1);
        Tensor eps = rng.normal(DType.FLOAT64, 16, 2);
        Var s = model.score(Var.leaf(batch.add(eps.mul(column))), Var.constant(sigma));
        Var formula = s.add(Var.constant(eps.div(column))).mul(Var.constant(column)).square().sum(1).mean().mul(0.5);
        assertEquals(formula.item(), loss.item(), 0);
        double[][] expected = gradients(model.parameters(), formula);
        for (int i = 0; i < grads.length; i++) {
            assertArrayEquals(expected[i], grads[i], 0);
        }
    }

    @Test
    void aScoreNetworkOnImagesGivesTheFormulas() {
        Tensor images = new RandomStream(7).normal(DType.FLOAT64, 5, 1, 2, 3);
        double dsm = new DenoisingScoreMatching(STANDARD_NORMAL, 0.5).compute(images, new RandomStream(8)).item();
        double[] x = images.toDoubleArray();
        double[] eps = new RandomStream(8).normal(DType.FLOAT64, 5, 1, 2, 3).toDoubleArray();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double noisy = x[i] + 0.5 * eps[i];
            double r = -noisy / 1.25 + eps[i] / 0.5;
            sum += r * r;
        }
        assertEquals(0.5 * sum / 5, dsm, 1e-12);

        double[] sigmas = {2, 0.5};
        double ncsn = new MultiLevelDenoisingScoreMatching(STANDARD_NORMAL, sigmas).compute(images, new RandomStream(9))
                .item();
        RandomStream rng = new RandomStream(9);
        double[] u = rng.uniform(Device.CPU, DType.FLOAT64, 5).toDoubleArray();
        double[] e = rng.normal(DType.FLOAT64, 5, 1, 2, 3).toDoubleArray();
        sum = 0;
        for (int i = 0; i < x.length; i++) {
            double sigma = sigmas[Math.min(1, (int) (u[i / 6] * 2))];
            double noisy = x[i] + sigma * e[i];
            double r = sigma * (-noisy / (1 + sigma * sigma)) + e[i];          // σ s + ε
            sum += r * r;
        }
        assertEquals(0.5 * sum / 5, ncsn, 1e-12);
    }

    @Test
    void aScoreOfAnotherShapeOrABatchWithoutSamplesIsAnError() {
        ScoreNetwork flat = (x, sigma) -> x.reshape(x.size(0), -1);
        Tensor images = Tensor.zeros(DType.FLOAT64, 4, 1, 2, 2);
        var dsm = assertThrows(IllegalArgumentException.class,
                () -> new DenoisingScoreMatching(flat, 0.1).compute(images, new RandomStream(1)));
        assertEquals("DenoisingScoreMatching: the score network gave [4, 4] for x of shape [4, 1, 2, 2]; a score has the "
                + "shape of x", dsm.getMessage());
        var ncsn = assertThrows(IllegalArgumentException.class,
                () -> new MultiLevelDenoisingScoreMatching(flat, new double[] {1}).compute(images, new RandomStream(1)));
        assertEquals("MultiLevelDenoisingScoreMatching: the score network gave [4, 4] for x of shape [4, 1, 2, 2]; a "
                + "score has the shape of x", ncsn.getMessage());
        var vector = assertThrows(IllegalArgumentException.class,
                () -> new DenoisingScoreMatching(STANDARD_NORMAL, 0.1).compute(Tensor.zeros(DType.FLOAT64, 4),
                        new RandomStream(1)));
        assertEquals("DenoisingScoreMatching: expected a non-empty data batch [B, D] or [B, …], got [4]", vector.getMessage());
    }
}
