package joule.ebm.nn;

import java.util.ArrayList;
import java.util.List;
import joule.autograd.Var;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/**
 * Spectral normalisation (Miyato et al. 2018; ebm-reference, "Spectral normalisation") of a
 * {@link WeightedLayer}: the layer runs with {@code W_SN = W / σ̂}, where {@code σ̂ = uᵀ W v} estimates the
 * largest singular value of {@code W} reshaped to {@code [out, rest]} (a convolution's
 * {@code [C_out, C_in·k·k]}). Each forward pass first takes one power iteration on the persistent
 * vectors, {@code v ← Wᵀu / ‖Wᵀu‖}, {@code u ← W v / ‖W v‖} (norms floored at 1e-12), as PyTorch's
 * {@code spectral_norm} does in training mode; {@code u} and {@code v} are not differentiated, so the
 * gradient of {@code W / σ̂} in {@code W} treats them as constants.
 *
 * <p>The parameters are the layer's ({@code W} is stored unnormalised under the layer's weight name,
 * PyTorch's {@code weight_orig}); {@code u: [out]} and {@code v: [rest]} are buffers named after it,
 * {@code <weight>_u} and {@code <weight>_v}, so a checkpoint resumes the iteration where it was.
 */
public final class SpectralNorm implements Layer, Module {
    private static final double NORM_FLOOR = 1e-12;

    private final WeightedLayer layer;
    private final Parameter u;
    private final Parameter v;
    private boolean iterating = true;

    /** Normalises {@code layer}, with {@code u} and {@code v} drawn from {@code init} (standard normal, then normalised). */
    public SpectralNorm(WeightedLayer layer, RandomStream init) {
        this.layer = layer;
        Parameter w = layer.weight();
        int out = w.value().size(0);
        int rest = w.value().numel() / out;
        this.u = new Parameter(w.name() + "_u", normalised(init.normal(w.value().device(), w.value().dtype(), out)));
        this.v = new Parameter(w.name() + "_v", normalised(init.normal(w.value().device(), w.value().dtype(), rest)));
    }

    private static Tensor normalised(Tensor t) {
        return t.div(t.norm().clamp(NORM_FLOOR, Double.POSITIVE_INFINITY));
    }

    /** The layer's output for {@code x} computed with {@code W / σ̂}, after one power iteration unless {@link #setIterating stopped}. */
    @Override
    public Var forward(Var x) {
        if (iterating) {
            iterate();
        }
        Var w = layer.weight().var();
        return layer.forward(x, w.div(sigma(w.reshape(w.size(0), -1))));
    }

    /**
     * One power iteration on the stored vectors, {@code v ← Wᵀu / ‖Wᵀu‖}, {@code u ← W v / ‖W v‖}, whether or
     * not forward passes iterate (to settle {@code σ̂} before a model is used, as PyTorch's parametrization
     * does with 15 at construction).
     */
    public void iterate() {
        Tensor m = layer.weight().value().reshape(layer.weight().value().size(0), -1);
        // the power iteration's vectors outlive a training step's workspace scope
        v.set(Workspace.keep(normalised(m.mT().matmul(u.value()))));
        u.set(Workspace.keep(normalised(m.matmul(v.value()))));
    }

    /** {@code σ̂ = uᵀ W v} as a 0-d Var, differentiable in {@code W}. */
    private Var sigma(Var matrix) {
        return Var.constant(u.value()).matmul(matrix).matmul(Var.constant(v.value()));
    }

    /** The current estimate {@code σ̂ = uᵀ W v} (no iteration). */
    public double sigma() {
        Var w = layer.weight().var();
        return sigma(Var.constant(w.value().reshape(w.size(0), -1))).item();
    }

    /**
     * Whether forward passes take a power iteration (on by default, PyTorch's training mode); off, they use
     * the stored {@code u} and {@code v} (PyTorch's evaluation mode), so repeated passes compute the same function.
     */
    public void setIterating(boolean on) {
        this.iterating = on;
    }

    /** Whether forward passes take a power iteration. */
    public boolean isIterating() {
        return iterating;
    }

    /** The normalised layer. */
    public WeightedLayer layer() {
        return layer;
    }

    /** The layer's parameters. */
    @Override
    public List<Parameter> parameters() {
        return layer.parameters();
    }

    /** The layer's buffers, then {@code u} and {@code v}. */
    @Override
    public List<Parameter> buffers() {
        List<Parameter> all = new ArrayList<>(layer.buffers());
        all.add(u);
        all.add(v);
        return List.copyOf(all);
    }
}
