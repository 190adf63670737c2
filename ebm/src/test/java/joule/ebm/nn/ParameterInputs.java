package joule.ebm.nn;

import java.util.List;
import java.util.function.Function;
import joule.autograd.Var;
import joule.tensor.Tensor;

/** Gradient checks in a module's parameters: the parameters become inputs of the checked function, after the data. */
final class ParameterInputs {
    private ParameterInputs() {
    }

    /** {@code data…} followed by the parameters' values. */
    static Tensor[] values(List<Parameter> parameters, Tensor... data) {
        Tensor[] all = new Tensor[data.length + parameters.size()];
        System.arraycopy(data, 0, all, 0, data.length);
        for (int i = 0; i < parameters.size(); i++) {
            all[data.length + i] = parameters.get(i).value();
        }
        return all;
    }

    /** {@code f} of the first {@code data} inputs, with the parameters bound to the inputs after them. */
    static Function<Var[], Var> bound(List<Parameter> parameters, int data, Function<Var[], Var> f) {
        return xs -> {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).bind(xs[data + i]);
            }
            return f.apply(xs);
        };
    }
}
