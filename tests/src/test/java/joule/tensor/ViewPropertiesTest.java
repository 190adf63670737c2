package joule.tensor;

import static joule.testing.Domain.integers;
import static joule.testing.Domain.mix;
import static joule.testing.Domain.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import joule.tensor.cpu.CpuBackend;
import joule.testing.Domain;
import joule.testing.TensorSamples;
import joule.testing.TensorSamples.BroadcastSpec;
import joule.testing.TensorSamples.Layout;
import joule.testing.TensorSamples.Sample;
import joule.testing.TensorSamples.Spec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Views, joins and matmul through {@link Tensor}, against {@link Nd}'s index arithmetic on the
 * row-major values. Chains of random view ops run on random layouts (0- and 1-sized axes
 * included); each step must give the reference's values, keep sharing the storage (views copy
 * nothing), and reshape must be a view exactly when one exists (the elements' storage offsets
 * are an affine function of the new index) and a contiguous copy otherwise.
 *
 * <p>Matmul tolerance: each element is a dot product of length k; in any order of summation,
 * with or without fused multiply-adds, {@code |ĉ − c| ≤ γ_k·Σ_p |a_ip||b_pj|} (Higham §3.1). The
 * reference is the same dot product in double, whose own error is {@code γ_k(u₆₄)·Σ|a||b|}
 * (float32 products are exact in double), so {@code tol = (γ_k(u) + γ_k(u₆₄))·Σ|a||b|}: k = 0
 * gives exact zeros.
 */
class ViewPropertiesTest {
    @Provide
    Arbitrary<Spec> specs() {
        return TensorSamples.specs();
    }

    // ------------------------------------------------------------------ chains of views

