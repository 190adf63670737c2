package joule.ebm.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.io.Checkpoint;
import joule.ebm.io.SafeTensors;
import joule.ebm.nn.ExponentialMovingAverage;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Module;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.nn.Parameter;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.nn.UNet;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sde.DormandPrince;
import joule.ebm.sde.PredictorCorrector;
import joule.ebm.sde.ProbabilityFlow;
import joule.ebm.sde.Sde;
import joule.ebm.sde.VeSde;
import joule.ebm.sde.VpSde;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The model of a run, built from its {@link RunConfig}: an MLP energy {@code dim → hidden… → 1}, for NCSN and the
 * score SDEs (vesde, vpsde; conditioned on the SDE's noise level {@code σ(t)}) a {@link NoiseConditionalMLP}, or a {@link UNet} score network on images (which sees the run's flat
 * {@code [B, C·H·W]} data as {@code [B, C, H, W]}), or a {@link ResNetEnergy} on images, with an exponential moving average of its weights when
 * the config asks for one (sampling then uses the averages). Parameters are float32 on the config's
 * device. Checkpoints are safetensors files holding the weights, the network's buffers and the averages
 * ({@code ema.*}), with the config JSON under the metadata key {@code "config"} and the number of steps
 * trained under {@code "step"}.
 */
final class Model {
    static final DType DTYPE = DType.FLOAT32;

    private final RunConfig config;
    private final MLP mlp;
    private final NoiseConditionalMLP conditional;
    private final UNet unet;
    private final ResNetEnergy resnet;
    private final Module network;
    private final ExponentialMovingAverage ema;
    private final int step;

    private Model(RunConfig config, int step) {
        this.config = config;
        this.step = step;
        RunConfig.ModelSpec m = config.model();
        RandomStream init = new RandomStream(config.training().seed());
        mlp = m.kind() == RunConfig.ModelKind.MLP && !m.noiseConditional() ? new MLP(m.activation(), DTYPE, init,
                mlpSizes(m)) : null;
        conditional = m.kind() == RunConfig.ModelKind.MLP && m.noiseConditional()
                ? new NoiseConditionalMLP(m.dim(), m.activation(), DTYPE, init, m.hiddenSizes()) : null;
        unet = m.kind() == RunConfig.ModelKind.UNET ? new UNet(m.unet(), DTYPE, init) : null;
        resnet = m.kind() == RunConfig.ModelKind.RESNET_ENERGY ? new ResNetEnergy(m.resnet(), DTYPE, init) : null;
        network = mlp != null ? mlp : conditional != null ? conditional : unet != null ? unet : resnet;
        network.to(config.training().device());
        double decay = config.training().emaDecay();
        ema = decay > 0 ? new ExponentialMovingAverage(network, decay, "ema.", true) : null;
    }

    private static int[] mlpSizes(RunConfig.ModelSpec m) {
        int[] sizes = new int[m.hidden().size() + 2];
        sizes[0] = m.dim();
        System.arraycopy(m.hiddenSizes(), 0, sizes, 1, m.hidden().size());
        sizes[sizes.length - 1] = 1;
        return sizes;
    }

    /** A freshly initialised model (weights from the config's seed). */
    static Model create(RunConfig config) {
        return new Model(config, 0);
    }

