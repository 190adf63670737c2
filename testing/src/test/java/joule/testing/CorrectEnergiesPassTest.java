package joule.testing;

import joule.ebm.energy.Energy;
import joule.ebm.energy.RingEnergy;
import joule.tensor.Tensor;
import joule.testing.TensorSamples.Sample;
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

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries2.dims(), Arbitraries2.batchSizes()).flatAs((d, b) ->
                Combinators.combine(EnergyArbitraries.energies(d), TensorSamples.batches(b, b, d, d, Domain.all()))
                        .as(Case::new));
    }

    @Property(tries = 12)
    void mlpAndAnalyticEnergiesPassTheSuite(@ForAll("cases") Case c) {
        EnergySuite.check(c.energy(), c.x().tensor());
    }

    /** The ring away from its centre (where the score is undefined), with the invariance it has under coordinate swaps. */
    @Example
    void ringEnergyPassesWithItsPermutationInvariance() {
        Tensor x = Tensor.of(new double[] {0.5, 1.5, -1, 0.25, 1.25, -0.75}, 3, 2);
        EnergySuite.of(new RingEnergy(1, 0.5)).invariantUnderPermutation(1, 0).check(x);
    }

    /** Sizes for {@link #cases}: small, so that gradcheck's {@code (B·D)²} work stays quick. */
    private static final class Arbitraries2 {
        static Arbitrary<Integer> dims() {
            return net.jqwik.api.Arbitraries.integers().between(1, 4);
        }

        static Arbitrary<Integer> batchSizes() {
            return net.jqwik.api.Arbitraries.integers().between(1, 3);
        }
    }
}
