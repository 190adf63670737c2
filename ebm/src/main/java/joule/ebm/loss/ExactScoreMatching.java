package joule.ebm.loss;

import java.util.List;
import joule.autograd.Autograd;
import joule.autograd.GradOptions;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Exact (Hyvärinen) score matching,
 * {@code J_ESM = E_data[ tr(∇_x s_θ(x)) + ½‖s_θ(x)‖² ] = E_data[ −tr(∇²_x E(x)) + ½‖∇_x E(x)‖² ]}
 * (ebm-reference), equal to the Fisher divergence up to a constant.
 *
 * <p>Cost: the trace takes {@code D} Hessian-vector products for the whole batch (samples are
 * independent, so one product with a coordinate vector repeated over the batch gives one Hessian
 * row per sample), each recorded so the loss can be differentiated in {@code θ}.
 */
public final class ExactScoreMatching implements Loss {
    private final Energy energy;

    /** Score matching of {@code energy}. */
    public ExactScoreMatching(Energy energy) {
        this.energy = energy;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkBatch("ExactScoreMatching", batch);
        Var x = Var.leaf(batch);
        Var grad = energy.score(x).neg();
        int d = batch.size(1);
        Var trace = null;
        for (int i = 0; i < d; i++) {
            Tensor e = Losses.coordinate(batch, i);
            Var row = Autograd.grad(new Var[] {grad}, new Var[] {x}, new Var[] {Var.constant(e)},
                    GradOptions.CREATE_GRAPH.withAllowUnused(true))[0];
            Var diag = row.select(1, i);
            trace = trace == null ? diag : trace.add(diag);
        }
        return trace.neg().add(grad.square().sum(1).mul(0.5)).mean();
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
