package joule.ebm.sample;

import java.util.ArrayList;
import java.util.List;
import joule.ebm.energy.Energy;
import joule.tensor.DType;
import joule.tensor.RandomStream;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.Workspace;

/**
 * The loop every sampler shares (package-private): burn-in, thinning, the box, per-chain
 * Metropolis acceptance with {@code where(mask, x', x)}, acceptance counts and the trace. A
 * sampler supplies only its {@link Transition}.
 */
final class ChainRunner {
    /**
     * The chains' state: {@code x [C, …]}, {@code energy [C]} (null for a score network, which has none), and
     * {@code score} like {@code x} (null when not needed).
     */
    record State(Tensor x, Tensor energy, Tensor score) {
    }

    /**
     * A proposed state and its log acceptance ratio {@code [C]}; a null ratio means an
     * unadjusted move, always taken.
     */
    record Proposal(State state, Tensor logAcceptRatio) {
    }

    /** One step of a sampler from the current state. */
    interface Transition {
        Proposal propose(State current, int step, RandomStream rng);

        /** The step size reported in the trace for 1-based {@code step}. */
        double stepSize(int step);
    }

    private final String who;
    private final SamplerOptions options;
    private final boolean needScore;
    private int chains = -1;

    ChainRunner(String who, SamplerOptions options, boolean needScore) {
        if (options == null) {
            throw new IllegalArgumentException(who + ": options must not be null (use SamplerOptions.DEFAULT)");
        }
        this.who = who;
        this.options = options;
        this.needScore = needScore;
    }

    /** Checks the initial state and step count; returns the initial state clamped into the box. */
    Tensor checkInit(Tensor init, int steps) {
        if (init == null) {
            throw new IllegalArgumentException(who + ": init must not be null");
        }
        if (init.rank() < 2 || init.size(0) < 1 || init.numel() == 0) {
            throw new IllegalArgumentException(who + ": init must be [chains, D] (or [chains, …]) with at least one "
                    + "chain and one coordinate, got " + Shapes.format(init.shape()));
        }
        if (steps < 1) {
            throw new IllegalArgumentException(who + ": steps must be ≥ 1, got " + steps);
        }
        if (options.burnIn() >= steps) {
            throw new IllegalArgumentException(who + ": burn-in " + options.burnIn() + " must be < steps " + steps);
        }
        chains = init.size(0);
        return clamp(init);
    }

    /** {@code x} clamped into the box (unchanged without one). */
    Tensor clamp(Tensor x) {
        return options.hasBox() ? x.clamp(options.lo(), options.hi()) : x;
    }

    /** Energies (and scores when needed) at {@code x}, checking the energy's output shape. */
    State evaluate(Energy energy, Tensor x) {
        Tensor e;
        Tensor s = null;
        if (needScore) {
            Energy.EnergyAndScore es = energy.energyAndScore(x);
            e = es.energy();
            s = es.score();
        } else {
            e = energy.energy(x);
        }
        if (e.rank() != 1 || e.size(0) != x.size(0)) {
            throw new IllegalArgumentException(who + ": the energy must map [" + x.size(0) + ", …] to [" + x.size(0)
                    + "], got " + Shapes.format(e.shape()) + " for x of shape " + Shapes.format(x.shape()));
        }
        return new State(x, e, s);
    }

