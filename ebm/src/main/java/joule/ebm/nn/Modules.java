package joule.ebm.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** What composite modules share: their parts' parameters or buffers in one list. */
final class Modules {
    private Modules() {
    }

    /** {@code which} of every part that is a {@link Module} (others are skipped; nulls too), in order. */
    static List<Parameter> collect(Iterable<?> parts, Function<Module, List<Parameter>> which) {
        List<Parameter> all = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Module m) {
                all.addAll(which.apply(m));
            }
        }
        return List.copyOf(all);
    }
}
