package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Sliced score matching with {@code M} projections per sample (ebm-reference):
 * {@code J_SSM = E_{x,v}[ vᵀ ∇_x s_θ(x) v + ½ (vᵀ s_θ(x))² ]}, or the variance-reduced form
 * {@code J_SSM-VR = E_{x,v}[ vᵀ ∇_x s_θ(x) v + ½ ‖s_θ(x)‖² ]}. No Hessian is formed: SSM takes
 * both terms from {@link Energy#directionalDerivatives} (one forward pass carrying {@code v} for an
 * MLP energy); SSM-VR needs the whole score, so it takes {@code vᵀ ∇_x s v} as one vector-Jacobian
 * product {@code ∇_x (vᵀ s(x)) · v} after the score's backward pass. The batch is repeated {@code M}
 * times so all projections go through one pass.
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
        Losses.required("SlicedScoreMatching", "energy", energy);
        Losses.required("SlicedScoreMatching", "projection", projection);
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
        return compute(batch, projection.sample(batch.device(), batch.dtype(), projections * batch.size(0),
                batch.size(1), rng));
    }

    /**
     * The loss with given projections {@code v [M·B, D]} instead of drawn ones: row {@code m·B + i} is the
     * {@code m}-th projection of sample {@code i} (the order {@link #compute(Tensor, RandomStream)} draws them in),
     * so a computation can be repeated exactly.
     */
    public Var compute(Tensor batch, Tensor v) {
        Losses.checkBatch("SlicedScoreMatching", batch);
        int b = batch.size(0);
        int d = batch.size(1);
        if (v == null || v.rank() != 2 || v.size(0) != projections * b || v.size(1) != d || v.dtype() != batch.dtype()
                || v.device() != batch.device()) {
            throw new IllegalArgumentException("SlicedScoreMatching: projections v should be [" + projections * b + ", "
                    + d + "] " + batch.dtype() + " for " + projections + " projections of a batch "
                    + Shapes.format(batch.shape()) + ", got " + (v == null ? "null" : Shapes.format(v.shape()) + " "
                    + v.dtype()));
        }
        Tensor repeated = projections == 1 ? batch : batch.unsqueeze(0).expand(projections, b, d).reshape(-1, d);
        Var x = Var.leaf(repeated);
        Var curvature;
        Var magnitude;
        if (varianceReduced) {
            Var s = energy.score(x);
            curvature = Energy.directionalDerivatives(x, s, v).second().neg();
            magnitude = s.square().sum(1);
        } else {
            Energy.DirectionalDerivatives dd = energy.directionalDerivatives(x, v);
            curvature = dd.second().neg();
            magnitude = dd.first().square();
        }
        return curvature.add(magnitude.mul(0.5)).mean();
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
