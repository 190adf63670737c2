package joule.ebm.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.tensor.Conv2dSpec;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * A convolutional energy {@code E_θ: [B, C, H, W] → [B]} for images in the style of IGEBM (Du &amp; Mordatch
 * 2019): a 3×3 convolution from {@code C} to the first stage's channels, then per stage
 * {@link Config#blocksPerStage} {@link PreActivationBlock}s (no normalisation), stages separated by 2×2
 * average pooling (28 → 14 → 7 for three stages), then the activation, the sum over the pixels and a linear
 * layer to one number, the energy (low = likely; ebm-reference, "Densities, energies, scores"). With spectral
 * normalisation on, every convolution and the linear layer run as {@link SpectralNorm}s.
 *
 * <p>A flat batch {@code [B, C·H·W]} (row-major pixels, as the trainer and the CLI keep data) is read as
 * {@code [B, C, H, W]}; the score then is flat too. The activation should be twice differentiable (SiLU, the
 * default, softplus, tanh) when the energy is trained by score matching, which differentiates {@code −∇_x E}
 * again in {@code θ}: ReLU-like kinks make those second derivatives zero or jump.
 *
 * <p>The energy sums over the last stage's pixels (IGEBM's choice; a mean would divide every pixel's score by
 * their number, so a Langevin step would need a step size that grows with the image). A spectrally normalised
 * network is Lipschitz with a modest constant, which keeps PCD stable but caps the size of its score: denoising
 * score matching at small {@code σ} (scores of size {@code ‖ε‖/σ}) wants spectral normalisation off.
 *
 * <p>Spectral normalisation: only the recorded {@link #energy(Var)} (what losses call) takes a power
 * iteration, one per layer per call while {@link #setIterating iterating}; the graph-free evaluations
 * {@link #energy(Tensor)}, {@link #score(Tensor)} and {@link #energyAndScore(Tensor)} (what samplers and
 * metrics call) use the stored {@code u, v}, so a sampler never changes the model, and a value and its gradient
 * always come from one {@code σ̂}. Backward passes (the score's, and the θ-gradient of a score) never iterate.
 * The constructor takes {@value #SETTLING_ITERATIONS} iterations, as PyTorch's parametrization does.
 *
 * <p>Parameters (PyTorch's {@code state_dict} names): {@code conv_in.weight, conv_in.bias},
 * {@code blocks.<i>.conv1.weight, …} (blocks numbered through all stages), {@code head.weight, head.bias};
 * with spectral normalisation the buffers {@code conv_in.weight_u, conv_in.weight_v, …}.
 */
public final class ResNetEnergy implements Energy, Module {
    private static final String WHO = "ResNetEnergy";
    /** Power iterations at construction. */
    public static final int SETTLING_ITERATIONS = 15;

    /**
     * What a checkpoint records to rebuild the network (with the dtype and the initial weights' seed).
     *
     * @param imageChannels  channels {@code C} of the images
     * @param height         image height {@code H}, divisible by {@code 2^(stages − 1)}
     * @param width          image width {@code W}, divisible by {@code 2^(stages − 1)}
     * @param channels       channels of each stage, at full resolution first (one average pooling between
     *                       consecutive stages; the first block of a stage changes the channel count)
     * @param blocksPerStage residual blocks per stage (≥ 1)
     * @param activation     the nonlinearity (SiLU unless there is a reason)
     * @param spectralNorm   whether every convolution and the head are spectrally normalised
     */
    public record Config(int imageChannels, int height, int width, List<Integer> channels, int blocksPerStage,
                         Activation activation, boolean spectralNorm) {
        /** Validates the fields; {@code channels} is copied. */
        public Config {
            if (imageChannels < 1 || height < 1 || width < 1 || blocksPerStage < 1) {
                throw new IllegalArgumentException(WHO + ".Config: image channels, height, width and blocks per stage "
                        + "must be ≥ 1, got " + imageChannels + ", " + height + ", " + width + ", " + blocksPerStage);
            }
            if (channels == null || channels.isEmpty() || channels.stream().anyMatch(c -> c == null || c < 1)) {
                throw new IllegalArgumentException(WHO + ".Config: channels must list at least one stage, each ≥ 1, got "
                        + channels);
            }
            channels = List.copyOf(channels);
            int scale = 1 << (channels.size() - 1);
            if (channels.size() > 31 || height % scale != 0 || width % scale != 0) {
                throw new IllegalArgumentException(WHO + ".Config: " + channels.size() + " stages halve the image "
                        + (channels.size() - 1) + " times, so height and width must be divisible by " + scale
                        + ", got " + height + "×" + width);
            }
            if (activation == null) {
                throw new IllegalArgumentException(WHO + ".Config: activation must not be null");
            }
        }

        /**
         * IGEBM's shape for {@code [C, H, W]} images: {@code stages} stages of {@code channels} channels each,
         * one block per stage, SiLU, spectral normalisation ({@code (1, 28, 28, 32, 3)}: 28 → 14 → 7).
         */
        public static Config of(int imageChannels, int height, int width, int channels, int stages) {
            return new Config(imageChannels, height, width, java.util.Collections.nCopies(stages, channels), 1,
                    Activation.SILU, true);
        }

        /** These settings with {@code n} blocks per stage. */
        public Config withBlocksPerStage(int n) {
            return new Config(imageChannels, height, width, channels, n, activation, spectralNorm);
        }

        /** These settings with another activation. */
        public Config withActivation(Activation a) {
            return new Config(imageChannels, height, width, channels, blocksPerStage, a, spectralNorm);
        }

        /** These settings with spectral normalisation on or off. */
        public Config withSpectralNorm(boolean on) {
            return new Config(imageChannels, height, width, channels, blocksPerStage, activation, on);
        }

        /** The shape of one image, {@code [C, H, W]}. */
        public int[] imageShape() {
            return new int[] {imageChannels, height, width};
        }

        /** The length {@code C·H·W} of one flat image. */
        public int dimension() {
            return imageChannels * height * width;
        }
    }

    private final Config config;
    private final Layer convIn;
    private final List<PreActivationBlock> blocks;
    /** For each block, whether an average pooling comes before it (it starts a stage after the first). */
    private final boolean[] poolBefore;
    private final Layer head;
    private final List<SpectralNorm> spectralNorms;

    /**
     * A network with weights and spectral-norm vectors drawn from {@code init} in the order {@code conv_in},
     * the blocks, {@code head} (see {@link Conv2d}, {@link Linear}, {@link PreActivationBlock}), so the same
     * seed gives the same network.
     */
    public ResNetEnergy(Config config, DType dtype, RandomStream init) {
        this.config = config;
        boolean sn = config.spectralNorm();
        List<Integer> channels = config.channels();
        this.convIn = PreActivationBlock.normalised(new Conv2d("conv_in", config.imageChannels(), channels.getFirst(),
                3, Conv2dSpec.of(1, 1), true, dtype, init), sn, init);
        this.blocks = new ArrayList<>();
        this.poolBefore = new boolean[channels.size() * config.blocksPerStage()];
        int in = channels.getFirst();
        for (int stage = 0; stage < channels.size(); stage++) {
            for (int b = 0; b < config.blocksPerStage(); b++) {
                int i = blocks.size();
                poolBefore[i] = stage > 0 && b == 0;
                blocks.add(new PreActivationBlock("blocks." + i, in, channels.get(stage), config.activation(), sn, dtype,
                        init));
                in = channels.get(stage);
            }
        }
        this.head = PreActivationBlock.normalised(new Linear("head", in, 1, dtype, init), sn, init);
        List<SpectralNorm> all = new ArrayList<>();
        if (convIn instanceof SpectralNorm s) {
            all.add(s);
        }
        for (PreActivationBlock block : blocks) {
            all.addAll(block.spectralNorms());
        }
        if (head instanceof SpectralNorm s) {
            all.add(s);
        }
        this.spectralNorms = List.copyOf(all);
        for (int i = 0; i < SETTLING_ITERATIONS; i++) {
            spectralNorms.forEach(SpectralNorm::iterate);
        }
    }

    /** The settings this network was built from. */
    public Config config() {
        return config;
    }

    /**
     * {@code E(x) [B]} for images {@code x: [B, C, H, W]} or flat {@code [B, C·H·W]}, recorded; takes one power
     * iteration per spectrally normalised layer while {@link #setIterating iterating}.
     *
     * @throws IllegalArgumentException naming this model and the shapes if {@code x} is neither
     */
    @Override
    public Var energy(Var x) {
        Var h = convIn.forward(images(x));
        for (int i = 0; i < blocks.size(); i++) {
            h = blocks.get(i).forward(poolBefore[i] ? h.avgPool2d(2, 2, 0) : h);
        }
        Var pooled = config.activation().apply(h).sum(2, 3);
        return head.forward(pooled).reshape(x.size(0));
    }

    private Var images(Var x) {
        int[] image = config.imageShape();
        if (x.rank() == 2 && x.size(0) >= 1 && x.size(1) == config.dimension()) {
            return x.reshape(x.size(0), image[0], image[1], image[2]);
        }
        if (x.rank() == 4 && x.size(0) >= 1 && x.size(1) == image[0] && x.size(2) == image[1] && x.size(3) == image[2]) {
            return x;
        }
        throw new IllegalArgumentException(WHO + ": input " + Shapes.format(x.shape()) + " should be [B, " + image[0]
                + ", " + image[1] + ", " + image[2] + "] or flat [B, " + config.dimension() + "]");
    }

    /** {@code E(x)} without a graph, from the stored spectral-norm vectors (no power iteration). */
    @Override
    public Tensor energy(Tensor x) {
        return frozen(() -> Autograd.noGrad(() -> energy(Var.constant(x)).value()));
    }

    /** The score {@code −∇_x E(x)}, shaped like {@code x}, without a graph in {@code θ} and without a power iteration. */
    @Override
    public Tensor score(Tensor x) {
        return frozen(() -> Energy.super.score(x));
    }

    /** {@code E(x)} and {@code −∇_x E(x)} from one forward and one backward pass in {@code x} alone, without a power iteration. */
    @Override
    public EnergyAndScore energyAndScore(Tensor x) {
        return frozen(() -> Energy.super.energyAndScore(x));
    }

    /**
     * {@code f} with the spectral norms not iterating and the parameters entering as constants (so that a
     * backward pass in {@code x} computes no weight gradients); both restored afterwards.
     */
    private <T> T frozen(Supplier<T> f) {
        List<Parameter> parameters = parameters();
        Var[] own = new Var[parameters.size()];
        for (int i = 0; i < own.length; i++) {
            own[i] = parameters.get(i).var();
            parameters.get(i).bind(Var.constant(own[i].value()));
        }
        boolean[] iterating = new boolean[spectralNorms.size()];
        for (int i = 0; i < iterating.length; i++) {
            iterating[i] = spectralNorms.get(i).isIterating();
            spectralNorms.get(i).setIterating(false);
        }
        try {
            return f.get();
        } finally {
            for (int i = 0; i < own.length; i++) {
                parameters.get(i).bind(own[i]);
            }
            for (int i = 0; i < iterating.length; i++) {
                spectralNorms.get(i).setIterating(iterating[i]);
            }
        }
    }

    /**
     * Whether {@link #energy(Var)} takes a power iteration in every spectrally normalised layer (on by default,
     * PyTorch's training mode); off, the stored {@code u, v} are used (to check gradients, or to evaluate).
     */
    public void setIterating(boolean on) {
        spectralNorms.forEach(s -> s.setIterating(on));
    }

    /** The spectrally normalised layers, {@code conv_in} first, {@code head} last; empty without spectral normalisation. */
    public List<SpectralNorm> spectralNorms() {
        return spectralNorms;
    }

    private List<Object> parts() {
        List<Object> parts = new ArrayList<>();
        parts.add(convIn);
        parts.addAll(blocks);
        parts.add(head);
        return parts;
    }

    /** {@code conv_in}, the blocks', then {@code head}'s parameters. */
    @Override
    public List<Parameter> parameters() {
        return Modules.collect(parts(), Module::parameters);
    }

    /** The spectral-norm vectors {@code u, v} of every normalised layer, in the order of the parameters. */
    @Override
    public List<Parameter> buffers() {
        return Modules.collect(parts(), Module::buffers);
    }
}
