package joule.ebm.nn;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;

/** An {@link Energy} {@code E_θ(x) = MLP_θ(x)} from an MLP with one output: {@code [B, D] → [B]}. */
public final class NeuralEnergy implements Energy, Module {
    private final MLP mlp;

    /** Wraps {@code mlp}, which must have exactly one output. */
    public NeuralEnergy(MLP mlp) {
        if (mlp.outFeatures() != 1) {
            throw new IllegalArgumentException("NeuralEnergy: the MLP must have 1 output, got " + mlp.outFeatures());
        }
        this.mlp = mlp;
    }

    /** The network. */
    public MLP mlp() {
        return mlp;
    }

    /** {@code MLP(x): [B, 1]} squeezed to {@code [B]}. */
    @Override
    public Var energy(Var x) {
        return mlp.forward(x).squeeze(-1);
    }

    /** The MLP's parameters. */
    @Override
    public List<Parameter> parameters() {
        return mlp.parameters();
    }
}
