package joule.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import joule.autograd.GradCheck.Tolerance;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.energy.RingEnergy;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NeuralEnergy;
import joule.ebm.nn.ResNetEnergy;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.testing.TensorSamples.Sample;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Joule's correct energies (random MLPs and analytic energies) pass the whole default suite. */
class CorrectEnergiesPassTest {
    /** An energy and a batch of its dimension. */
    record Case(Energy energy, Sample x) {
    }

    /** Dimensions 1..4 and batches of 1..3: small, so that gradcheck's {@code (B·D)²} work stays quick. */
    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3)).flatAs((d, b) ->
                Combinators.combine(EnergyArbitraries.energies(d), TensorSamples.batches(b, b, d, d, Domain.all()))
                        .as(Case::new));
    }

    @Property(tries = 12)
    void mlpAndAnalyticEnergiesPassTheSuite(@ForAll("cases") Case c) {
        EnergySuite.check(c.energy(), c.x().tensor());
    }

    /**
     * On ebm's emulated CUDA device (on this test class path through joule-ebm's test-jar): the device check
     * compares it with the CPU, and the whole suite runs with the energy and the batch there.
     */
    @Example
    void theSuiteRunsOnAnotherDevice() {
        NeuralEnergy energy = new MLP(Activation.SILU, DType.FLOAT64, new RandomStream(1), 3, 8, 1).asEnergy();
        Tensor x = new RandomStream(2).uniform(-1, 1, DType.FLOAT64, 2, 3);
        assertEquals(List.of(Device.CUDA), DerivativeAssertions.assertSameOnEveryDevice(energy, Tolerance.DEFAULT, x));
        assertEquals(Device.CPU, energy.parameters().getFirst().value().device(), "moved back where it was");

        energy.to(Device.CUDA);
        EnergySuite.check(energy, x.to(Device.CUDA));
        assertEquals(Device.CUDA, energy.parameters().getFirst().value().device(), "moved back where it was");
    }

    /**
     * A linear energy (constant score, no curvature) passes: the second-order checks see a zero Hessian. Its
     * coefficients follow the device of {@code x} (a CPU constant fails the device check).
     */
    @Example
    void linearEnergyPassesTheSuite() {
        Tensor a = Tensor.of(new double[] {1, -2, 0.5});
        Energy linear = x -> x.mul(Var.constant(a.to(x.value().device()))).sum(1);
        EnergySuite.check(linear, Tensor.of(new double[] {0.5, 1, -1, 0.25, 2, -0.75}, 2, 3));
    }

    /** The ring away from its centre (where the score is undefined), with the invariance it has under coordinate swaps. */
    @Example
    void ringEnergyPassesWithItsPermutationInvariance() {
        Tensor x = Tensor.of(new double[] {0.5, 1.5, -1, 0.25, 1.25, -0.75}, 3, 2);
        EnergySuite.of(new RingEnergy(1, 0.5)).invariantUnderPermutation(1, 0).check(x);
    }

    /**
     * A small convolutional energy (two stages of 2 channels on 2×2 images, with an average pooling between
     * them; flat {@code [B, 4]} in) passes too;
     * without spectral normalisation, whose recorded evaluation takes a power iteration (so the energy changes a
     * little with every call, and finite differences would see that).
     */
    @Example
    void resNetEnergyPassesTheSuite() {
        ResNetEnergy.Config config = ResNetEnergy.Config.of(1, 2, 2, 2, 2).withSpectralNorm(false);
        Energy energy = new ResNetEnergy(config, DType.FLOAT64, new RandomStream(3));
        Tensor x = new RandomStream(4).uniform(-1, 1, DType.FLOAT64, 3, 4);
        EnergySuite.check(energy, x);
    }
}
