package joule.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import joule.autograd.BrokenOps;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.tensor.Device;
import joule.tensor.Tensor;
import joule.testing.TensorSamples.Sample;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A catalogue of thirteen deliberately broken energies and ops: the default suites ({@link EnergySuite},
 * {@link OpSuite}) must catch every one, on every generated input that can show the bug, with a message naming
 * the failed check. Each entry also has an example at the smallest input that shows its bug (the size a
 * failing property shrinks to), stated in its name.
 */
class BrokenCatalogueTest {
    private static final int TRIES = 5;

    // ---------------------------------------------------------------- the broken energies and ops

    /** ½‖x‖² per row. */
    private static Var halfSquaredNorm(Var x) {
        return x.square().sum(1).mul(0.5);
    }

    /** 1. A score with the wrong sign: {@code +∇E} instead of {@code −∇E}. */
    static final Energy WRONG_SIGN_SCORE = named("score with the wrong sign", new Energy() {
        @Override
        public Var energy(Var x) {
            return halfSquaredNorm(x);
        }

        @Override
        public Tensor score(Tensor x) {
            return x;
        }
    });

    /** 2. An op whose backward rule misses a factor (d x²/dx given as x). */
    static final Energy MISSING_FACTOR = named("backward rule missing a factor",
            x -> BrokenOps.squareMissingFactor(x).sum(1).mul(0.5));

    /** 3. An op whose backward rule is right once but not differentiable again. */
    static final Energy ONCE_DIFFERENTIABLE = named("backward rule not differentiable again",
            x -> BrokenOps.cubeOnceDifferentiable(x).sum(1).div(3).add(halfSquaredNorm(x)));

    /** 4. Batch leakage: the energy of a row depends on the batch mean. */
    static final Energy BATCH_LEAK = named("leak through the batch mean",
            x -> halfSquaredNorm(x.sub(x.mean(new int[] {0}, true))));

    /** 5. A detach that keeps the gradient ({@code x³}) but breaks second derivatives of {@code x⁴/4}. */
    static final Energy DETACH = named("detach breaking second derivatives", x -> {
        Var c = x.detach();
        return c.pow(3).mul(x).sub(c.pow(4).mul(0.75)).sum(1);
    });

    /** 6. A fast Laplacian path that forgets the curvature of the cosine term. */
    static final Energy WRONG_LAPLACIAN = named("fast Laplacian missing a term", new Energy() {
        @Override
        public Var energy(Var x) {
            return halfSquaredNorm(x).add(x.cos().sum(1));
        }

        @Override
        public ScoreAndLaplacian scoreAndLaplacian(Var x) {
            Var score = x.neg().add(x.sin());
            return new ScoreAndLaplacian(score, Var.constant(Tensor.full(x.value().device(), x.dtype(), x.size(1), x.size(0))));
        }
    });

    /** 7. A fast directional path whose second derivative is {@code Σ v} instead of {@code vᵀ∇²E v}. */
    static final Energy WRONG_DIRECTIONAL = named("fast directional second derivative wrong", new Energy() {
        @Override
        public Var energy(Var x) {
            return halfSquaredNorm(x);
        }

        @Override
        public DirectionalDerivatives directionalDerivatives(Var x, Tensor v) {
            Var vc = Var.constant(v);
            return new DirectionalDerivatives(x.mul(vc).sum(1), vc.sum(1));
        }
    });

    /** 8. A kernel wrong only on strided (non-contiguous) views: it scales them by 1.01. */
    static final Energy STRIDED_BUG = named("kernel wrong on strided views",
            x -> halfSquaredNorm(x).mul(x.value().isContiguous() ? 1 : 1.01));

    /**
     * 9. A kernel wrong only on the elements of each row past its last full vector of 8 lanes (its value is 1%
     * off there, its gradient rule right).
     */
    static Var expWrongTail(Var x) {
        int n = x.value().numel();
        int d = x.size(x.rank() - 1);
        double[] tail = new double[n];
        for (int i = 0; i < n; i++) {
            tail[i] = i % d >= d - d % 8 ? 0.01 : 0;
        }
        Tensor mask = Tensor.of(tail).reshape(x.shape());
        return x.exp().add(Var.constant(x.value().exp().mul(mask)));
    }

