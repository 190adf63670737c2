package joule.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import joule.autograd.GradCheck.Tolerance;
import joule.ebm.energy.Energy;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * The default suite of derivative checks for an {@link Energy} {@code E: [B, D] → [B]} (ebm-reference,
 * "Densities, energies, scores") at a float64 batch {@code x}: one call, {@code EnergySuite.check(energy, x)},
 * runs them all and fails listing every check that failed. The checks, each also callable alone in
 * {@link DerivativeAssertions}:
 * <ol>
 *   <li>gradcheck of {@code x ↦ E(x)} (first derivatives against central differences);</li>
 *   <li>gradgradcheck (second derivatives; a detach or a backward rule that is not differentiable again fails it);</li>
 *   <li>the VJP/JVP identity {@code ⟨J t, c⟩ = ⟨t, Jᵀ c⟩};</li>
 *   <li>symmetry of the Hessian of {@code Σ_b E(x_b)};</li>
 *   <li>the score {@code −∇E} against finite differences, through every score method;</li>
 *   <li>the fast paths {@code scoreAndLaplacian} and {@code directionalDerivatives} against autograd, along
 *       Rademacher, Gaussian and sphere projections;</li>
 *   <li>batch independence;</li>
 *   <li>the same results in every memory layout of {@code x};</li>
 *   <li>the same results on every available device;</li>
 *   <li>the invariances declared with {@link #invariantUnderTranslation} and {@link #invariantUnderPermutation}.</li>
 * </ol>
 *
 * <pre>{@code
 * EnergySuite.of(energy).invariantUnderTranslation(shift).check(x);
 * }</pre>
 */
public final class EnergySuite {
    private final Energy energy;
    private final Tolerance tolerance;
    private final Tolerance deviceTolerance;
    private final long seed;
    private final List<Invariance> invariances;

    private record Invariance(String name, Consumer<Tensor> check) {
    }

    private EnergySuite(Energy energy, Tolerance tolerance, Tolerance deviceTolerance, long seed,
                        List<Invariance> invariances) {
        this.energy = energy;
        this.tolerance = tolerance;
        this.deviceTolerance = deviceTolerance;
        this.seed = seed;
        this.invariances = List.copyOf(invariances);
    }

    /** The default suite for {@code energy}: {@link Tolerance#DEFAULT}, devices within {@code 1e-4} absolute and relative, seed 0. */
    public static EnergySuite of(Energy energy) {
        return new EnergySuite(energy, Tolerance.DEFAULT, new Tolerance(0, 1e-4, 1e-4), 0, List.of());
    }

    /** Runs the default suite on {@code energy} at {@code x} ({@code [B, D]}, float64). */
    public static void check(Energy energy, Tensor x) {
        of(energy).check(x);
    }

    /** This suite with other tolerances for the derivative checks. */
    public EnergySuite tolerance(Tolerance tol) {
        return new EnergySuite(energy, tol, deviceTolerance, seed, invariances);
    }

    /** This suite with another tolerance for the comparison across devices (float32 GPUs need a wider one). */
    public EnergySuite deviceTolerance(Tolerance tol) {
        return new EnergySuite(energy, tolerance, tol, seed, invariances);
    }

    /** This suite with the random directions (VJP identity, gradgradcheck, projections) drawn from {@code seed}. */
    public EnergySuite seed(long seed) {
        return new EnergySuite(energy, tolerance, deviceTolerance, seed, invariances);
    }

    /** This suite also checking {@code E(x + shift) = E(x)} for a shift {@code [D]}. */
    public EnergySuite invariantUnderTranslation(Tensor shift) {
        return with(new Invariance("translation",
                x -> DerivativeAssertions.assertTranslationInvariant(energy, tolerance, x, shift)));
    }

    /** This suite also checking {@code E(x[:, order]) = E(x)}. */
    public EnergySuite invariantUnderPermutation(int... order) {
        int[] o = order.clone();
        return with(new Invariance("permutation",
                x -> DerivativeAssertions.assertPermutationInvariant(energy, tolerance, x, o)));
    }

    private EnergySuite with(Invariance invariance) {
        List<Invariance> more = new ArrayList<>(invariances);
        more.add(invariance);
        return new EnergySuite(energy, tolerance, deviceTolerance, seed, more);
    }

    /**
     * Runs every check at {@code x} ({@code [B, D]}, float64); fails with one {@link AssertionError} listing each
     * failed check and its worst element.
     */
    public void check(Tensor x) {
        DerivativeAssertions.checkBatch("EnergySuite", x);
        List<String> failures = new ArrayList<>();
        run(failures, "energy shape", () -> {
            Tensor e = energy.energy(x);
            if (e.rank() != 1 || e.size(0) != x.size(0)) {
                throw new AssertionError("energy shape: E(x) is " + Shapes.format(e.shape()) + " for x "
                        + Shapes.format(x.shape()) + ", expected [" + x.size(0) + "]");
            }
        });
        if (!failures.isEmpty()) {
            fail(x, failures);
        }
        run(failures, "gradcheck", () -> DerivativeAssertions.assertGradcheck(xs -> energy.energy(xs[0]), tolerance, x));
        run(failures, "gradgradcheck",
                () -> DerivativeAssertions.assertGradgradcheck(xs -> energy.energy(xs[0]), tolerance, seed, x));
        run(failures, "VJP/JVP identity",
                () -> DerivativeAssertions.assertVjpJvpIdentity(xs -> energy.energy(xs[0]), tolerance, seed, x));
        run(failures, "Hessian symmetry",
                () -> DerivativeAssertions.assertHessianSymmetric(v -> energy.energy(v).sum(), tolerance, x));
        run(failures, "score", () -> DerivativeAssertions.assertScoreMatchesDifferences(energy, tolerance, x));
        for (Projections.Kind kind : Projections.Kind.values()) {
            Tensor v = Projections.draw(kind, x.device(), x.dtype(), x.size(0), x.size(1), seed);
            run(failures, "fast paths (" + kind + " directions)",
                    () -> DerivativeAssertions.assertFastPathsAgree(energy, tolerance, x, v));
        }
        run(failures, "batch independence", () -> DerivativeAssertions.assertBatchIndependent(energy, tolerance, x));
        run(failures, "layouts", () -> DerivativeAssertions.assertLayoutIndependent(energy, tolerance, x));
        run(failures, "devices", () -> DerivativeAssertions.assertSameOnEveryDevice(energy, deviceTolerance, x));
        for (Invariance inv : invariances) {
            run(failures, "invariance under " + inv.name(), () -> inv.check().accept(x));
        }
        if (!failures.isEmpty()) {
            fail(x, failures);
        }
    }

    private void fail(Tensor x, List<String> failures) {
        throw new AssertionError("EnergySuite: " + failures.size() + " check(s) failed for " + energy + " at x "
                + Shapes.format(x.shape()) + (x.device() == Device.CPU ? "" : " on " + x.device()) + ":\n  "
                + String.join("\n  ", failures));
    }

    private static void run(List<String> failures, String name, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        } catch (RuntimeException e) {
            failures.add(name + ": threw " + e);
        }
    }
}
