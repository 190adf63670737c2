package joule.ebm.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import joule.ebm.nn.Module;
import joule.ebm.nn.Parameter;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/**
 * Saves and restores a model's parameters as a safetensors file ({@link SafeTensors}), under the
 * parameters' names (PyTorch's {@code state_dict} names and layouts: {@code <name>.weight} is
 * {@code [out, in]}), with string metadata such as the model config.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    /** Writes a module's {@link Module#state() state} (parameters, then buffers) and {@code metadata} to {@code path} atomically. */
    public static void save(Path path, Module module, Map<String, String> metadata) throws IOException {
        save(path, module.state(), metadata);
    }

    /** Loads {@code path} into a module's {@link Module#state() state} (parameters and buffers), as {@link #load(Path, List)}. */
    public static Map<String, String> load(Path path, Module module) throws IOException {
        return load(path, module.state());
    }

    /** Writes {@code parameters} and {@code metadata} to {@code path} atomically. */
    public static void save(Path path, List<Parameter> parameters, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (tensors.put(p.name(), p.value()) != null) {
                throw new IllegalArgumentException("checkpoint: parameter name '" + p.name() + "' is used twice");
            }
        }
        SafeTensors.write(path, tensors, metadata);
    }

    /**
     * Loads {@code path} into {@code parameters}, which must match the file exactly: the same
     * names, shapes and dtypes. Nothing is changed unless everything matches. Each value goes to its
     * parameter's device.
     *
     * @return the file's metadata
     * @throws IOException for an unreadable or corrupt file
     * @throws IllegalArgumentException listing every name, shape or dtype that does not match
     */
    public static Map<String, String> load(Path path, List<Parameter> parameters) throws IOException {
        return load(path.toString(), SafeTensors.read(path), parameters);
    }

    /**
     * Loads the safetensors {@code bytes} (a resource's content, say) into {@code parameters}, as
     * {@link #load(Path, List)} does; errors name {@code source}.
     */
    public static Map<String, String> load(String source, byte[] bytes, List<Parameter> parameters) throws IOException {
        return load(source, SafeTensors.read(source, bytes), parameters);
    }

    private static Map<String, String> load(String source, SafeTensors.Contents contents, List<Parameter> parameters) {
        Map<String, Tensor> found = contents.tensors();
        List<String> problems = new ArrayList<>();
        for (Parameter p : parameters) {
            Tensor t = found.get(p.name());
            if (t == null) {
                problems.add("missing '" + p.name() + "'");
            } else if (!java.util.Arrays.equals(t.shape(), p.value().shape()) || t.dtype() != p.value().dtype()) {
                problems.add("'" + p.name() + "' is " + Shapes.format(t.shape()) + " " + t.dtype() + " in the file but "
                        + Shapes.format(p.value().shape()) + " " + p.value().dtype() + " in the model");
            }
        }
        for (String name : found.keySet()) {
            if (parameters.stream().noneMatch(p -> p.name().equals(name))) {
                problems.add("unexpected '" + name + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + source + " does not match the model: "
                    + String.join("; ", problems));
        }
        for (Parameter p : parameters) {
            p.set(found.get(p.name()).to(p.value().device()));
        }
        return contents.metadata();
    }
}
