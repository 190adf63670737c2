package joule.gpu;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.UnaryOperator;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;

/**
 * Random inputs for the GPU tests: shapes with sizes 0 and 1, layouts that are not contiguous, and
 * values from an op's domain, each input in two places ({@link Operand}).
 */
final class Operands {
    private Operands() {
    }

    /**
     * The same values three times, in the same layout: on CUDA in the tested dtype; on the CPU in
     * that dtype; and on the CPU in float64 (the dtype's values exactly), the reference's input.
     */
    record Operand(Tensor cuda, Tensor host, Tensor reference) {
        int[] shape() {
            return cuda.shape();
        }
    }

    /** How an operand's elements lie in memory. */
    enum Layout {
        /** Row-major without gaps. */
        CONTIGUOUS,
        /** All axes reversed (a permuted view of a contiguous tensor). */
        TRANSPOSED,
        /** Every second element along the last axis, from element 1. */
        STRIDED,
        /** A window two rows into a longer first axis. */
        OFFSET,
        /** Some axes stretched from size 1 (stride 0); for inputs only. */
        BROADCAST;

        /** A layout for an input. */
        static Layout any(SplittableRandom r) {
            return values()[r.nextInt(values().length)];
        }

        /** A layout for an output (no stretched axes). */
        static Layout writable(SplittableRandom r) {
            return values()[r.nextInt(BROADCAST.ordinal())];
        }
    }

    /** A shape of rank up to {@code maxRank} with at most {@code maxNumel} elements; sizes 0 and 1 are common. */
    static int[] shape(SplittableRandom r, int maxRank, int maxNumel) {
        int[] s = new int[r.nextInt(maxRank + 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = size(r);
        }
        while (Shapes.numel(s) > maxNumel) {
            int i = r.nextInt(s.length);
            s[i] = s[i] / 2;
        }
        return s;
    }

    /** An axis size: 0 now and then, 1 often, odd and power-of-two sizes around warp and block sizes. */
    static int size(SplittableRandom r) {
        int[] sizes = {0, 1, 1, 1, 2, 3, 5, 7, 8, 16, 17, 31, 32, 33, 64, 65};
        return sizes[r.nextInt(sizes.length)];
    }

    /** A shape that broadcasts with {@code shape}: leading axes dropped and some sizes set to 1. */
    static int[] partner(SplittableRandom r, int[] shape) {
        int[] s = java.util.Arrays.copyOfRange(shape, r.nextInt(shape.length + 1), shape.length);
        for (int i = 0; i < s.length; i++) {
            if (r.nextInt(3) == 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    /** An operand of {@code shape} in {@code layout} with values from {@code values}. */
    static Operand operand(SplittableRandom r, DType dtype, int[] shape, Layout layout, DoubleSupplier values) {
        int rank = shape.length;
        int[] base = shape.clone();
        UnaryOperator<Tensor> view = UnaryOperator.identity();
        switch (rank == 0 ? Layout.CONTIGUOUS : layout) {
            case CONTIGUOUS -> { }
            case TRANSPOSED -> {
                int[] order = new int[rank];
                for (int i = 0; i < rank; i++) {
                    order[i] = rank - 1 - i;
                    base[i] = shape[rank - 1 - i];
                }
                view = t -> t.permute(order);
            }
            case STRIDED -> {
                int n = shape[rank - 1];
                base[rank - 1] = 2 * n + 1;
                view = t -> t.slice(rank - 1, 1, 2 * n + 1, 2);
            }
            case OFFSET -> {
                int n = shape[0];
                base[0] = n + 3;
                view = t -> t.narrow(0, 2, n);
            }
            case BROADCAST -> {
                for (int i = 0; i < rank; i++) {
                    if (r.nextBoolean()) {
                        base[i] = 1;
                    }
                }
                view = t -> t.expand(shape);
            }
        }
        double[] data = new double[Shapes.numel(base)];
        for (int i = 0; i < data.length; i++) {
            data[i] = values.getAsDouble();
        }
        Tensor host = Tensor.of(dtype, data, base);
        return new Operand(view.apply(host.to(Device.CUDA)), view.apply(host), view.apply(host.to(DType.FLOAT64)));
    }

    /** Values in the domain of {@code op}: positive for sqrt, rsqrt and log, above -1 for log1p, away from 0 for 1/x. */
    static DoubleSupplier domain(UnaryOp op, SplittableRandom r) {
        return switch (op) {
            case SQRT, RSQRT, LOG -> uniform(r, 0.05, 4);
            case LOG1P -> uniform(r, -0.9, 4);
            case RECIPROCAL -> nonZero(r);
            default -> normal(r, 3);
        };
    }

    /** Standard normal values times {@code scale}. */
    static DoubleSupplier normal(SplittableRandom r, double scale) {
        return () -> scale * r.nextGaussian();
    }

    /** Uniform values on {@code [lo, hi)}. */
    static DoubleSupplier uniform(SplittableRandom r, double lo, double hi) {
        return () -> r.nextDouble(lo, hi);
    }

    /** Values from {@code -2 … 2} (integers, so comparisons meet ties), now and then NaN when {@code withNaN}. */
    static DoubleSupplier ties(SplittableRandom r, boolean withNaN) {
        return () -> withNaN && r.nextInt(10) == 0 ? Double.NaN : r.nextInt(5) - 2;
    }

    /** Magnitudes in {@code [0.1, 4)} of either sign: denominators and reciprocals. */
    static DoubleSupplier nonZero(SplittableRandom r) {
        return () -> (r.nextBoolean() ? 1 : -1) * r.nextDouble(0.1, 4);
    }
}
