package joule.ebm.nn;

import java.util.List;
import java.util.function.Function;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.tensor.Device;
import joule.tensor.Tensor;

/**
 * An {@link Energy} {@code E_θ(x)} computed by a neural module: {@code [B, D] → [B]}, with the
 * module's parameters as {@code θ}.
 */
public final class NeuralEnergy implements Energy, Module {
    private final Module module;
    private final Function<Var, Var> forward;
    /** The MLP when the energy is one (its derivatives then come from a forward pass), else null. */
    private final MLP mlp;

    private NeuralEnergy(Module module, Function<Var, Var> forward, MLP mlp) {
        this.module = module;
        this.forward = forward;
        this.mlp = mlp;
    }

    /** {@code E(x) = MLP(x)} squeezed to {@code [B]}; the MLP must have exactly one output. */
    public NeuralEnergy(MLP mlp) {
        this(mlp, x -> mlp.forward(x).squeeze(-1), mlp);
        if (mlp.outFeatures() != 1) {
            throw new IllegalArgumentException("NeuralEnergy: the MLP must have 1 output, got " + mlp.outFeatures());
        }
    }

    /**
     * The energy of any module: {@code forward} maps {@code x: [B, ...]} to {@code [B]} using the
     * module's parameters (for example a convolutional network written with {@code Var} ops).
     */
    public static NeuralEnergy of(Module module, Function<Var, Var> forward) {
        return new NeuralEnergy(module, forward, null);
    }

    /** The module whose parameters this energy trains. */
    public Module module() {
        return module;
    }

    @Override
    public Var energy(Var x) {
        Var e = forward.apply(x);
        if (e.rank() != 1 || e.size(0) != x.size(0)) {
            throw new IllegalArgumentException("NeuralEnergy: the forward function must map [B, ...] to [B], got "
                    + joule.tensor.Shapes.format(x.shape()) + " → " + joule.tensor.Shapes.format(e.shape()));
        }
        return e;
    }

    /**
     * For an MLP energy, score and Laplacian from one forward pass carrying the derivatives in
     * {@code x} through the layers (then {@code x} need not require grad); otherwise the default.
     */
    @Override
    public ScoreAndLaplacian scoreAndLaplacian(Var x) {
        if (mlp == null) {
            return Energy.super.scoreAndLaplacian(x);
        }
        SecondOrderJet jet = mlp.forwardJet(x, null);
        return new ScoreAndLaplacian(jet.tangents().squeeze(2).neg(), jet.curvature().squeeze(1));
    }

    /**
     * For an MLP energy, both derivatives from one forward pass carrying the direction through the
     * layers (then {@code x} need not require grad); otherwise the default.
     */
    @Override
    public DirectionalDerivatives directionalDerivatives(Var x, Tensor v) {
        if (mlp == null) {
            return Energy.super.directionalDerivatives(x, v);
        }
        Energy.checkDirections(x, v);
        SecondOrderJet jet = mlp.forwardJet(x, Var.constant(v.unsqueeze(1)));
        return new DirectionalDerivatives(jet.tangents().reshape(x.size(0)), jet.curvature().squeeze(1));
    }

    /** Moves the module (its parameters and whatever else it computes with). */
    @Override
    public void to(Device device) {
        module.to(device);
    }

    @Override
    public List<Parameter> parameters() {
        return module.parameters();
    }

    @Override
    public List<Parameter> buffers() {
        return module.buffers();
    }
}
