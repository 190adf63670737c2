package joule.ebm.train;

/** Training stopped because the loss, a gradient or the energies became NaN, infinite or too large. */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int step;

    TrainingDivergedException(int step, String message) {
        super(message);
        this.step = step;
    }

    /** The step at which training stopped; the parameters hold the last state that passed every check (the message says which). */
    public int step() {
        return step;
    }
}
