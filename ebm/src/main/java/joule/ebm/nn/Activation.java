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

        @Override
        public Var derivative(Var x) {
            return x.siluGrad();
        }

        @Override
        public Var secondDerivative(Var x) {
            return x.siluGrad2();
        }
    },
    /** Softplus {@code log(1 + eˣ)}: smooth. */
    SOFTPLUS {
        @Override
        public Var apply(Var x) {
            return x.softplus();
        }

        @Override
        public Var derivative(Var x) {
            return x.sigmoid();
        }

        @Override
        public Var secondDerivative(Var x) {
            Var s = x.sigmoid();
            return s.mul(s.neg().add(1));
        }
    },
    /** {@code tanh(x)}: smooth. */
    TANH {
        @Override
        public Var apply(Var x) {
            return x.tanh();
        }

        @Override
        public Var derivative(Var x) {
            return x.tanh().square().neg().add(1);
        }

        @Override
        public Var secondDerivative(Var x) {
            Var t = x.tanh();
            return t.mul(t.square().sub(1)).mul(2);
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

        /** {@code exp(min(x, 0))}: 1 for {@code x > 0}. */
        @Override
        public Var derivative(Var x) {
            return x.clamp(Double.NEGATIVE_INFINITY, 0).exp();
        }

        /** {@code eˣ} for {@code x ≤ 0}, 0 for {@code x > 0} (at the kink the value from the left, as autograd of {@link #apply} gives). */
        @Override
        public Var secondDerivative(Var x) {
            return derivative(x).mul(Var.constant(x.value().le(0)));
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

        @Override
        public Var derivative(Var x) {
            return Var.constant(x.value().gt(0));
        }

        @Override
        public Var secondDerivative(Var x) {
            return Var.constant(x.value().zerosLike());
        }
    };

    /** The activation applied elementwise; the result has {@code x}'s shape. */
    public abstract Var apply(Var x);

    /** Its first derivative at each element of {@code x}, differentiable again. */
    public abstract Var derivative(Var x);

    /** Its second derivative at each element of {@code x}, differentiable again. */
    public abstract Var secondDerivative(Var x);
}
