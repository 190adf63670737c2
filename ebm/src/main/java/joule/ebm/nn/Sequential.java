package joule.ebm.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import joule.autograd.Var;
import joule.tensor.Device;

/**
 * Layers applied one after another, as PyTorch's {@code nn.Sequential}: layer {@code i} is named
 * {@code <name>.<i>}, so its parameters are {@code <name>.<i>.weight}, … whether or not the layers
 * around it have any ({@code layers.0.weight, layers.0.bias, layers.2.weight} for conv, activation,
 * conv). Built with {@link #builder(String)}:
 *
 * <pre>{@code
 * Sequential net = Sequential.builder("layers")
 *         .add(name -> new Conv2d(name, 1, 16, 3, Conv2dSpec.of(1, 1), true, dtype, rng))
 *         .addFunction(Activation.SILU::apply)
 *         .add(name -> new Conv2d(name, 16, 16, 3, Conv2dSpec.of(2, 1), true, dtype, rng))
 *         .build();
 * }</pre>
 */
public final class Sequential implements Layer, Module {
    private final List<Layer> layers;

    private Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    /** A builder whose layers are named {@code <name>.0}, {@code <name>.1}, … */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Adds layers in order; each one's name is the prefix and its index. */
    public static final class Builder {
        private final String name;
        private final List<Layer> layers = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Adds a layer made by {@code make} from its name {@code <name>.<index>}, which prefixes every one of
         * its parameters and buffers.
         *
         * @throws IllegalArgumentException if the layer names any of them otherwise
         */
        public Builder add(Function<String, ? extends Layer> make) {
            String prefix = name + "." + layers.size();
            Layer layer = make.apply(prefix);
            if (layer instanceof Module m) {
                for (Parameter p : m.state()) {
                    if (!p.name().startsWith(prefix + ".")) {
                        throw new IllegalArgumentException("Sequential " + name + ": layer " + layers.size() + " has '"
                                + p.name() + "', which should start with '" + prefix + ".'");
                    }
                }
            }
            layers.add(layer);
            return this;
        }

        /**
         * Adds a parameter-free function, such as {@code Activation.SILU::apply}.
         *
         * @throws IllegalArgumentException if it is a module with parameters or buffers (use {@link #add})
         */
        public Builder addFunction(Layer function) {
            if (function instanceof Module m && !m.state().isEmpty()) {
                throw new IllegalArgumentException("Sequential " + name + ": layer " + layers.size() + " has parameters; "
                        + "add it with add(name -> …) so they are named " + name + "." + layers.size() + ".…");
            }
            layers.add(function);
            return this;
        }

        /** The sequence of the layers added so far. */
        public Sequential build() {
            return new Sequential(layers);
        }
    }

    /** The layers applied in order to {@code x}. */
    @Override
    public Var forward(Var x) {
        Var h = x;
        for (Layer layer : layers) {
            h = layer.forward(h);
        }
        return h;
    }

    /** The layers, first to last. */
    public List<Layer> layers() {
        return layers;
    }

    /** Every module layer's parameters, first layer first. */
    @Override
    public List<Parameter> parameters() {
        return Modules.collect(layers, Module::parameters);
    }

    /** Every module layer's buffers, first layer first. */
    @Override
    public List<Parameter> buffers() {
        return Modules.collect(layers, Module::buffers);
    }

    /** Moves every module layer (with whatever else it computes with). */
    @Override
    public void to(Device device) {
        for (Layer layer : layers) {
            if (layer instanceof Module m) {
                m.to(device);
            }
        }
    }
}
