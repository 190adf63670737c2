package joule.ebm.optim;

import joule.autograd.Var;
import joule.ebm.nn.Parameter;
import joule.tensor.Tensor;

/** Helpers: parameters from values, gradients set by hand, the quadratic bowl. */
final class OptimizerTestSupport {
    private OptimizerTestSupport() {
    }

    static Parameter param(double... values) {
        return new Parameter("w", Tensor.of(values));
    }

    static void grad(Parameter p, double... g) {
        p.setGrad(Tensor.of(g));
    }

    static double value(Parameter p) {
        return p.value().item();
    }

    /** Sets the gradient of {@code f(θ) = ½ Σ aᵢ (θᵢ − cᵢ)²} by a backward pass and returns {@code f}. */
    static double bowlBackward(Parameter p, double[] a, double[] c) {
        Var theta = p.var();
        Var f = theta.sub(Var.constant(Tensor.of(c))).square().mul(Var.constant(Tensor.of(a))).sum().mul(0.5);
        f.backward();
        return f.item();
    }
}
