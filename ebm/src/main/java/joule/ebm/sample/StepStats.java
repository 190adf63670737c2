package joule.ebm.sample;

/**
 * Statistics of all chains after one step, recorded when {@link SamplerOptions#trace()} is on.
 *
 * @param step           the step, 1-based
 * @param meanEnergy     mean over chains of {@code E(x)} at the state after the step (for annealed
 *                       Langevin, {@code E(x, σ_i)} at the step's level; NaN for a score network,
 *                       which has no energy)
 * @param acceptanceRate fraction of chains whose proposal was accepted at this step (1 for
 *                       unadjusted samplers)
 * @param stepSize       the step size used ({@code τ}, {@code η}, {@code h}, or the level's {@code η_i})
 */
public record StepStats(int step, double meanEnergy, double acceptanceRate, double stepSize) {
}
