package joule.testing;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

/** An energy with a description for reports: every method, fast paths included, delegates to the energy. */
class DescribedEnergy implements Energy {
    private final Energy energy;
    private final String description;

    DescribedEnergy(Energy energy, String description) {
        this.energy = energy;
        this.description = description;
    }

    @Override
    public Var energy(Var x) {
        return energy.energy(x);
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }

    @Override
    public Tensor energy(Tensor x) {
        return energy.energy(x);
    }

    @Override
    public Tensor score(Tensor x) {
        return energy.score(x);
    }

    @Override
    public EnergyAndScore energyAndScore(Tensor x) {
        return energy.energyAndScore(x);
    }

    @Override
    public Var score(Var x) {
        return energy.score(x);
    }

    @Override
    public ScoreAndLaplacian scoreAndLaplacian(Var x) {
        return energy.scoreAndLaplacian(x);
    }

    @Override
    public DirectionalDerivatives directionalDerivatives(Var x, Tensor v) {
        return energy.directionalDerivatives(x, v);
    }

    @Override
    public String toString() {
        return description;
    }
}
