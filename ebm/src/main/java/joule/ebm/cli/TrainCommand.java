package joule.ebm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import joule.ebm.data.FashionMnist;
import joule.ebm.io.StateDict;
import joule.ebm.metrics.Box;
import joule.ebm.metrics.EnergyDistance;
import joule.ebm.metrics.Mmd;
import joule.ebm.nn.Activation;
import joule.ebm.nn.ResNetEnergy;
import joule.ebm.nn.UNet;
import joule.ebm.optim.Adam;
import joule.ebm.train.Trainer;
import joule.ebm.train.TrainingDivergedException;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule train}: trains an energy model and writes its checkpoint, config, metrics and pictures. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Trains an energy model and writes its checkpoint, config, metrics and pictures.",
        description = {"Trains an energy-based model with Adam and writes into the output folder: model.safetensors "
                + "(the weights, with the config in its metadata), config.json, metrics.jsonl, loss.png, and "
                + "energy.png (2-D data: the learned energy with model samples, beside the data) or samples.png "
                + "(Fashion-MNIST: a grid of model samples).",
                "Checkpoints every --checkpoint-every steps and on Ctrl-C let --resume continue a run exactly. "
                        + "Bad input exits with code 2, a diverged run with code 1 (its checkpoint holds the last "
                        + "state that passed every check)."})
final class TrainCommand implements Callable<Integer> {
    static final String DEFAULT_DATASET = "two-moons";
    /** The image models' first-level channels unless {@code --channels} says otherwise. */
    static final int IMAGE_CHANNELS = 16;
    /** Images per step of the image models unless {@code --batch-size} says otherwise. */
    static final int IMAGE_BATCH = 64;
    /**
     * The U-Net's steps and learning rate unless {@code --steps} and {@code --lr} say otherwise: the documented
     * default image run, about 25 minutes on this project's 2-core machine (docs/IMAGES.md).
     */
    static final int UNET_STEPS = 4000;
    static final double UNET_LR = 1e-3;
    /** The weight-averaging decay of image models unless {@code --ema} says otherwise. */
    static final double IMAGE_EMA = 0.999;
    /**
     * What {@code call} returns for a run stopped by Ctrl-C or SIGTERM (after its checkpoint); the JVM, already
     * shutting down, exits with the signal's status (130, 143) anyway.
     */
    static final int STOPPED = 130;
    /** How long Ctrl-C waits for the checkpoint of the step under way. */
    private static final long STOP_WAIT_SECONDS = 120;

    @Spec
    CommandSpec spec;

    @Mixin
    DataArgs data;

