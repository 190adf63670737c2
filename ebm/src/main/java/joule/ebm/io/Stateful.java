package joule.ebm.io;

/**
 * A part of a training run whose state a resumable checkpoint saves: after {@code loadStateDict(stateDict())}
 * on a freshly built twin, the twin continues exactly as the original would have, bit for bit.
 */
public interface Stateful {
    /** The current state (tensors are immutable values, so this copies nothing large). */
    StateDict stateDict();

    /**
     * Restores a state from {@link #stateDict()} of a twin built the same way (tensors may be on the CPU: each goes
     * to the device it belongs on); a state that does not fit is an {@link IllegalArgumentException}.
     */
    void loadStateDict(StateDict state);
}
