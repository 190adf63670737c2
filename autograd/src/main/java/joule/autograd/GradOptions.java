package joule.autograd;

/**
 * Options of a backward pass ({@link Autograd#grad(Var[], Var[], Var[], GradOptions)}).
 *
 * @param createGraph record the backward pass so that the gradients can be differentiated again
 * @param retainGraph keep the graph for another backward pass (otherwise it is freed as it is used)
 * @param allowUnused give a zero gradient for an input the outputs do not depend on, instead of an error
 */
public record GradOptions(boolean createGraph, boolean retainGraph, boolean allowUnused) {
    /** First-order gradients, graph freed, unused inputs an error. */
    public static final GradOptions DEFAULT = new GradOptions(false, false, false);

    /** Gradients that can be differentiated again (the graph is kept). */
    public static final GradOptions CREATE_GRAPH = new GradOptions(true, true, false);

    /** These options with {@code createGraph} set (which also keeps the graph). */
    public GradOptions withCreateGraph(boolean create) {
        return new GradOptions(create, retainGraph || create, allowUnused);
    }

    /** These options with {@code retainGraph} set. */
    public GradOptions withRetainGraph(boolean retain) {
        return new GradOptions(createGraph, retain, allowUnused);
    }

    /** These options with {@code allowUnused} set. */
    public GradOptions withAllowUnused(boolean allow) {
        return new GradOptions(createGraph, retainGraph, allow);
    }
}