    /**
     * The model saved in {@code checkpoint}, rebuilt from the config in its metadata, on {@code device}
     * (whichever device it was trained on). The file is read once; its config is checked against
     * {@link ModelSize}'s limits and its tensors before the model is built. Bad files give a
     * {@link CliException} of one line naming the file and what is wrong.
     */
    static Model load(Path checkpoint, Device device) {
        SafeTensors.Contents contents = read(checkpoint);
        String source = checkpoint.toString();
        String json = contents.metadata().get("config");
        if (json == null) {
            throw new CliException(checkpoint + " is not a Joule checkpoint: its metadata has no \"config\"");
        }
        RunConfig config;
        int step;
        try {
            step = Integer.parseInt(contents.metadata().getOrDefault("step", "0"));
            config = RunConfig.fromJson(json).withDevice(device);
        } catch (CliException | NumberFormatException e) {
            throw new CliException("checkpoint " + checkpoint + ": " + e.getMessage());
        }
        if (step < 0) {
            throw new CliException("checkpoint " + checkpoint + ": step " + step + " is negative");
        }
        ModelSize.check(config, contents.tensors(), source);
        Model model = new Model(config, step);
        try {
            Checkpoint.load(source, contents, model.state(), Checkpoint.Options.STRICT);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        return model;
    }

    /** The checkpoint's contents, or a {@link CliException} saying why they can't be read. */
    private static SafeTensors.Contents read(Path checkpoint) {
        if (Files.isDirectory(checkpoint)) {
            throw new CliException("checkpoint " + checkpoint + " is a directory, not a file"
                    + (Files.isRegularFile(checkpoint.resolve("model.safetensors"))
                    ? " (did you mean " + checkpoint.resolve("model.safetensors") + "?)" : ""));
        }
        try {
            return SafeTensors.read(checkpoint);
        } catch (NoSuchFileException e) {
            throw new CliException("checkpoint " + checkpoint + " does not exist");
        } catch (FileSystemException e) {
            throw new CliException("can't read checkpoint " + checkpoint + ": " + CliException.reason(e));
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** The network: MLP, noise-conditional MLP, U-Net or ResNet energy. */
    Module network() {
        return network;
    }

    RunConfig config() {
        return config;
    }

    /** Steps trained: the checkpoint's {@code "step"}, 0 for a fresh model. */
    int step() {
        return step;
    }

    /** What a checkpoint holds: the network's parameters and buffers ({@code layers.0.weight}, …), then the averages. */
    List<Parameter> state() {
        List<Parameter> all = new ArrayList<>(network.state());
        if (ema != null) {
            all.addAll(ema.averages());
        }
        return all;
    }

    /** The moving average of the weights that sampling uses, or null for none. */
    ExponentialMovingAverage average() {
        return ema;
    }

    /**
     * Options of MCMC chains on this model's data: images (in [−1, 1]) are clamped to their range after every
     * step, as IGEBM and JEM do; points run free.
     */
    SamplerOptions chainOptions() {
        return config.model().kind() == RunConfig.ModelKind.MLP ? SamplerOptions.DEFAULT : SamplerOptions.DEFAULT.withBox(-1, 1);
    }

    /** Whether the model has an energy ({@link #energy()}); a U-Net gives only scores. */
    boolean hasEnergy() {
        return unet == null;
    }

    /** {@code E(x)}; for NCSN the energy at the smallest noise level, {@code E(x, σ_L)}. */
    Energy energy() {
        if (conditional != null) {
            double[] levels = config.model().noiseLevels();
            return conditional.atLevel(levels[levels.length - 1]);
        }
        if (resnet != null) {
            return resnet;
        }
        if (mlp == null) {
            throw new CliException("a U-Net is a score network: it has no energy");
        }
        return mlp.asEnergy();
    }

    /** What {@link #energy()} is, for titles: {@code energy}, or {@code energy at σ = 0.01} for NCSN. */
    String energyName() {
        double[] levels = config.model().noiseLevels();
        return conditional == null ? "energy" : "energy at σ = " + levels[levels.length - 1];
    }

    /**
     * The noise-conditional score network of an NCSN model, on the run's flat data {@code [B, dim]}: the MLP's
     * {@code −∇ₓE(x, σ)}, or the U-Net's output on the images those rows are.
     */
    ScoreNetwork scoreNetwork() {
        if (unet == null) {
            return conditional;
        }
        int[] image = config.model().imageShape();
        return new ScoreNetwork() {
            @Override
            public Var score(Var x, Var sigma) {
                return unet.score(x.reshape(x.size(0), image[0], image[1], image[2]), sigma).reshape(x.shape());
            }

            @Override
            public List<Parameter> parameters() {
                return unet.parameters();
            }
        };
    }

    /**
     * The score SDE of a vesde or vpsde model: VE from the smallest to the largest noise level (ε = 1e-5), or VP with
     * β from 0.1 to 20 (ε = 1e-3).
     */
    Sde sde() {
        double[] levels = config.model().noiseLevels();
        return switch (config.loss().kind()) {
            case VESDE -> new VeSde(levels[levels.length - 1], levels[0]);
            case VPSDE -> new VpSde();
            default -> throw new CliException("a " + Names.of(config.loss().kind()) + " model has no score SDE");
        };
    }

    /** The noise levels a vpsde network is conditioned on, recorded in its config: VP's {@code std(T)} and {@code std(ε)}. */
    static double[] vpNoiseLevels() {
        VpSde vp = new VpSde();
        return new double[] {vp.std(Sde.T), vp.std(vp.epsilon())};
    }

    /** Runs {@code body} with the averaged weights when the model keeps an average. */
    <T> T withAverages(Supplier<T> body) {
        return ema == null ? body.get() : ema.withAverages(body);
    }

    /**
     * {@code n} samples {@code [n, dim]} by {@code spec}, from chains started at the config's start Gaussian (pc and
     * ode: at the SDE's prior), with the averaged weights when the model keeps an average.
     */
    Tensor sample(RunConfig.SamplerSpec spec, int n, RandomStream rng) {
        Tensor init = spec.kind().sde() ? sde().samplePrior(rng, config.training().device(), DTYPE, n, config.model().dim())
                : config.start().gaussian(DTYPE, config.training().device()).sample(n, rng);
        return withAverages(() -> draw(spec, init, rng));
    }

    private Tensor draw(RunConfig.SamplerSpec spec, Tensor init, RandomStream rng) {
        if (spec.kind() == RunConfig.SamplerKind.PC) {
            return new PredictorCorrector(sde(), spec.steps(), 1, spec.stepSize(), PredictorCorrector.StepRule.BATCH_MEAN)
                    .sample(scoreNetwork(), init, rng);
        }
        if (spec.kind() == RunConfig.SamplerKind.ODE) {
            return new ProbabilityFlow(sde(), scoreNetwork()).sample(init, new DormandPrince(spec.stepSize(),
                    spec.stepSize(), spec.steps())).x();
        }
        if (spec.kind() == RunConfig.SamplerKind.ANNEALED) {
            AnnealedLangevin annealed = new AnnealedLangevin(config.model().noiseLevels(), spec.stepSize(), spec.steps(),
                    true);
            return unet == null ? annealed.sample(conditional, init, rng).state()
                    : annealed.sample(scoreNetwork(), init, rng).state();
        }
        return spec.sampler().sample(energy(), init, spec.steps(), rng, chainOptions()).state();
    }
}