    static final Energy TAIL_BUG = named("kernel wrong for sizes not a multiple of 8", x -> expWrongTail(x).sum(1));

    /** 10. A backward rule whose derivative is not symmetric (a Hessian {@code I + ½P}). */
    static final Energy ASYMMETRIC = named("asymmetric second derivatives", BrokenOps::halfSquaredNormAsymmetric);

    /** 11. Declared translation invariant, but with a small confining term. */
    static final Energy NOT_TRANSLATION_INVARIANT = named("pair energy with a confining term",
            x -> x.narrow(1, 0, 1).sub(x.narrow(1, 1, 1)).square().sum(1).add(halfSquaredNorm(x).mul(0.01)));

    /** 12. Declared permutation invariant, but with unequal weights per coordinate. */
    static final Energy NOT_PERMUTATION_INVARIANT = named("unequal coordinate weights",
            x -> x.square().mul(Var.constant(Tensor.of(new double[] {1, 1.5}))).sum(1));

    /** 13. A kernel wrong only on the GPU: 1% off on CUDA (here ebm's emulated CUDA device, the CPU's arithmetic). */
    static final Energy DEVICE_BUG = named("kernel wrong on cuda",
            x -> halfSquaredNorm(x).mul(x.value().device() == Device.CUDA ? 1.01 : 1));

    // ---------------------------------------------------------------- properties: caught on every input

    /**
     * Batches [2..3, 3..4] of positive values whose first two rows differ: at 0 some bugs don't show (a score
     * of the wrong sign is still 0), and a leak through the batch mean needs rows that differ.
     */
    @Provide
    Arbitrary<Sample> batches() {
        return TensorSamples.batches(2, 3, 3, 4, Domain.positive()).filter(s -> s.values()[0] != s.values()[s.shape()[1]]);
    }

    @Property(tries = TRIES)
    void wrongSignScoreIsCaught(@ForAll("batches") Sample x) {
        assertCaught(WRONG_SIGN_SCORE, x.tensor(), "score = −∇E", "score(Tensor)");
    }

    @Property(tries = TRIES)
    void missingFactorIsCaught(@ForAll("batches") Sample x) {
        assertCaught(MISSING_FACTOR, x.tensor(), "gradcheck: FAILED", "score(Tensor)");
        assertOpCaught(BrokenOps::squareMissingFactor, x.tensor(), "gradcheck: FAILED");
    }

    @Property(tries = TRIES)
    void onceDifferentiableBackwardIsCaught(@ForAll("batches") Sample x) {
        assertCaught(ONCE_DIFFERENTIABLE, x.tensor(), "gradgradcheck: FAILED");
        assertOpCaught(BrokenOps::cubeOnceDifferentiable, x.tensor(), "gradgradcheck: FAILED");
    }

    @Property(tries = TRIES)
    void batchLeakIsCaught(@ForAll("batches") Sample x) {
        assertCaught(BATCH_LEAK, x.tensor(), "batch independence", "alone (expected: in the batch)");
    }

    @Property(tries = TRIES)
    void detachBreakingSecondDerivativesIsCaught(@ForAll("batches") Sample x) {
        assertCaught(DETACH, x.tensor(), "gradgradcheck: FAILED");
    }

    @Property(tries = TRIES)
    void wrongFastLaplacianIsCaught(@ForAll("batches") Sample x) {
        assertCaught(WRONG_LAPLACIAN, x.tensor(), "scoreAndLaplacian(x).laplacian()");
    }

    @Property(tries = TRIES)
    void wrongFastDirectionalDerivativeIsCaught(@ForAll("batches") Sample x) {
        assertCaught(WRONG_DIRECTIONAL, x.tensor(), "directionalDerivatives(x, v).second()");
    }

    @Property(tries = TRIES)
    void kernelWrongOnStridedViewsIsCaught(@ForAll("batches") Sample x) {
        assertCaught(STRIDED_BUG, x.tensor(), "layout independence", "laid out STRIDED");
        assertOpCaught(v -> v.square().mul(v.value().isContiguous() ? 1 : 1.01), x.tensor(), "layout independence");
    }

    @Property(tries = TRIES)
    void kernelWrongOnTheVectorTailIsCaught(@ForAll("batches") Sample x) {
        assertCaught(TAIL_BUG, x.tensor(), "gradcheck: FAILED");
        assertOpCaught(BrokenCatalogueTest::expWrongTail, x.tensor(), "gradcheck: FAILED");
    }

