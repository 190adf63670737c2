package joule.ebm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.io.Checkpoint;
import joule.ebm.io.StateDict;
import joule.ebm.io.Stateful;
import joule.ebm.loss.Loss;
import joule.ebm.nn.ExponentialMovingAverage;
import joule.ebm.nn.Parameter;
import joule.ebm.optim.GradClip;
import joule.ebm.optim.Optimizer;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/**
 * Runs any {@link Loss} on a data set {@code [N, …]} (points {@code [N, D]}, images {@code [N, C, H, W]}): seeded shuffled mini-batches, one optimizer
 * step per batch ({@code zeroGrad}, loss, {@code backward}, optional gradient clipping,
 * {@code step}), evaluation every {@code evalEvery} steps, and an abort with a clear message when
 * the loss, the gradient norm (before clipping) or the energies become NaN, infinite or larger than
 * {@code blowUp}. Loss and gradient checks run before the update; the energy check runs at evaluations and
 * checkpoints, after that step's update.
 *
 * <p>Checkpoints ({@link #checkpointing}) hold the model's state ({@link #saving}) and metadata; with
 * {@link #resumable} a second file holds everything a run needs to continue exactly (the model's state again,
 * the optimizers' state, the random stream's offset, the batch position, the weight average, the replay buffer…,
 * and the step records), so that {@link #resume} then {@link #run} gives the bits an uninterrupted run gives. On divergence
 * the model file gets the state after the last step that passed every check (finite values, and data energies
 * within bounds, checked again before saving); {@link #requestStop} (a Ctrl-C handler) ends the run after the
 * current step with a checkpoint.
 *
 * <p>Each step runs in a {@link Workspace} scope: its tensors reuse the buffers of the step before, so a
 * steady-state step allocates almost no fresh storage on the CPU, whatever the JVM's heap flags; the new
 * parameter values and the optimizer's state are kept, the gradients are cleared after the update.
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

    /**
     * What a run produced: every step taken (fewer than asked when a stopping condition was met or a stop was
     * {@link #requestStop requested}; a resumed run's earlier steps come from its checkpoint, with NaN seconds) and
     * every evaluation of this run.
     */
    public record Result(List<StepRecord> steps, List<Evaluation> evaluations, boolean stopped) {
    }

    private final Loss loss;
    private final Optimizer optimizer;
    private final Tensor data;
    private final Options options;
    private final Map<String, Stateful> parts = new LinkedHashMap<>();
    private Energy monitored;
    private IntFunction<Map<String, Double>> evaluator;
    private Listener listener;
    private Optimizer adversary;
    private ExponentialMovingAverage average;
    private Predicate<Evaluation> done;
    private List<Parameter> saved;
    private Path checkpoint;
    private Map<String, String> checkpointMetadata = Map.of();
    private Path stateFile;
    private int checkpointEvery;
    private StateDict resumed;
    private volatile boolean stopRequested;

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
        this.saved = optimizer.parameters();
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
     * Saves the model's state ({@link #saving}, by default {@code optimizer.parameters()}) to {@code file} as
     * safetensors, atomically, with {@code metadata} (for example the model config) and {@code "step"}: at every
     * evaluation (or {@link #resumable} checkpoint) and after the last step, and on divergence the last state that
     * passed every check; a failed write stops training with an {@link UncheckedIOException}.
     */
    public Trainer checkpointing(Path file, Map<String, String> metadata) {
        this.checkpoint = file;
        this.checkpointMetadata = new TreeMap<>(metadata);
        return this;
    }

    /** What the model file holds: {@code state} (a module's {@code state()} with its buffers, weight averages…). */
    public Trainer saving(List<Parameter> state) {
        this.saved = List.copyOf(state);
        return this;
    }

    /**
     * Also writes a resumable checkpoint to {@code file} every {@code every} steps ({@code 0}: none before the last),
     * after the last step and when a stop is requested, each time just before the model file, which is then written
     * at these steps instead of at evaluations.
     */
    public Trainer resumable(Path file, int every) {
        if (every < 0) {
            throw new IllegalArgumentException("Trainer: checkpoint interval must be ≥ 0, got " + every);
        }
        this.stateFile = file;
        this.checkpointEvery = every;
        return this;
    }

    /** Updates {@code ema} after each step (its state is part of resumable checkpoints, under {@code "ema."}). */
    public Trainer averaging(ExponentialMovingAverage ema) {
        this.average = ema;
        return withState("ema", ema);
    }

    /** Saves and restores {@code part} (a replay buffer, say) with resumable checkpoints, under {@code name + "."}. */
    public Trainer withState(String name, Stateful part) {
        if (parts.putIfAbsent(name, part) != null) {
            throw new IllegalArgumentException("Trainer: a state part is already named " + name);
        }
        return this;
    }

    /**
     * Continues from a resumable checkpoint ({@code StateDict.load(file)}) of a trainer set up as this one when
     * {@link #run} starts: its state, step and records are restored and the remaining steps taken; a state that
     * doesn't fit is an {@link IllegalArgumentException} there.
     */
    public Trainer resume(StateDict state) {
        this.resumed = state;
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

    /** Asks a running {@link #run} (from any thread) to end after its current step, with a checkpoint. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Runs all steps (from the {@link #resume resumed} one); throws {@link TrainingDivergedException} on divergence. */
    public Result run() {
        List<StepRecord> records = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        RandomStream rng = resumed == null ? new RandomStream(options.seed()) : restore(resumed, records);
        Batches batches = new Batches(data, options.batchSize(), rng);
        if (resumed != null) {
            batches.restore(resumed.integer("trainer.epoch_start"),
                    Math.toIntExact(resumed.integer("trainer.epoch_position")));
        }
        Snapshot before = snapshot(records.size());
        Snapshot good = before;
        Snapshot verified = before;
        long start = System.nanoTime();
        boolean stopped = false;
        Tensor batch = null;
        Workspace workspace = new Workspace("Trainer step");
        try {
            for (int step = records.size() + 1; step <= options.steps(); step++) {
                batch = batches.next();
                double l;
                double norm;
                double lr;
                // the step's tensors reuse the previous step's buffers; parameters and optimizer state are kept
                try (Workspace.Scope scope = workspace.open()) {
                    optimizer.zeroGrad();
                    Var value = loss.compute(batch, rng);
                    l = value.item();
                    check(step, "loss", l);
                    value.backward();
                    // clipping returns the norm before clipping, so it is computed once either way
                    norm = options.maxGradNorm() > 0
                            ? GradClip.clipByGlobalNorm(optimizer.parameters(), options.maxGradNorm())
                            : GradClip.globalNorm(optimizer.parameters());
                    check(step, "gradient norm", norm);
                    good = before;  // the state before this step passed the loss and gradient checks
                    lr = optimizer.learningRate();
                    optimizer.step();
                    if (adversary != null) {
                        adversary.zeroGrad();
                        loss.compute(batch, rng).neg().backward();
                        adversary.step();
                    }
                    // the gradients die with the scope
                    optimizer.zeroGrad();
                    if (adversary != null) {
                        adversary.zeroGrad();
                    }
                }
                if (average != null) {
                    average.update();
                }
                StepRecord record = new StepRecord(step, l, lr, norm, (System.nanoTime() - start) / 1e9);
                records.add(record);
                if (listener != null) {
                    listener.onStep(record);
                }
                stopped = stopRequested;
                boolean evalNow = options.evalEvery() > 0 && step % options.evalEvery() == 0 || step == options.steps();
                boolean saveNow = stopped || (stateFile == null ? evalNow : step == options.steps()
                        || checkpointEvery > 0 && step % checkpointEvery == 0);
                before = snapshot(step);
                if (evalNow || saveNow) {
                    checkState(step, batch, before);
                    verified = before;
                    good = before;
                }
                boolean enough = false;
                if (evalNow && evaluator != null) {
                    Evaluation e = new Evaluation(step, evaluator.apply(step));
                    evaluations.add(e);
                    if (listener != null) {
                        listener.onEvaluation(e);
                    }
                    enough = done != null && done.test(e);
                }
                // after the evaluation, so that a run resumed from this checkpoint has its evaluation too
                if (saveNow || enough) {
                    save(before, batches, rng, records);
                }
                if (stopped || enough) {
                    break;
                }
            }
        } catch (TrainingDivergedException e) {
            throw keepLastGood(e, batch, good, verified);
        }
        return new Result(records, evaluations, stopped);
    }

    /** The values of the model state after {@code step} steps (values are immutable, so this copies references). */
    private record Snapshot(int step, List<Tensor> values) {
    }

    private Snapshot snapshot(int step) {
        return new Snapshot(step, saved.stream().map(Parameter::value).toList());
    }

    private void restoreValues(Snapshot s) {
        for (int i = 0; i < saved.size(); i++) {
            saved.get(i).set(s.values().get(i));
        }
    }

    /**
     * Puts the last good state back into the model, checked again (finite, and its data energies within bounds)
     * or else the last state checked at an evaluation or checkpoint, saves it, and says so in the exception.
     */
    private TrainingDivergedException keepLastGood(TrainingDivergedException e, Tensor batch, Snapshot good,
                                                   Snapshot verified) {
        for (Snapshot candidate : good == verified ? List.of(good) : List.of(good, verified)) {
            restoreValues(candidate);
            String problem = problem(batch, candidate);
            if (problem != null) {
                continue;
            }
            if (checkpoint == null) {
                return new TrainingDivergedException(e.step(), e.getMessage() + " The parameters are those after step "
                        + candidate.step() + ".");
            }
            writeModel(candidate);
            return new TrainingDivergedException(e.step(), e.getMessage() + " Saved the parameters after step "
                    + candidate.step() + " (the last that passed every check) to " + checkpoint + ".");
        }
        return new TrainingDivergedException(e.step(), e.getMessage() + " No earlier state passed every check, so "
                + (checkpoint == null ? "none was kept." : checkpoint + " was left as it was."));
    }

    /** What is wrong with the model holding {@code s} (a non-finite value, data energies of {@code batch} out of bounds), or null. */
    private String problem(Tensor batch, Snapshot s) {
        for (int i = 0; i < saved.size(); i++) {
            double worst = s.values().get(i).abs().max().item();
            if (!Double.isFinite(worst)) {
                return saved.get(i).name() + " holds " + worst;
            }
        }
        if (monitored != null && batch != null) {
            double worst = monitored.energy(batch).abs().max().item();
            if (!Double.isFinite(worst) || worst > options.blowUp()) {
                return String.format(Locale.ROOT, "the energies of a data batch reach %s (limit %.3g)", worst,
                        options.blowUp());
            }
        }
        return null;
    }

    private void checkState(int step, Tensor batch, Snapshot s) {
        String problem = problem(batch, s);
        if (problem != null) {
            throw new TrainingDivergedException(step, "training stopped at step " + step + ": " + problem
                    + ". Try a smaller learning rate or the energy-magnitude regulariser.");
        }
    }

    /** Writes the resumable state (if asked) and then the model file (if asked) as after {@code s}. */
    private void save(Snapshot s, Batches batches, RandomStream rng, List<StepRecord> records) {
        if (stateFile != null) {
            try {
                state(s, batches, rng, records).save(stateFile);
            } catch (IOException e) {
                throw new UncheckedIOException("training stopped at step " + s.step() + ": can't write the checkpoint "
                        + stateFile + ": " + e.getMessage(), e);
            }
        }
        if (checkpoint != null) {
            writeModel(s);
        }
    }

    private void writeModel(Snapshot s) {
        Map<String, String> metadata = new LinkedHashMap<>(checkpointMetadata);
        metadata.put("step", Integer.toString(s.step()));
        List<Parameter> values = new ArrayList<>();
        for (int i = 0; i < saved.size(); i++) {
            values.add(new Parameter(saved.get(i).name(), s.values().get(i)));
        }
        try {
            Checkpoint.save(checkpoint, values, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("training stopped at step " + s.step() + ": can't write the checkpoint "
                    + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** Everything a resumed run needs; see {@link #restore}. */
    private StateDict state(Snapshot s, Batches batches, RandomStream rng, List<StepRecord> records) {
        StateDict all = named(saved, s.values()).prefixed("model.")
                .plus(optimizer.stateDict().prefixed("optimizer."));
        if (adversary != null) {
            all = all.plus(named(adversary.parameters(), adversary.parameters().stream().map(Parameter::value).toList())
                    .prefixed("adversary_parameters.")).plus(adversary.stateDict().prefixed("adversary."));
        }
        for (Map.Entry<String, Stateful> part : parts.entrySet()) {
            all = all.plus(part.getValue().stateDict().prefixed(part.getKey() + "."));
        }
        double[] table = new double[3 * records.size()];
        for (int i = 0; i < records.size(); i++) {
            StepRecord r = records.get(i);
            table[3 * i] = r.loss();
            table[3 * i + 1] = r.learningRate();
            table[3 * i + 2] = r.gradNorm();
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("step", Integer.toString(s.step()));
        values.put("seed", Long.toString(options.seed()));
        values.put("rng_offset", Long.toString(rng.offset()));
        values.put("epoch_start", Long.toString(batches.epochStart()));
        values.put("epoch_position", Integer.toString(batches.position()));
        all = all.plus(new StateDict(Map.of("records", Tensor.of(DType.FLOAT64, table, records.size(), 3)), values)
                .prefixed("trainer."));
        return all.plus(new StateDict(Map.of(), checkpointMetadata).prefixed("metadata."));
    }

    /** Restores {@code state} into the model, optimizers and parts, fills {@code records}, and returns the stream. */
    private RandomStream restore(StateDict state, List<StepRecord> records) {
        long seed = state.integer("trainer.seed");
        int step = Math.toIntExact(state.integer("trainer.step"));
        if (seed != options.seed() || step > options.steps()) {
            throw new IllegalArgumentException("Trainer: can't resume a run of seed " + seed + " after step " + step
                    + " as one of seed " + options.seed() + " and " + options.steps() + " steps");
        }
        load(saved, state.under("model."));
        optimizer.loadStateDict(state.under("optimizer."));
        if (adversary != null) {
            load(adversary.parameters(), state.under("adversary_parameters."));
            adversary.loadStateDict(state.under("adversary."));
        }
        for (Map.Entry<String, Stateful> part : parts.entrySet()) {
            part.getValue().loadStateDict(state.under(part.getKey() + "."));
        }
        double[] table = state.tensor("trainer.records").toDoubleArray();
        if (table.length != 3 * step) {
            throw new IllegalArgumentException("Trainer: the checkpoint holds " + table.length / 3 + " step records for "
                    + step + " steps");
        }
        for (int i = 0; i < step; i++) {
            records.add(new StepRecord(i + 1, table[3 * i], table[3 * i + 1], table[3 * i + 2], Double.NaN));
        }
        return new RandomStream(seed, state.integer("trainer.rng_offset"), Device.CPU);
    }

    private static StateDict named(List<Parameter> parameters, List<Tensor> values) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            m.put(parameters.get(i).name(), values.get(i));
        }
        return new StateDict(m, Map.of());
    }

    /** Sets {@code parameters} from {@code state}'s tensors of their names, after checking them all. */
    private static void load(List<Parameter> parameters, StateDict state) {
        List<Tensor> values = new ArrayList<>();
        for (Parameter p : parameters) {
            Tensor t = state.tensor(p.name());
            if (!Arrays.equals(t.shape(), p.value().shape()) || t.dtype() != p.value().dtype()) {
                throw new IllegalArgumentException("Trainer: checkpoint tensor " + p.name() + " is "
                        + Shapes.format(t.shape()) + " " + t.dtype() + ", the parameter " + Shapes.format(p.value().shape())
                        + " " + p.value().dtype());
            }
            values.add(t.to(p.value().device()));
        }
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).set(values.get(i));
        }
    }

    private void check(int step, String what, double v) {
        if (!Double.isFinite(v) || Math.abs(v) > options.blowUp()) {
            throw new TrainingDivergedException(step, String.format(Locale.ROOT,
                    "training stopped at step %d: the %s is %s (limit %.3g). "
                            + "Try a smaller learning rate, gradient clipping or a regulariser.",
                    step, what, v, options.blowUp()));
        }
    }
}
