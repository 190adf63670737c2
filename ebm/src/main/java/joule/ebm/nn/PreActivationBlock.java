package joule.ebm.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;

/**
 * The residual block of IGEBM's energy networks (Du &amp; Mordatch 2019), a pre-activation block (He et al.
 * 2016) without normalisation: {@code h = conv2(act(conv1(act(x))))} and the output {@code skip(x) + h},
 * where the convolutions are 3×3 with padding 1 (the size is kept) and {@code skip} is a 1×1 convolution
 * when the channel count changes, the identity otherwise. With spectral normalisation every convolution
 * (the skip too) runs as a {@link SpectralNorm}. Parameters {@code <name>.conv1.weight, <name>.conv1.bias,
 * <name>.conv2.…, <name>.skip.…}; with spectral normalisation, buffers {@code <name>.conv1.weight_u}, … .
 */
public final class PreActivationBlock implements Layer, Module {
    private final Activation activation;
    private final Layer conv1;
    private final Layer conv2;
    private final Layer skip;

    /**
     * A block from {@code in} to {@code out} channels with biases, its layers initialised from {@code init} in
     * the order {@code conv1, conv2, skip} (see {@link Conv2d}; each layer's {@code u, v} right after it).
     */
    public PreActivationBlock(String name, int in, int out, Activation activation, boolean spectralNorm, DType dtype,
                              RandomStream init) {
        Conv2dSpec same = Conv2dSpec.of(1, 1);
        this.activation = activation;
        this.conv1 = normalised(new Conv2d(name + ".conv1", in, out, 3, same, true, dtype, init), spectralNorm, init);
        this.conv2 = normalised(new Conv2d(name + ".conv2", out, out, 3, same, true, dtype, init), spectralNorm, init);
        this.skip = in == out ? null
                : normalised(new Conv2d(name + ".skip", in, out, 1, Conv2dSpec.DEFAULT, true, dtype, init), spectralNorm,
                        init);
    }

    /** {@code layer}, or its {@link SpectralNorm} (with {@code u, v} drawn from {@code init}) when {@code on}. */
    static Layer normalised(WeightedLayer layer, boolean on, RandomStream init) {
        return on ? new SpectralNorm(layer, init) : layer;
    }

    /**
     * The output {@code [N, out, H, W]} for {@code x: [N, in, H, W]}.
     *
     * @throws IllegalArgumentException naming the first convolution and the shapes if {@code x} does not fit
     */
    @Override
    public Var forward(Var x) {
        Var h = conv2.forward(activation.apply(conv1.forward(activation.apply(x))));
        return (skip == null ? x : skip.forward(x)).add(h);
    }

    /** The spectrally normalised layers ({@code conv1, conv2, skip}); empty without spectral normalisation. */
    List<SpectralNorm> spectralNorms() {
        List<SpectralNorm> all = new ArrayList<>();
        for (Object part : parts()) {
            if (part instanceof SpectralNorm sn) {
                all.add(sn);
            }
        }
        return all;
    }

    private List<Object> parts() {
        return Arrays.asList(conv1, conv2, skip);
    }

    /** {@code conv1, conv2, skip}'s parameters. */
    @Override
    public List<Parameter> parameters() {
        return Modules.collect(parts(), Module::parameters);
    }

    /** {@code conv1, conv2, skip}'s buffers ({@code u, v} of each with spectral normalisation). */
    @Override
    public List<Parameter> buffers() {
        return Modules.collect(parts(), Module::buffers);
    }
}
