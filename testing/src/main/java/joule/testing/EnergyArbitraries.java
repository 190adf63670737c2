package joule.testing;

import java.util.List;
import joule.ebm.energy.DoubleWellEnergy;
import joule.ebm.energy.Energy;
import joule.ebm.energy.GaussianEnergy;
import joule.ebm.energy.GaussianMixtureEnergy;
import joule.ebm.energy.RosenbrockEnergy;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Module;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random float64 energies on {@code ℝ^D} (ebm-reference, "Densities, energies, scores"): MLP energies with
 * smooth activations, and Joule's analytic energies with random parameters. Each is described by what it is
 * and its seed (shown in a failing property's report); they shrink toward the smallest network and seed 0.
 */
public final class EnergyArbitraries {
    private EnergyArbitraries() {
    }

    /** MLP energies {@code ℝ^d → ℝ}: one or two hidden layers of 1..8 units, SiLU, softplus or tanh. */
    public static Arbitrary<Energy> mlps(int d) {
        checkDim("mlps", d, 1);
        Arbitrary<int[]> hidden = Arbitraries.integers().between(1, 8).list().ofMinSize(1).ofMaxSize(2)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        Arbitrary<Activation> smooth = Arbitraries.of(Activation.SILU, Activation.SOFTPLUS, Activation.TANH);
        return Combinators.combine(hidden, smooth, Arbitraries.longs().between(0, 1 << 20)).as((h, act, seed) -> {
            int[] sizes = new int[h.length + 2];
            sizes[0] = d;
            System.arraycopy(h, 0, sizes, 1, h.length);
            sizes[sizes.length - 1] = 1;
            MLP mlp = new MLP(act, DType.FLOAT64, new RandomStream(seed), sizes);
            return described(mlp.asEnergy(), "MLP " + java.util.Arrays.toString(sizes) + " " + act + " seed=" + seed);
        });
    }

    /**
     * Analytic energies on {@code ℝ^d}: a Gaussian with a random precision, a Gaussian mixture of 1..3
     * components, a double well, and (for {@code d ≥ 2}) a Rosenbrock energy.
     */
    public static Arbitrary<Energy> analytic(int d) {
        checkDim("analytic", d, 1);
        Arbitrary<Long> seeds = Arbitraries.longs().between(0, 1 << 20);
        List<Arbitrary<Energy>> kinds = new java.util.ArrayList<>(List.of(
                seeds.map(seed -> gaussian(d, seed)),
                Combinators.combine(Arbitraries.integers().between(1, 3), seeds).as((k, seed) -> mixture(d, k, seed)),
                Arbitraries.doubles().between(0.5, 2).ofScale(2).map(a -> described(new DoubleWellEnergy(a),
                        "DoubleWellEnergy a=" + a))));
        if (d >= 2) {
            kinds.add(Arbitraries.doubles().between(1, 10).ofScale(1).map(b -> described(new RosenbrockEnergy(1, b, 20),
                    "RosenbrockEnergy a=1 b=" + b + " T=20")));
        }
        return Arbitraries.oneOf(kinds);
    }

    /** {@link #mlps} and {@link #analytic} together. */
    public static Arbitrary<Energy> energies(int d) {
        return Arbitraries.oneOf(mlps(d), analytic(d));
    }

    private static Energy gaussian(int d, long seed) {
        RandomStream rng = new RandomStream(seed);
        Tensor a = rng.normal(DType.FLOAT64, d, d).mul(1.0 / Math.sqrt(d));
        Tensor precision = a.matmul(a.mT()).add(Tensor.eye(DType.FLOAT64, d).mul(0.5));
        Tensor mean = rng.uniform(-1, 1, DType.FLOAT64, d);
        return described(GaussianEnergy.fromPrecision(mean, precision), "GaussianEnergy d=" + d + " seed=" + seed);
    }

    private static Energy mixture(int d, int k, long seed) {
        RandomStream rng = new RandomStream(seed);
        Tensor weights = rng.uniform(0.2, 1, DType.FLOAT64, k);
        Tensor means = rng.uniform(-1.5, 1.5, DType.FLOAT64, k, d);
        Tensor stds = rng.uniform(0.5, 1.5, DType.FLOAT64, k);
        return described(new GaussianMixtureEnergy(weights, means, stds),
                "GaussianMixtureEnergy k=" + k + " d=" + d + " seed=" + seed);
    }

    private static void checkDim(String who, int d, int min) {
        if (d < min) {
            throw new IllegalArgumentException("EnergyArbitraries." + who + ": needs dimension d ≥ " + min + ", got " + d);
        }
    }

    /**
     * {@code energy} with {@code description} as its {@code toString}; every method delegates, and an energy that
     * is a {@link Module} stays one (so it can be moved between devices).
     */
    static Energy described(Energy energy, String description) {
        return energy instanceof Module m ? new DescribedModuleEnergy(energy, m, description)
                : new DescribedEnergy(energy, description);
    }
}
