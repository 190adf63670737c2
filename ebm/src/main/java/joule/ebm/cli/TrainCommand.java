package joule.ebm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import joule.ebm.data.FashionMnist;
import joule.ebm.metrics.Box;
import joule.ebm.metrics.EnergyDistance;
import joule.ebm.metrics.Mmd;
import joule.ebm.nn.Activation;
import joule.ebm.nn.Parameter;
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
                "Ctrl-C saves the weights of the last completed step. Bad input exits with code 2, a diverged run "
                        + "with code 1."})
final class TrainCommand implements Callable<Integer> {
    static final String DEFAULT_DATASET = "two-moons";
    /** The U-Net's first-level channels unless {@code --channels} says otherwise. */
    static final int IMAGE_CHANNELS = 32;
    /** The weight-averaging decay of image models unless {@code --ema} says otherwise. */
    static final double IMAGE_EMA = 0.999;

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

    @Option(names = "--channels", paramLabel = "N", defaultValue = "" + IMAGE_CHANNELS,
            description = "unet, resnet-energy: channels of the first level.")
    int channels;

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

    @Option(names = "--chain-step-size", paramLabel = "X", defaultValue = "0.01",
            description = "cd, pcd: step size of those sampler steps.")
    double chainStepSize;

    @Mixin
    SamplerArgs sampler;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "2000", description = "Training steps.")
    int steps;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256", description = "Data points per step.")
    int batchSize;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "2e-3", description = "Adam's learning rate.")
    double lr;

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

    /** The weights after a completed step. */
    private record Snapshot(int step, List<Parameter> values) {
    }

    private volatile Snapshot lastGood;
    private Tensor evaluated;

    @Override
    public Integer call() {
        data.check();
        RunConfig.LossSpec lossSpec = new RunConfig.LossSpec(loss, sigma, chainSteps, chainStepSize);
        double[] noiseLevels = loss == RunConfig.LossKind.NCSN || loss == RunConfig.LossKind.VESDE
                ? RunConfig.ModelSpec.levels(sigmaMax, sigmaMin, levels)
                : loss == RunConfig.LossKind.VPSDE ? Model.vpNoiseLevels() : new double[0];
        RunConfig.SamplerSpec samplerSpec = sampler.resolve(
                RunConfig.SamplerSpec.defaults(RunConfig.SamplerKind.defaultFor(loss)));
        Device on = device.checked();
        boolean images = modelKind == RunConfig.ModelKind.UNET;
        RunConfig.TrainingSpec training = new RunConfig.TrainingSpec(steps, batchSize, lr, seed, on, evalEvery,
                evalSamples, logEvery, ema != null ? ema : images ? IMAGE_EMA : 0);
        DataSets.Loaded loaded = DataSets.train(data.dataset != null ? data.dataset : DEFAULT_DATASET, data.file,
                trainSize, seed);
        Tensor train = loaded.points().to(on);
        RunConfig config = new RunConfig(loaded.spec(), modelSpec(train.size(1), loaded.spec().dataset(), noiseLevels),
                lossSpec, samplerSpec, training, RunConfig.StartSpec.fit(loaded.points()));
        Model model = Model.create(config);
        Objective objective = Objective.of(config, model, train);
        Tensor heldOut = DataSets.isToy(config.data().dataset())
                ? DataSets.reference(config.data().dataset(), null, seed).to(on) : null;

        OutputFolder folder = OutputFolder.prepare(out);
        folder.writeText("config.json", config.toJson());
        Trainer.Result result = runTrainer(config, model, objective, train, heldOut, folder);
        List<String> written = new ArrayList<>(List.of("model.safetensors", "config.json", "metrics.jsonl"));
        written.addAll(pictures(config, model, loaded.points(), result, folder));

        PrintWriter stdout = spec.commandLine().getOut();
        List<Trainer.StepRecord> records = result.steps();
        stdout.printf(Locale.ROOT, "trained %s on %s: %d steps in %.1f s, final loss %.4g%s%n", Names.of(loss),
                config.data().dataset().equals(DataSets.CSV) ? config.data().file() : config.data().dataset(),
                records.size(), records.getLast().seconds(), records.getLast().loss(),
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
                        channelMultipliers.stream().map(m -> m * channels).toList(), resBlocks, activation,
                        loss != RunConfig.LossKind.DSM);
                return new RunConfig.ModelSpec(modelKind, dim, List.of(), activation, noiseLevels, null, resnet);
            }
            UNet.Config unet = new UNet.Config(1, side, side, channels, channelMultipliers, resBlocks,
                    UNet.Downsample.CONV, UNet.Config.fashionMnist().fourierScale());
            return new RunConfig.ModelSpec(modelKind, dim, List.of(), activation, noiseLevels, unet, null);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Runs the trainer with progress, metrics lines, the checkpoint and the save on Ctrl-C. */
    private Trainer.Result runTrainer(RunConfig config, Model model, Objective objective, Tensor train, Tensor heldOut,
                                      OutputFolder folder) {
        PrintWriter err = spec.commandLine().getErr();
        Path checkpoint = folder.path("model.safetensors");
        ProgressBar progress = new ProgressBar(err, steps, ProgressBar.stderrIsTerminal());
        lastGood = new Snapshot(0, model.snapshot());
        Trainer trainer = new Trainer(objective.loss(), new Adam(objective.loss().parameters(), lr), train,
                Trainer.Options.defaults().withSteps(steps).withBatchSize(batchSize).withEvalEvery(evalEvery)
                        .withSeed(seed + 3));
        if (model.hasEnergy()) {
            trainer.monitoring(model.energy());
        }
        if (!objective.adversary().isEmpty()) {
            trainer.withAdversary(new Adam(objective.adversary(), lr));
        }
        if (heldOut != null) {
            trainer.evaluating(step -> {
                evaluated = model.sample(config.sampler(), evalSamples, new RandomStream(seed + 4));
                return metrics(evaluated, heldOut);
            });
        }
        Thread hook = new Thread(() -> saveOnInterrupt(model, checkpoint, progress, err), "joule-save-on-interrupt");
        try (MetricsLog log = MetricsLog.create(folder.path("metrics.jsonl"))) {
            double[] seconds = {0};
            trainer.listening(new Trainer.Listener() {
                @Override
                public void onStep(Trainer.StepRecord r) {
                    model.afterStep();
                    lastGood = new Snapshot(r.step(), model.snapshot());
                    seconds[0] = r.seconds();
                    if (r.step() % logEvery == 0 || r.step() == steps) {
                        log.step(r);
                    }
                    progress.step(r.step(), r.loss(), r.seconds());
                }

                @Override
                public void onEvaluation(Trainer.Evaluation e) {
                    log.evaluation(e, seconds[0]);
                    progress.note(String.format(Locale.ROOT, "MMD² %.3g", e.metrics().get("mmd2")));
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            Trainer.Result result = trainer.run();
            save(model, checkpoint, lastGood);
            return result;
        } catch (TrainingDivergedException e) {
            progress.interrupt();
            save(model, checkpoint, lastGood);
            err.println("saved the weights after step " + lastGood.step() + " to " + checkpoint);
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C came: the hook is saving the last good state
            }
        }
    }

    /** The shutdown hook's work: saves the weights of the last completed step. */
    private void saveOnInterrupt(Model model, Path checkpoint, ProgressBar progress, PrintWriter err) {
        Snapshot s = lastGood;
        progress.interrupt();
        try {
            model.save(checkpoint, s.values(), s.step());
            err.println("interrupted: saved the weights after step " + s.step() + " to " + checkpoint);
        } catch (IOException e) {
            err.println("interrupted: can't save " + checkpoint + ": " + CliException.reason(e));
        }
        err.flush();
    }

    private static void save(Model model, Path checkpoint, Snapshot s) {
        try {
            model.save(checkpoint, s.values(), s.step());
        } catch (IOException e) {
            throw new CliException("can't write " + checkpoint + ": " + CliException.reason(e));
        }
    }

    /**
     * Writes loss.png, and energy.png (2-D: energy map with the last evaluation's samples, or fresh
     * ones, beside the data) or samples.png (Fashion-MNIST: 64 samples); returns the names written.
     */
    private List<String> pictures(RunConfig config, Model model, Tensor data, Trainer.Result result,
                                  OutputFolder folder) {
        folder.writePng("loss.png", Plots.lossCurve(result.steps(), Names.of(loss) + " on " + config.data().dataset()));
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
