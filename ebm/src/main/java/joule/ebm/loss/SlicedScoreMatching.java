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
 * Sliced score matching with {@code M} projections per sample (ebm-reference):
 * {@code J_SSM = E_{x,v}[ vᵀ ∇_x s_θ(x) v + ½ (vᵀ s_θ(x))² ]}, or the variance-reduced form
 * {@code J_SSM-VR = E_{x,v}[ vᵀ ∇_x s_θ(x) v + ½ ‖s_θ(x)‖² ]}. The term {@code vᵀ ∇_x s v} is one
 * vector-Jacobian product, {@code ∇_x (vᵀ s(x)) · v}; no Hessian is formed. The batch is repeated
 * {@code M} times so all projections go through one forward and two backward passes.
 */
public final class SlicedScoreMatching implements Loss {
    private final Energy energy;
    private final int projections;
    private final Projection projection;
    private final boolean varianceReduced;

    /**
     * @param projections     {@code M ≥ 1} projections per sample
     * @param projection      distribution of {@code v}
     * @param varianceReduced use {@code ½‖s‖²} (SSM-VR) instead of {@code ½(vᵀs)²}
     */
    public SlicedScoreMatching(Energy energy, int projections, Projection projection, boolean varianceReduced) {
        if (projections < 1) {
            throw new IllegalArgumentException("SlicedScoreMatching: need at least 1 projection, got " + projections);
        }
        this.energy = energy;
        this.projections = projections;
        this.projection = projection;
        this.varianceReduced = varianceReduced;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkBatch("SlicedScoreMatching", batch);
        int b = batch.size(0);
        int d = batch.size(1);
        Tensor repeated = projections == 1 ? batch : batch.unsqueeze(0).expand(projections, b, d).reshape(-1, d);
        Var x = Var.leaf(repeated);
        Var s = energy.score(x);
        Var v = Var.constant(projection.sample(batch.device(), batch.dtype(), repeated.size(0), d, rng));
        Var vs = s.mul(v).sum(1);
        Var jv = Autograd.grad(new Var[] {vs.sum()}, new Var[] {x}, (Var[]) null,
                GradOptions.CREATE_GRAPH.withAllowUnused(true))[0];
        Var curvature = jv.mul(v).sum(1);
        Var magnitude = varianceReduced ? s.square().sum(1) : vs.square();
        return curvature.add(magnitude.mul(0.5)).mean();
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
