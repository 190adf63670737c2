package joule.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lanes of a vector of the preferred species combined in an order written out here: a
 * butterfly, lane i with lane i ^ L/2, then i ^ L/4, ..., i ^ 1 (L = the lane count), each step
 * one lanewise operation. {@code reduceLanes} leaves its order unspecified, and C2's intrinsic
 * and the uncompiled Java code don't agree on it, so a sum would change its last bits once its
 * kernel got compiled. (Max and min are order-independent, NaN and ±0 included, so they keep
 * {@code reduceLanes}; {@code KernelTierProbe} checks them across tiers on NaN and ±0.)
 *
 * <p>Cost: about 2.5 ns more per combined vector than C2's {@code reduceLanes} (which uses
 * narrower halves); that is a fifth of a row of 64 floats, and nothing on rows of 1024.
 */
final class Lanes {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** The butterfly's partners, widest step first. */
    private static final VectorShuffle<Float>[] PARTNERS_F = partners(F);
    private static final VectorShuffle<Double>[] PARTNERS_D = partners(D);

    private Lanes() {
    }

    /** Sum of the lanes of a vector of the preferred species, in the butterfly's order. */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> p : PARTNERS_F) {
            v = v.add(v.rearrange(p));
        }
        return v.lane(0);
    }

    /** Sum of the lanes of a vector of the preferred species, in the butterfly's order. */
    static double sum(DoubleVector v) {
        for (VectorShuffle<Double> p : PARTNERS_D) {
            v = v.add(v.rearrange(p));
        }
        return v.lane(0);
    }

    @SuppressWarnings("unchecked")
    private static <E> VectorShuffle<E>[] partners(VectorSpecies<E> species) {
        int steps = Integer.numberOfTrailingZeros(species.length());
        VectorShuffle<E>[] out = new VectorShuffle[steps];
        for (int s = 0; s < steps; s++) {
            int width = species.length() >> (s + 1);
            out[s] = VectorShuffle.fromOp(species, i -> i ^ width);
        }
        return out;
    }
}
