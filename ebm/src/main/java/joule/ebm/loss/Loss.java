package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * A training objective for an energy-based model, to be minimised: each call evaluates it on one
 * data batch {@code [B, D]} as a mean over the batch (ebm-reference, "Losses").
 */
public interface Loss {
    /** The loss on {@code batch}, a differentiable 0-d Var; {@code rng} supplies any noise, projections or chains. */
    Var compute(Tensor batch, RandomStream rng);

    /** The parameters this loss trains: the model's, plus any of the loss's own (such as NCE's {@code log Z}). */
    List<Parameter> parameters();
}
