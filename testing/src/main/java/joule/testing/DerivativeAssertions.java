package joule.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import joule.autograd.Autograd;
import joule.autograd.Functional;
import joule.autograd.GradCheck;
import joule.autograd.GradCheck.Report;
import joule.autograd.GradCheck.Tolerance;
import joule.autograd.GradOptions;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Module;
import joule.tensor.Backends;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Assertions about derivatives, for users' functions and energies as much as for Joule's own ops. Each throws
 * an {@link AssertionError} naming the check, the worst element (its index), its value, the expected value and
 * the tolerance; each can be called alone, and {@link EnergySuite} runs the energy checks together.
 *
 * <p>Inputs are float64 (finite differences need it). An element passes when
 * {@code |actual − expected| ≤ atol + rtol·|expected|} ({@link Tolerance}, PyTorch's gradcheck defaults
 * {@code ε = 1e-6, atol = 1e-5, rtol = 1e-3}). Energies follow ebm-reference, "Densities, energies, scores":
 * {@code E: [B, D] → [B]}, score {@code s = −∇_x E}.
 */
public final class DerivativeAssertions {
    private DerivativeAssertions() {
    }

    // ---------------------------------------------------------------- functions of Vars

    /** First derivatives of {@code f} against central differences ({@link GradCheck#gradcheck}). */
    public static void assertGradcheck(Function<Var[], Var> f, Tolerance tol, Tensor... inputs) {
        require(GradCheck.gradcheck(f, tol, inputs), tol, inputs);
    }

    /** Second derivatives of {@code f} against central differences of its gradient ({@link GradCheck#gradgradcheck}). */
    public static void assertGradgradcheck(Function<Var[], Var> f, Tolerance tol, long seed, Tensor... inputs) {
        require(GradCheck.gradgradcheck(f, tol, seed, inputs), tol, inputs);
    }

    /**
     * The VJP/JVP identity {@code ⟨J t, c⟩ = ⟨t, Jᵀ c⟩} along random directions from {@code seed}, with
     * {@code J t} both by central differences and by the double-VJP JVP ({@link GradCheck#vjpIdentity}).
     */
    public static void assertVjpJvpIdentity(Function<Var[], Var> f, Tolerance tol, long seed, Tensor... inputs) {
        require(GradCheck.vjpIdentity(f, tol, seed, inputs), tol, inputs);
    }

