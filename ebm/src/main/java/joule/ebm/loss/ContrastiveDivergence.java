package joule.ebm.loss;

import java.util.List;
import joule.autograd.Var;
import joule.ebm.energy.Energy;
import joule.ebm.nn.Parameter;
import joule.ebm.sample.ReplayBuffer;
import joule.ebm.sample.Sampler;
import joule.ebm.sample.SamplerOptions;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Contrastive divergence / maximum likelihood (ebm-reference): since
 * {@code ∇_θ log p_θ(x) = −∇_θ E(x) + E_{x'~p_θ}[∇_θ E(x')]}, minimise
 * {@code L_CD = mean E(x_data) − mean E(x_model)} with {@code x_model} drawn by a sampler and
 * <b>detached</b>, plus the optional regulariser {@code α (mean E(x_data)² + mean E(x_model)²)}.
 *
 * <p>Chains start from the data batch (CD-k), or from a {@link ReplayBuffer} (persistent CD: each
 * step draws starts from the buffer, re-initialising a fraction from its prior, and pushes the
 * chains' end points back).
 *
 * <p>Batches are points {@code [B, D]} or images {@code [B, C, H, W]} (or any {@code [B, …]} the energy
 * reads). IGEBM's recipe for images in {@code [−1, 1]} (Du &amp; Mordatch 2019):
 * <pre>{@code
 * ReplayBuffer buffer = new ReplayBuffer(10_000, 0.05, ReplayBuffer.Prior.uniform(-1, 1, DType.FLOAT32, 1, 28, 28));
 * Loss pcd = new ContrastiveDivergence(energy, new DecoupledLangevin(1.0, 0.01), 20, buffer, 1.0,
 *         SamplerOptions.DEFAULT.withBox(-1, 1));              // chains clamped to the data range
 * }</pre>
 * (the prior's sample shape is the batch's: {@code 1, 28, 28} for image batches, {@code 784} for flat ones).
 */
public final class ContrastiveDivergence implements Loss {
    private final Energy energy;
    private final Sampler sampler;
    private final int steps;
    private final ReplayBuffer buffer;
    private final double alpha;
    private final SamplerOptions options;

    /**
     * @param sampler the MCMC sampler for {@code x_model}
     * @param steps   sampler steps per training step ({@code k})
     * @param buffer  persistent chains, or null to start the chains at the data batch (CD-k)
     * @param alpha   weight {@code α ≥ 0} of the energy-magnitude regulariser
     * @param options sampler options (for example a box to clamp chains to)
     */
    public ContrastiveDivergence(Energy energy, Sampler sampler, int steps, ReplayBuffer buffer, double alpha,
                                 SamplerOptions options) {
        if (steps < 1) {
            throw new IllegalArgumentException("ContrastiveDivergence: need at least 1 sampler step, got " + steps);
        }
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("ContrastiveDivergence: α must be ≥ 0, got " + alpha);
        }
        this.energy = energy;
        this.sampler = sampler;
        this.steps = steps;
        this.buffer = buffer;
        this.alpha = alpha;
        this.options = options;
    }

    @Override
    public Var compute(Tensor batch, RandomStream rng) {
        Losses.checkSamples("ContrastiveDivergence", batch);
        Tensor drawn = buffer == null ? null : buffer.draw(batch.size(0), rng);
        Tensor start = drawn == null ? batch : drawn.to(batch.dtype()).to(batch.device());
        Tensor model = sampler.sample(energy, start, steps, rng, options).state();
        if (buffer != null) {
            buffer.push(model.to(drawn.device()).to(drawn.dtype()));
        }
        Var eData = energy.energy(Var.constant(batch));
        Var eModel = energy.energy(Var.constant(model));
        Var loss = eData.mean().sub(eModel.mean());
        if (alpha > 0) {
            loss = loss.add(eData.square().mean().add(eModel.square().mean()).mul(alpha));
        }
        return loss;
    }

    @Override
    public List<Parameter> parameters() {
        return energy.parameters();
    }
}
