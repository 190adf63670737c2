package joule.testing;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.RandomStream;
import joule.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Projection vectors {@code v: [B, D]} with {@code E[v vᵀ] = I}, as sliced score matching and Hutchinson
 * traces use them (ebm-reference, "Sliced score matching"): Rademacher ±1, standard Gaussian, or uniform on
 * the sphere of radius {@code sqrt(D)}. Each draw is a function of a seed (shrinking toward seed 0).
 */
public final class Projections {
    private Projections() {
    }

    /** The distribution of the projections. */
    public enum Kind {
        /** Independent ±1 entries. */
        RADEMACHER,
        /** Independent standard normal entries. */
        GAUSSIAN,
        /** Uniform on the sphere of radius {@code sqrt(D)} (a normalised Gaussian, scaled). */
        SPHERE
    }

    /** Projections {@code [b, d]} of every kind, float64 on the CPU. */
    public static Arbitrary<Tensor> projections(int b, int d) {
        return projections(b, d, Kind.values());
    }

    /** Projections {@code [b, d]} of the given kinds, float64 on the CPU. */
    public static Arbitrary<Tensor> projections(int b, int d, Kind... kinds) {
        if (b < 0 || d < 0) {
            throw new IllegalArgumentException("Projections.projections: negative size in [" + b + ", " + d + "]");
        }
        if (kinds.length == 0) {
            throw new IllegalArgumentException("Projections.projections: no kind to draw from");
        }
        return Arbitraries.of(kinds).flatMap(kind -> Arbitraries.longs().greaterOrEqual(0)
                .map(seed -> draw(kind, Device.CPU, DType.FLOAT64, b, d, seed)));
    }

    /** One draw of {@code kind}, {@code [b, d]}, from {@code seed}. */
    public static Tensor draw(Kind kind, Device device, DType dtype, int b, int d, long seed) {
        RandomStream rng = new RandomStream(seed);
        return switch (kind) {
            case RADEMACHER -> rng.rademacher(device, dtype, b, d);
            case GAUSSIAN -> rng.normal(device, dtype, b, d);
            case SPHERE -> {
                Tensor g = rng.normal(device, dtype, b, d);
                Tensor norm = g.square().sum(new int[] {1}, true).sqrt();
                yield g.div(norm).mul(Math.sqrt(d));
            }
        };
    }
}
