package joule.autograd;

/**
 * Ops with deliberately wrong backward rules, recorded as Joule's own ops are ({@link Var#record}), for the
 * catalogue of bugs the suites must catch ({@code joule.testing.BrokenCatalogueTest}).
 */
public final class BrokenOps {
    private BrokenOps() {
    }

    /** {@code x²} whose backward rule forgets the factor 2: {@code g·x}. */
    public static Var squareMissingFactor(Var x) {
        return Var.record("squareMissingFactor", x.value().square(), g -> new Var[] {g.mul(x)}, x);
    }

    /**
     * {@code x³} whose backward rule {@code 3x²·g} is computed on tensors and handed back as a constant: right
     * once, but not differentiable again (its second derivative comes out 0).
     */
    public static Var cubeOnceDifferentiable(Var x) {
        return Var.record("cubeOnceDifferentiable", x.value().square().mul(x.value()),
                g -> new Var[] {Var.constant(g.value().mul(x.value().square().mul(3)))}, x);
    }

    /**
     * {@code ½‖x_b‖²} per row of {@code x: [B, D]} whose backward rule returns {@code g·(x + ½ roll(x))} instead of
     * {@code g·x}: differentiable again, but its "Hessian" {@code I + ½P} (P the cyclic shift) is not symmetric
     * for {@code D ≥ 3}.
     */
    public static Var halfSquaredNormAsymmetric(Var x) {
        int d = x.size(1);
        return Var.record("halfSquaredNormAsymmetric", x.value().square().sum(1).mul(0.5), g -> {
            Var rolled = Var.cat(1, x.narrow(1, 1, d - 1), x.narrow(1, 0, 1));
            return new Var[] {g.unsqueeze(1).mul(x.add(rolled.mul(0.5)))};
        }, x);
    }
}