    /**
     * The Hessian of scalar {@code f} at {@code x} ({@link Functional#hessian}: reverse over reverse) is
     * symmetric: {@code |H_ij − H_ji| ≤ atol + rtol·|H_ji|}. A backward rule whose own derivative is wrong
     * breaks it.
     */
    public static void assertHessianSymmetric(Function<Var, Var> f, Tolerance tol, Tensor x) {
        Var in = Var.leaf(x);
        Var g = Autograd.grad(new Var[] {f.apply(in)}, new Var[] {in}, (Var[]) null,
                GradOptions.CREATE_GRAPH.withAllowUnused(true))[0];
        if (!g.requiresGrad()) {
            return; // the gradient is constant (f is linear, or its backward rules record nothing): H = 0
        }
        Tensor h = Functional.hessian(f, x);
        int n = x.numel();
        double[] hv = h.toDoubleArray();
        double[] transposed = new double[hv.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                transposed[i * n + j] = hv[j * n + i];
            }
        }
        Mismatch.check("Hessian symmetry", "H", hv, transposed, h.shape(), tol.atol(), tol.rtol());
    }

    // ---------------------------------------------------------------- energies

    /**
     * The score {@code s(x) = −∇_x E(x)} against central differences of {@code E}, through each way an energy
     * hands it out: {@link Energy#score(Tensor)} (samplers), {@link Energy#energyAndScore} (MALA, HMC; its
     * energy against {@link Energy#energy(Tensor)}) and the recorded {@link Energy#score(Var)} (losses).
     */
    public static void assertScoreMatchesDifferences(Energy energy, Tolerance tol, Tensor x) {
        checkBatch("score", x);
        double[] base = x.toDoubleArray();
        double[] expected = new double[base.length];
        for (int p = 0; p < base.length; p++) {
            double[] moved = base.clone();
            moved[p] = base[p] + tol.eps();
            double up = energy.energy(Tensor.of(moved).reshape(x.shape()).to(x.device())).sum().item();
            moved[p] = base[p] - tol.eps();
            double down = energy.energy(Tensor.of(moved).reshape(x.shape()).to(x.device())).sum().item();
            expected[p] = -(up - down) / (2 * tol.eps());
        }
        String who = "score = −∇E of " + energy;
        Mismatch.check(who, "score(Tensor)", energy.score(x).toDoubleArray(), expected, x.shape(), tol.atol(), tol.rtol());
        Energy.EnergyAndScore both = energy.energyAndScore(x);
        Mismatch.check(who, "energyAndScore(x).score()", both.score().toDoubleArray(), expected, x.shape(), tol.atol(),
                tol.rtol());
        Mismatch.check(who, "energyAndScore(x).energy()", both.energy().toDoubleArray(),
                energy.energy(x).toDoubleArray(), new int[] {x.size(0)}, tol.atol(), tol.rtol());
        Mismatch.check(who, "score(Var)", energy.score(Var.leaf(x)).value().toDoubleArray(), expected, x.shape(),
                tol.atol(), tol.rtol());
    }

    /**
     * The energy's second-order fast paths against the generic autograd ones (the interface's defaults, run on
     * an energy that only supplies {@link Energy#energy(Var)}): {@link Energy#scoreAndLaplacian} (score and
     * {@code tr ∇²E}) and {@link Energy#directionalDerivatives} ({@code vᵀ∇E} and {@code vᵀ∇²E v}) along
     * {@code v: [B, D]}.
     */
    public static void assertFastPathsAgree(Energy energy, Tolerance tol, Tensor x, Tensor v) {
        checkBatch("fast paths", x);
        Energy generic = energy::energy;
        String who = "fast paths of " + energy + " against autograd";
        Energy.ScoreAndLaplacian fast = energy.scoreAndLaplacian(Var.leaf(x));
        Energy.ScoreAndLaplacian slow = generic.scoreAndLaplacian(Var.leaf(x));
        int[] batch = {x.size(0)};
        Mismatch.check(who, "scoreAndLaplacian(x).score()", fast.score().value().toDoubleArray(),
                slow.score().value().toDoubleArray(), x.shape(), tol.atol(), tol.rtol());
        Mismatch.check(who, "scoreAndLaplacian(x).laplacian()", fast.laplacian().value().toDoubleArray(),
                slow.laplacian().value().toDoubleArray(), batch, tol.atol(), tol.rtol());
        Energy.DirectionalDerivatives fd = energy.directionalDerivatives(Var.leaf(x), v);
        Energy.DirectionalDerivatives sd = generic.directionalDerivatives(Var.leaf(x), v);
        Mismatch.check(who, "directionalDerivatives(x, v).first()", fd.first().value().toDoubleArray(),
                sd.first().value().toDoubleArray(), batch, tol.atol(), tol.rtol());
        Mismatch.check(who, "directionalDerivatives(x, v).second()", fd.second().value().toDoubleArray(),
                sd.second().value().toDoubleArray(), batch, tol.atol(), tol.rtol());
    }

    /**
     * Batch independence: each sample's energy, score and Laplacian are the same whether it is evaluated in
     * the batch {@code x} or alone, so nothing leaks between the rows of a batch (a mean over the batch, a
     * normalisation across it).
     */
    public static void assertBatchIndependent(Energy energy, Tolerance tol, Tensor x) {
        checkBatch("batch independence", x);
        double[] e = energy.energy(x).toDoubleArray();
        double[] s = energy.score(x).toDoubleArray();
        double[] lap = energy.scoreAndLaplacian(Var.leaf(x)).laplacian().value().toDoubleArray();
        int b = x.size(0);
        int d = x.size(1);
        String who = "batch independence of " + energy + " in a batch " + Shapes.format(x.shape());
        for (int i = 0; i < b; i++) {
            Tensor row = x.narrow(0, i, 1).contiguous();
            String alone = " of row " + i + " alone";
            Mismatch.check(who, "energy" + alone + " (expected: in the batch)", energy.energy(row).toDoubleArray(),
                    new double[] {e[i]}, new int[] {1}, tol.atol(), tol.rtol());
            Mismatch.check(who, "score" + alone + " (expected: in the batch)", energy.score(row).toDoubleArray(),
                    Arrays.copyOfRange(s, i * d, (i + 1) * d), new int[] {1, d}, tol.atol(), tol.rtol());
            Mismatch.check(who, "Laplacian" + alone + " (expected: in the batch)",
                    energy.scoreAndLaplacian(Var.leaf(row)).laplacian().value().toDoubleArray(),
                    new double[] {lap[i]}, new int[] {1}, tol.atol(), tol.rtol());
        }
    }

    /**
     * The energy and the score are the same on every available device as on the CPU (within {@code tol}; the
     * devices round differently). An energy that is a {@link Module} is moved to each device and back to where it
     * was; others must follow the device of {@code x}. Returns the devices compared besides the CPU (none
     * without a GPU).
     */
    public static List<Device> assertSameOnEveryDevice(Energy energy, Tolerance tol, Tensor x) {
        checkBatch("devices", x);
        Module module = energy instanceof Module m ? m : null;
        Device home = module == null || module.state().isEmpty() ? Device.CPU
                : module.state().getFirst().value().device();
        List<Device> compared = new ArrayList<>();
        try {
            if (module != null) {
                module.to(Device.CPU);
            }
            Tensor cpuX = x.to(Device.CPU);
            double[] e = energy.energy(cpuX).toDoubleArray();
            double[] s = energy.score(cpuX).toDoubleArray();
            for (Device device : availableDevices()) {
                if (device == Device.CPU) {
                    continue;
                }
                if (module != null) {
                    module.to(device);
                }
                Tensor dx = cpuX.to(device);
                String who = "same results on " + device + " as on cpu for " + energy;
                Mismatch.check(who, "energy", energy.energy(dx).to(Device.CPU).toDoubleArray(), e,
                        new int[] {x.size(0)}, tol.atol(), tol.rtol());
                Mismatch.check(who, "score", energy.score(dx).to(Device.CPU).toDoubleArray(), s, x.shape(), tol.atol(),
                        tol.rtol());
                compared.add(device);
            }
        } finally {
            if (module != null) {
                module.to(home);
            }
        }
        return compared;
    }

    /** The devices whose backend starts in this JVM (the CPU always; CUDA with a GPU and the driver). */
    public static List<Device> availableDevices() {
        List<Device> devices = new ArrayList<>();
        for (Device d : Device.values()) {
            try {
                Backends.of(d);
                devices.add(d);
            } catch (RuntimeException | LinkageError unavailable) {
                // no backend for this device here: nothing to compare on it
            }
        }
        return devices;
    }

    /**
     * A declared invariance: {@code E(transform(x)) = E(x)} row by row ({@code transform} maps a batch to a batch
     * of the same shape).
     *
     * @param name what the invariance is, for the message ("translation by [1, 1]")
     */
    public static void assertInvariant(Energy energy, Tolerance tol, Tensor x, String name, UnaryOperator<Tensor> transform) {
        checkBatch("invariance", x);
        Mismatch.check("invariance under " + name + " of " + energy, "energy of the transformed row",
                energy.energy(transform.apply(x)).toDoubleArray(), energy.energy(x).toDoubleArray(),
                new int[] {x.size(0)}, tol.atol(), tol.rtol());
    }

    /** Translation invariance: {@code E(x + shift) = E(x)} for a shift {@code [D]} added to every row. */
    public static void assertTranslationInvariant(Energy energy, Tolerance tol, Tensor x, Tensor shift) {
        assertInvariant(energy, tol, x, "translation by " + Arrays.toString(shift.toDoubleArray()),
                t -> t.add(shift.to(t.device())));
    }

    /** Permutation invariance: {@code E(x[:, order]) = E(x)}, the coordinates of every row permuted. */
    public static void assertPermutationInvariant(Energy energy, Tolerance tol, Tensor x, int... order) {
        checkBatch("permutation invariance", x);
        int d = x.size(1);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted.length != d || sorted[i] != i) {
                throw new IllegalArgumentException("assertPermutationInvariant: " + Arrays.toString(order)
                        + " is not a permutation of the " + d + " coordinates of x " + Shapes.format(x.shape()));
            }
        }
        assertInvariant(energy, tol, x, "the permutation " + Arrays.toString(order), t -> {
            Tensor[] cols = new Tensor[d];
            for (int i = 0; i < d; i++) {
                cols[i] = t.narrow(1, order[i], 1);
            }
            return Tensor.cat(1, cols);
        });
    }

    /**
     * The energy and the score don't depend on how {@code x} is laid out in memory: the same values as a
     * contiguous tensor, at an offset, permuted, strided and expanded give the same results (a kernel that
     * misreads strides fails this).
     */
    public static void assertLayoutIndependent(Energy energy, Tolerance tol, Tensor x) {
        checkBatch("layouts", x);
        double[] values = x.toDoubleArray();
        for (TensorSamples.Layout layout : TensorSamples.Layout.values()) {
            // an expanded layout repeats values along some axes: compare with those values, contiguous
            TensorSamples.Sample laid = TensorSamples.build(
                    new TensorSamples.Spec(DType.FLOAT64, x.device(), x.shape(), layout, 1), values);
            Tensor plain = Tensor.of(laid.values()).reshape(x.shape()).to(x.device());
            String who = "layout independence of " + energy;
            String as = " of x laid out " + layout + " (strides " + Arrays.toString(laid.tensor().strides())
                    + ", offset " + laid.tensor().offset() + ")";
            Mismatch.check(who, "energy" + as, energy.energy(laid.tensor()).toDoubleArray(),
                    energy.energy(plain).toDoubleArray(), new int[] {x.size(0)}, tol.atol(), tol.rtol());
            Mismatch.check(who, "score" + as, energy.score(laid.tensor()).toDoubleArray(),
                    energy.score(plain).toDoubleArray(), x.shape(), tol.atol(), tol.rtol());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void require(Report report, Tolerance tol, Tensor[] inputs) {
        if (!report.passed()) {
            StringBuilder shapes = new StringBuilder();
            for (Tensor t : inputs) {
                shapes.append(shapes.isEmpty() ? "" : ", ").append(Shapes.format(t.shape()));
            }
            throw new AssertionError(String.format(Locale.ROOT, "%s (inputs %s; tolerance atol %.1g + rtol %.1g·|numerical|, "
                    + "eps %.1g)", report, shapes, tol.atol(), tol.rtol(), tol.eps()));
        }
    }

    static void checkBatch(String check, Tensor x) {
        if (x.rank() != 2 || x.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException(check + ": x must be a float64 batch [B, D], got " + x.dtype() + " "
                    + Shapes.format(x.shape()));
        }
    }
}
