package joule.ebm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import joule.ebm.data.ToyDataset;
import joule.ebm.energy.Energy;
import joule.ebm.flow.RealNvp;
import joule.ebm.loss.ContrastiveDivergence;
import joule.ebm.loss.DenoisingScoreMatching;
import joule.ebm.loss.ExactScoreMatching;
import joule.ebm.loss.FlowContrastiveEstimation;
import joule.ebm.loss.GaussianNoise;
import joule.ebm.loss.Loss;
import joule.ebm.loss.MultiLevelDenoisingScoreMatching;
import joule.ebm.loss.NoiseContrastiveEstimation;
import joule.ebm.loss.Projection;
import joule.ebm.loss.SlicedScoreMatching;
import joule.ebm.metrics.Mmd;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.optim.Adam;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sample.UnadjustedLangevin;
import joule.ebm.train.Trainer;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss trains an MLP energy on two moons and on 8 gaussians until samples from the model
 * pass a fixed MMD² bound against held-out data, within a step budget.
 *
 * <p>The bound, {@value #BOUND}: the unbiased MMD² of {@value #SAMPLES} model samples against
 * {@value #HELD_OUT} held-out points, with an RBF kernel of fixed bandwidth {@value #BANDWIDTH},
 * the scale of these sets' local structure (the median heuristic gives 2.3 to 3.7 here, too wide to
 * tell 8 gaussians from a single Gaussian). For reference, fresh data of the same set scores at
 * most about 0.002, and a Gaussian with the data's mean and variances about 0.03 (two moons) and
 * 0.046 (8 gaussians); {@link #gaussianFitFailsTheBound} checks both, so passing means the model
 * has learned the shape of the set, not only its first two moments.
 *
 * <p>Model samples: {@value #SAMPLES} chains started from a Gaussian fitted to the training data,
 * run by unadjusted Langevin (annealed Langevin for the noise-conditional NCSN model).
 */
class LossConvergenceTest {
    static final double BOUND = 0.008;
    static final double BANDWIDTH = 0.5;
    static final int SAMPLES = 1000;
    static final int HELD_OUT = 2000;
    static final int EVAL_EVERY = 500;
    static final DType DT = DType.FLOAT32;

    /** How to train one loss: its construction from the data, learning rate and step budget. */
    record Recipe(String name, double lr, int maxSteps, Function<Tensor, Trained> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A loss with what samples its model. */
    record Trained(Loss loss, Function<Tensor, Tensor> sampler, List<joule.ebm.nn.Parameter> adversary) {
    }

    private static MLP mlp(long seed) {
        return new MLP(Activation.SILU, DT, new RandomStream(seed), 2, 128, 128, 1);
    }

    private static Function<Tensor, Tensor> langevin(Energy energy) {
        return init -> new UnadjustedLangevin(0.003).sample(energy, init, 600, new RandomStream(77)).state();
    }

    static List<Recipe> recipes() {
        List<Recipe> r = new ArrayList<>();
        r.add(new Recipe("exact score matching", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            return new Trained(new ExactScoreMatching(e), langevin(e), List.of());
        }));
        r.add(new Recipe("sliced score matching", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            return new Trained(new SlicedScoreMatching(e, 1, Projection.RADEMACHER, false), langevin(e), List.of());
        }));
        r.add(new Recipe("sliced score matching, variance-reduced", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            return new Trained(new SlicedScoreMatching(e, 1, Projection.GAUSSIAN, true), langevin(e), List.of());
        }));
        r.add(new Recipe("denoising score matching", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            return new Trained(new DenoisingScoreMatching(e, 0.1), langevin(e), List.of());
        }));
        r.add(new Recipe("contrastive divergence (CD-k from the data)", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            Loss loss = new ContrastiveDivergence(e, new UnadjustedLangevin(0.01), 20, null, 0.1, SamplerOptions.DEFAULT);
            return new Trained(loss, langevin(e), List.of());
        }));
        r.add(new Recipe("persistent contrastive divergence", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            ReplayBuffer buffer = new ReplayBuffer(8000, 0.05, ReplayBuffer.Prior.uniform(-4, 4, DT, 2));
            Loss loss = new ContrastiveDivergence(e, new UnadjustedLangevin(0.01), 20, buffer, 0.1, SamplerOptions.DEFAULT);
            return new Trained(loss, langevin(e), List.of());
        }));
        r.add(new Recipe("noise-contrastive estimation", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            return new Trained(new NoiseContrastiveEstimation(e, GaussianNoise.fit(data, 1.5), 1, DT), langevin(e),
                    List.of());
        }));
        r.add(new Recipe("flow contrastive estimation", 2e-3, 5000, data -> {
            Energy e = mlp(1).asEnergy();
            FlowContrastiveEstimation fce = new FlowContrastiveEstimation(e, new RealNvp(2, 4, 32, DT, new RandomStream(9)),
                    1, DT);
            return new Trained(fce, langevin(e), fce.flowParameters());
        }));
        r.add(new Recipe("multi-level DSM (NCSN)", 1e-3, 6000, data -> {
            NoiseConditionalMLP model = new NoiseConditionalMLP(2, Activation.SILU, DT, new RandomStream(1), 128, 128);
            double[] sigmas = AnnealedLangevin.geometricSigmas(1.0, 0.01, 10);
            AnnealedLangevin sampler = new AnnealedLangevin(sigmas, 5e-6, 100, true);
            return new Trained(new MultiLevelDenoisingScoreMatching(model, sigmas),
                    init -> sampler.sample(model, init, new RandomStream(77)).state(), List.of());
        }));
        return r;
    }

    static Stream<Arguments> cases() {
        return recipes().stream().flatMap(r -> Stream.of(ToyDataset.TWO_MOONS, ToyDataset.EIGHT_GAUSSIANS)
                .map(d -> Arguments.of(r, d)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void trainsUntilSamplesMatchHeldOutData(Recipe recipe, ToyDataset dataset) {
        Tensor train = dataset.sample(8000, DT, new RandomStream(1));
        Tensor heldOut = dataset.sample(HELD_OUT, DT, new RandomStream(2));
        Tensor init = GaussianNoise.fit(train, 1.0).sample(SAMPLES, new RandomStream(3));
        Trained t = recipe.build().apply(train);
        double[] best = {Double.POSITIVE_INFINITY};
        Trainer trainer = new Trainer(t.loss(), new Adam(t.loss().parameters(), recipe.lr()), train,
                Trainer.Options.defaults().withSteps(recipe.maxSteps()).withEvalEvery(EVAL_EVERY).withSeed(4))
                .evaluating(step -> {
                    double mmd = Mmd.mmd2(t.sampler().apply(init), heldOut, BANDWIDTH);
                    best[0] = Math.min(best[0], mmd);
                    return Map.of("mmd2", mmd);
                })
                .stoppingWhen(e -> e.metrics().get("mmd2") < BOUND);
        if (!t.adversary().isEmpty()) {
            trainer.withAdversary(new Adam(t.adversary(), recipe.lr()));
        }
        long start = System.nanoTime();
        Trainer.Result result = trainer.run();
        String summary = String.format(Locale.ROOT, "%s on %s: best MMD² %.5f (bound %.3f) after %d steps, %.1f s; "
                        + "evaluations %s", recipe, dataset, best[0], BOUND, result.steps().size(),
                (System.nanoTime() - start) / 1e9, result.evaluations());
        System.out.println(summary);
        assertTrue(best[0] < BOUND, summary);
    }

    @ParameterizedTest
    @MethodSource("datasets")
    void gaussianFitFailsTheBound(ToyDataset dataset) {
        Tensor train = dataset.sample(8000, DT, new RandomStream(1));
        Tensor heldOut = dataset.sample(HELD_OUT, DT, new RandomStream(2));
        Tensor gaussian = GaussianNoise.fit(train, 1.0).sample(SAMPLES, new RandomStream(5));
        Tensor fresh = dataset.sample(SAMPLES, DT, new RandomStream(6));
        double gaussianMmd = Mmd.mmd2(gaussian, heldOut, BANDWIDTH);
        double freshMmd = Mmd.mmd2(fresh, heldOut, BANDWIDTH);
        assertTrue(gaussianMmd > 3 * BOUND, "Gaussian fit scores " + gaussianMmd);
        assertTrue(freshMmd < BOUND / 4, "fresh data scores " + freshMmd);
    }

    static Stream<ToyDataset> datasets() {
        return Stream.of(ToyDataset.TWO_MOONS, ToyDataset.EIGHT_GAUSSIANS);
    }
}
