package joule.ebm.cli;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.nn.UNet;
import joule.tensor.Tensor;

/**
 * How many values a config's network holds, known before it is built: exactly for an MLP, an upper
 * bound for the convolutional networks. {@link #check} keeps a config within {@value #MAX_VALUES}
 * values and, for a checkpoint, within what its tensors hold, so a corrupt or hostile config is an
 * error instead of an out-of-memory crash.
 */
final class ModelSize {
    /** The most values (parameters, buffers and averages) a model may hold: 2^27, 512 MiB of float32. */
    static final long MAX_VALUES = 1L << 27;

    private ModelSize() {
    }

    /**
     * The network's values (parameters and buffers, not averages): exact for an MLP ({@code dim → hidden… → 1},
     * the input one wider when noise-conditional), at least the true count for a U-Net or ResNet energy.
     */
    static long networkBound(RunConfig.ModelSpec m) {
        double n = switch (m.kind()) {
            case MLP -> mlp(m);
            case UNET -> unet(m.unet());
            case RESNET_ENERGY -> resnet(m.resnet());
        };
        return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;    // computed in double: no overflow
    }

    private static double mlp(RunConfig.ModelSpec m) {
        double total = 0;
        double in = m.dim() + (m.noiseConditional() ? 1 : 0);
        for (double out : m.hiddenSizes()) {
            total += (in + 1) * out;
            in = out;
        }
        return total + in + 1;
    }

    /**
     * Each residual block: two 3×3 convolutions with at most {@code 2c} inputs and {@code c} outputs, a 1×1
     * skip, the embedding projection ({@code 4·base ≤ 4c}) and its norms: at most {@code 48c²} values with
     * {@code c} the widest level; {@code L(2B+1) + 2} blocks, {@code 2L} resampling convolutions, the embedding
     * MLP and the in and out convolutions.
     */
    private static double unet(UNet.Config u) {
        double c = (double) u.baseChannels() * Collections.max(u.channelMultipliers());
        double levels = u.channelMultipliers().size();
        double blocks = levels * (2.0 * u.resBlocksPerLevel() + 1) + 2;
        return blocks * 48 * c * c + 18 * levels * c * c + 32 * c * c + 18 * c * (u.channels() + 1) + 4 * c;
    }

    /** Each pre-activation block: two 3×3 convolutions, a 1×1 skip and spectral-norm vectors, at most {@code 20c² + 40c}. */
    private static double resnet(ResNetEnergy.Config r) {
        double c = Collections.max(r.channels());
        double blocks = (double) r.channels().size() * r.blocksPerStage();
        return blocks * (20 * c * c + 40 * c) + 9 * (r.imageChannels() + 1.0) * c + 2 * c + 1;
    }

    /** The values a model of {@code config} holds at most: the network, twice with a weight average. */
    static long bound(RunConfig config) {
        long n = networkBound(config.model());
        return config.training().emaDecay() > 0 ? n > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * n : n;
    }

    /** Checks that a model of {@code spec} stays within {@link #MAX_VALUES}; {@code what} starts the message. */
    static void checkLimit(RunConfig.ModelSpec spec, String what) {
        long n = networkBound(spec);
        if (n > MAX_VALUES) {
            throw new CliException(what + " asks for a network of " + (spec.kind() == RunConfig.ModelKind.MLP ? ""
                    : "up to ") + n + " values, more than Joule's limit of " + MAX_VALUES);
        }
    }

    /**
     * Checks a checkpoint's config against its {@code tensors} before the model is built: within the limit,
     * and, for an MLP, holding exactly as many values as the file.
     */
    static void check(RunConfig config, Map<String, Tensor> tensors, String source) {
        checkLimit(config.model(), "checkpoint " + source + ": its config");
        long held = 0;
        for (Tensor t : tensors.values()) {
            held += t.numel();
        }
        long bound = bound(config);
        if (config.model().kind() == RunConfig.ModelKind.MLP ? bound != held : bound < held) {
            List<Integer> hidden = config.model().hidden();
            throw new CliException("checkpoint " + source + ": its config asks for a " + (config.model().kind()
                    == RunConfig.ModelKind.MLP ? "MLP " + config.model().dim() + " → " + hidden + " → 1 of " + bound
                    : "network of at most " + bound) + " values (with any weight average) but the file holds " + held);
        }
    }
}
