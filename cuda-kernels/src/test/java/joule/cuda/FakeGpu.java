package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A GPU that runs nothing: it checks every launch against the kernel's signature in the committed PTX (parameter
 * count, kinds and sizes; threads within .maxntid; grid limits) and records it. Memory holds what was copied in
 * (reads elsewhere give zeros), so data round-trips through uploads and downloads.
 */
final class FakeGpu extends FakeMemory implements Gpu {
    /** One recorded launch. */
    record Launch(Kernel kernel, String op, int gridX, int gridY, int threads, List<Object> args) {
    }

    /** One recorded fill. */
    record Fill(long address, int word, long count) {
    }

    private final TreeMap<Long, byte[]> contents = new TreeMap<>();
    private final List<Launch> launches = new ArrayList<>();
    private final List<Fill> fills = new ArrayList<>();

    FakeGpu() {
        super(1L << 40);
    }

    @Override
    public String name() {
        return "fake GPU";
    }

    @Override
    public int multiprocessors() {
        return 4;
    }

    @Override
    public void launch(Kernel kernel, String op, int gridX, int gridY, int threads, KernelArgs args) {
        PtxEntries.Entry entry = PtxEntries.all().get(kernel.entry());
        assertTrue(entry != null, kernel.entry() + " is not in joule.ptx");
        List<Object> values = args.values();
        assertEquals(entry.params().size(), values.size(), op + ": arguments of " + kernel.entry());
        for (int i = 0; i < values.size(); i++) {
            PtxEntries.Param p = entry.params().get(i);
            String kind = switch (values.get(i)) {
                case Integer v -> "u32";
                case Long v -> "u64";
                case Double v -> "f64";
                case int[] words -> "b8";
                default -> "?";
            };
            assertEquals(p.type(), kind, op + ": kind of argument " + i + " of " + kernel.entry());
            assertEquals(p.bytes(), args.sizes().get(i), op + ": size of argument " + i + " of " + kernel.entry());
        }
        assertTrue(threads >= 1 && threads <= entry.maxThreads(), op + ": " + threads + " threads for "
                + kernel.entry() + " (.maxntid " + entry.maxThreads() + ")");
        assertTrue(gridX >= 1 && gridY >= 1 && gridY <= 65535, op + ": grid " + gridX + "×" + gridY);
        args.launched();
        launches.add(new Launch(kernel, op, gridX, gridY, threads, values));
    }

    @Override
    public void copyToDevice(long dst, Object hostArray, String op) {
        contents.put(dst, HostArrays.toBytes(hostArray));
    }

    @Override
    public void copyToHost(Object hostArray, long src, String op) {
        byte[] bytes = new byte[HostArrays.byteSize(hostArray)];
        Map.Entry<Long, byte[]> e = contents.floorEntry(src);
        if (e != null && src - e.getKey() < e.getValue().length) {
            int from = (int) (src - e.getKey());
            System.arraycopy(e.getValue(), from, bytes, 0, Math.min(bytes.length, e.getValue().length - from));
        }
        HostArrays.fromBytes(bytes, hostArray);
    }

    @Override
    public void fill32(long dst, int word, long count, String op) {
        fills.add(new Fill(dst, word, count));
    }

    @Override
    public void synchronize(String op) {
    }

    /** The launches so far, and forgets them. */
    List<Launch> takeLaunches() {
        List<Launch> taken = List.copyOf(launches);
        launches.clear();
        return taken;
    }

    /** The fills so far. */
    List<Fill> fills() {
        return List.copyOf(fills);
    }

    /** Overwrites device memory at {@code address}, as a kernel would. */
    void write(long address, byte[] bytes) {
        contents.put(address, bytes.clone());
    }
}
