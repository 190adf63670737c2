package joule.ebm.optim;

import java.util.List;
import joule.ebm.nn.Parameter;

/**
 * Adam, exactly PyTorch's {@code torch.optim.Adam} (without amsgrad): weight decay is an L2 term
 * added to the gradient. For each parameter {@code θ}, at its {@code t}-th update ({@code t = 1, 2, …}):
 * <pre>
 *   g ← g + λθ
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²          (m, v start at 0)
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Note that {@code ε} is added after the bias correction of {@code √v}, as PyTorch does.
 */
public final class Adam extends AdamBase {
    /** Adam with PyTorch's defaults {@code β₁ = 0.9, β₂ = 0.999, ε = 1e-8}, no weight decay. */
    public Adam(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0);
    }

    /**
     * @param beta1       {@code β₁ ∈ [0, 1)}
     * @param beta2       {@code β₂ ∈ [0, 1)}
     * @param eps         {@code ε ≥ 0}
     * @param weightDecay L2 coefficient {@code λ ≥ 0}
     */
    public Adam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("Adam", parameters, lr, beta1, beta2, eps, weightDecay, false);
    }
}
