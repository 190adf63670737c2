package joule.ebm.loss;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;

/**
 * Distributions of the projection vectors {@code v} of sliced score matching, each with
 * {@code E[v vᵀ] = I} (ebm-reference, "Sliced score matching"), so no {@code 1/D} rescaling is hidden.
 */
public enum Projection {
    /** Entries ±1 with probability ½. */
    RADEMACHER,
    /** Standard normal entries. */
    GAUSSIAN,
    /** Uniform on the sphere of radius {@code √D}. */
    SPHERE;

    /** {@code n} projection vectors of dimension {@code d}, {@code [n, d]}, drawn on {@code device}. */
    public Tensor sample(Device device, DType dtype, int n, int d, RandomStream rng) {
        return switch (this) {
            case RADEMACHER -> rng.rademacher(device, dtype, n, d);
            case GAUSSIAN -> rng.normal(device, dtype, n, d);
            case SPHERE -> {
                Tensor z = rng.normal(device, dtype, n, d);
                yield z.div(z.norm(2, new int[] {1}, true)).mul(Math.sqrt(d));
            }
        };
    }
}
