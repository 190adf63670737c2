package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/** A noise density {@code p_n} that can be sampled and evaluated, for noise-contrastive estimation. */
public interface NoiseDistribution {
    /** {@code n} samples, {@code [n, D]}. */
    Tensor sample(int n, RandomStream rng);

    /**
     * {@code n} samples as a Var that depends on the parameters (reparameterised), so that a loss
     * over them can be differentiated in the noise's parameters; by default constants.
     */
    default Var sampleWithGraph(int n, RandomStream rng) {
        return Var.constant(sample(n, rng));
    }

    /** {@code log p_n(y)} for {@code y: [n, D]}, a differentiable {@code [n]}. */
    Var logDensity(Var y);

    /** Learnable parameters (a flow's); empty for a fixed density. */
    default List<Parameter> parameters() {
        return List.of();
    }
}
