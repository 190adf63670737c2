package com.example.chain;

import joule.autograd.Var;
import joule.ebm.energy.Energy;

/**
 * Particles on a line joined by anharmonic springs of rest length {@code r}:
 * {@code E(x) = Σ_i [½ k (d_i − r)² + ¼ a (d_i − r)⁴]} with {@code d_i = x_{i+1} − x_i}, per row of
 * {@code x: [B, D]}. Only distances count, so moving every particle by the same amount changes nothing.
 */
public final class SpringChainEnergy implements Energy {
    private final double k;
    private final double a;
    private final double r;

    public SpringChainEnergy(double k, double a, double r) {
        this.k = k;
        this.a = a;
        this.r = r;
    }

    @Override
    public Var energy(Var x) {
        int d = x.size(1);
        Var stretch = x.narrow(1, 1, d - 1).sub(x.narrow(1, 0, d - 1)).sub(r);
        return stretch.square().mul(0.5 * k).add(stretch.square().square().mul(0.25 * a)).sum(1);
    }

    @Override
    public String toString() {
        return "SpringChainEnergy(k=" + k + ", a=" + a + ", r=" + r + ")";
    }
}
