package joule.ebm.nn;

import java.util.Arrays;
import java.util.List;
import joule.autograd.Var;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * The residual block of score_sde's DDPM and NCSN++ networks (Ho et al. 2020; Song et al. 2021), without
 * dropout: {@code h = conv1(act(norm1(x)))}, plus a projection {@code emb(act(e))} of a conditioning
 * embedding {@code e} (the noise level's) added to every position, then {@code h = conv2(act(norm2(h)))},
 * and the output {@code skip(x) + h}, where {@code skip} is a 1×1 convolution when the channel count
 * changes and the identity otherwise. The convolutions are 3×3 with padding 1, so the size is kept;
 * the norms are {@link GroupNorm}s with {@link GroupNorm#defaultGroups}. Parameters
 * {@code <name>.norm1.weight, <name>.conv1.weight, …, <name>.emb.weight, <name>.skip.weight}.
 */
public final class ResidualBlock implements Layer, Module {
    private final String name;
    private final Activation activation;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear emb;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d skip;

    /**
     * A block from {@code in} to {@code out} channels, its layers initialised from {@code init} in the order
     * {@code conv1, emb, conv2, skip} (see {@link Conv2d}, {@link Linear}).
     *
     * @param embeddingDim the size of the conditioning embedding, or 0 for a block without one
     */
    public ResidualBlock(String name, int in, int out, int embeddingDim, Activation activation, DType dtype,
                         RandomStream init) {
        if (embeddingDim < 0) {
            throw new IllegalArgumentException("ResidualBlock " + name + ": embedding size must be ≥ 0, got " + embeddingDim);
        }
        Conv2dSpec same = Conv2dSpec.of(1, 1);
        this.name = name;
        this.activation = activation;
        this.norm1 = new GroupNorm(name + ".norm1", GroupNorm.defaultGroups(in), in, dtype, init.device());
        this.conv1 = new Conv2d(name + ".conv1", in, out, 3, same, true, dtype, init);
        this.emb = embeddingDim == 0 ? null : new Linear(name + ".emb", embeddingDim, out, dtype, init);
        this.norm2 = new GroupNorm(name + ".norm2", GroupNorm.defaultGroups(out), out, dtype, init.device());
        this.conv2 = new Conv2d(name + ".conv2", out, out, 3, same, true, dtype, init);
        this.skip = in == out ? null : new Conv2d(name + ".skip", in, out, 1, Conv2dSpec.DEFAULT, true, dtype, init);
    }

    /**
     * The block's output {@code [N, out, H, W]} for {@code x: [N, in, H, W]} and the embedding
     * {@code embedding: [N, embeddingDim]}.
     *
     * @throws IllegalArgumentException naming this block and the shapes if they don't fit
     */
    public Var forward(Var x, Var embedding) {
        if (emb == null) {
            throw new IllegalArgumentException("ResidualBlock " + name + ": has no embedding; call forward(x)");
        }
        if (embedding.rank() != 2 || embedding.size(1) != emb.inFeatures() || x.rank() == 0
                || embedding.size(0) != x.size(0)) {
            throw new IllegalArgumentException("ResidualBlock " + name + ": embedding " + Shapes.format(embedding.shape())
                    + " should be [N, " + emb.inFeatures() + "] for input " + Shapes.format(x.shape()));
        }
        return run(x, embedding);
    }

    /**
     * The output {@code [N, out, H, W]} for {@code x: [N, in, H, W]} of a block without an embedding.
     *
     * @throws IllegalArgumentException naming this block and the shapes if they don't fit
     */
    @Override
    public Var forward(Var x) {
        if (emb != null) {
            throw new IllegalArgumentException("ResidualBlock " + name + ": needs its embedding [N, " + emb.inFeatures()
                    + "]; call forward(x, embedding)");
        }
        return run(x, null);
    }

    private Var run(Var x, Var embedding) {
        Var h = conv1.forward(activation.apply(norm1.forward(x)));
        if (embedding != null) {
            Var e = emb.forward(activation.apply(embedding));
            h = h.add(e.reshape(e.size(0), e.size(1), 1, 1));
        }
        h = conv2.forward(activation.apply(norm2.forward(h)));
        return (skip == null ? x : skip.forward(x)).add(h);
    }

    /** Output channels. */
    public int outChannels() {
        return conv2.outChannels();
    }

    private List<Object> parts() {
        return Arrays.asList(norm1, conv1, emb, norm2, conv2, skip);
    }

    /** The parts' parameters: {@code norm1, conv1, emb, norm2, conv2, skip}. */
    @Override
    public List<Parameter> parameters() {
        return Modules.collect(parts(), Module::parameters);
    }
}
