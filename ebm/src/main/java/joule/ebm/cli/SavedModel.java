package joule.ebm.cli;

import java.nio.file.Path;
import java.util.Optional;
import joule.ebm.energy.Energy;
import joule.ebm.energy.ScoreNetwork;
import joule.ebm.nn.Module;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * A model written by {@code joule train}, rebuilt from its checkpoint alone: the config in the
 * checkpoint's metadata says which network to build (an MLP energy, a noise-conditional MLP, a U-Net
 * or a ResNet energy), its weights and buffers are loaded strictly, and the sampler it was trained
 * with is ready to draw from it, with the weight average when the run kept one.
 *
 * <pre>{@code
 * SavedModel m = SavedModel.load(Path.of("joule-out/model.safetensors"), Device.CPU);
 * Energy e = m.energy().orElseThrow();
 * Tensor samples = m.sample(500, new RandomStream(0));    // [500, dim]
 * }</pre>
 */
public final class SavedModel {
    private final Model model;

    private SavedModel(Model model) {
        this.model = model;
    }

    /**
     * The model in {@code checkpoint}, on {@code device}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong: missing, unreadable, corrupt, not written by
     *                                  {@code joule train}, or a config that does not match the weights
     */
    public static SavedModel load(Path checkpoint, Device device) {
        if (checkpoint == null || device == null) {
            throw new IllegalArgumentException("SavedModel.load: " + (checkpoint == null ? "checkpoint" : "device")
                    + " must not be null");
        }
        try {
            return new SavedModel(Model.load(checkpoint, device));
        } catch (CliException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The network whose weights the checkpoint holds ({@code layers.0.weight}, …), for further training or export. */
    public Module network() {
        return model.network();
    }

    /** The energy {@code E(x)} (at the smallest noise level for NCSN), or empty for a U-Net, which gives only scores. */
    public Optional<Energy> energy() {
        return model.hasEnergy() ? Optional.of(model.energy()) : Optional.empty();
    }

    /** The noise-conditional score network {@code s(x, σ)} of an NCSN model on flat data {@code [B, dim]}, or empty. */
    public Optional<ScoreNetwork> scoreNetwork() {
        return model.config().model().noiseConditional() ? Optional.of(model.scoreNetwork()) : Optional.empty();
    }

    /** Data dimension {@code dim} (pixels of an image model). */
    public int dim() {
        return model.config().model().dim();
    }

    /** Steps trained. */
    public int step() {
        return model.step();
    }

    /** The run's config, as {@code config.json} holds it. */
    public String configJson() {
        return model.config().toJson();
    }

    /**
     * {@code n} samples {@code [n, dim]} by the sampler the run was configured with, from chains started at the
     * Gaussian fitted to the training data, with the averaged weights when the run kept an average.
     */
    public Tensor sample(int n, RandomStream rng) {
        if (n < 1 || rng == null) {
            throw new IllegalArgumentException("SavedModel.sample: need n ≥ 1 and an rng, got " + n + " and " + rng);
        }
        return model.sample(model.config().sampler(), n, rng);
    }
}