    @Option(names = "--train-size", paramLabel = "N", description = "Training points. Default: 8000 from a toy set, "
            + "every row or image of the others.")
    Integer trainSize;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "mlp", description = "mlp (an MLP energy on "
            + "flat points), unet (a U-Net score network on images, trained by ncsn) or resnet-energy (a spectral-norm "
            + "ResNet energy on images, trained by pcd, cd, dsm, …).")
    RunConfig.ModelKind modelKind;

    @Option(names = "--hidden", split = ",", paramLabel = "N", defaultValue = "128,128",
            description = "Hidden layer sizes of the MLP energy (input → hidden… → 1).")
    List<Integer> hidden;

    @Option(names = "--channels", paramLabel = "N",
            description = "unet, resnet-energy: channels of the first level (" + IMAGE_CHANNELS + ").")
    Integer channels;

    @Option(names = "--channel-multipliers", split = ",", paramLabel = "N", defaultValue = "1,2,2",
            description = "unet, resnet-energy: channels of each level as multiples of --channels; each level after "
                    + "the first halves the image.")
    List<Integer> channelMultipliers;

    @Option(names = "--res-blocks", paramLabel = "N", defaultValue = "1",
            description = "unet, resnet-energy: residual blocks per level.")
    int resBlocks;

    @Option(names = "--ema", paramLabel = "X", description = "Decay of the moving average of the weights that sampling "
            + "uses, 0 for none. Default: " + IMAGE_EMA + " for unet, 0 for mlp.")
    Double ema;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "silu",
            description = "silu, softplus, tanh, elu or relu.")
    Activation activation;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "ssm-vr",
            description = "ssm, ssm-vr, esm, dsm, ncsn, cd, pcd, nce, fce, vesde or vpsde (continuous DSM under the "
                    + "VE SDE from --sigma-min to --sigma-max, or the VP SDE with β from 0.1 to 20).")
    RunConfig.LossKind loss;

    @Option(names = "--sigma", paramLabel = "σ", defaultValue = "0.1", description = "dsm: the noise level.")
    double sigma;

    @Option(names = "--sigma-max", paramLabel = "σ", defaultValue = "1", description = "ncsn, vesde: the largest noise "
            + "level (for vesde about the largest distance between data points).")
    double sigmaMax;

    @Option(names = "--sigma-min", paramLabel = "σ", defaultValue = "0.01", description = "ncsn, vesde: the smallest "
            + "noise level.")
    double sigmaMin;

    @Option(names = "--levels", paramLabel = "L", defaultValue = "10", description = "ncsn: noise levels (geometric); "
            + "vesde: the levels of --sampler annealed on its network.")
    int levels;

    @Option(names = "--chain-steps", paramLabel = "K", defaultValue = "20",
            description = "cd, pcd: sampler steps per training step (the --sampler, with --chain-step-size).")
    int chainSteps;

    @Option(names = "--chain-step-size", paramLabel = "X",
            description = "cd, pcd: step size of those sampler steps (0.01; α = 1 for the decoupled sampler).")
    Double chainStepSize;

    @Mixin
    SamplerArgs sampler;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (2000; " + UNET_STEPS + " for unet).")
    Integer steps;

    @Option(names = "--batch-size", paramLabel = "B", description = "Data points per step (256; " + IMAGE_BATCH
            + " for unet and resnet-energy).")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "X", description = "Adam's learning rate (2e-3; " + UNET_LR + " for unet).")
    Double lr;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of all random numbers.")
    long seed;

    @Mixin
    DeviceArgs device;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "500", description = "Toy sets: steps between "
            + "evaluations (MMD² and energy distance of model samples against held-out data), 0 for only at the end.")
    int evalEvery;

    @Option(names = "--eval-samples", paramLabel = "N", defaultValue = "1000",
            description = "Sampler chains for evaluations and pictures.")
    int evalSamples;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "10", description = "Steps between lines of metrics.jsonl.")
    int logEvery;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "joule-out", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the earlier run in --out (its files are deleted first); "
            + "without it a folder holding a run is refused.")
    boolean overwrite;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "" + DEFAULT_CHECKPOINT_EVERY,
            description = "Steps between checkpoints (model.safetensors and the resumable train-state.safetensors), "
                    + "0 for only at the end.")
    int checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint, "
            + "with its settings: the result is the same, bit for bit, as that of a run never interrupted.")
    Path resume;

    @Option(names = "--sample-every", paramLabel = "N", description = "Images: steps between sample grids "
            + "samples-<step>.png (weight averages, a fifth of the sampler steps), 0 for none. Default: "
            + DEFAULT_SAMPLE_EVERY + " for fashion-mnist.")
    Integer sampleEvery;

    /** Steps between checkpoints unless {@code --checkpoint-every} says otherwise. */
    static final int DEFAULT_CHECKPOINT_EVERY = 500;
    /** Steps between sample grids of image runs unless {@code --sample-every} says otherwise. */
    static final int DEFAULT_SAMPLE_EVERY = 500;
    /** Options that {@code --resume} takes: the rest come from the run's config. */
    private static final Set<String> RESUME_OPTIONS = Set.of("--resume");

    private Tensor evaluated;

    private int channels() {
        return channels != null ? channels : IMAGE_CHANNELS;
    }

    @Override
    public Integer call() {
        if (resume != null) {
            return resumeRun();
        }
        data.check();
        double[] noiseLevels = loss == RunConfig.LossKind.NCSN || loss == RunConfig.LossKind.VESDE
                ? RunConfig.ModelSpec.levels(sigmaMax, sigmaMin, levels)
                : loss == RunConfig.LossKind.VPSDE ? Model.vpNoiseLevels() : new double[0];
        RunConfig.SamplerSpec samplerSpec = sampler.resolve(
                RunConfig.SamplerSpec.defaults(RunConfig.SamplerKind.defaultFor(loss, modelKind)));
        RunConfig.LossSpec lossSpec = new RunConfig.LossSpec(loss, sigma, chainSteps, chainStepSize != null ? chainStepSize
                : samplerSpec.kind() == RunConfig.SamplerKind.DECOUPLED ? samplerSpec.stepSize()
                : RunConfig.LossSpec.DEFAULT_CHAIN_STEP_SIZE);
        Device on = device.checked();
        boolean images = modelKind == RunConfig.ModelKind.UNET;
        String dataset = data.dataset != null ? data.dataset : DEFAULT_DATASET;
        boolean imageModel = modelKind != RunConfig.ModelKind.MLP;
        RunConfig.TrainingSpec training = new RunConfig.TrainingSpec(
                steps != null ? steps : images ? UNET_STEPS : 2000,
                batchSize != null ? batchSize : imageModel ? IMAGE_BATCH : 256,
                lr != null ? lr : images ? UNET_LR : 2e-3, seed, on, evalEvery,
                evalSamples, logEvery, ema != null ? ema : images ? IMAGE_EMA : 0, checkpointEvery,
                sampleEvery != null ? sampleEvery : dataset.equals(DataSets.FASHION_MNIST) ? DEFAULT_SAMPLE_EVERY : 0);
        DataSets.Loaded loaded = DataSets.train(dataset, data.file, trainSize, seed);
        RunConfig config = new RunConfig(loaded.spec(), modelSpec(loaded.points().size(1), loaded.spec().dataset(),
                noiseLevels), lossSpec, samplerSpec, training, RunConfig.StartSpec.fit(loaded.points()));
        RunFiles.startFresh(out, overwrite);
        OutputFolder folder = OutputFolder.prepare(out);
        folder.writeText("config.json", config.toJson());
        return train(config, loaded.points(), folder, null);
    }

    /** {@code --resume DIR}: the run's config and state from its train-state.safetensors, then the remaining steps. */
    private int resumeRun() {
        List<String> others = spec.commandLine().getParseResult().matchedOptions().stream()
                .map(o -> o.longestName()).filter(n -> !RESUME_OPTIONS.contains(n)).distinct().toList();
        if (!others.isEmpty()) {
            throw new CliException("--resume continues a run with its own settings: drop " + String.join(", ", others));
        }
        Path file = resume.resolve(RunFiles.STATE);
        StateDict state = null;
        RunConfig config;
        try {
            if (Files.isRegularFile(file)) {
                state = StateDict.load(file);
                config = RunConfig.fromJson(state.value("metadata.config"));
            } else {
                // killed before its first checkpoint: start again from the config it wrote first
                file = resume.resolve(RunFiles.CONFIG);
                config = RunConfig.fromJson(Files.readString(file));
            }
        } catch (NoSuchFileException e) {
            throw new CliException("--resume " + resume + ": there is no run there (no " + RunFiles.STATE + " or "
                    + RunFiles.CONFIG + ")");
        } catch (IOException | IllegalArgumentException | CliException e) {
            throw new CliException("can't resume from " + file + ": " + e.getMessage());
        }
        int done = state == null ? 0 : Math.toIntExact(state.integer("trainer.step"));
        if (done >= config.training().steps()) {
            throw new CliException("the run in " + resume + " already finished its " + done + " steps");
        }
        RunConfig.DataSpec d = config.data();
        DataSets.Loaded loaded = DataSets.train(d.dataset(), d.file() == null ? null : Path.of(d.file()), d.trainSize(),
                config.training().seed());
        out = resume;
        RunFiles.removeOrphans(resume);
        return train(config, loaded.points(), OutputFolder.prepare(resume), state);
    }

    /** Trains {@code config}'s model on {@code points} into {@code folder} (continuing {@code resumed} if not null), then writes pictures. */
    private int train(RunConfig config, Tensor points, OutputFolder folder, StateDict resumed) {
        Device on = config.training().device();
        Tensor train = points.to(on);
        Model model = Model.create(config);
        Objective objective = Objective.of(config, model, train);
        Tensor heldOut = DataSets.isToy(config.data().dataset())
                ? DataSets.reference(config.data().dataset(), null, config.training().seed()).to(on) : null;
        Trainer.Result result = runTrainer(config, model, objective, train, heldOut, folder, resumed);
        if (result.stopped()) {
            return STOPPED;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        List<Trainer.StepRecord> records = result.steps();
        List<String> written = new ArrayList<>(List.of(RunFiles.MODEL, RunFiles.STATE, RunFiles.CONFIG,
                RunFiles.METRICS, RunFiles.TIMES));
        written.addAll(pictures(config, model, points, result, folder));
        if (config.training().sampleEvery() > 0 && config.data().dataset().equals(DataSets.FASHION_MNIST)) {
            written.add("samples-<step>.png");
        }
        double seconds = records.getLast().seconds();
        stdout.printf(Locale.ROOT, "trained %s on %s: %d steps%s in %.1f s, final loss %.4g%s%n",
                Names.of(config.loss().kind()),
                config.data().dataset().equals(DataSets.CSV) ? config.data().file() : config.data().dataset(),
                records.size(), resumed == null ? "" : " (resumed after step " + resumed.integer("trainer.step") + ")",
                seconds, records.getLast().loss(),
                result.evaluations().isEmpty() ? "" : ", " + describe(result.evaluations().getLast().metrics()));
        stdout.println("wrote " + String.join(", ", written) + " to " + out);
        stdout.flush();
        return 0;
    }

    /** The network of {@code --model} for data of {@code dim} coordinates. */
    private RunConfig.ModelSpec modelSpec(int dim, String dataset, double[] noiseLevels) {
        if (modelKind == RunConfig.ModelKind.MLP) {
            return RunConfig.ModelSpec.mlp(dim, hidden, activation, noiseLevels);
        }
        if (!dataset.equals(DataSets.FASHION_MNIST)) {
            throw new CliException("--model " + Names.of(modelKind) + " needs images: --dataset " + DataSets.FASHION_MNIST);
        }
        int side = FashionMnist.SIDE;
        try {
            if (modelKind == RunConfig.ModelKind.RESNET_ENERGY) {
                ResNetEnergy.Config resnet = new ResNetEnergy.Config(1, side, side,
                        channelMultipliers.stream().map(m -> m * channels()).toList(), resBlocks, activation,
                        loss != RunConfig.LossKind.DSM);
                return new RunConfig.ModelSpec(modelKind, dim, List.of(), activation, noiseLevels, null, resnet);
            }
            UNet.Config unet = new UNet.Config(1, side, side, channels(), channelMultipliers, resBlocks,
                    UNet.Downsample.CONV, UNet.Config.fashionMnist().fourierScale());
            return new RunConfig.ModelSpec(modelKind, dim, List.of(), activation, noiseLevels, unet, null);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * Runs the trainer with progress, metrics lines, sample grids, checkpoints (the trainer writes them: every
     * {@code --checkpoint-every} steps, at the end, on divergence the last good state) and a checkpoint on Ctrl-C:
     * a shutdown hook asks the trainer to stop after its current step and waits for that checkpoint.
     */
    private Trainer.Result runTrainer(RunConfig config, Model model, Objective objective, Tensor train, Tensor heldOut,
                                      OutputFolder folder, StateDict resumed) {
        PrintWriter err = spec.commandLine().getErr();
        RunConfig.TrainingSpec t = config.training();
        int done = resumed == null ? 0 : Math.toIntExact(resumed.integer("trainer.step"));
        ProgressBar progress = new ProgressBar(err, t.steps(), done, ProgressBar.stderrIsTerminal());
        Trainer trainer = new Trainer(objective.loss(), new Adam(objective.loss().parameters(), t.learningRate()),
                train, Trainer.Options.defaults().withSteps(t.steps()).withBatchSize(t.batchSize())
                .withEvalEvery(t.evalEvery()).withSeed(t.seed() + 3))
                .saving(model.state())
                .checkpointing(folder.path(RunFiles.MODEL), Map.of("config", config.toJson()))
                .resumable(folder.path(RunFiles.STATE), t.checkpointEvery());
        if (model.average() != null) {
            trainer.averaging(model.average());
        }
        if (objective.replayBuffer() != null) {
            trainer.withState("replay", objective.replayBuffer());
        }
        if (model.hasEnergy()) {
            trainer.monitoring(model.energy());
        }
        if (!objective.adversary().isEmpty()) {
            trainer.withAdversary(new Adam(objective.adversary(), t.learningRate()));
        }
        if (heldOut != null) {
            trainer.evaluating(step -> {
                evaluated = model.sample(config.sampler(), t.evalSamples(), new RandomStream(t.seed() + 4));
                return metrics(evaluated, heldOut);
            });
        }
        if (resumed != null) {
            try {
                trainer.resume(resumed);
            } catch (IllegalArgumentException e) {
                throw new CliException("can't resume from " + folder.path(RunFiles.STATE) + ": " + e.getMessage());
            }
        }
        SampleGrids grids = t.sampleEvery() > 0 && config.data().dataset().equals(DataSets.FASHION_MNIST)
                ? new SampleGrids(model, config, folder) : null;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "joule-stop-on-interrupt");
        try (MetricsLog log = resumed == null ? MetricsLog.create(folder.path(RunFiles.METRICS), folder.path(RunFiles.TIMES))
                : MetricsLog.resume(folder.path(RunFiles.METRICS), folder.path(RunFiles.TIMES), done)) {
            trainer.listening(new Trainer.Listener() {
                @Override
                public void onStep(Trainer.StepRecord r) {
                    if (r.step() % t.logEvery() == 0 || r.step() == t.steps()) {
                        log.step(r);
                    }
                    if (grids != null) {
                        grids.afterStep(r.step());
                    }
                    progress.step(r.step(), r.loss(), r.seconds());
                }

                @Override
                public void onEvaluation(Trainer.Evaluation e) {
                    log.evaluation(e);
                    progress.note(String.format(Locale.ROOT, "MMD² %.3g", e.metrics().get("mmd2")));
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            Trainer.Result result;
            try {
                result = trainer.run();
            } catch (UncheckedIOException e) {
                throw new CliException(e.getMessage());
            }
            if (result.stopped()) {
                progress.interrupt();
                err.println("interrupted: saved the checkpoint after step " + result.steps().getLast().step() + " to "
                        + out + " (joule train --resume " + out + " continues the run)");
                err.flush();
            }
            return result;
        } catch (TrainingDivergedException e) {
            progress.interrupt();
            throw e;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C came: the hook waits for the checkpoint of the step under way
            }
        }
    }

    /**
     * Writes loss.png, and energy.png (2-D: energy map with the last evaluation's samples, or fresh
     * ones, beside the data) or samples.png (Fashion-MNIST: 64 samples); returns the names written (none, with a
     * note on stderr, where no fonts are installed).
     */
    private List<String> pictures(RunConfig config, Model model, Tensor data, Trainer.Result result,
                                  OutputFolder folder) {
        if (!Plots.canDraw()) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + Plots.whyNot() + "; wrote no pictures");
            return List.of();
        }
        String loss = Names.of(config.loss().kind());
        long seed = config.training().seed();
        int evalSamples = config.training().evalSamples();
        folder.writePng("loss.png", Plots.lossCurve(result.steps(), loss + " on " + config.data().dataset()));
        if (config.model().dim() == 2) {
            Tensor samples = evaluated != null ? evaluated
                    : model.sample(config.sampler(), evalSamples, new RandomStream(seed + 4));
            Box frame = Plots.frame(config.start());
            folder.writePng("energy.png", Plots.beside(
                    Plots.energyMap(model.energy(), frame, samples, model.energyName() + " and " + samples.size(0)
                            + " samples"),
                    Plots.scatter(data.narrow(0, 0, Math.min(data.size(0), DataSets.REFERENCE_SIZE)), frame,
                            "data")));
            return List.of("loss.png", "energy.png");
        }
        if (config.data().dataset().equals(DataSets.FASHION_MNIST)) {
            Tensor samples = model.sample(config.sampler(), 64, new RandomStream(seed + 4));
            folder.writePng("samples.png", Plots.imageGrid(samples, 28, 8));
            return List.of("loss.png", "samples.png");
        }
        return List.of("loss.png");
    }

    /** MMD² (median-heuristic RBF kernel) and energy distance of {@code samples} against {@code reference}. */
    static Map<String, Double> metrics(Tensor samples, Tensor reference) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("mmd2", Mmd.mmd2(samples, reference));
        m.put("energy_distance", EnergyDistance.energyDistance(samples, reference));
        return m;
    }

    private static String describe(Map<String, Double> metrics) {
        return String.format(Locale.ROOT, "MMD² %.4g, energy distance %.4g", metrics.get("mmd2"),
                metrics.get("energy_distance"));
    }
}
