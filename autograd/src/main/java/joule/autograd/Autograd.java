package joule.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * The reverse-mode engine: walks the recorded graph backwards from some outputs, calling each
 * node's backward rule once with the sum of the gradients that reached it. Gradients of broadcast
 * inputs are summed back to the input's shape here, for all ops.
 */
public final class Autograd {
    private Autograd() {
    }

    /** Runs {@code body} without recording the graph (values only). */
    public static <T> T noGrad(Supplier<T> body) {
        boolean previous = GradMode.set(false);
        try {
            return body.get();
        } finally {
            GradMode.set(previous);
        }
    }

    /** Whether ops on this thread currently record the graph. */
    public static boolean isGradEnabled() {
        return GradMode.enabled();
    }

    /**
     * Gradients of {@code Σ_k <gradOutputs[k], outputs[k]>} with respect to each input; the graph
     * is kept exactly when {@code createGraph}, and every input must be used.
     *
     * @param outputs     values to differentiate
     * @param inputs      Vars to differentiate by (leaves or intermediate results)
     * @param gradOutputs one per output (same shape and dtype), or null when every output has one
     *                    element (gradient 1)
     * @param createGraph record the backward pass, so that the gradients can be differentiated again
     * @return one gradient per input, with the input's shape
     */
    public static Var[] grad(Var[] outputs, Var[] inputs, Tensor[] gradOutputs, boolean createGraph) {
        return grad(outputs, inputs, constants(gradOutputs), GradOptions.DEFAULT.withCreateGraph(createGraph));
    }

