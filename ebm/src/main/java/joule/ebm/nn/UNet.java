package joule.ebm.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.ScoreNetwork;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;

/**
 * A U-Net score network for images {@code [B, C, H, W]} in the layout of score_sde's DDPM/NCSN++ networks
 * (Ho et al. 2020; Song et al. 2021), small enough for 28×28 Fashion-MNIST: {@code s_θ(x, σ) = net(x, log σ) / σ}
 * (score_sde's convention, ebm-reference "Score networks"), so the network only has to output {@code −ε}.
 *
 * <p>The noise level enters through {@code embed}: a {@link GaussianFourierEmbedding} of {@code log σ}
 * ({@code m} = base channels), a linear layer to {@code 4·base}, SiLU, another linear layer; every
 * {@link ResidualBlock} adds a projection of it. The image goes through {@code conv_in} (3×3, to the base
 * channels); then, at level {@code i} of {@code L} (resolution {@code H/2^i}), {@code r} residual blocks to
 * {@code base·mult[i]} channels, each output kept for a skip connection, and a downsampling (a stride-2 3×3
 * convolution or a 2×2 average pool) to the next level, kept too; two blocks in the middle; back up, at each
 * level {@code r + 1} blocks, each taking the running features concatenated (along the channels) with the
 * skip output that mirrors it, and an upsampling (nearest ×2, then a 3×3 convolution); finally
 * {@code norm_out} (GroupNorm), SiLU and {@code conv_out} (3×3, back to {@code C} channels). All activations
 * are SiLU, all norms GroupNorm with {@link GroupNorm#defaultGroups}.
 *
 * <p>Parameter names: {@code embed.1.weight, …, conv_in.weight, down.<i>.block.<j>.conv1.weight,
 * down.<i>.downsample.weight, mid.block1.…, up.<i>.block.<j>.…, up.<i>.upsample.weight, norm_out.weight,
 * conv_out.weight}; the Fourier frequencies are the buffer {@code embed.0.W}. {@link Config} is the whole
 * architecture, for a checkpoint to record.
 */
public final class UNet implements ScoreNetwork, Module {
    private static final String WHO = "UNet";

    /** How a level's resolution is halved. */
    public enum Downsample {
        /** A 3×3 convolution with stride 2 and padding 1 (learned). */
        CONV,
        /** A 2×2 average pool with stride 2. */
        AVG_POOL
    }

    /**
     * The architecture.
     *
     * @param channels           image channels {@code C} (1 for Fashion-MNIST)
     * @param height             image height {@code H}, divisible by {@code 2^(L−1)}
     * @param width              image width {@code W}, divisible by {@code 2^(L−1)}
     * @param baseChannels       channels at the first level (and Fourier frequencies), ≥ 1
     * @param channelMultipliers one per level, {@code L ≥ 1} of them, each ≥ 1: level {@code i} has
     *                           {@code base·mult[i]} channels
     * @param resBlocksPerLevel  residual blocks per level on the way down, {@code r ≥ 1} ({@code r + 1} on the way up)
     * @param downsample         how each level after the first is reached
     * @param fourierScale       the standard deviation of the Fourier frequencies (score_sde: 16)
     */
    public record Config(int channels, int height, int width, int baseChannels, List<Integer> channelMultipliers,
                         int resBlocksPerLevel, Downsample downsample, double fourierScale) {
        /** Checks the ranges stated above. */
        public Config {
            channelMultipliers = List.copyOf(channelMultipliers);
            if (channels < 1 || baseChannels < 1 || resBlocksPerLevel < 1 || channelMultipliers.isEmpty()
                    || channelMultipliers.stream().anyMatch(m -> m < 1) || downsample == null
                    || !(fourierScale > 0) || !Double.isFinite(fourierScale)) {
                throw new IllegalArgumentException(WHO + ": channels, base channels, residual blocks per level and every "
                        + "channel multiplier must be ≥ 1 (at least one level), with a downsampling and a positive finite "
                        + "Fourier scale, got " + this);
            }
            int factor = 1 << (channelMultipliers.size() - 1);
            if (height < 1 || width < 1 || height % factor != 0 || width % factor != 0) {
                throw new IllegalArgumentException(WHO + ": " + channelMultipliers.size() + " levels halve the image "
                        + (channelMultipliers.size() - 1) + " times, so height and width must be multiples of " + factor
                        + ", got " + height + "×" + width);
            }
        }

        /**
         * Fashion-MNIST, {@code [B, 1, 28, 28]}: 32 base channels, multipliers (1, 2, 2) (28 → 14 → 7), two
         * residual blocks per level, strided-convolution downsampling, Fourier scale 16.
         */
        public static Config fashionMnist() {
            return new Config(1, 28, 28, 32, List.of(1, 2, 2), 2, Downsample.CONV, 16);
        }
    }

    private final Config config;
    private final Sequential embed;
    private final Conv2d convIn;
    private final List<List<ResidualBlock>> down = new ArrayList<>();
    private final List<Layer> downsamplers = new ArrayList<>();
    private final ResidualBlock mid1;
    private final ResidualBlock mid2;
    private final List<List<ResidualBlock>> up = new ArrayList<>();
    private final List<Conv2d> upsamplers = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;
    private final List<Object> parts = new ArrayList<>();