    @Property(tries = 300)
    void viewChainsMatchIndexArithmetic(@ForAll("specs") Spec spec, @ForAll @Size(max = 5) List<Long> steps) {
        Sample x = TensorSamples.build(spec, mix(3, uniform(-10, 10), 1, integers(-3, 3)));
        Tensor t = x.tensor();
        Nd r = Nd.of(x);
        StringBuilder trail = new StringBuilder(x.toString());
        for (long seed : steps) {
            SplittableRandom random = new SplittableRandom(seed);
            Tensor before = t;
            Nd expected;
            String name;
            boolean view = true;
            int rank = t.rank();
            int kind = random.nextInt(13);
            if (rank == 0 && kind < 9) {
                kind = 9;
            }
            switch (kind) {
                case 0 -> {
                    int[] order = TensorSamples.permutation(rank, random);
                    for (int i = 0; i < rank; i++) {
                        order[i] -= random.nextBoolean() ? rank : 0;
                    }
                    name = "permute" + Arrays.toString(order);
                    t = t.permute(order);
                    expected = r.permute(order);
                }
                case 1 -> {
                    int a = random.nextInt(2 * rank) - rank;
                    int b = random.nextInt(2 * rank) - rank;
                    name = "transpose(" + a + ", " + b + ")";
                    t = t.transpose(a, b);
                    expected = r.transpose(a, b);
                }
                case 2 -> {
                    if (rank < 2) {
                        name = "unsqueeze(0)";
                        t = t.unsqueeze(0);
                        expected = r.unsqueeze(0);
                    } else {
                        name = "mT()";
                        t = t.mT();
                        expected = r.transpose(-2, -1);
                    }
                }
                case 3 -> {
                    int a = random.nextInt(rank);
                    int n = r.shape()[a];
                    int start = random.nextInt(n + 1);
                    int length = random.nextInt(n - start + 1);
                    int ax = random.nextBoolean() ? a - rank : a;
                    name = "narrow(" + ax + ", " + start + ", " + length + ")";
                    t = t.narrow(ax, start, length);
                    expected = r.narrow(ax, start, length);
                }
                case 4, 5 -> {
                    int a = random.nextInt(rank);
                    int n = r.shape()[a];
                    int start = random.nextInt(2 * n + 5) - n - 2;
                    int end = random.nextInt(2 * n + 5) - n - 2;
                    int step = 1 + random.nextInt(3);
                    name = "slice(" + a + ", " + start + ", " + end + ", " + step + ")";
                    t = t.slice(a, start, end, step);
                    expected = r.slice(a, start, end, step);
                }
                case 6 -> {
                    int a = random.nextInt(rank);
                    int n = r.shape()[a];
                    if (n == 0) {
                        name = "squeeze()";
                        t = t.squeeze();
                        expected = r.squeeze();
                    } else {
                        int index = random.nextInt(2 * n) - n;
                        name = "select(" + a + ", " + index + ")";
                        t = t.select(a, index);
                        expected = r.select(a, index);
                    }
                }
                case 7 -> {
                    int lead = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0;
                    int[] target = new int[lead + rank];
                    for (int i = 0; i < target.length; i++) {
                        int have = i < lead ? 1 : r.shape()[i - lead];
                        target[i] = have == 1 ? random.nextInt(5) : have;
                        if (i >= lead && random.nextInt(3) == 0) {
                            target[i] = -1;
                        }
                    }
                    if (TensorSamples.numel(target) > 20000) {
                        Arrays.fill(target, lead, target.length, -1);
                    }
                    name = "expand" + Arrays.toString(target);
                    t = t.expand(target);
                    expected = r.expand(target);
                }
                case 8 -> {
                    int[] shapeNow = r.shape();
                    int[] ones = java.util.stream.IntStream.range(0, rank).filter(i -> shapeNow[i] == 1).toArray();
                    if (ones.length == 0 || random.nextBoolean()) {
                        name = "squeeze()";
                        t = t.squeeze();
                        expected = r.squeeze();
                    } else {
                        int a = ones[random.nextInt(ones.length)] - (random.nextBoolean() ? rank : 0);
                        name = "squeeze(" + a + ")";
                        t = t.squeeze(a);
                        expected = r.squeeze(a);
                    }
                }
                case 9 -> {
                    int a = random.nextInt(2 * rank + 2) - rank - 1;
                    name = "unsqueeze(" + a + ")";
                    t = t.unsqueeze(a);
                    expected = r.unsqueeze(a);
                }
                case 10, 11 -> {
                    int[] target = kind == 10 && random.nextInt(3) == 0 ? new int[] {-1} : reshapeTarget(r, random);
                    name = "reshape" + Arrays.toString(target);
                    view = viewable(t, r.reshape(target).shape());
                    t = random.nextBoolean() && target.length == 1 && target[0] == -1 ? t.flatten() : t.reshape(target);
                    expected = r.reshape(target);
                    String at = trail + " → " + name;
                    if (view) {
                        assertSame(before.storage(), t.storage(), () -> "a view was possible: " + at);
                    } else {
                        assertNotSame(before.storage(), t.storage(), () -> "no view was possible: " + at);
                        assertTrue(t.isContiguous(), at);
                    }
                }
                default -> {
                    name = "contiguous()";
                    t = t.contiguous();
                    expected = r;
                    view = before.isContiguous();
                    String at = trail + " → " + name;
                    if (view) {
                        assertSame(before, t, at);
                    } else {
                        assertNotSame(before.storage(), t.storage(), at);
                        assertTrue(t.isContiguous(), at);
                    }
                }
            }
            trail.append(" → ").append(name);
            String at = trail + " strides=" + Arrays.toString(t.strides()) + " offset=" + t.offset();
            assertArrayEquals(expected.shape(), t.shape(), at);
            if (view) {
                assertSame(x.tensor().storage(), t.storage(), () -> "views share storage: " + at);
            }
            Rounding.assertBitEqual(expected.values(), t.toDoubleArray(), () -> at);
            if (t.numel() > 0) {
                assertEquals(rowMajorDense(t), t.isContiguous(), () -> "isContiguous of " + at);
            }
            r = expected;
            if (!view) {
                x = new Sample(x.spec(), t, expected.values());
            }
        }
    }

