package joule.ebm.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import joule.tensor.Tensor;

/**
 * The state of a training component as named tensors and named values (integers, doubles and strings written
 * so that they read back exactly), as PyTorch's {@code state_dict()}: an optimizer's moments and step counts, a
 * replay buffer's chains, a training loop's position. Parts are combined under prefixes ({@link #prefixed},
 * {@link #under}) and saved as one safetensors file, the values as its metadata.
 *
 * @param tensors named tensors, in insertion order
 * @param values  named values, in insertion order
 */
public record StateDict(Map<String, Tensor> tensors, Map<String, String> values) {
    public StateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No tensors and no values. */
    public static StateDict empty() {
        return new StateDict(Map.of(), Map.of());
    }

    /** This state with {@code prefix} before every name. */
    public StateDict prefixed(String prefix) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        tensors.forEach((k, v) -> t.put(prefix + k, v));
        Map<String, String> s = new LinkedHashMap<>();
        values.forEach((k, v) -> s.put(prefix + k, v));
        return new StateDict(t, s);
    }

    /** The entries whose names start with {@code prefix}, without it. */
    public StateDict under(String prefix) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                t.put(k.substring(prefix.length()), v);
            }
        });
        Map<String, String> s = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                s.put(k.substring(prefix.length()), v);
            }
        });
        return new StateDict(t, s);
    }

    /** The entries of both; a name in both is an {@link IllegalArgumentException}. */
    public StateDict plus(StateDict other) {
        Map<String, Tensor> t = new LinkedHashMap<>(tensors);
        other.tensors.forEach((k, v) -> {
            if (t.put(k, v) != null) {
                throw new IllegalArgumentException("state dict: tensor '" + k + "' is given twice");
            }
        });
        Map<String, String> s = new LinkedHashMap<>(values);
        other.values.forEach((k, v) -> {
            if (s.put(k, v) != null) {
                throw new IllegalArgumentException("state dict: value '" + k + "' is given twice");
            }
        });
        return new StateDict(t, s);
    }

    /** The tensor {@code name}; an {@link IllegalArgumentException} if there is none. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("state dict: no tensor '" + name + "'");
        }
        return t;
    }

    /** The value {@code name}; an {@link IllegalArgumentException} if there is none. */
    public String value(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("state dict: no value '" + name + "'");
        }
        return v;
    }

    /** The value {@code name} as an integer; an {@link IllegalArgumentException} if there is none or it is not one. */
    public long integer(String name) {
        try {
            return Long.parseLong(value(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("state dict: value '" + name + "' is not an integer: " + value(name));
        }
    }

    /** The value {@code name} as a double (written by {@link Double#toString}, so exact). */
    public double number(String name) {
        try {
            return Double.parseDouble(value(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("state dict: value '" + name + "' is not a number: " + value(name));
        }
    }

    /** Writes this state to {@code path} as safetensors (values as metadata), atomically. */
    public void save(Path path) throws IOException {
        SafeTensors.write(path, tensors, values);
    }

    /** The state saved in {@code path} (tensors on the CPU). */
    public static StateDict load(Path path) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(path);
        return new StateDict(c.tensors(), c.metadata());
    }
}