    /**
     * The network for {@code config}, its parameters in {@code dtype} initialised from {@code init} (on its
     * device) in the order of the names above (PyTorch's default initialisations, see {@link Conv2d}).
     */
    public UNet(Config config, DType dtype, RandomStream init) {
        this.config = config;
        int base = config.baseChannels();
        int embedding = 4 * base;
        Conv2dSpec same = Conv2dSpec.of(1, 1);
        this.embed = Sequential.builder("embed")
                .add(name -> new GaussianFourierEmbedding(name, base, config.fourierScale(), dtype, init))
                .add(name -> new Linear(name, 2 * base, embedding, dtype, init))
                .addFunction(Activation.SILU::apply)
                .add(name -> new Linear(name, embedding, embedding, dtype, init))
                .build();
        this.convIn = new Conv2d("conv_in", config.channels(), base, 3, same, true, dtype, init);
        parts.add(embed);
        parts.add(convIn);
        List<Integer> skipChannels = new ArrayList<>(List.of(base));
        int levels = config.channelMultipliers().size();
        int ch = base;
        for (int i = 0; i < levels; i++) {
            int out = base * config.channelMultipliers().get(i);
            List<ResidualBlock> blocks = new ArrayList<>();
            for (int j = 0; j < config.resBlocksPerLevel(); j++) {
                blocks.add(block("down." + i + ".block." + j, ch, out, embedding, dtype, init));
                ch = out;
                skipChannels.add(ch);
            }
            down.add(blocks);
            parts.addAll(blocks);
            if (i + 1 < levels) {
                Layer d = config.downsample() == Downsample.CONV
                        ? new Conv2d("down." + i + ".downsample", ch, ch, 3, Conv2dSpec.of(2, 1), true, dtype, init)
                        : x -> x.avgPool2d(2, 2, 0);
                downsamplers.add(d);
                parts.add(d);
                skipChannels.add(ch);
            }
        }
        this.mid1 = block("mid.block1", ch, ch, embedding, dtype, init);
        this.mid2 = block("mid.block2", ch, ch, embedding, dtype, init);
        parts.add(mid1);
        parts.add(mid2);
        for (int i = levels - 1; i >= 0; i--) {
            int out = base * config.channelMultipliers().get(i);
            List<ResidualBlock> blocks = new ArrayList<>();
            for (int j = 0; j <= config.resBlocksPerLevel(); j++) {
                int skip = skipChannels.removeLast();
                blocks.add(block("up." + i + ".block." + j, ch + skip, out, embedding, dtype, init));
                ch = out;
            }
            up.add(blocks);
            parts.addAll(blocks);
            if (i > 0) {
                Conv2d u = new Conv2d("up." + i + ".upsample", ch, ch, 3, same, true, dtype, init);
                upsamplers.add(u);
                parts.add(u);
            }
        }
        this.normOut = new GroupNorm("norm_out", GroupNorm.defaultGroups(ch), ch, dtype, init.device());
        this.convOut = new Conv2d("conv_out", ch, config.channels(), 3, same, true, dtype, init);
        parts.add(normOut);
        parts.add(convOut);
    }

    private static ResidualBlock block(String name, int in, int out, int embedding, DType dtype, RandomStream init) {
        return new ResidualBlock(name, in, out, embedding, Activation.SILU, dtype, init);
    }

    /**
     * {@code s_θ(x, σ) = net(x, log σ) / σ} for {@code x: [B, C, H, W]} (the configured {@code C, H, W}) and
     * {@code sigma: [B]}, positive.
     *
     * @throws IllegalArgumentException naming the network and the shapes if they are not those
     */
    @Override
    public Var score(Var x, Var sigma) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.height() || s[3] != config.width()) {
            throw new IllegalArgumentException(WHO + ": x " + Shapes.format(s) + " should be [B, " + config.channels() + ", "
                    + config.height() + ", " + config.width() + "]");
        }
        if (sigma.rank() != 1 || sigma.size(0) != s[0]) {
            throw new IllegalArgumentException(WHO + ": sigma " + Shapes.format(sigma.shape()) + " should be [" + s[0]
                    + "] for x " + Shapes.format(s));
        }
        Var temb = embed.forward(sigma.log());
        Deque<Var> skips = new ArrayDeque<>();
        Var h = convIn.forward(x);
        skips.push(h);
        for (int i = 0; i < down.size(); i++) {
            for (ResidualBlock b : down.get(i)) {
                h = b.forward(h, temb);
                skips.push(h);
            }
            if (i < downsamplers.size()) {
                h = downsamplers.get(i).forward(h);
                skips.push(h);
            }
        }
        h = mid2.forward(mid1.forward(h, temb), temb);
        for (int k = 0; k < up.size(); k++) {
            for (ResidualBlock b : up.get(k)) {
                h = b.forward(Var.cat(1, h, skips.pop()), temb);
            }
            if (k < upsamplers.size()) {
                h = upsamplers.get(k).forward(h.upsampleNearest2d(2));
            }
        }
        Var out = convOut.forward(Activation.SILU.apply(normOut.forward(h)));
        return out.div(sigma.reshape(s[0], 1, 1, 1));
    }

    /** The architecture. */
    public Config config() {
        return config;
    }

    /** Every part's parameters, in the order of the names above. */
    @Override
    public List<Parameter> parameters() {
        return Modules.collect(parts, Module::parameters);
    }

    /** The Fourier frequencies {@code embed.0.W}. */
    @Override
    public List<Parameter> buffers() {
        return Modules.collect(parts, Module::buffers);
    }
}
