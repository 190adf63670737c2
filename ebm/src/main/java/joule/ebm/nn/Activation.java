package joule.ebm.nn;

import joule.autograd.Var;

/**
 * Elementwise nonlinearities between layers, built from differentiable {@link Var} ops, so
 * derivatives of any order exist (score matching differentiates the energy twice in {@code x},
 * then once more in {@code θ}).
 */
public enum Activation {
    /** SiLU (swish) {@code x·sigmoid(x)}: smooth, a good default for energies. */
    SILU {
        @Override
        public Var apply(Var x) {
            return x.silu();
        }
    },
    /** Softplus {@code log(1 + eˣ)}: smooth. */
    SOFTPLUS {
        @Override
        public Var apply(Var x) {
            return x.softplus();
        }
    },
    /** {@code tanh(x)}: smooth. */
    TANH {
        @Override
        public Var apply(Var x) {
            return x.tanh();
        }
    },
    /**
     * ELU with {@code α = 1}: {@code x} for {@code x > 0}, {@code eˣ − 1} otherwise. Continuously
     * differentiable; its second derivative jumps from 1 to 0 at 0.
     */
    ELU {
        @Override
        public Var apply(Var x) {
            // expm1 of min(x, 0): the unused branch must not overflow, or its zero gradient becomes 0·∞ = NaN
            Var negative = x.clamp(Double.NEGATIVE_INFINITY, 0).expm1();
            return Var.where(x.value().gt(0), x, negative);
        }
    },
    /**
     * {@code max(x, 0)}. Its Hessian is zero almost everywhere, so an energy built from it has
     * {@code tr(∇²E) = 0}: the trace term of (sliced) score matching vanishes and those losses
     * can't be trained with it. Use a smooth activation for score-based training.
     */
    RELU {
        @Override
        public Var apply(Var x) {
            return x.relu();
        }
    };

    /** The activation applied elementwise; the result has {@code x}'s shape. */
    public abstract Var apply(Var x);
}