    /** Axes {@code 1 … rank−1} of a state (the per-chain coordinates). */
    static int[] sampleAxes(Tensor x) {
        int[] axes = new int[x.rank() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return axes;
    }

    /** Per-chain sum of squares over the coordinates, {@code [C]}. */
    static Tensor sumSquares(Tensor x) {
        return x.square().sum(sampleAxes(x), false);
    }

    /** A per-chain {@code [C]} tensor reshaped to broadcast against a state {@code [C, …]}. */
    static Tensor perChain(Tensor c, Tensor like) {
        int[] s = new int[like.rank()];
        java.util.Arrays.fill(s, 1);
        s[0] = like.size(0);
        return c.reshape(s);
    }

    /**
     * The unadjusted Langevin loop of ULA and of Langevin with decoupled noise: {@code steps} moves
     * {@code x ← x + step·s(x) + noise·ξ}, {@code ξ ~ N(0, I)}, each clamped into the box, all taken.
     */
    static SampleResult langevin(String who, Energy energy, Tensor init, int steps, RandomStream rng,
                                 SamplerOptions options, double step, double noise) {
        Samplers.notNull(who, energy);
        ChainRunner runner = new ChainRunner(who, options, true);
        Tensor x0 = runner.checkInit(init, steps);
        return runner.run(runner.evaluate(energy, x0), steps, rng, new Transition() {
            @Override
            public Proposal propose(State s, int t, RandomStream r) {
                Tensor xi = Samplers.normalLike(r, s.x());
                Tensor next = Tensor.langevinStep(s.x(), s.score(), xi, step, noise);
                return new Proposal(runner.evaluate(energy, runner.clamp(next)), null);
            }

            @Override
            public double stepSize(int t) {
                return step;
            }
        });
    }

    /** Runs {@code steps} transitions from {@code initial} (already evaluated and clamped). */
    SampleResult run(State initial, int steps, RandomStream rng, Transition transition) {
        if (rng == null) {
            throw new IllegalArgumentException(who + ": rng must not be null");
        }
        State state = initial;
        Tensor x0 = initial.x();
        DType dtype = x0.dtype();
        Tensor accepted = Tensor.zeros(x0.device(), dtype, chains);
        List<Tensor> samples = new ArrayList<>();
        List<StepStats> trace = new ArrayList<>();
        int burnIn = options.burnIn();
        // each step's tensors reuse the buffers of the step before, unless the caller's step already runs in a
        // workspace (persistent CD inside a training step); what the next step needs is kept
        Workspace workspace = new Workspace(who + " step");
        for (int t = 1; t <= steps; t++) {
            try (Workspace.Scope scope = Workspace.active() == null ? workspace.open() : null) {
                Proposal proposal = transition.propose(state, t, rng);
                Tensor mask;
                if (proposal.logAcceptRatio() == null) {
                    state = proposal.state();
                    mask = null;
                } else {
                    State next = proposal.state();
                    // float64 uniforms: a float32 one is exactly 0 (log U = -inf, accept anything) once in 2^24
                    Tensor logU = rng.uniform(x0.device(), DType.FLOAT64, chains).log();
                    mask = logU.lt(proposal.logAcceptRatio().to(DType.FLOAT64)).to(dtype); // NaN ratios compare false
                    if (options.hasBox()) {
                        mask = mask.mul(inBox(next.x()));
                    }
                    Tensor mx = perChain(mask, next.x());
                    Tensor x = Tensor.where(mx, next.x(), state.x());
                    Tensor e = Tensor.where(mask, next.energy(), state.energy());
                    Tensor s = next.score() == null ? null : Tensor.where(mx, next.score(), state.score());
                    state = new State(x, e, s);
                }
                if (t > burnIn) {
                    accepted = accepted.add(mask == null ? accepted.scalarLike(1) : mask);   // unadjusted: every move taken
                }
                if (options.trace()) {
                    double rate = mask == null ? 1.0 : mask.mean().item();
                    double meanEnergy = state.energy() == null ? Double.NaN : state.energy().mean().item();
                    trace.add(new StepStats(t, meanEnergy, rate, transition.stepSize(t)));
                }
                if (options.collect() && t > burnIn && (t - burnIn) % options.thin() == 0) {
                    samples.add(state.x());
                }
                if (scope != null) {
                    keep(state);
                    Workspace.keep(accepted);
                }
            }
        }
        Tensor acceptance = accepted.to(DType.FLOAT64).div((double) (steps - burnIn));
        return new SampleResult(state.x(), stack(samples, state.x()), acceptance, trace);
    }

    private static void keep(State s) {
        Workspace.keep(s.x());
        if (s.energy() != null) {
            Workspace.keep(s.energy());
        }
        if (s.score() != null) {
            Workspace.keep(s.score());
        }
    }

    private Tensor stack(List<Tensor> samples, Tensor like) {
        if (samples.isEmpty()) {
            int[] s = new int[like.rank() + 1];
            System.arraycopy(like.shape(), 0, s, 1, like.rank());
            return Tensor.zeros(like.device(), like.dtype(), s);
        }
        return Tensor.stack(0, samples.toArray(new Tensor[0]));
    }

    /** 1 for chains whose every coordinate lies in {@code [lo, hi]}, else 0 (NaN counts as outside), {@code [C]}. */
    private Tensor inBox(Tensor x) {
        Tensor inside = x.ge(x.scalarLike(options.lo())).mul(x.le(x.scalarLike(options.hi())));
        return inside.min(sampleAxes(x), false);
    }
}
