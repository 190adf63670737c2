package joule.ebm.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Loading is strict by default: the file must hold exactly the parameters' names, shapes and
 * dtypes, with finite values. {@link Options} rename a prefix (a PyTorch {@code nn.Sequential}'s
 * {@code 0.weight} is Joule's {@code layers.0.weight}) and relax the name check as PyTorch's
 * {@code load_state_dict(strict=False)} does: names missing from the file or unexpected in it are
 * reported, not an error; shapes, dtypes and finiteness are still checked.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    /**
     * How file names map to parameter names: a file name {@code filePrefix + rest} is the parameter
     * {@code modelPrefix + rest} (file names without {@code filePrefix} are unexpected), and whether a
     * missing or unexpected name is an error ({@code strict}) or only reported.
     */
    public record Options(boolean strict, String filePrefix, String modelPrefix) {
        /** Exact names, every one present: the default. */
        public static final Options STRICT = new Options(true, "", "");

        /** Checks the prefixes. */
        public Options {
            if (filePrefix == null || modelPrefix == null) {
                throw new IllegalArgumentException("Checkpoint.Options: prefixes must not be null (use \"\")");
            }
        }

        /** These options, reporting missing and unexpected names instead of failing. */
        public Options nonStrict() {
            return new Options(false, filePrefix, modelPrefix);
        }

        /** These options, reading the file's {@code filePrefix + rest} into the parameter {@code modelPrefix + rest}. */
        public Options renaming(String filePrefix, String modelPrefix) {
            return new Options(strict, filePrefix, modelPrefix);
        }

        /** The parameter name a file name maps to, or null when it lacks the file prefix. */
        String parameterName(String fileName) {
            return fileName.startsWith(filePrefix) ? modelPrefix + fileName.substring(filePrefix.length()) : null;
        }
    }

    /**
     * What a load did: the file's metadata, the parameters it set, the parameters the file lacks
     * ({@code missing}, by parameter name) and the file's tensors no parameter took ({@code unexpected},
     * by file name), as PyTorch's {@code load_state_dict} reports them.
     */
    public record Report(Map<String, String> metadata, List<String> loaded, List<String> missing,
                         List<String> unexpected) {
    }

    /** Writes a module's {@link Module#state() state} (parameters, then buffers) and {@code metadata} to {@code path} atomically. */
    public static void save(Path path, Module module, Map<String, String> metadata) throws IOException {
        save(path, require(module, "module").state(), metadata);
    }

    /** Loads {@code path} into a module's {@link Module#state() state} (parameters and buffers), as {@link #load(Path, List)}. */
    public static Map<String, String> load(Path path, Module module) throws IOException {
        return load(path, require(module, "module").state());
    }

    /** Writes {@code parameters} and {@code metadata} to {@code path} atomically. */
    public static void save(Path path, List<Parameter> parameters, Map<String, String> metadata) throws IOException {
        require(path, "path");
        require(metadata, "metadata");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Parameter p : require(parameters, "parameters")) {
            if (tensors.put(require(p, "a parameter").name(), p.value()) != null) {
                throw new IllegalArgumentException("checkpoint: parameter name '" + p.name() + "' is used twice");
            }
        }
        SafeTensors.write(path, tensors, metadata);
    }

    /**
     * Loads {@code path} into {@code parameters}, which must match the file exactly: the same
     * names, shapes and dtypes, and finite values. Nothing is changed unless everything matches. Each
     * value goes to its parameter's device.
     *
     * @return the file's metadata
     * @throws IOException for an unreadable or corrupt file
     * @throws IllegalArgumentException listing every name, shape or dtype that does not match, or naming a
     *                                  tensor with a NaN or infinite value
     */
    public static Map<String, String> load(Path path, List<Parameter> parameters) throws IOException {
        return load(path, parameters, Options.STRICT).metadata();
    }

    /** Loads {@code path} into {@code parameters} under {@code options}; see {@link #load(Path, List)}. */
    public static Report load(Path path, List<Parameter> parameters, Options options) throws IOException {
        require(path, "path");
        require(parameters, "parameters");
        require(options, "options");
        return load(path.toString(), SafeTensors.read(path), parameters, options);
    }

    /** Loads {@code path} into a module's state under {@code options}; see {@link #load(Path, List)}. */
    public static Report load(Path path, Module module, Options options) throws IOException {
        return load(path, require(module, "module").state(), options);
    }

    /**
     * Loads the safetensors {@code bytes} (a resource's content, say) into {@code parameters}, as
     * {@link #load(Path, List)} does; errors name {@code source}.
     */
    public static Map<String, String> load(String source, byte[] bytes, List<Parameter> parameters) throws IOException {
        return load(require(source, "source"), SafeTensors.read(source, bytes), parameters, Options.STRICT).metadata();
    }

    /**
     * Loads {@code contents}, already read from {@code source}, into {@code parameters} under
     * {@code options}: the shapes and dtypes of every parameter the file holds must match and its values
     * be finite; with strict options every parameter must be there and every tensor taken. Nothing is
     * changed unless every check passes.
     *
     * @throws IllegalArgumentException naming {@code source} and listing every problem
     */
    public static Report load(String source, SafeTensors.Contents contents, List<Parameter> parameters,
                              Options options) {
        require(source, "source");
        require(contents, "contents");
        require(parameters, "parameters");
        require(options, "options");
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (byName.put(require(p, "a parameter").name(), p) != null) {
                throw new IllegalArgumentException("checkpoint: parameter name '" + p.name() + "' is used twice");
            }
        }
        Map<Parameter, Tensor> values = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
            String name = options.parameterName(e.getKey());
            Parameter p = name == null ? null : byName.get(name);
            if (p == null) {
                unexpected.add(e.getKey());
                continue;
            }
            Tensor t = e.getValue();
            if (!Arrays.equals(t.shape(), p.value().shape()) || t.dtype() != p.value().dtype()) {
                problems.add("'" + e.getKey() + "' is " + Shapes.format(t.shape()) + " " + t.dtype() + " in the file but "
                        + Shapes.format(p.value().shape()) + " " + p.value().dtype() + " in the model");
            } else {
                String bad = nonFinite(t);
                if (bad != null) {
                    problems.add("'" + e.getKey() + "' holds " + bad);
                }
            }
            values.put(p, t);
        }
        List<String> missing = new ArrayList<>();
        for (Parameter p : parameters) {
            if (!values.containsKey(p)) {
                missing.add(p.name());
            }
        }
        if (options.strict()) {
            missing.forEach(name -> problems.add("missing '" + name + "'"));
            unexpected.forEach(name -> problems.add("unexpected '" + name + "'"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + source + " does not match the model: "
                    + String.join("; ", problems));
        }
        List<String> loaded = new ArrayList<>();
        values.forEach((p, t) -> {
            p.set(t.to(p.value().device()));
            loaded.add(p.name());
        });
        return new Report(contents.metadata(), List.copyOf(loaded), List.copyOf(missing), List.copyOf(unexpected));
    }

    /** {@code "NaN at index 3"} for the first non-finite element of {@code t}, or null when all are finite. */
    private static String nonFinite(Tensor t) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return v[i] + " at flat index " + i;
            }
        }
        return null;
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("Checkpoint: " + what + " must not be null");
        }
        return value;
    }
}
