package joule.ebm.optim;

import java.util.List;
import joule.ebm.nn.Parameter;

/**
 * AdamW, exactly PyTorch's {@code torch.optim.AdamW} (without amsgrad): weight decay is decoupled
 * from the gradient, shrinking {@code θ} before the {@link Adam} update computed from the raw
 * gradient. For each parameter, at its {@code t}-th update:
 * <pre>
 *   θ ← θ·(1 − lr·λ)
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²          (m, v start at 0)
 *   θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 */
public final class AdamW extends AdamBase {
    /** AdamW with PyTorch's defaults {@code β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01}. */
    public AdamW(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    /**
     * @param beta1       {@code β₁ ∈ [0, 1)}
     * @param beta2       {@code β₂ ∈ [0, 1)}
     * @param eps         {@code ε ≥ 0}
     * @param weightDecay decoupled decay {@code λ ≥ 0}
     */
    public AdamW(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super("AdamW", parameters, lr, beta1, beta2, eps, weightDecay, true);
    }
}