    /**
     * As {@link #grad(Var[], Var[], Tensor[], boolean)} with all options; the gradOutputs may
     * themselves require grad: with {@code createGraph} the result then depends on them (this is
     * how a JVP is built from two VJPs).
     */
    public static Var[] grad(Var[] outputs, Var[] inputs, Var[] gradOutputs, GradOptions options) {
        Set<Var> wantedSet = Collections.newSetFromMap(new IdentityHashMap<>());
        wantedSet.addAll(Arrays.asList(inputs));
        Map<Var, Var> grads = run(outputs, gradOutputs, options.createGraph(), options.retainGraph(), wantedSet);
        Var[] result = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Var g = grads.get(inputs[i]);
            if (g == null) {
                if (!options.allowUnused()) {
                    throw new IllegalArgumentException("grad: input " + i + " (shape " + Shapes.format(inputs[i].shape())
                            + ") is not used to compute the outputs; set allowUnused for a zero gradient");
                }
                g = Var.constant(inputs[i].value().scalarLike(0).expand(inputs[i].shape()).contiguous());
            }
            result[i] = g;
        }
        return result;
    }

    private static Var[] constants(Tensor[] values) {
        if (values == null) {
            return null;
        }
        Var[] out = new Var[values.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = Var.constant(values[k]);
        }
        return out;
    }

    /** Gradient of a scalar output with respect to each input, without recording the backward pass. */
    public static Var[] grad(Var output, Var... inputs) {
        return grad(new Var[] {output}, inputs, (Var[]) null, GradOptions.DEFAULT);
    }

    /** {@link Var#backward()}: accumulates gradients into every leaf that requires grad. */
    static void backward(Var output, Tensor gradOutput, boolean retainGraph) {
        Map<Var, Var> grads = run(new Var[] {output}, gradOutput == null ? null : new Var[] {Var.constant(gradOutput)},
                false, retainGraph, null);
        for (Map.Entry<Var, Var> e : grads.entrySet()) {
            Var v = e.getKey();
            if (v.isLeaf() && v.requiresGrad()) {
                v.accumulateGrad(e.getValue().value());
            }
        }
    }

    /**
     * The backward pass. {@code wantedSet}: Vars whose gradient is needed (null: every leaf);
     * only nodes on a path to them run.
     */
    private static Map<Var, Var> run(Var[] outputs, Var[] gradOutputs, boolean createGraph, boolean retainGraph,
                                     Set<Var> wantedSet) {
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad: " + gradOutputs.length + " gradOutputs for " + outputs.length
                    + " outputs");
        }
        Map<Var, Var> grads = new IdentityHashMap<>();
        for (int k = 0; k < outputs.length; k++) {
            Var out = outputs[k];
            if (!out.requiresGrad()) {
                throw new IllegalArgumentException("grad: output " + k + " does not require grad (it depends on no "
                        + "leaf that requires grad, or was computed under noGrad)");
            }
            Var seed = seed(out, gradOutputs == null ? null : gradOutputs[k], k);
            grads.merge(out, seed, Var::add);
        }
        List<Var> order = topologicalOrder(outputs, wantedSet);
        boolean previous = GradMode.set(createGraph);
        try {
            for (Var v : order) {
                Var g = grads.get(v);
                if (g == null || v.node == null) {
                    continue;
                }
                Var[] ins = v.node.inputs();
                Var[] gin = v.node.backward(g);
                for (int i = 0; i < ins.length; i++) {
                    Var in = ins[i];
                    if (gin[i] == null || !in.requiresGrad()) {
                        continue;
                    }
                    Var gi = gin[i].sumToShape(in.shape());
                    grads.merge(in, gi, Var::add);
                }
                if (!retainGraph) {
                    v.node.release();
                }
                if (wantedSet == null || !wantedSet.contains(v)) {
                    grads.remove(v);
                }
            }
        } finally {
            GradMode.set(previous);
        }
        return grads;
    }

    private static Var seed(Var out, Var gradOutput, int k) {
        if (gradOutput == null) {
            if (out.value().numel() != 1) {
                throw new IllegalArgumentException("grad: output " + k + " has shape " + Shapes.format(out.shape())
                        + "; a non-scalar output needs gradOutputs");
            }
            return Var.constant(out.value().scalarLike(1).expand(out.shape()));
        }
        if (!Arrays.equals(gradOutput.shape(), out.shape())) {
            throw new IllegalArgumentException("grad: gradOutput " + k + " has shape " + Shapes.format(gradOutput.shape())
                    + " but the output has shape " + Shapes.format(out.shape()));
        }
        if (gradOutput.dtype() != out.dtype()) {
            throw new IllegalArgumentException("grad: gradOutput " + k + " is " + gradOutput.dtype()
                    + " but the output is " + out.dtype());
        }
        return gradOutput;
    }

    /**
     * Non-leaf Vars reachable from the outputs, each after every Var that uses it (so a node runs
     * once all gradients into it are summed); when {@code wantedSet} is given, only Vars on a
     * path to one of them.
     */
    private static List<Var> topologicalOrder(Var[] outputs, Set<Var> wantedSet) {
        Map<Var, Boolean> leadsToWanted = new IdentityHashMap<>();
        List<Var> postOrder = new ArrayList<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Var out : outputs) {
            if (!leadsToWanted.containsKey(out)) {
                stack.push(new Object[] {out, 0});
                leadsToWanted.put(out, Boolean.FALSE);
            }
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Var v = (Var) frame[0];
                int next = (Integer) frame[1];
                Var[] ins = v.node == null ? new Var[0] : v.node.inputs();
                if (next < ins.length) {
                    frame[1] = next + 1;
                    Var in = ins[next];
                    if (in.requiresGrad() && !leadsToWanted.containsKey(in)) {
                        leadsToWanted.put(in, Boolean.FALSE);
                        stack.push(new Object[] {in, 0});
                    }
                    continue;
                }
                stack.pop();
                boolean leads = wantedSet == null ? v.requiresGrad() : wantedSet.contains(v);
                for (Var in : ins) {
                    leads |= in.requiresGrad() && leadsToWanted.getOrDefault(in, Boolean.FALSE);
                }
                leadsToWanted.put(v, leads);
                if (leads && v.node != null) {
                    postOrder.add(v);
                }
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }
}