    @Property(tries = TRIES)
    void asymmetricSecondDerivativesAreCaught(@ForAll("batches") Sample x) {
        assertCaught(ASYMMETRIC, x.tensor(), "Hessian symmetry: H at [");
    }

    @Property(tries = TRIES)
    void kernelWrongOnTheGpuIsCaught(@ForAll("batches") Sample x) {
        assertCaught(DEVICE_BUG, x.tensor(), "same results on cuda as on cpu");
    }

    @Property(tries = TRIES)
    void brokenTranslationInvarianceIsCaught(@ForAll("pairs") Sample x) {
        EnergySuite suite = EnergySuite.of(NOT_TRANSLATION_INVARIANT)
                .invariantUnderTranslation(Tensor.of(new double[] {1, 1}));
        assertMessage(assertThrows(AssertionError.class, () -> suite.check(x.tensor())), "invariance under translation");
    }

    @Property(tries = TRIES)
    void brokenPermutationInvarianceIsCaught(@ForAll("pairs") Sample x) {
        EnergySuite suite = EnergySuite.of(NOT_PERMUTATION_INVARIANT).invariantUnderPermutation(1, 0);
        assertMessage(assertThrows(AssertionError.class, () -> suite.check(x.tensor())), "invariance under the permutation");
    }

    /** Batches [B, 2] away from the diagonal x₁ = x₂ (where swapping the coordinates changes nothing). */
    @Provide
    Arbitrary<Sample> pairs() {
        return TensorSamples.batches(1, 3, 2, 2, Domain.positive())
                .filter(s -> {
                    double[] v = s.values();
                    for (int i = 0; i < v.length; i += 2) {
                        if (Math.abs(v[i] - v[i + 1]) < 0.1) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    // ---------------------------------------------------------------- the smallest inputs that show each bug

    @Example
    void eachBugShowsAtItsSmallestBatch() {
        Tensor one = Tensor.of(new double[] {0.5}, 1, 1);
        Tensor two = Tensor.of(new double[] {0.5, -1}, 2, 1);
        Tensor three = Tensor.of(new double[] {0.5, -1, 1.5}, 1, 3);
        assertCaught(WRONG_SIGN_SCORE, one, "score(Tensor)");
        assertCaught(MISSING_FACTOR, one, "gradcheck: FAILED");
        assertCaught(ONCE_DIFFERENTIABLE, one, "gradgradcheck: FAILED");
        assertCaught(BATCH_LEAK, two, "batch independence");
        assertCaught(DETACH, one, "gradgradcheck: FAILED");
        assertCaught(WRONG_LAPLACIAN, one, "laplacian()");
        assertCaught(WRONG_DIRECTIONAL, one, "second()");
        assertCaught(TAIL_BUG, one, "gradcheck: FAILED");
        assertCaught(ASYMMETRIC, three, "Hessian symmetry");
        assertCaught(DEVICE_BUG, one, "same results on cuda as on cpu");
        // a single element is its own contiguous view: the strided bug needs two, a strided layout of [1, 2]
        assertCaught(STRIDED_BUG, Tensor.of(new double[] {0.5, -1}, 1, 2), "laid out STRIDED");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertCaught(Energy energy, Tensor x, String... fragments) {
        AssertionError e = assertThrows(AssertionError.class, () -> EnergySuite.check(energy, x),
                () -> "EnergySuite missed: " + energy + " at " + java.util.Arrays.toString(x.toDoubleArray()));
        assertMessage(e, fragments);
        assertTrue(e.getMessage().contains(energy.toString()), e.getMessage());
    }

    private static void assertOpCaught(java.util.function.Function<Var, Var> op, Tensor x, String fragment) {
        assertMessage(assertThrows(AssertionError.class, () -> OpSuite.check(op, x)), fragment);
    }

    private static void assertMessage(AssertionError e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "expected \"" + f + "\" in:\n" + e.getMessage());
        }
        assertTrue(e.getMessage().contains("tolerance"), () -> "the message should state the tolerance:\n" + e.getMessage());
    }

    private static Energy named(String name, Energy energy) {
        return EnergyArbitraries.described(energy, "broken: " + name);
    }
}
