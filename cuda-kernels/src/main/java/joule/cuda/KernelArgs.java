package joule.cuda;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * The parameters of one kernel launch, in the order of the kernel's signature: 32-bit ints, 64-bit integers and
 * addresses, doubles, and structs of 32-bit ints passed by value. Device buffers are passed as addresses; their
 * storages are held until {@link #launched}, so that a block cannot return to the allocator (and to other work)
 * before the launch that uses it is queued.
 */
final class KernelArgs {
    private final List<Object> values = new ArrayList<>();
    private final List<CudaStorage> storages = new ArrayList<>();

    /** A device buffer: the address of the storage's element 0 (element offsets travel in the layouts). */
    KernelArgs buffer(CudaStorage storage) {
        storages.add(storage);
        values.add(storage.address());
        return this;
    }

    KernelArgs i32(int value) {
        values.add(value);
        return this;
    }

    KernelArgs u64(long value) {
        values.add(value);
        return this;
    }

    KernelArgs f64(double value) {
        values.add(value);
        return this;
    }

    /** A struct passed by value whose fields are all 32-bit ints ({@code Layout}, {@code MatmulShape}). */
    KernelArgs struct(int[] words) {
        values.add(words.clone());
        return this;
    }

    /** The values in order: {@code Integer}, {@code Long} (also addresses), {@code Double} or {@code int[]}. */
    List<Object> values() {
        return List.copyOf(values);
    }

    /** The size in bytes of each parameter, in order. */
    List<Integer> sizes() {
        return values.stream().map(v -> v instanceof int[] words ? 4 * words.length : v instanceof Integer ? 4 : 8)
                .toList();
    }

    /** The {@code kernelParams} array of cuLaunchKernel: a pointer to each value. */
    Pointer pointer() {
        Pointer[] pointers = new Pointer[values.size()];
        for (int i = 0; i < pointers.length; i++) {
            pointers[i] = switch (values.get(i)) {
                case Integer v -> Pointer.to(new int[] {v});
                case Long v -> Pointer.to(new long[] {v});
                case Double v -> Pointer.to(new double[] {v});
                case int[] words -> Pointer.to(words);
                default -> throw new IllegalStateException("unreachable: kernel argument " + values.get(i));
            };
        }
        return Pointer.to(pointers);
    }

    /** Called once the launch is queued: until here the storages stayed reachable. */
    void launched() {
        Reference.reachabilityFence(storages);
    }
}
