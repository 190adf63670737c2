package com.example.chain;

import joule.tensor.DType;
import joule.tensor.Tensor;
import joule.testing.Domain;
import joule.testing.EnergySuite;
import joule.testing.TensorSamples;
import joule.testing.TensorSamples.Sample;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SpringChainEnergyTest {
    @Property(tries = 20)
    void derivativesAreRight(@ForAll("batches") Sample x) {
        EnergySuite.of(new SpringChainEnergy(1.0, 0.5, 0.3))
                .invariantUnderTranslation(Tensor.full(DType.FLOAT64, 0.7, 4))
                .check(x.tensor());
    }

    @Provide
    Arbitrary<Sample> batches() {
        return TensorSamples.batches(1, 4, 4, 4, Domain.all());
    }
}
