package joule.testing;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Shapes;
import joule.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators (jqwik arbitraries) of test tensors: shapes that hit the kernels' edge cases (0- and
 * 1-sized axes, lengths at and around the vector widths 4, 8, 16 and their multiples), broadcast-compatible
 * shape tuples, both dtypes, any device, and several memory layouts ({@link Layout}) of the <em>same</em>
 * values, so that a property can compare a result against arithmetic on the plain row-major values.
 *
 * <p>Two ways to get values. {@link #tensors} and {@link #batches} draw them through jqwik from a
 * {@link Domain}, so shape, layout and values all shrink: for derivative checks on small tensors. The kernel
 * properties' {@link #specs} and {@link #broadcastSpecs} generate only the structure (dtype, shape, layout,
 * operand shapes), which shrinks, and {@link #build(Spec, Domain)} draws the values from the spec's seed, which
 * stays fast for thousands of elements; a failing case is reproduced by its seed.
 *
 * <p>Impossible requests (negative sizes or ranks, empty ranges) throw {@link IllegalArgumentException} when
 * the arbitrary is made, before the property runs.
 */
public final class TensorSamples {
    /** At most this many elements per generated tensor, so that hundreds of tries stay fast. */
    public static final int MAX_NUMEL = 4096;

    private TensorSamples() {
    }

    /** How the values are laid out in memory. */
    public enum Layout {
        /** {@link Tensor#of}: row-major, offset 0. */
        CONTIGUOUS,
        /** Row-major at a non-zero offset inside a larger buffer (vector loads off alignment). */
        OFFSET,
        /** Stored permuted and permuted back: the same values with permuted strides. */
        PERMUTED,
        /**
         * Every axis sliced (step 1 to 3, start 0 to 2) out of a larger tensor filled with NaN:
         * gaps between elements, an offset, odd strides on size-1 axes; a kernel that reads
         * outside the view picks up a NaN.
         */
        STRIDED,
        /** Values constant along some axes, stored once and {@link Tensor#expand}ed: stride 0, new leading axes. */
        EXPANDED
    }

    /** Which tensor to build: the values are drawn from {@code seed}. */
    public record Spec(DType dtype, Device device, int[] shape, Layout layout, long seed) {
        /** Checks the shape. */
        public Spec {
            checkShape("TensorSamples.Spec", shape);
        }

        /** A CPU tensor. */
        public Spec(DType dtype, int[] shape, Layout layout, long seed) {
            this(dtype, Device.CPU, shape, layout, seed);
        }

        @Override
        public String toString() {
            return dtype + (device == Device.CPU ? "" : " " + device) + " " + Arrays.toString(shape) + " " + layout
                    + " seed=" + seed;
        }
    }

    /** A tensor and the row-major values it holds (already rounded to its dtype). */
    public record Sample(Spec spec, Tensor tensor, double[] values) {
        public int[] shape() {
            return spec.shape();
        }

        public DType dtype() {
            return spec.dtype();
        }

        @Override
        public String toString() {
            String v = values.length <= 24 ? Arrays.toString(values) : values.length + " values";
            return spec + " strides=" + Arrays.toString(tensor.strides()) + " offset=" + tensor.offset() + " " + v;
        }
    }

    /** Operands of a broadcast op: each operand's shape broadcasts to {@code out}. */
    public record BroadcastSpec(DType dtype, int[] out, int[][] shapes, Layout[] layouts, long seed) {
        public Spec operand(int k) {
            return new Spec(dtype, shapes[k], layouts[k], seed + 0x9E3779B97F4A7C15L * (k + 1));
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(dtype + " out=" + Arrays.toString(out));
            for (int k = 0; k < shapes.length; k++) {
                sb.append(" op").append(k).append('=').append(Arrays.toString(shapes[k])).append(' ').append(layouts[k]);
            }
            return sb.append(" seed=").append(seed).toString();
        }
    }

    // ------------------------------------------------------------------ arbitraries

    /**
     * Axis sizes: 0 and 1 often, small sizes, the vector widths (4, 8, 16 lanes and two vectors of
     * 16) and their neighbours, and now and then anything up to {@code max}.
     */
    public static Arbitrary<Integer> sizes(int max) {
        checkRange("TensorSamples.sizes", "size", 2, max);
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0)),
                Tuple.of(5, Arbitraries.just(1)),
                Tuple.of(5, Arbitraries.integers().between(2, 6)),
                Tuple.of(8, Arbitraries.of(3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33)),
                Tuple.of(2, Arbitraries.integers().between(2, max)));
    }

    /** Shapes of rank {@code minRank..maxRank} with at most {@link #MAX_NUMEL} elements. */
    public static Arbitrary<int[]> shapes(int minRank, int maxRank) {
        checkRanks("TensorSamples.shapes", minRank, maxRank);
        return sizes(40).list().ofMinSize(minRank).ofMaxSize(maxRank).map(TensorSamples::capped);
    }

    /** Halves the largest axis until the shape has at most {@link #MAX_NUMEL} elements. */
    public static int[] capped(List<Integer> sizes) {
        int[] shape = sizes.stream().mapToInt(Integer::intValue).toArray();
        while (numel(shape) > MAX_NUMEL) {
            int big = 0;
            for (int i = 1; i < shape.length; i++) {
                big = shape[i] > shape[big] ? i : big;
            }
            shape[big] /= 2;
        }
        return shape;
    }

    public static Arbitrary<Spec> specs() {
        return specs(shapes(0, 4));
    }

    public static Arbitrary<Spec> specs(Arbitrary<int[]> shapes) {
        return Combinators.combine(Arbitraries.of(DType.class), shapes, Arbitraries.of(Layout.class), Arbitraries.longs())
                .as(Spec::new);
    }

    /**
     * {@code operands} shapes that broadcast together: an output shape, and per operand some
     * leading axes dropped and some axes set to 1.
     */
    public static Arbitrary<BroadcastSpec> broadcastSpecs(int operands) {
        return broadcastSpecs(operands, shapes(0, 4));
    }

    /** As {@link #broadcastSpecs(int)}, from output shapes drawn from {@code outShapes}. */
    public static Arbitrary<BroadcastSpec> broadcastSpecs(int operands, Arbitrary<int[]> outShapes) {
        Arbitrary<int[]> drops = Arbitraries.integers().between(0, 4).array(int[].class).ofSize(operands);
        Arbitrary<int[]> ones = Arbitraries.integers().between(0, 15).array(int[].class).ofSize(operands);
        Arbitrary<Layout[]> layouts = Arbitraries.of(Layout.class).array(Layout[].class).ofSize(operands);
        return Combinators.combine(Arbitraries.of(DType.class), outShapes, drops, ones, layouts, Arbitraries.longs())
                .as((dtype, out, drop, one, layout, seed) -> {
                    int[][] shapes = new int[operands][];
                    for (int k = 0; k < operands; k++) {
                        shapes[k] = broadcastSource(out, drop[k], one[k]);
                    }
                    int[] actual = new int[0];
                    for (int[] s : shapes) {
                        actual = Shapes.broadcast("test", actual, s);
                    }
                    return new BroadcastSpec(dtype, actual, shapes, layout, seed);
                });
    }

    /**
     * Small shapes for derivative checks (whose cost grows with the square of the element count): rank
     * {@code minRank..maxRank}, each size in {@code 0..maxSize}, shrinking toward rank {@code minRank} and size 0.
     */
    public static Arbitrary<int[]> smallShapes(int minRank, int maxRank, int maxSize) {
        checkRanks("TensorSamples.smallShapes", minRank, maxRank);
        checkNonNegative("TensorSamples.smallShapes", "maxSize", maxSize);
        return Arbitraries.integers().between(0, maxSize).list().ofMinSize(minRank).ofMaxSize(maxRank)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
    }

    /** {@code operands} shapes that broadcast together (pairs, triples, …), from {@link #broadcastSpecs(int)}. */
    public static Arbitrary<int[][]> broadcastShapes(int operands) {
        if (operands < 1) {
            throw new IllegalArgumentException("TensorSamples.broadcastShapes: needs at least 1 operand, got " + operands);
        }
        return broadcastSpecs(operands).map(BroadcastSpec::shapes);
    }

    /**
     * Tensors of {@code dtype} on {@code device}, of shapes from {@code shapes}, in every {@link Layout}, with
     * values from {@code domain}: shape, layout and values all shrink (the values toward the domain's simplest
     * point), so a failing property reports a small tensor with short numbers. For tensors of up to a few
     * hundred elements; large kernel tests use {@link #specs} and {@link #build(Spec, Domain)}.
     */
    public static Arbitrary<Sample> tensors(DType dtype, Device device, Arbitrary<int[]> shapes, Domain domain) {
        return shapes.flatMap(shape -> Combinators.combine(domain.values().list().ofSize(numel(shape)),
                        Arbitraries.of(Layout.class), Arbitraries.longs().between(0, 1000))
                .as((values, layout, seed) -> build(new Spec(dtype, device, shape, layout, seed),
                        values.stream().mapToDouble(Double::doubleValue).toArray())));
    }

    /**
     * Float64 CPU batches {@code [B, D]} with {@code B} in {@code minB..maxB} and {@code D} in {@code minD..maxD},
     * in every layout, values from {@code domain} (see {@link #tensors}); they shrink toward the smallest batch.
     */
    public static Arbitrary<Sample> batches(int minB, int maxB, int minD, int maxD, Domain domain) {
        checkRange("TensorSamples.batches", "B", minB, maxB);
        checkRange("TensorSamples.batches", "D", minD, maxD);
        Arbitrary<int[]> shapes = Combinators.combine(Arbitraries.integers().between(minB, maxB),
                Arbitraries.integers().between(minD, maxD)).as((b, d) -> new int[] {b, d});
        return tensors(DType.FLOAT64, Device.CPU, shapes, domain);
    }

    /** The values of {@code sample} laid out as {@code layout} (same dtype, device and seed). */
    public static Sample inLayout(Sample sample, Layout layout) {
        Spec s = sample.spec();
        return build(new Spec(s.dtype(), s.device(), s.shape(), layout, s.seed()), sample.values());
    }

    /** Rejects negative sizes in a shape. */
    public static void checkShape(String who, int[] shape) {
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(who + ": negative size " + shape[i] + " at axis " + i + " of "
                        + Arrays.toString(shape));
            }
        }
    }

    private static void checkRanks(String who, int minRank, int maxRank) {
        checkRange(who, "rank", minRank, maxRank);
    }

    private static void checkRange(String who, String what, int min, int max) {
        checkNonNegative(who, "minimum " + what, min);
        if (max < min) {
            throw new IllegalArgumentException(who + ": empty range of " + what + " [" + min + ", " + max + "]");
        }
    }

    private static void checkNonNegative(String who, String what, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(who + ": " + what + " is negative (" + value + ")");
        }
    }

    /**
     * A shape that broadcasts to {@code out}: its first {@code drop} axes dropped (at most all of them), and each
     * remaining axis {@code i} set to 1 where bit {@code i} of {@code onesMask} is set.
     */
    public static int[] broadcastSource(int[] out, int drop, int onesMask) {
        int d = Math.min(drop, out.length);
        int[] s = Arrays.copyOfRange(out, d, out.length);
        for (int i = 0; i < s.length; i++) {
            if ((onesMask >> i & 1) != 0) {
                s[i] = 1;
            }
        }
        return s;
    }

    // ------------------------------------------------------------------ building

    /** Builds the tensor of {@code spec} holding values drawn from {@code values}. */
    public static Sample build(Spec spec, Domain values) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        return build(spec, draw(values, random, numel(spec.shape()), spec.dtype()), random);
    }

    /** Builds a tensor of {@code spec}'s dtype, shape and layout holding exactly {@code values} (rounded to the dtype). */
    public static Sample build(Spec spec, double[] values) {
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = round(spec.dtype(), v[i]);
        }
        return build(spec, v, new SplittableRandom(spec.seed()));
    }

    private static Sample build(Spec spec, double[] values, SplittableRandom random) {
        int[] shape = spec.shape();
        if (spec.layout() != Layout.EXPANDED) {
            return new Sample(spec, lay(spec.dtype(), spec.device(), shape, values, spec.layout(), random), values);
        }
        // Values repeated along the expanded axes: keep the first of each run, store those once.
        int drop = shape.length == 0 || random.nextBoolean() ? 0 : random.nextInt(shape.length + 1);
        int[] base = Arrays.copyOfRange(shape, drop, shape.length);
        for (int i = 0; i < base.length; i++) {
            if (random.nextInt(3) > 0) {
                base[i] = 1;
            }
        }
        double[] baseValues = new double[numel(base)];
        int[] out = new int[shape.length];
        for (int i = 0; i < baseValues.length; i++) {
            int[] index = Shapes.unravel(i, base);
            System.arraycopy(index, 0, out, drop, base.length);
            baseValues[i] = numel(shape) == 0 ? 0 : values[ravel(out, shape)];
        }
        Layout inner = Layout.values()[random.nextInt(Layout.EXPANDED.ordinal())];
        Tensor t = lay(spec.dtype(), spec.device(), base, baseValues, inner, random).expand(shape);
        return new Sample(spec, t, broadcastValues(baseValues, base, shape));
    }

    private static Tensor lay(DType dtype, Device device, int[] shape, double[] values, Layout layout, SplittableRandom random) {
        int n = values.length;
        switch (layout) {
            case CONTIGUOUS -> {
                return of(dtype, values, shape).to(device);
            }
            case OFFSET -> {
                int before = 1 + random.nextInt(19);
                double[] flat = new double[before + n + random.nextInt(3)];
                Arrays.fill(flat, Double.NaN);
                System.arraycopy(values, 0, flat, before, n);
                return Tensor.of(dtype, flat).to(device).narrow(0, before, n).reshape(shape);
            }
            case PERMUTED -> {
                int[] order = permutation(shape.length, random);
                int[] inverse = new int[order.length];
                for (int i = 0; i < order.length; i++) {
                    inverse[order[i]] = i;
                }
                return of(dtype, values, shape).to(device).permute(order).contiguous().permute(inverse);
            }
            case STRIDED -> {
                int rank = shape.length;
                if (rank == 0) {
                    return of(dtype, values, shape).to(device);
                }
                int[] step = new int[rank];
                int[] start = new int[rank];
                int[] big = new int[rank];
                for (int i = 0; i < rank; i++) {
                    step[i] = random.nextInt(5) == 0 ? 3 : 1 + random.nextInt(2);
                    boolean whole = shape[i] == 1 && random.nextBoolean();
                    int pad = whole ? 0 : random.nextInt(3);
                    start[i] = pad == 0 ? 0 : random.nextInt(pad + 1);
                    big[i] = Math.max(0, (shape[i] - 1) * step[i] + 1) + pad;
                }
                double[] flat = new double[numel(big)];
                Arrays.fill(flat, Double.NaN);
                int[] at = new int[rank];
                for (int i = 0; i < n; i++) {
                    int[] index = Shapes.unravel(i, shape);
                    for (int a = 0; a < rank; a++) {
                        at[a] = start[a] + index[a] * step[a];
                    }
                    flat[ravel(at, big)] = values[i];
                }
                Tensor t = Tensor.of(dtype, flat, big).to(device);
                for (int a = 0; a < rank; a++) {
                    t = t.slice(a, start[a], start[a] + Math.max(0, (shape[a] - 1) * step[a] + 1), step[a]);
                }
                return t;
            }
            default -> throw new IllegalArgumentException(layout.toString());
        }
    }

    private static double[] draw(Domain values, SplittableRandom random, int n, DType dtype) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = round(dtype, values.next(random));
        }
        return v;
    }

    /** A contiguous tensor of any rank holding {@code values} ({@link Tensor#of} with no sizes makes a 1-d tensor). */
    public static Tensor of(DType dtype, double[] values, int[] shape) {
        return shape.length == 0 ? Tensor.of(dtype, values).reshape() : Tensor.of(dtype, values, shape);
    }

    // ------------------------------------------------------------------ index arithmetic

    /** {@code x} rounded to the dtype (as stored). */
    public static double round(DType dtype, double x) {
        return dtype == DType.FLOAT32 ? (double) (float) x : x;
    }

    public static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The flat row-major position of {@code index}. */
    public static int ravel(int[] index, int[] shape) {
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            flat = flat * shape[i] + index[i];
        }
        return flat;
    }

    /** For each element of {@code out}, the flat position of the element of {@code shape} broadcast onto it. */
    public static int[] broadcastIndex(int[] shape, int[] out) {
        int n = numel(out);
        int[] map = new int[n];
        int lead = out.length - shape.length;
        int[] index = new int[shape.length];
        for (int i = 0; i < n; i++) {
            int[] o = Shapes.unravel(i, out);
            for (int a = 0; a < shape.length; a++) {
                index[a] = shape[a] == 1 ? 0 : o[lead + a];
            }
            map[i] = ravel(index, shape);
        }
        return map;
    }

    /** The values of a row-major tensor of {@code shape} broadcast to {@code out}. */
    public static double[] broadcastValues(double[] values, int[] shape, int[] out) {
        int[] map = broadcastIndex(shape, out);
        double[] v = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            v[i] = values[map[i]];
        }
        return v;
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). */
    public static int[] permutation(int n, RandomGenerator random) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
