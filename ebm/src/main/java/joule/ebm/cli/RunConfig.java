package joule.ebm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.ebm.io.Json;
import joule.ebm.loss.GaussianNoise;
import joule.ebm.nn.Activation;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.nn.UNet;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.Hmc;
import joule.ebm.sample.Mala;
import joule.ebm.sample.RandomWalkMetropolis;
import joule.ebm.sample.Sampler;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;

/**
 * The resolved settings of a training run: what {@code config.json} and the checkpoint's metadata
 * (under {@code "config"}) hold, and what {@code joule sample} and {@code joule eval} rebuild the
 * model from. Each part checks its values when built and throws a {@link CliException} naming the
 * option. Seeds derive from {@code training.seed}: the weights use it, the training data
 * {@code seed + 1}, held-out data {@code seed + 2}, batches and loss noise {@code seed + 3},
 * evaluation chains {@code seed + 4}, the FCE flow {@code seed + 5}.
 */
record RunConfig(DataSpec data, ModelSpec model, LossSpec loss, SamplerSpec sampler, TrainingSpec training,
                 StartSpec start) {

    /** The training objectives of {@code --loss}; VESDE and VPSDE are continuous DSM under a score SDE. */
    enum LossKind {
        SSM, SSM_VR, ESM, DSM, NCSN, CD, PCD, NCE, FCE, VESDE, VPSDE;

        /** Whether the loss trains a score SDE's network ({@link joule.ebm.sde}). */
        boolean isSde() {
            return this == VESDE || this == VPSDE;
        }

        /** Whether the model is conditioned on noise levels (NCSN and the SDEs). */
        boolean noiseConditional() {
            return this == NCSN || isSde();
        }
    }

    /** The samplers of {@code --sampler}, with their default step size and step count. */
    enum SamplerKind {
        ULA(0.003, 600), MALA(0.003, 600), HMC(0.03, 100), MH(0.1, 1000), ANNEALED(5e-6, 100), DECOUPLED(1.0, 60),
        /** Predictor–corrector: step size = the signal-to-noise ratio, steps = predictor steps (one corrector each). */
        PC(0.16, 500),
        /** The probability-flow ODE: step size = rtol = atol of Dormand–Prince, steps = its step limit. */
        ODE(1e-5, 10_000);

        final double defaultStepSize;
        final int defaultSteps;

        SamplerKind(double defaultStepSize, int defaultSteps) {
            this.defaultStepSize = defaultStepSize;
            this.defaultSteps = defaultSteps;
        }

        /**
         * Annealed Langevin for NCSN, predictor–corrector for the SDEs; for an energy on images trained by CD or
         * PCD, Langevin with decoupled noise (the IGEBM/JEM recipe: exact Langevin noise drowns images); else ULA.
         */
        static SamplerKind defaultFor(LossKind loss, ModelKind model) {
            if (loss == LossKind.NCSN) {
                return ANNEALED;
            }
            if (loss.isSde()) {
                return PC;
            }
            return model == ModelKind.RESNET_ENERGY && (loss == LossKind.CD || loss == LossKind.PCD) ? DECOUPLED : ULA;
        }

        /** Whether the sampler integrates a score SDE from its prior. */
        boolean sde() {
            return this == PC || this == ODE;
        }
    }

    /** Leapfrog steps per HMC proposal unless {@code --leapfrog} says otherwise. */
    static final int DEFAULT_LEAPFROG = 10;

    /** Checks that the parts fit together. */
    RunConfig {
        if (sampler.kind() == SamplerKind.ANNEALED && loss.kind() != LossKind.NCSN && loss.kind() != LossKind.VESDE) {
            throw new CliException("--sampler annealed needs a noise-conditional model (--loss ncsn or vesde), this one is "
                    + Names.of(loss.kind()));
        }
        if (sampler.kind().sde() && !loss.kind().isSde()) {
            throw new CliException("--sampler " + Names.of(sampler.kind()) + " needs a score SDE model (--loss vesde or "
                    + "vpsde), this one is " + Names.of(loss.kind()));
        }
        if (loss.kind() == LossKind.FCE && model.dim() < 2) {
            throw new CliException("--loss fce needs data of dimension ≥ 2 (its flow splits the coordinates), got "
                    + model.dim());
        }
        if (loss.kind().noiseConditional() != (model.noiseLevels().length > 0)) {
            throw new CliException("config: noise levels must be given for ncsn, vesde and vpsde models and only for them");
        }
        ModelSize.checkLimit(model, model.kind() == ModelKind.MLP ? "--hidden " + model.hidden().stream()
                .map(String::valueOf).collect(java.util.stream.Collectors.joining(",")) : "--model " + Names.of(model.kind())
                + " with these --channels, --channel-multipliers and --res-blocks");
        HeapBudget.check("--eval-samples " + training.evalSamples(), (long) training.evalSamples() * model.dim(),
                SampleCommand.CHAIN_BYTES);
        if (start.mean().length != model.dim() || start.std().length != model.dim()) {
            throw new CliException("config: the chains' start has dimension " + start.mean().length + ", the model "
                    + model.dim());
        }
    }

    /**
     * The data: {@code dataset} is a toy set's name, {@code fashion-mnist} or {@code csv} (then
     * {@code file} is the CSV file's absolute path); {@code trainSize} training points.
     */
    record DataSpec(String dataset, String file, int trainSize) {
        DataSpec {
            if (trainSize < 2) {
                throw new CliException("--train-size must be ≥ 2, got " + trainSize);
            }
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataset", dataset);
            m.put("file", file);
            m.put("train_size", trainSize);
            return m;
        }
    }

    /** The network families of {@code --model}. */
    enum ModelKind {
        /** An MLP energy on flat points ({@code --hidden}); for NCSN a noise-conditional MLP energy. */
        MLP,
        /** A U-Net score network {@code s_θ(x, σ)} on images (NCSN). */
        UNET,
        /** A spectral-norm ResNet energy {@code E_θ(x)} on images (any energy loss: PCD, CD, DSM, …). */
        RESNET_ENERGY
    }

    /**
     * The network: for {@link ModelKind#MLP} {@code dim → hidden… → 1} with {@code activation}; for
     * {@link ModelKind#UNET} the U-Net {@code unet} and for {@link ModelKind#RESNET_ENERGY} the energy {@code resnet},
     * on images of {@code dim} pixels; for NCSN the noise levels {@code σ_1 > … > σ_L} it is conditioned on (empty
     * otherwise).
     */
    record ModelSpec(ModelKind kind, int dim, List<Integer> hidden, Activation activation, double[] noiseLevels,
                     UNet.Config unet, ResNetEnergy.Config resnet) {
        ModelSpec {
            hidden = List.copyOf(hidden);
            if (dim < 1) {
                throw new CliException("config: the data dimension must be ≥ 1, got " + dim);
            }
            if (kind == ModelKind.MLP && (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1))) {
                throw new CliException("--hidden must list one or more layer sizes ≥ 1, got " + hidden);
            }
            if ((kind == ModelKind.UNET) != (unet != null)) {
                throw new CliException("config: a U-Net's settings must be given for --model unet and only for it");
            }
            if ((kind == ModelKind.RESNET_ENERGY) != (resnet != null)) {
                throw new CliException("config: a ResNet energy's settings must be given for --model resnet-energy and "
                        + "only for it");
            }
            int[] image = imageShape();
            if (image != null && image[0] * image[1] * image[2] != dim) {
                throw new CliException("--model " + Names.of(kind) + " works on images; the data has " + dim
                        + " coordinates, not " + image[0] + "×" + image[1] + "×" + image[2]);
            }
            if (kind == ModelKind.UNET && noiseLevels.length == 0) {
                throw new CliException("--model unet is a noise-conditional score network: train it with --loss ncsn, "
                        + "vesde or vpsde");
            }
            if (kind == ModelKind.RESNET_ENERGY && noiseLevels.length > 0) {
                throw new CliException("--model resnet-energy has no noise conditioning: train it with pcd, cd, dsm or "
                        + "another energy loss, not ncsn, vesde or vpsde");
            }
        }

        /** An MLP's spec. */
        static ModelSpec mlp(int dim, List<Integer> hidden, Activation activation, double[] noiseLevels) {
            return new ModelSpec(ModelKind.MLP, dim, hidden, activation, noiseLevels, null, null);
        }

        /** Levels from {@code sigmaMax} down to {@code sigmaMin}, geometric. */
        static double[] levels(double sigmaMax, double sigmaMin, int count) {
            if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax) || count < 2) {
                throw new CliException("--sigma-max, --sigma-min and --levels need σ_max > σ_min > 0 and at least 2 "
                        + "levels, got " + sigmaMax + ", " + sigmaMin + ", " + count);
            }
            double[] s = new double[count];
            for (int i = 0; i < count; i++) {
                s[i] = sigmaMax * Math.pow(sigmaMin / sigmaMax, (double) i / (count - 1));
            }
            return s;
        }

        int[] hiddenSizes() {
            return hidden.stream().mapToInt(Integer::intValue).toArray();
        }

        boolean noiseConditional() {
            return noiseLevels.length > 0;
        }

        /** The shape of one image {@code [C, H, W]}, or null for points. */
        int[] imageShape() {
            return unet != null ? new int[] {unet.channels(), unet.height(), unet.width()}
                    : resnet != null ? resnet.imageShape() : null;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("architecture", Names.of(kind));
            m.put("dim", dim);
            if (kind == ModelKind.MLP) {
                m.put("hidden", hidden);
                m.put("activation", Names.of(activation));
            } else if (kind == ModelKind.RESNET_ENERGY) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("channels", resnet.imageChannels());
                r.put("height", resnet.height());
                r.put("width", resnet.width());
                r.put("stage_channels", resnet.channels());
                r.put("blocks_per_stage", resnet.blocksPerStage());
                r.put("activation", Names.of(resnet.activation()));
                r.put("spectral_norm", resnet.spectralNorm());
                m.put("resnet", r);
            } else {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("channels", unet.channels());
                u.put("height", unet.height());
                u.put("width", unet.width());
                u.put("base_channels", unet.baseChannels());
                u.put("channel_multipliers", unet.channelMultipliers());
                u.put("res_blocks_per_level", unet.resBlocksPerLevel());
                u.put("downsample", Names.of(unet.downsample()));
                u.put("fourier_scale", unet.fourierScale());
                m.put("unet", u);
            }
            if (noiseConditional()) {
                m.put("noise_levels", noiseLevels);
            }
            return m;
        }

        /** The spec in {@code m}, as {@link #json} writes it (a config without {@code architecture} is an MLP's). */
        static ModelSpec fromJson(Fields m, boolean noiseConditional) {
            ModelKind kind = m.has("architecture") ? Names.parse(ModelKind.class, "architecture", m.string("architecture"))
                    : ModelKind.MLP;
            double[] levels = noiseConditional ? m.numbers("noise_levels") : new double[0];
            if (kind == ModelKind.MLP) {
                return mlp(m.integer("dim"), m.integers("hidden"),
                        Names.parse(Activation.class, "activation", m.string("activation")), levels);
            }
            try {
                if (kind == ModelKind.RESNET_ENERGY) {
                    Fields r = m.object("resnet");
                    ResNetEnergy.Config resnet = new ResNetEnergy.Config(r.integer("channels"), r.integer("height"),
                            r.integer("width"), r.integers("stage_channels"), r.integer("blocks_per_stage"),
                            Names.parse(Activation.class, "activation", r.string("activation")),
                            r.flag("spectral_norm"));
                    return new ModelSpec(kind, m.integer("dim"), List.of(), resnet.activation(), levels, null, resnet);
                }
                Fields u = m.object("unet");
                UNet.Config unet = new UNet.Config(u.integer("channels"), u.integer("height"), u.integer("width"),
                        u.integer("base_channels"), u.integers("channel_multipliers"), u.integer("res_blocks_per_level"),
                        Names.parse(UNet.Downsample.class, "downsampling", u.string("downsample")),
                        u.number("fourier_scale"));
                return new ModelSpec(kind, m.integer("dim"), List.of(), Activation.SILU, levels, unet, null);
            } catch (IllegalArgumentException e) {
                throw new CliException("config: " + e.getMessage());
            }
        }
    }

    /**
     * The loss and its own settings: {@code sigma} is DSM's noise level; {@code chainSteps} and
     * {@code chainStepSize} are the sampler steps per training step of CD and PCD.
     */
    record LossSpec(LossKind kind, double sigma, int chainSteps, double chainStepSize) {
        static final double DEFAULT_SIGMA = 0.1;
        static final int DEFAULT_CHAIN_STEPS = 20;
        static final double DEFAULT_CHAIN_STEP_SIZE = 0.01;

        LossSpec {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new CliException("--sigma must be positive, got " + sigma);
            }
            if (chainSteps < 1) {
                throw new CliException("--chain-steps must be ≥ 1, got " + chainSteps);
            }
            if (!(chainStepSize > 0) || !Double.isFinite(chainStepSize)) {
                throw new CliException("--chain-step-size must be positive, got " + chainStepSize);
            }
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", Names.of(kind));
            if (kind == LossKind.DSM) {
                m.put("sigma", sigma);
            }
            if (kind == LossKind.CD || kind == LossKind.PCD) {
                m.put("chain_steps", chainSteps);
                m.put("chain_step_size", chainStepSize);
            }
            return m;
        }
    }

    /**
     * How model samples are drawn: the sampler, its step size (ULA/MALA {@code η}, HMC {@code h},
     * MH {@code τ}, annealed Langevin's base {@code η}), its steps (per level for annealed
     * Langevin) and HMC's leapfrog steps.
     */
    record SamplerSpec(SamplerKind kind, double stepSize, int steps, int leapfrog, double noise) {
        /** The noise scale σ of {@link SamplerKind#DECOUPLED} unless {@code --noise} says otherwise (JEM's). */
        static final double DEFAULT_NOISE = 0.01;

        SamplerSpec {
            if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
                throw new CliException("--step-size must be positive, got " + stepSize);
            }
            if (steps < 1) {
                throw new CliException("--sampler-steps must be ≥ 1, got " + steps);
            }
            if (leapfrog < 1) {
                throw new CliException("--leapfrog must be ≥ 1, got " + leapfrog);
            }
            if (!(noise >= 0) || !Double.isFinite(noise)) {
                throw new CliException("--noise must be finite and ≥ 0, got " + noise);
            }
        }

        /** The defaults of {@code kind}. */
        static SamplerSpec defaults(SamplerKind kind) {
            return new SamplerSpec(kind, kind.defaultStepSize, kind.defaultSteps, DEFAULT_LEAPFROG, DEFAULT_NOISE);
        }

        /** The MCMC sampler (not for annealed Langevin and the SDE samplers, which {@link Model} runs itself). */
        Sampler sampler() {
            return switch (kind) {
                case ULA -> new UnadjustedLangevin(stepSize);
                case MALA -> new Mala(stepSize);
                case HMC -> new Hmc(stepSize, leapfrog);
                case MH -> new RandomWalkMetropolis(stepSize);
                case DECOUPLED -> new DecoupledLangevin(stepSize, noise);
                case ANNEALED, PC, ODE -> throw new IllegalStateException(Names.of(kind) + " is run by Model.sample");
            };
        }

        /** For messages: {@code ula (step 0.003, 600 steps)}. */
        String describe() {
            if (kind == SamplerKind.PC) {
                return "pc (signal-to-noise ratio " + stepSize + ", " + steps + " predictor steps, 1 corrector step each)";
            }
            if (kind == SamplerKind.ODE) {
                return "ode (Dormand–Prince, rtol = atol = " + stepSize + ", at most " + steps + " steps)";
            }
            return Names.of(kind) + " (step " + stepSize + ", " + steps + (kind == SamplerKind.ANNEALED ? " steps per level"
                    : " steps") + (kind == SamplerKind.HMC ? ", " + leapfrog + " leapfrog steps" : "")
                    + (kind == SamplerKind.DECOUPLED ? ", noise " + noise : "") + ")";
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", Names.of(kind));
            m.put("step_size", stepSize);
            m.put("steps", steps);
            if (kind == SamplerKind.HMC) {
                m.put("leapfrog", leapfrog);
            }
            if (kind == SamplerKind.DECOUPLED) {
                m.put("noise", noise);
            }
            return m;
        }
    }

    /**
     * The optimisation: Adam with {@code learningRate}; evaluations every {@code evalEvery} steps
     * (and after the last) from {@code evalSamples} chains; a metrics line every {@code logEvery} steps;
     * an exponential moving average of the weights with {@code emaDecay} (0: none), which sampling uses.
     */
    record TrainingSpec(int steps, int batchSize, double learningRate, long seed, Device device, int evalEvery,
                        int evalSamples, int logEvery, double emaDecay, int checkpointEvery, int sampleEvery) {
        TrainingSpec {
            if (steps < 1) {
                throw new CliException("--steps must be ≥ 1, got " + steps);
            }
            if (batchSize < 1) {
                throw new CliException("--batch-size must be ≥ 1, got " + batchSize);
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new CliException("--lr must be positive, got " + learningRate);
            }
            if (evalEvery < 0) {
                throw new CliException("--eval-every must be ≥ 0, got " + evalEvery);
            }
            if (evalSamples < 2) {
                throw new CliException("--eval-samples must be ≥ 2, got " + evalSamples);
            }
            if (logEvery < 1) {
                throw new CliException("--log-every must be ≥ 1, got " + logEvery);
            }
            if (!(emaDecay >= 0 && emaDecay < 1)) {
                throw new CliException("--ema must be in [0, 1), got " + emaDecay);
            }
            if (checkpointEvery < 0) {
                throw new CliException("--checkpoint-every must be ≥ 0, got " + checkpointEvery);
            }
            if (sampleEvery < 0) {
                throw new CliException("--sample-every must be ≥ 0, got " + sampleEvery);
            }
        }

        /** This spec on another device. */
        TrainingSpec on(Device other) {
            return new TrainingSpec(steps, batchSize, learningRate, seed, other, evalEvery, evalSamples, logEvery,
                    emaDecay, checkpointEvery, sampleEvery);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", steps);
            m.put("batch_size", batchSize);
            m.put("learning_rate", learningRate);
            m.put("seed", seed);
            m.put("device", device.toString());
            m.put("eval_every", evalEvery);
            m.put("eval_samples", evalSamples);
            m.put("log_every", logEvery);
            if (emaDecay > 0) {
                m.put("ema_decay", emaDecay);
            }
            m.put("checkpoint_every", checkpointEvery);
            m.put("sample_every", sampleEvery);
            return m;
        }
    }

    /** Where sampler chains start: {@code N(mean, diag(std²))}, the Gaussian fitted to the training data. */
    record StartSpec(double[] mean, double[] std) {
        /** The data's mean and per-coordinate standard deviation (at least 1e-6), as {@link GaussianNoise#fit} with scale 1. */
        static StartSpec fit(Tensor data) {
            Tensor mean = data.mean(0);
            Tensor std = data.sub(mean).square().mean(0).sqrt().maximum(data.scalarLike(1e-6));
            return new StartSpec(mean.toDoubleArray(), std.toDoubleArray());
        }

        GaussianNoise gaussian(DType dtype, Device device) {
            return new GaussianNoise(Tensor.of(dtype, mean).to(device), Tensor.of(dtype, std).to(device));
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean", mean);
            m.put("std", std);
            return m;
        }
    }

    /** This config with another sampler (checked against the model). */
    RunConfig withSampler(SamplerSpec s) {
        return new RunConfig(data, model, loss, s, training, start);
    }

    /** This config with the model on another device. */
    RunConfig withDevice(Device device) {
        return new RunConfig(data, model, loss, sampler, training.on(device), start);
    }

    /** The config as pretty-printed JSON. */
    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data.json());
        m.put("model", model.json());
        m.put("loss", loss.json());
        m.put("sampler", sampler.json());
        m.put("training", training.json());
        m.put("start", start.json());
        return Json.write(m, 2, 1);
    }

    /** The config in {@code json}, as {@link #toJson} writes it; errors name the missing or bad field. */
    static RunConfig fromJson(String json) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new CliException("config is not valid JSON: " + e.getMessage());
        }
        Fields r = new Fields("", root);
        Fields d = r.object("data");
        Fields m = r.object("model");
        Fields l = r.object("loss");
        Fields s = r.object("sampler");
        Fields t = r.object("training");
        Fields st = r.object("start");
        LossKind lossKind = Names.parse(LossKind.class, "loss", l.string("name"));
        SamplerKind samplerKind = Names.parse(SamplerKind.class, "sampler", s.string("kind"));
        return new RunConfig(
                new DataSpec(d.string("dataset"), d.optionalString("file"), d.integer("train_size")),
                ModelSpec.fromJson(m, lossKind.noiseConditional()),
                new LossSpec(lossKind, l.has("sigma") ? l.number("sigma") : LossSpec.DEFAULT_SIGMA,
                        l.has("chain_steps") ? l.integer("chain_steps") : LossSpec.DEFAULT_CHAIN_STEPS,
                        l.has("chain_step_size") ? l.number("chain_step_size") : LossSpec.DEFAULT_CHAIN_STEP_SIZE),
                new SamplerSpec(samplerKind, s.number("step_size"), s.integer("steps"),
                        s.has("leapfrog") ? s.integer("leapfrog") : DEFAULT_LEAPFROG,
                        s.has("noise") ? s.number("noise") : SamplerSpec.DEFAULT_NOISE),
                new TrainingSpec(t.integer("steps"), t.integer("batch_size"), t.number("learning_rate"),
                        t.longInteger("seed"), Names.parse(Device.class, "device", t.string("device")),
                        t.integer("eval_every"), t.integer("eval_samples"), t.integer("log_every"),
                        t.has("ema_decay") ? t.number("ema_decay") : 0,
                        t.has("checkpoint_every") ? t.integer("checkpoint_every") : 0,
                        t.has("sample_every") ? t.integer("sample_every") : 0),
                new StartSpec(st.numbers("mean"), st.numbers("std")));
    }

    /** Typed access to a parsed JSON object; errors name the field's path. */
    record Fields(String path, Map<String, Object> map) {
        boolean has(String key) {
            return map.get(key) != null;
        }

        Object get(String key) {
            if (!map.containsKey(key)) {
                throw new CliException("config has no field '" + path + key + "'");
            }
            return map.get(key);
        }

        @SuppressWarnings("unchecked")
        Fields object(String key) {
            if (!(get(key) instanceof Map<?, ?> m)) {
                throw bad(key, "an object");
            }
            return new Fields(path + key + ".", (Map<String, Object>) m);
        }

        String string(String key) {
            if (!(get(key) instanceof String s)) {
                throw bad(key, "a string");
            }
            return s;
        }

        String optionalString(String key) {
            return has(key) ? string(key) : null;
        }

        double number(String key) {
            if (!(get(key) instanceof Number n)) {
                throw bad(key, "a number");
            }
            return n.doubleValue();
        }

        long longInteger(String key) {
            if (!(get(key) instanceof Long n)) {
                throw bad(key, "an integer");
            }
            return n;
        }

        int integer(String key) {
            long n = longInteger(key);
            if (n != (int) n) {
                throw bad(key, "an integer");
            }
            return (int) n;
        }

        boolean flag(String key) {
            if (!(get(key) instanceof Boolean b)) {
                throw bad(key, "true or false");
            }
            return b;
        }

        double[] numbers(String key) {
            if (!(get(key) instanceof List<?> list) || !list.stream().allMatch(Number.class::isInstance)) {
                throw bad(key, "a list of numbers");
            }
            return list.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        }

        List<Integer> integers(String key) {
            List<Integer> out = new ArrayList<>();
            for (double v : numbers(key)) {
                if (v != (int) v) {
                    throw bad(key, "a list of integers");
                }
                out.add((int) v);
            }
            return out;
        }

        private CliException bad(String key, String expected) {
            return new CliException("config field '" + path + key + "' should be " + expected + ", got " + map.get(key));
        }
    }
}