    /** A shape with the same number of elements, sizes drawn from its factors, 1s sprinkled in, maybe one -1. */
    static int[] reshapeTarget(Nd r, SplittableRandom random) {
        int n = r.values().length;
        List<Integer> sizes = new ArrayList<>();
        if (n == 0) {
            for (int i = 0; i < 1 + random.nextInt(3); i++) {
                sizes.add(random.nextInt(4));
            }
            sizes.set(random.nextInt(sizes.size()), 0);
        } else {
            int left = n;
            for (int f = 2; left > 1; ) {
                if (left % f == 0) {
                    int at = random.nextInt(sizes.size() + 1);
                    if (at == sizes.size()) {
                        sizes.add(f);
                    } else {
                        sizes.set(at, sizes.get(at) * f);
                    }
                    left /= f;
                } else {
                    f++;
                }
            }
            while (sizes.size() < 4 && random.nextInt(3) == 0) {
                sizes.add(random.nextInt(sizes.size() + 1), 1);
            }
            if (!sizes.isEmpty() && random.nextBoolean()) {
                sizes.set(random.nextInt(sizes.size()), -1);
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The storage offset of every element, in row-major order. */
    static int[] offsets(Tensor t) {
        int[] shape = t.shape();
        int[] strides = t.strides();
        int[] off = new int[t.numel()];
        for (int i = 0; i < off.length; i++) {
            int[] index = Shapes.unravel(i, shape);
            int o = t.offset();
            for (int a = 0; a < shape.length; a++) {
                o += index[a] * strides[a];
            }
            off[i] = o;
        }
        return off;
    }

    /** Whether some strides for {@code target} reach exactly the storage offsets of t's elements, in order. */
    static boolean viewable(Tensor t, int[] target) {
        int[] off = offsets(t);
        if (off.length == 0) {
            return true;
        }
        int[] cs = new int[target.length];
        for (int a = target.length - 1, s = 1; a >= 0; a--) {
            cs[a] = s;
            s *= target[a];
        }
        int[] st = new int[target.length];
        for (int a = 0; a < target.length; a++) {
            st[a] = target[a] > 1 ? off[cs[a]] - off[0] : 0;
        }
        for (int i = 0; i < off.length; i++) {
            int[] index = Shapes.unravel(i, target);
            long o = off[0];
            for (int a = 0; a < target.length; a++) {
                o += (long) index[a] * st[a];
            }
            if (o != off[i]) {
                return false;
            }
        }
        return true;
    }

    /** Elements at consecutive storage offsets in row-major order. */
    static boolean rowMajorDense(Tensor t) {
        int[] off = offsets(t);
        for (int i = 1; i < off.length; i++) {
            if (off[i] != off[0] + i) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ cat and stack

    @Property(tries = 150)
    void catAndStackMatchIndexArithmetic(@ForAll("specs") Spec spec, @ForAll @IntRange(max = 7) int axisPick,
                                         @ForAll @Size(min = 1, max = 4) List<@IntRange(max = 17) Integer> sizes,
                                         @ForAll boolean negative) {
        int[] shape = spec.shape();
        SplittableRandom random = new SplittableRandom(spec.seed());
        int rank = Math.max(shape.length, 1);
        int[] base = shape.length == 0 ? new int[] {1} : shape;
        int axis = axisPick % rank;
        Tensor[] parts = new Tensor[sizes.size()];
        Nd[] refs = new Nd[sizes.size()];
        Tensor[] same = new Tensor[sizes.size()];
        Nd[] sameRefs = new Nd[sizes.size()];
        for (int p = 0; p < parts.length; p++) {
            int[] s = base.clone();
            s[axis] = sizes.get(p) % 9 == 0 ? 0 : sizes.get(p);
            Layout layout = Layout.values()[random.nextInt(Layout.values().length)];
            Sample part = TensorSamples.build(new Spec(spec.dtype(), TensorSamples.capped(boxed(s)), layout, random.nextLong()),
                    uniform(-5, 5));
            if (!Arrays.equals(part.shape(), s)) {
                return; // capped: the parts no longer line up
            }
            parts[p] = part.tensor();
            refs[p] = Nd.of(part);
            Sample whole = TensorSamples.build(new Spec(spec.dtype(), shape, layout, random.nextLong()), uniform(-5, 5));
            same[p] = whole.tensor();
            sameRefs[p] = Nd.of(whole);
        }
        int ax = negative ? axis - rank : axis;
        Tensor cat = Tensor.cat(ax, parts);
        Nd expected = Nd.cat(ax, refs);
        String what = "cat(" + ax + ") of " + Arrays.toString(parts);
        assertArrayEquals(expected.shape(), cat.shape(), what);
        Rounding.assertBitEqual(expected.values(), cat.toDoubleArray(), () -> what);

        int stackAxis = negative ? axisPick % (shape.length + 1) - shape.length - 1 : axisPick % (shape.length + 1);
        Tensor stack = Tensor.stack(stackAxis, same);
        Nd[] lifted = new Nd[same.length];
        for (int p = 0; p < same.length; p++) {
            lifted[p] = sameRefs[p].unsqueeze(stackAxis);
        }
        Nd stacked = Nd.cat(stackAxis, lifted);
        assertArrayEquals(stacked.shape(), stack.shape(), "stack");
        Rounding.assertBitEqual(stacked.values(), stack.toDoubleArray(), () -> "stack(" + stackAxis + ")");
    }

    private static List<Integer> boxed(int[] s) {
        return Arrays.stream(s).boxed().toList();
    }

    // ------------------------------------------------------------------ matmul

    /** a @ b: batch shapes that broadcast, sizes m, k, n, and flags 1: a is 1-d, 2: b is 1-d, 4: a is mT() of its storage, 8: b is. */
    record MatmulSpec(BroadcastSpec batch, int m, int k, int n, int flags) {
        boolean aVector() {
            return (flags & 1) != 0;
        }

        boolean bVector() {
            return (flags & 2) != 0;
        }

        @Override
        public String toString() {
            return batch + " m=" + m + " k=" + k + " n=" + n + (aVector() ? " a 1-d" : "") + (bVector() ? " b 1-d" : "")
                    + ((flags & 4) != 0 ? " a.mT()" : "") + ((flags & 8) != 0 ? " b.mT()" : "");
        }
    }

    @Provide
    Arbitrary<MatmulSpec> matmuls() {
        Arbitrary<int[]> batch = TensorSamples.sizes(5).list().ofMaxSize(3).map(TensorSamples::capped);
        Arbitrary<Integer> flags = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(0, 4, 8, 12)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 15)));
        return Combinators.combine(TensorSamples.broadcastSpecs(2, batch), TensorSamples.sizes(40), TensorSamples.sizes(40),
                TensorSamples.sizes(40), flags).as((b, m, k, n, f) -> {
                    int count = Math.max(1, TensorSamples.numel(b.out()));
                    int[] mkn = {m, k, n};
                    while ((long) count * Math.max(1, mkn[0]) * Math.max(1, mkn[1]) * Math.max(1, mkn[2]) > 150_000) {
                        int big = mkn[0] >= mkn[1] && mkn[0] >= mkn[2] ? 0 : mkn[1] >= mkn[2] ? 1 : 2;
                        mkn[big] /= 2;
                    }
                    return new MatmulSpec(b, mkn[0], mkn[1], mkn[2], f);
                });
    }

    /**
     * A batched left operand times a 2-d right one, which the backend may fold into one product
     * of (batch·m) × k rows when the batch axes and the row axis form one strided axis: small
     * batch and row sizes, size-1 axes (whose strides are arbitrary) and transposed views often.
     */
    @Provide
    Arbitrary<MatmulSpec> folds() {
        Arbitrary<Integer> small = Arbitraries.of(1, 1, 2, 3);
        Arbitrary<int[]> batch = small.list().ofMinSize(1).ofMaxSize(3).map(TensorSamples::capped);
        Arbitrary<Layout> layout = Arbitraries.of(Layout.CONTIGUOUS, Layout.CONTIGUOUS, Layout.OFFSET, Layout.PERMUTED,
                Layout.STRIDED, Layout.EXPANDED);
        Arbitrary<BroadcastSpec> shapes = Combinators.combine(Arbitraries.of(DType.class), batch,
                layout.array(Layout[].class).ofSize(2), Arbitraries.longs())
                .as((dt, b, layouts, seed) -> new BroadcastSpec(dt, b, new int[][] {b, new int[0]}, layouts, seed));
        return Combinators.combine(shapes, Arbitraries.of(1, 1, 2, 5, 17), TensorSamples.sizes(20), TensorSamples.sizes(20),
                Arbitraries.of(0, 4, 4, 8, 12, 12)).as(MatmulSpec::new);
    }

    @Property(tries = 100)
    void batchedTimes2dMatchesATripleLoop(@ForAll("folds") MatmulSpec spec, @ForAll boolean scalarKernels) {
        matmulMatchesATripleLoop(spec, scalarKernels);
    }

    @Property(tries = 150)
    void matmulMatchesATripleLoop(@ForAll("matmuls") MatmulSpec spec, @ForAll boolean scalarKernels) {
        BroadcastSpec batch = spec.batch();
        DType dt = batch.dtype();
        int m = spec.m();
        int k = spec.k();
        int n = spec.n();
        boolean aT = (spec.flags() & 4) != 0;
        boolean bT = (spec.flags() & 8) != 0;
        int[] aShape = spec.aVector() ? new int[] {k} : concat(batch.shapes()[0], aT ? new int[] {k, m} : new int[] {m, k});
        int[] bShape = spec.bVector() ? new int[] {k} : concat(batch.shapes()[1], bT ? new int[] {n, k} : new int[] {k, n});
        Domain values = mix(3, uniform(-1, 1), 1, integers(-2, 2));
        Spec as = batch.operand(0);
        Spec bs = batch.operand(1);
        Sample sa = TensorSamples.build(new Spec(dt, aShape, as.layout(), as.seed()), values);
        Sample sb = TensorSamples.build(new Spec(dt, bShape, bs.layout(), bs.seed()), values);
        boolean aTransposed = aT && !spec.aVector();
        boolean bTransposed = bT && !spec.bVector();
        Tensor a = aTransposed ? sa.tensor().mT() : sa.tensor();
        Tensor b = bTransposed ? sb.tensor().mT() : sb.tensor();
        Nd ra = aTransposed ? Nd.of(sa).transpose(-2, -1) : Nd.of(sa);
        Nd rb = bTransposed ? Nd.of(sb).transpose(-2, -1) : Nd.of(sb);

        // The reference: 1-d operands lifted to [1, k] and [k, 1], batch axes broadcast, a triple loop in double.
        Nd a2 = spec.aVector() ? ra.unsqueeze(0) : ra;
        Nd b2 = spec.bVector() ? rb.unsqueeze(-1) : rb;
        int[] aBatch = Arrays.copyOf(a2.shape(), a2.rank() - 2);
        int[] bBatch = Arrays.copyOf(b2.shape(), b2.rank() - 2);
        int[] outBatch = Shapes.broadcast("test", aBatch, bBatch);
        int[] ia = TensorSamples.broadcastIndex(aBatch, outBatch);
        int[] ib = TensorSamples.broadcastIndex(bBatch, outBatch);
        int rows = a2.shape()[a2.rank() - 2];
        int cols = b2.shape()[b2.rank() - 1];
        int count = TensorSamples.numel(outBatch);
        double[] expected = new double[count * rows * cols];
        double[] tol = new double[expected.length];
        double g = Rounding.gamma(k, Rounding.u(dt)) + Rounding.gamma(k, Rounding.U64);
        for (int q = 0; q < count; q++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a2.values()[(ia[q] * rows + i) * k + p];
                        double y = b2.values()[(ib[q] * k + p) * cols + j];
                        s += x * y;
                        abs += Math.abs(x * y);
                    }
                    expected[(q * rows + i) * cols + j] = s;
                    tol[(q * rows + i) * cols + j] = g * abs;
                }
            }
        }
        int[] outShape = outBatch;
        if (!spec.aVector()) {
            outShape = concat(outShape, new int[] {rows});
        }
        if (!spec.bVector()) {
            outShape = concat(outShape, new int[] {cols});
        }
        Tensor c = scalarKernels ? CpuBackend.withScalarKernels(() -> a.matmul(b)) : a.matmul(b);
        String what = (scalarKernels ? "scalar " : "vector ") + "matmul of " + spec + ": a=" + sa + " b=" + sb;
        assertEquals(dt, c.dtype(), what);
        assertArrayEquals(outShape, c.shape(), what);
        Rounding.assertWithin(expected, c.toDoubleArray(), tol, () -> what);
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
