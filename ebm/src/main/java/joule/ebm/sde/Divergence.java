package joule.ebm.sde;

import joule.autograd.Autograd;
import joule.autograd.GradOptions;
import joule.autograd.Var;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import joule.tensor.random.Distribution;

/**
 * How {@link ProbabilityFlow#logLikelihood} computes the divergence {@code ∇·s_θ(x, σ) = tr ∂s_θ/∂x} of a score
 * network per sample (ebm-reference, "Hutchinson trace"): exactly, as the trace of the Jacobian from {@code D}
 * vector-Jacobian products along the coordinate axes (each serving the whole batch), or by Hutchinson's
 * {@code vᵀ (∂s/∂x) v} with one probe per sample ({@code E[v vᵀ] = I}, Rademacher or standard normal) drawn once
 * per solve and kept for the whole path, as score_sde does: the integral of the estimates is then an unbiased
 * estimate of the integral of the trace.
 */
public sealed interface Divergence {
    /** Exact traces: {@code D} backward passes per evaluation, for small {@code D}. */
    static Divergence exact() {
        return new Exact();
    }

    /** Hutchinson's estimate with probes of {@code distribution} (RADEMACHER or NORMAL) drawn from {@code seed}. */
    static Divergence hutchinson(Distribution distribution, long seed) {
        if (distribution != Distribution.RADEMACHER && distribution != Distribution.NORMAL) {
            throw new IllegalArgumentException("Divergence.hutchinson: probes need E[v vᵀ] = I; use RADEMACHER or NORMAL, "
                    + "not " + distribution);
        }
        return new Hutchinson(distribution, seed);
    }

    /** The probes for a solve on {@code x: [B, …]} (shaped like {@code x}), or null for exact traces. */
    Tensor probes(Tensor x);

    /**
     * {@code tr ∂s/∂x} per sample, {@code [B]}, of the recorded {@code score} of the leaf {@code x}, with the
     * probes of {@link #probes} (null: exact).
     */
    Tensor of(Var score, Var x, Tensor probes);

    /** Exact traces from {@code D} vector-Jacobian products. */
    record Exact() implements Divergence {
        @Override
        public Tensor probes(Tensor x) {
            return null;
        }

        @Override
        public Tensor of(Var score, Var x, Tensor probes) {
            int b = x.size(0);
            int d = x.value().numel() / b;
            Tensor sum = null;
            for (int i = 0; i < d; i++) {
                Tensor axis = x.value().unitLike(d, i).expand(b, d).reshape(x.shape());
                Tensor row = vjp(score, x, axis).reshape(b, d).select(1, i);
                sum = sum == null ? row : sum.add(row);
            }
            return sum;
        }
    }

    /** Hutchinson's {@code vᵀ (∂s/∂x) v} with one fixed probe per sample. */
    record Hutchinson(Distribution distribution, long seed) implements Divergence {
        @Override
        public Tensor probes(Tensor x) {
            RandomStream rng = new RandomStream(seed);
            return distribution == Distribution.NORMAL ? rng.normal(x.device(), x.dtype(), x.shape())
                    : rng.rademacher(x.device(), x.dtype(), x.shape());
        }

        @Override
        public Tensor of(Var score, Var x, Tensor probes) {
            int b = x.size(0);
            return vjp(score, x, probes).mul(probes).reshape(b, -1).sum(1);
        }
    }

    private static Tensor vjp(Var score, Var x, Tensor v) {
        return Autograd.grad(new Var[] {score}, new Var[] {x}, new Var[] {Var.constant(v)},
                new GradOptions(false, true, true))[0].value();
    }
}
