package joule.ebm.sample;

import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/** Argument checks and small helpers shared by the samplers (package-private). */
final class Samplers {
    private Samplers() {
    }

    static double positive(String who, String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(who + ": " + name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    static void notNull(String who, Object energy) {
        if (energy == null) {
            throw new IllegalArgumentException(who + ": energy must not be null");
        }
    }

    /** Standard normals shaped, typed and placed like {@code x} (drawn on its device). */
    static Tensor normalLike(RandomStream rng, Tensor x) {
        return rng.normal(x.device(), x.dtype(), x.shape());
    }
}
