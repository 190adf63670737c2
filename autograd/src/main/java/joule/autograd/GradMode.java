package joule.autograd;

/**
 * Whether ops record the graph, per thread. Recording is on by default; {@link Autograd#noGrad}
 * turns it off for a scope, and the engine turns it off while it runs backward rules without
 * {@code createGraph}.
 */
final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    static boolean enabled() {
        return ENABLED.get();
    }

    /** Sets the mode and returns the previous one, for restoring in a {@code finally}. */
    static boolean set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return previous;
    }
}
