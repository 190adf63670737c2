package joule.ebm.device;

import static joule.ebm.device.DeviceParity.assertSameOnCpuAndCuda;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import joule.ebm.energy.Energy;
import joule.ebm.energy.GaussianEnergy;
import joule.ebm.energy.GaussianMixtureEnergy;
import joule.ebm.nn.Activation;
import joule.ebm.nn.NoiseConditionalMLP;
import joule.ebm.sample.AnnealedLangevin;
import joule.ebm.sample.Hmc;
import joule.ebm.sample.DecoupledLangevin;
import joule.ebm.sample.Mala;
import joule.ebm.sample.RandomWalkMetropolis;
import joule.ebm.sample.SampleResult;
import joule.ebm.sample.Sampler;
import joule.ebm.sample.SamplerOptions;
import joule.ebm.sample.StepStats;
import joule.ebm.sample.UnadjustedLangevin;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sampler runs unchanged on the (emulated) CUDA device: chains started on the device stay
 * there, with the same seeds the states, collected samples, acceptance rates and traces are
 * bit-identical to the CPU run, and no tensor made on the CPU gets mixed in.
 */
class SamplersOnDeviceTest {
    private static final SamplerOptions OPTIONS = SamplerOptions.DEFAULT.withBurnIn(3).withThin(2).withBox(-3, 3)
            .withTrace(true);

    /** The energies the samplers run on: a neural one (parameters on the device) and two analytic ones. */
    static List<Arguments> energies() {
        Function<Device, Energy> mlp = d -> DeviceParity.mlp(d, 1, 2, 16, 16, 1).asEnergy();
        Function<Device, Energy> gaussian = d -> new GaussianEnergy(Tensor.of(new double[] {1, -1}),
                Tensor.of(new double[] {1, 0.5, 0.5, 2}, 2, 2));
        Function<Device, Energy> mixture = d -> new GaussianMixtureEnergy(Tensor.of(new double[] {1, 2}),
                Tensor.of(new double[] {-1, 0, 1, 1}, 2, 2), Tensor.of(new double[] {0.5, 0.8}));
        return List.of(Arguments.of("MLP float32", mlp, DType.FLOAT32), Arguments.of("Gaussian float64", gaussian,
                DType.FLOAT64), Arguments.of("mixture float32", mixture, DType.FLOAT32));
    }

    static Stream<Arguments> samplersAndEnergies() {
        List<Sampler> samplers = List.of(new RandomWalkMetropolis(0.5), new UnadjustedLangevin(0.05),
                new DecoupledLangevin(0.05, 0.1), new Mala(0.1), new Hmc(0.1, 3),
                new Hmc(0.1, 3, Tensor.of(new double[] {1, 2})));
        return samplers.stream().flatMap(s -> energies().stream().map(e -> {
            Object[] a = e.get();
            return Arguments.of(s, a[0], a[1], a[2]);
        }));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("samplersAndEnergies")
    void samplerGivesTheCpuResultOnTheDevice(Sampler sampler, String energyName, Function<Device, Energy> energy,
                                            DType dtype) {
        assertSameOnCpuAndCuda(sampler + " on " + energyName, d -> {
            Tensor init = new RandomStream(2).normal(dtype, 32, 2).to(d);
            return describe(sampler.sample(energy.apply(d), init, 12, new RandomStream(3), OPTIONS));
        });
    }

    @Test
    void annealedLangevinGivesTheCpuResultOnTheDevice() {
        AnnealedLangevin annealed = new AnnealedLangevin(AnnealedLangevin.geometricSigmas(1, 0.1, 3), 0.01, 4, true);
        assertSameOnCpuAndCuda("annealed Langevin", d -> {
            NoiseConditionalMLP model = new NoiseConditionalMLP(2, Activation.SILU, DType.FLOAT32, new RandomStream(4), 16);
            model.to(d);
            Tensor init = new RandomStream(5).normal(DType.FLOAT32, 32, 2).to(d);
            return describe(annealed.sample(model, init, new RandomStream(6), OPTIONS));
        });
    }

    @Test
    void leapfrogAndHamiltonianGiveTheCpuResultOnTheDevice() {
        Hmc hmc = new Hmc(0.1, 5, Tensor.of(new double[] {1, 2}));
        assertSameOnCpuAndCuda("leapfrog", d -> {
            Energy energy = DeviceParity.mlp(d, 7, 2, 16, 1).asEnergy();
            RandomStream rng = new RandomStream(8);
            Tensor x = rng.normal(DType.FLOAT32, 16, 2).to(d);
            Tensor p = rng.normal(DType.FLOAT32, 16, 2).to(d);
            Hmc.PhasePoint end = hmc.leapfrog(energy, x, p);
            return new DeviceParity.Results().tensor("x", end.x()).tensor("p", end.p()).tensor("energy", end.energy())
                    .tensor("score", end.score()).tensor("H", hmc.hamiltonian(end.energy(), end.p()));
        });
    }

    private static DeviceParity.Results describe(SampleResult r) {
        double[] trace = r.trace().stream().flatMapToDouble(s -> java.util.stream.DoubleStream.of(s.meanEnergy(),
                s.acceptanceRate(), s.stepSize())).toArray();
        return new DeviceParity.Results().tensor("state", r.state()).tensor("samples", r.samples())
                .tensor("acceptance", r.acceptance()).values("trace", trace)
                .values("steps", r.trace().stream().mapToDouble(StepStats::step).toArray());
    }
}
