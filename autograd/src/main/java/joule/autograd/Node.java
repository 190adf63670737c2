package joule.autograd;

/**
 * One recorded op in the graph: its inputs and its backward rule. Released after a backward pass
 * that does not keep the graph, after which running backward through it is an error.
 */
final class Node {
    /** Gradients of an op's inputs from the gradient of its output; an entry may be null for "no gradient". */
    @FunctionalInterface
    interface Backward {
        Var[] apply(Var gradOutput);
    }

    final String op;
    private Var[] inputs;
    private Backward backward;

    Node(String op, Var[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    Var[] inputs() {
        if (inputs == null) {
            throw released();
        }
        return inputs;
    }

    Var[] backward(Var gradOutput) {
        if (backward == null) {
            throw released();
        }
        return backward.apply(gradOutput);
    }

    boolean isReleased() {
        return backward == null;
    }

    /** Drops the inputs and the rule (and with them the tensors the rule saved). */
    void release() {
        inputs = null;
        backward = null;
    }

    private IllegalStateException released() {
        return new IllegalStateException("backward: the graph through '" + op + "' was already freed by an earlier "
                + "backward pass; pass retainGraph = true (or createGraph = true) to the first one to run backward twice");
    }
}
