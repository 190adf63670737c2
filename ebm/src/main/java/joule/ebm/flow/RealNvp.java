package joule.ebm.flow;

import java.util.ArrayList;
import java.util.List;
import joule.autograd.Autograd;
import joule.autograd.Var;
import joule.ebm.loss.NoiseDistribution;
import joule.ebm.nn.Activation;
import joule.ebm.nn.MLP;
import joule.ebm.nn.Module;
import joule.ebm.nn.Parameter;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * A RealNVP normalising flow (Dinh et al. 2017) over {@code R^D}: a stack of affine coupling
 * layers with alternating binary masks {@code m} and a standard normal base. Layer {@code k} maps
 * {@code x ↦ y = m⊙x + (1−m)⊙(x·exp(s(m⊙x)) + t(m⊙x))}, where {@code (s, t)} come from one MLP
 * and {@code s = tanh(raw)} keeps scales bounded; its {@code log|det|} is {@code Σ (1−m)⊙s}. The
 * density is {@code log p(x) = log N(f(x); 0, I) + Σ_k log|det_k|} with {@code f} the whole stack;
 * sampling runs the layers backwards from {@code z ~ N(0, I)}.
 *
 * <p>Used as the learned noise of flow contrastive estimation ({@link NoiseDistribution}).
 *
 * <p>The flow lives on the device of its initialising stream (its parameters and masks), until
 * {@link #to(Device)} moves it; its samples are drawn there.
 */
public final class RealNvp implements NoiseDistribution, Module {
    private final int dim;
    private final DType dtype;
    private final List<MLP> couplings = new ArrayList<>();
    private final List<Tensor> masks = new ArrayList<>();

    /**
     * @param dim    dimension {@code D ≥ 2}
     * @param layers number of coupling layers (masks alternate between even and odd coordinates)
     * @param hidden width of each coupling MLP's two hidden layers
     */
    public RealNvp(int dim, int layers, int hidden, DType dtype, RandomStream init) {
        if (dim < 2 || layers < 1 || hidden < 1) {
            throw new IllegalArgumentException("RealNvp: need dim ≥ 2, layers ≥ 1, hidden ≥ 1; got " + dim + ", " + layers
                    + ", " + hidden);
        }
        this.dim = dim;
        this.dtype = dtype;
        for (int k = 0; k < layers; k++) {
            couplings.add(new MLP("couplings." + k, Activation.SILU, dtype, init, dim, hidden, hidden, 2 * dim));
            double[] m = new double[dim];
            for (int i = 0; i < dim; i++) {
                m[i] = (i + k) % 2 == 0 ? 1 : 0;
            }
            masks.add(Tensor.of(dtype, m).to(init.device()));
        }
    }

    /** {@code log p(x)} for {@code x: [n, D]}, differentiable in {@code x} and in the flow's parameters. */
    @Override
    public Var logDensity(Var x) {
        Var z = x;
        Var logDet = null;
        for (int k = 0; k < couplings.size(); k++) {
            Var m = Var.constant(masks.get(k));
            Var free = Var.constant(masks.get(k).neg().add(1));
            Var kept = z.mul(m);
            Var[] st = scaleShift(k, kept);
            Var s = st[0].mul(free);
            z = kept.add(free.mul(z.mul(s.exp()).add(st[1])));
            Var layerLogDet = s.sum(1);
            logDet = logDet == null ? layerLogDet : logDet.add(layerLogDet);
        }
        Var base = z.square().sum(1).mul(-0.5).add(-0.5 * dim * Math.log(2 * Math.PI));
        return base.add(logDet);
    }

    /** {@code n} samples {@code [n, D]}: {@code z ~ N(0, I)} pushed through the inverse layers (no graph). */
    @Override
    public Tensor sample(int n, RandomStream rng) {
        return Autograd.noGrad(() -> sampleWithGraph(n, rng)).value();
    }

    /** {@code n} samples as a function of the flow's parameters (reparameterised: {@code x = f⁻¹(z)}). */
    @Override
    public Var sampleWithGraph(int n, RandomStream rng) {
        Var y = Var.constant(rng.normal(masks.getFirst().device(), dtype, n, dim));
        for (int k = couplings.size() - 1; k >= 0; k--) {
            Var m = Var.constant(masks.get(k));
            Var free = Var.constant(masks.get(k).neg().add(1));
            Var kept = y.mul(m);
            Var[] st = scaleShift(k, kept);
            y = kept.add(free.mul(y.sub(st[1]).mul(st[0].mul(free).neg().exp())));
        }
        return y;
    }

    /** {@code (s, t)}, each {@code [n, D]}, of coupling {@code k} at the kept coordinates. */
    private Var[] scaleShift(int k, Var kept) {
        Var out = couplings.get(k).forward(kept);
        return new Var[] {out.narrow(1, 0, dim).tanh(), out.narrow(1, dim, dim)};
    }

    /** Moves the parameters and the masks to {@code device}. */
    @Override
    public void to(Device device) {
        Module.super.to(device);
        masks.replaceAll(m -> m.to(device));
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (MLP c : couplings) {
            all.addAll(c.parameters());
        }
        return all;
    }
}
