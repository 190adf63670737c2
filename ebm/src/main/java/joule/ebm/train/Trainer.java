package joule.ebm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.io.Checkpoint;
import joule.ebm.loss.Loss;
import joule.ebm.optim.GradClip;
import joule.ebm.optim.Optimizer;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Runs any {@link Loss} on a data set {@code [N, …]} (points {@code [N, D]}, images {@code [N, C, H, W]}): seeded shuffled mini-batches, one optimizer
 * step per batch ({@code zeroGrad}, loss, {@code backward}, optional gradient clipping,
 * {@code step}), evaluation every {@code evalEvery} steps, and an abort with a clear message when
 * the loss, the gradient norm (before clipping) or the energies become NaN, infinite or larger than
 * {@code blowUp}. Loss and gradient checks run before the update, so the parameters keep the last
 * good state; the energy check runs at evaluations, after that step's update.
 *
 * <p>Training runs on the device of the data (the model's parameters must be there): each step
 * reads two numbers back to the host, the loss and the gradient norm, for those checks.
 *
 * <pre>{@code
 * Tensor data = ToyDataset.TWO_MOONS.sample(10_000, DType.FLOAT32, new RandomStream(0));
 * MLP mlp = ...; Energy energy = new NeuralEnergy(mlp);
 * Loss loss = new SlicedScoreMatching(energy, 1, Projection.RADEMACHER, true);
 * Optimizer adam = new Adam(loss.parameters(), 1e-3, 0.9, 0.999, 1e-8, 0);
 * new Trainer(loss, adam, data, Trainer.Options.defaults().withSteps(2000)).run();
 * }</pre>
 */
public final class Trainer {
    /**
     * @param steps       optimizer steps
     * @param batchSize   samples per step (at most N)
     * @param evalEvery   steps between evaluations (and energy checks, checkpoints); 0 for only one, after the last step
     * @param maxGradNorm clip the global gradient norm to this; 0 for no clipping
     * @param blowUp      abort when |loss|, the gradient norm or |energy| exceeds this
     * @param seed        seed of the batches and of the loss's noise
     */
    public record Options(int steps, int batchSize, int evalEvery, double maxGradNorm, double blowUp, long seed) {
        public Options {
            if (steps < 0 || batchSize < 1 || evalEvery < 0 || !(maxGradNorm >= 0) || !(blowUp > 0)) {
                throw new IllegalArgumentException("Trainer.Options: need steps ≥ 0, batchSize ≥ 1, evalEvery ≥ 0, "
                        + "maxGradNorm ≥ 0, blowUp > 0; got " + steps + ", " + batchSize + ", " + evalEvery + ", "
                        + maxGradNorm + ", " + blowUp);
            }
        }

        /** 1000 steps of 256, evaluation every 100, no clipping, blow-up at 1e6, seed 0. */
        public static Options defaults() {
            return new Options(1000, 256, 100, 0, 1e6, 0);
        }

        public Options withSteps(int s) {
            return new Options(s, batchSize, evalEvery, maxGradNorm, blowUp, seed);
        }

        public Options withBatchSize(int b) {
            return new Options(steps, b, evalEvery, maxGradNorm, blowUp, seed);
        }

        public Options withEvalEvery(int e) {
            return new Options(steps, batchSize, e, maxGradNorm, blowUp, seed);
        }

        public Options withMaxGradNorm(double m) {
            return new Options(steps, batchSize, evalEvery, m, blowUp, seed);
        }

        public Options withBlowUp(double b) {
            return new Options(steps, batchSize, evalEvery, maxGradNorm, b, seed);
        }

        public Options withSeed(long s) {
            return new Options(steps, batchSize, evalEvery, maxGradNorm, blowUp, s);
        }
    }

    /** One optimizer step: its loss, the learning rate used, the gradient norm before clipping, and the time since the start. */
    public record StepRecord(int step, double loss, double learningRate, double gradNorm, double seconds) {
    }

    /** Metrics computed at an evaluation. */
    public record Evaluation(int step, Map<String, Double> metrics) {
    }

    /** Receives progress as training runs. */
    public interface Listener {
        /** After each step. */
        void onStep(StepRecord record);

        /** After each evaluation. */
        default void onEvaluation(Evaluation evaluation) {
        }
    }

    /** What a run produced: every step taken (fewer than asked when a stopping condition was met) and every evaluation. */
    public record Result(List<StepRecord> steps, List<Evaluation> evaluations) {
    }

    private final Loss loss;
    private final Optimizer optimizer;
    private final Tensor data;
    private final Options options;
    private Energy monitored;
    private IntFunction<Map<String, Double>> evaluator;
    private Listener listener;
    private Optimizer adversary;
    private Predicate<Evaluation> done;
    private Path checkpoint;
    private Map<String, String> checkpointMetadata;

    /** A trainer of {@code loss} by {@code optimizer} (over {@code loss.parameters()}) on {@code data [N, …]}. */
    public Trainer(Loss loss, Optimizer optimizer, Tensor data, Options options) {
        if (loss == null || optimizer == null || data == null || options == null) {
            throw new IllegalArgumentException("Trainer: " + (loss == null ? "loss" : optimizer == null ? "optimizer"
                    : data == null ? "data" : "options") + " must not be null");
        }
        if (data.rank() < 2 || data.size(0) == 0) {
            throw new IllegalArgumentException("Trainer: data must be a non-empty [N, …] of rank ≥ 2, got " + Shapes.format(data.shape()));
        }
        this.loss = loss;
        this.optimizer = optimizer;
        this.data = data;
        this.options = options;
    }

    /** Also checks this energy on each evaluated batch: NaN, infinite or blown-up energies abort. */
    public Trainer monitoring(Energy energy) {
        this.monitored = energy;
        return this;
    }

    /** Computes metrics every {@code evalEvery} steps (and after the last step). */
    public Trainer evaluating(IntFunction<Map<String, Double>> metricsAtStep) {
        this.evaluator = metricsAtStep;
        return this;
    }

    /** Reports each step and evaluation. */
    public Trainer listening(Listener l) {
        this.listener = l;
        return this;
    }

    /**
     * Saves the trained parameters ({@code optimizer.parameters()}) to {@code file} as safetensors
     * at every evaluation and after the last step, atomically, with {@code metadata} (for example
     * the model config); a failed write stops training with an {@link UncheckedIOException}.
     */
    public Trainer checkpointing(Path file, Map<String, String> metadata) {
        this.checkpoint = file;
        this.checkpointMetadata = Map.copyOf(metadata);
        return this;
    }

    /** Stops after the first evaluation that satisfies {@code condition} (for example a metric below a target). */
    public Trainer stoppingWhen(Predicate<Evaluation> condition) {
        this.done = condition;
        return this;
    }

    /**
     * For adversarial losses (flow contrastive estimation): after each step, this optimizer takes a
     * step that <em>increases</em> the loss for its own parameters (alternating updates).
     */
    public Trainer withAdversary(Optimizer adversaryOptimizer) {
        this.adversary = adversaryOptimizer;
        return this;
    }

    /** Runs all steps; throws {@link TrainingDivergedException} on divergence. */
    public Result run() {
        RandomStream rng = new RandomStream(options.seed());
        Batches batches = new Batches(data, options.batchSize(), rng);
        List<StepRecord> records = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        long start = System.nanoTime();
        for (int step = 1; step <= options.steps(); step++) {
            Tensor batch = batches.next();
            optimizer.zeroGrad();
            Var value = loss.compute(batch, rng);
            double l = value.item();
            check(step, "loss", l);
            value.backward();
            // clipping returns the norm before clipping, so it is computed once either way
            double norm = options.maxGradNorm() > 0
                    ? GradClip.clipByGlobalNorm(optimizer.parameters(), options.maxGradNorm())
                    : GradClip.globalNorm(optimizer.parameters());
            check(step, "gradient norm", norm);
            double lr = optimizer.learningRate();
            optimizer.step();
            if (adversary != null) {
                adversary.zeroGrad();
                loss.compute(batch, rng).neg().backward();
                adversary.step();
            }
            StepRecord record = new StepRecord(step, l, lr, norm, (System.nanoTime() - start) / 1e9);
            records.add(record);
            if (listener != null) {
                listener.onStep(record);
            }
            boolean evalNow = options.evalEvery() > 0 && step % options.evalEvery() == 0 || step == options.steps();
            if (evalNow) {
                if (monitored != null) {
                    checkEnergies(step, monitored.energy(batch));
                }
                if (checkpoint != null) {
                    save(step);
                }
                if (evaluator != null) {
                    Evaluation e = new Evaluation(step, evaluator.apply(step));
                    evaluations.add(e);
                    if (listener != null) {
                        listener.onEvaluation(e);
                    }
                    if (done != null && done.test(e)) {
                        break;
                    }
                }
            }
        }
        return new Result(records, evaluations);
    }

    private void save(int step) {
        Map<String, String> metadata = new java.util.LinkedHashMap<>(checkpointMetadata);
        metadata.put("step", Integer.toString(step));
        try {
            Checkpoint.save(checkpoint, optimizer.parameters(), metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("training stopped at step " + step + ": can't write the checkpoint "
                    + checkpoint + ": " + e.getMessage(), e);
        }
    }

    private void check(int step, String what, double v) {
        if (!Double.isFinite(v) || Math.abs(v) > options.blowUp()) {
            throw new TrainingDivergedException(step, String.format(Locale.ROOT,
                    "training stopped at step %d: the %s is %s (limit %.3g); the parameters are those after step %d. "
                            + "Try a smaller learning rate, gradient clipping or a regulariser.",
                    step, what, v, options.blowUp(), step - 1));
        }
    }

    private void checkEnergies(int step, Tensor energies) {
        double worst = energies.abs().max().item();
        if (!Double.isFinite(worst) || worst > options.blowUp()) {
            throw new TrainingDivergedException(step, String.format(Locale.ROOT,
                    "training stopped at step %d: the energies of a data batch reach %s (limit %.3g). "
                            + "Try a smaller learning rate or the energy-magnitude regulariser.",
                    step, worst, options.blowUp()));
        }
    }
}
