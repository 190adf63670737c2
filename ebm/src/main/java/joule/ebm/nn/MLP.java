package joule.ebm.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import joule.autograd.Var;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * A multilayer perceptron {@code sizes[0] → sizes[1] → … → sizes[n]}: {@link Linear} layers with
 * the activation between them and none after the last.
 *
 * <p>Parameter names follow PyTorch's {@code nn.Sequential(Linear, act, Linear, act, …, Linear)},
 * where the activations take the odd indices: layer {@code i} is {@code <name>.<2i>}, so
 * {@code layers.0.weight, layers.0.bias, layers.2.weight, …}, in that order. A PyTorch model
 * {@code self.layers = nn.Sequential(...)} of that form loads one to one.
 */
public final class MLP implements Module {
    private final List<Linear> layers;
    private final Activation activation;

    /** {@link #MLP(String, Activation, DType, RandomStream, int...)} named {@code "layers"}. */
    public MLP(Activation activation, DType dtype, RandomStream init, int... sizes) {
        this("layers", activation, dtype, init, sizes);
    }

    /**
     * An MLP with layer sizes {@code sizes} (at least two: input and output), each layer initialised
     * from {@code init} in order (see {@link Linear}).
     *
     * @param name parameter-name prefix of the {@code nn.Sequential}
     */
    public MLP(String name, Activation activation, DType dtype, RandomStream init, int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("MLP: needs at least an input and an output size, got "
                    + Arrays.toString(sizes));
        }
        List<Linear> built = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            built.add(new Linear(name + "." + 2 * i, sizes[i], sizes[i + 1], dtype, init));
        }
        this.layers = List.copyOf(built);
        this.activation = activation;
    }

    /** The output {@code [B, sizes[n]]} for {@code x: [B, sizes[0]]}. */
    public Var forward(Var x) {
        Var h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i + 1 < layers.size()) {
                h = activation.apply(h);
            }
        }
        return h;
    }

    /**
     * {@link #forward} of {@code x: [B, D]} carried with its derivatives along {@code directions:
     * [B, M, D]}, or along the coordinate axes when {@code directions} is null (see {@link SecondOrderJet}).
     */
    SecondOrderJet forwardJet(Var x, Var directions) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException("MLP: derivatives in x need a batch [B, D], got " + Shapes.format(x.shape()));
        }
        SecondOrderJet h = directions == null ? SecondOrderJet.input(x) : SecondOrderJet.input(x, directions);
        for (int i = 0; i < layers.size(); i++) {
            h = h.linear(layers.get(i));
            if (i + 1 < layers.size()) {
                h = h.activate(activation);
            }
        }
        return h;
    }

    /** The energy {@code E(x) = MLP(x)} squeezed to {@code [B]}; needs one output. */
    public NeuralEnergy asEnergy() {
        return new NeuralEnergy(this);
    }

    /** Input size. */
    public int inFeatures() {
        return layers.getFirst().inFeatures();
    }

    /** Output size. */
    public int outFeatures() {
        return layers.getLast().outFeatures();
    }

    /** The layers, first to last. */
    public List<Linear> layers() {
        return layers;
    }

    /** Every layer's weight and bias, first layer first. */
    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Linear layer : layers) {
            all.addAll(layer.parameters());
        }
        return List.copyOf(all);
    }
}
