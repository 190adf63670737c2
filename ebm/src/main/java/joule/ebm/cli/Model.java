package joule.ebm.cli;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.ebm.energy.Energy;
import joule.ebm.io.Checkpoint;
import joule.ebm.io.SafeTensors;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.nn.Parameter;
import joule.ebm.sample.AnnealedLangevin;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * The energy model of a run, built from its {@link RunConfig}: an MLP energy
 * {@code dim → hidden… → 1}, or for NCSN a {@link NoiseConditionalMLP}. Parameters are float32 on
 * the config's device. Checkpoints are safetensors files with the config JSON under the metadata
 * key {@code "config"} and the number of steps trained under {@code "step"}.
 */
final class Model {
    static final DType DTYPE = DType.FLOAT32;

    private final RunConfig config;
    private final MLP mlp;
    private final NoiseConditionalMLP conditional;
    private final int step;

    private Model(RunConfig config, int step) {
        this.config = config;
        this.step = step;
        RunConfig.ModelSpec m = config.model();
        RandomStream init = new RandomStream(config.training().seed());
        if (m.noiseConditional()) {
            conditional = new NoiseConditionalMLP(m.dim(), m.activation(), DTYPE, init, m.hiddenSizes());
            mlp = null;
        } else {
            int[] sizes = new int[m.hidden().size() + 2];
            sizes[0] = m.dim();
            System.arraycopy(m.hiddenSizes(), 0, sizes, 1, m.hidden().size());
            sizes[sizes.length - 1] = 1;
            mlp = new MLP(m.activation(), DTYPE, init, sizes);
            conditional = null;
        }
        (conditional != null ? conditional : mlp).to(config.training().device());
    }

    /** A freshly initialised model (weights from the config's seed). */
    static Model create(RunConfig config) {
        return new Model(config, 0);
    }

    /**
     * The model saved in {@code checkpoint}, rebuilt from the config in its metadata, on {@code device}
     * (whichever device it was trained on); bad files give a {@link CliException}.
     */
    static Model load(Path checkpoint, Device device) {
        Map<String, String> metadata;
        try {
            metadata = SafeTensors.read(checkpoint).metadata();
        } catch (NoSuchFileException e) {
            throw new CliException("checkpoint " + checkpoint + " does not exist");
        } catch (FileSystemException e) {
            throw new CliException("can't read checkpoint " + checkpoint + ": " + CliException.reason(e));
        } catch (IOException e) {
            throw new CliException(e.getMessage());
        }
        String json = metadata.get("config");
        if (json == null) {
            throw new CliException(checkpoint + " is not a Joule checkpoint: its metadata has no \"config\"");
        }
        Model model;
        int step;
        try {
            step = Integer.parseInt(metadata.getOrDefault("step", "0"));
            model = new Model(RunConfig.fromJson(json).withDevice(device), step);
        } catch (CliException | NumberFormatException e) {
            throw new CliException("checkpoint " + checkpoint + ": " + e.getMessage());
        }
        try {
            Checkpoint.load(checkpoint, model.parameters());
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        return model;
    }

    RunConfig config() {
        return config;
    }

    /** Steps trained: the checkpoint's {@code "step"}, 0 for a fresh model. */
    int step() {
        return step;
    }

    /** Whether this is a noise-conditional (NCSN) model. */
    boolean noiseConditional() {
        return conditional != null;
    }

    /** The network's parameters ({@code layers.0.weight}, {@code layers.0.bias}, …). */
    List<Parameter> parameters() {
        return conditional != null ? conditional.parameters() : mlp.parameters();
    }

    /** Copies of the parameters holding their current values (values are immutable, so this is cheap). */
    List<Parameter> snapshot() {
        return parameters().stream().map(p -> new Parameter(p.name(), p.value())).toList();
    }

    /** {@code E(x)}; for NCSN the energy at the smallest noise level, {@code E(x, σ_L)}. */
    Energy energy() {
        if (conditional != null) {
            double[] levels = config.model().noiseLevels();
            return conditional.atLevel(levels[levels.length - 1]);
        }
        return mlp.asEnergy();
    }

    /** What {@link #energy()} is, for titles: {@code energy}, or {@code energy at σ = 0.01} for NCSN. */
    String energyName() {
        double[] levels = config.model().noiseLevels();
        return conditional == null ? "energy" : "energy at σ = " + levels[levels.length - 1];
    }

    /** The noise-conditional energy of an NCSN model. */
    NoiseConditionalMLP conditional() {
        return conditional;
    }

    /** {@code n} samples {@code [n, dim]} by {@code spec}, from chains started at the config's start Gaussian. */
    Tensor sample(RunConfig.SamplerSpec spec, int n, RandomStream rng) {
        Tensor init = config.start().gaussian(DTYPE, config.training().device()).sample(n, rng);
        if (spec.kind() == RunConfig.SamplerKind.ANNEALED) {
            return new AnnealedLangevin(config.model().noiseLevels(), spec.stepSize(), spec.steps(), true)
                    .sample(conditional, init, rng).state();
        }
        return spec.sampler().sample(energy(), init, spec.steps(), rng).state();
    }

    /** Writes {@code values} (this model's parameters or a {@link #snapshot}) to {@code file} atomically, as after {@code step} steps. */
    void save(Path file, List<Parameter> values, int trainedSteps) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("config", config.toJson());
        metadata.put("step", Integer.toString(trainedSteps));
        Checkpoint.save(file, values, metadata);
    }
}
