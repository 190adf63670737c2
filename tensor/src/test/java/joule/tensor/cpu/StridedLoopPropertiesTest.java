package joule.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import joule.tensor.Shapes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The strided loop hands every element of the shape to exactly one kernel call, at the storage
 * offset its strides give, for any shape (0- and 1-sized axes, rows longer than a block) and any
 * operand strides (broadcast 0, permuted, gapped). Its cut into segments depends on the shape and
 * strides only: the same segments on every run, whichever threads run them (this machine's pool
 * has {@link Parallel#THREADS} workers; {@link DeterminismTest} compares whole results across
 * thread counts). So each output element is written once, by a kernel call that sees the same
 * inputs on any thread count, and elementwise results cannot depend on it.
 */
class StridedLoopPropertiesTest {
    @Provide
    Arbitrary<int[]> shapes() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(1)),
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(2, 40)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(127, 128, 129, 1000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(16383, 16384, 16385, 40000)));
        return size.list().ofMaxSize(4).map(list -> {
            int[] shape = list.stream().mapToInt(Integer::intValue).toArray();
            while (count(shape) > 200_000) {
                int big = 0;
                for (int i = 1; i < shape.length; i++) {
                    big = shape[i] > shape[big] ? i : big;
                }
                shape[big] /= 3;
            }
            return shape;
        });
    }

    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Property(tries = 300)
    void segmentsCoverEveryElementOnceAtItsOffset(@ForAll("shapes") int[] shape, @ForAll @IntRange(min = 1, max = 3) int inputs,
                                                  @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int rank = shape.length;
        int ops = inputs + 1;
        int[][] strides = new int[ops][];
        int[] offsets = new int[ops];
        strides[0] = Shapes.contiguousStrides(shape); // operand 0: a contiguous output, offset 0
        for (int k = 1; k < ops; k++) {
            int style = random.nextInt(4);
            int[] st = switch (style) {
                case 0 -> Shapes.contiguousStrides(shape);
                case 1 -> { // permuted contiguous strides
                    int[] order = new int[rank];
                    List<Integer> axes = new ArrayList<>();
                    for (int i = 0; i < rank; i++) {
                        axes.add(i);
                    }
                    java.util.Collections.shuffle(axes, new java.util.Random(random.nextLong()));
                    for (int i = 0; i < rank; i++) {
                        order[i] = axes.get(i);
                    }
                    int[] permutedShape = new int[rank];
                    for (int i = 0; i < rank; i++) {
                        permutedShape[i] = shape[order[i]];
                    }
                    int[] ps = Shapes.contiguousStrides(permutedShape);
                    int[] s = new int[rank];
                    for (int i = 0; i < rank; i++) {
                        s[order[i]] = ps[i];
                    }
                    yield s;
                }
                case 2 -> { // gaps: each stride a multiple of the contiguous one
                    int[] s = Shapes.contiguousStrides(shape);
                    for (int i = 0; i < rank; i++) {
                        s[i] *= 1 + random.nextInt(2);
                    }
                    yield s;
                }
                default -> { // broadcast: some axes stride 0, any stride on size-1 axes
                    int[] s = Shapes.contiguousStrides(shape);
                    for (int i = 0; i < rank; i++) {
                        if (random.nextInt(3) == 0 || shape[i] == 1) {
                            s[i] = shape[i] == 1 ? random.nextInt(7) : 0;
                        }
                    }
                    yield s;
                }
            };
            strides[k] = st;
            offsets[k] = random.nextInt(5);
        }
        List<int[]> first = segments(shape, offsets, strides);
        List<int[]> again = segments(shape, offsets, strides);
        assertEquals(first.size(), again.size());
        for (int i = 0; i < first.size(); i++) {
            assertTrue(Arrays.equals(first.get(i), again.get(i)), "segments differ between runs");
        }

        StridedLoop loop = new StridedLoop(shape, offsets, strides);
        int n = (int) count(shape);
        byte[] seen = new byte[n];
        for (int[] seg : first) {
            int len = seg[ops];
            assertTrue(len >= 1 && len <= StridedLoop.BLOCK, () -> "segment of " + len + " elements");
            for (int j = 0; j < len; j++) {
                int flat = seg[0] + j * loop.innerStride(0);
                assertTrue(flat >= 0 && flat < n, "output offset out of range");
                seen[flat]++;
                int[] index = Shapes.unravel(flat, shape);
                for (int k = 1; k < ops; k++) {
                    int expected = offsets[k];
                    for (int a = 0; a < rank; a++) {
                        expected += index[a] * strides[k][a];
                    }
                    int at = seg[k] + j * loop.innerStride(k);
                    int op = k;
                    assertEquals(expected, at, () -> "operand " + op + " at " + Arrays.toString(index) + " of "
                            + Arrays.toString(shape) + " strides " + Arrays.toString(strides[op]));
                }
            }
        }
        for (int i = 0; i < n; i++) {
            int at = i;
            assertEquals(1, seen[i], () -> "element " + at + " of " + Arrays.toString(shape) + " visited " + seen[at] + " times");
        }
    }

    /** The segments a loop hands out, each {@code offsets..., n}, sorted by output offset. */
    static List<int[]> segments(int[] shape, int[] offsets, int[][] strides) {
        ConcurrentLinkedQueue<int[]> out = new ConcurrentLinkedQueue<>();
        new StridedLoop(shape, offsets, strides).forEach((off, n) -> {
            int[] seg = Arrays.copyOf(off, off.length + 1);
            seg[off.length] = n;
            out.add(seg);
        });
        List<int[]> list = new ArrayList<>(out);
        list.sort(Comparator.comparingInt(s -> s[0]));
        return list;
    }
}
