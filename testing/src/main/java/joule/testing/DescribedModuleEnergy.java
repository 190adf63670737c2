package joule.testing;

import java.util.List;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Module;
import joule.ebm.nn.Parameter;
import joule.tensor.Device;

/** A {@link DescribedEnergy} of an energy that is a {@link Module}: its state and device moves delegate too. */
final class DescribedModuleEnergy extends DescribedEnergy implements Module {
    private final Module module;

    DescribedModuleEnergy(Energy energy, Module module, String description) {
        super(energy, description);
        this.module = module;
    }

    @Override
    public List<Parameter> parameters() {
        return module.parameters();
    }

    @Override
    public List<Parameter> buffers() {
        return module.buffers();
    }

    @Override
    public void to(Device device) {
        module.to(device);
    }
}
