package joule.tensor.cpu;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Storage;
import joule.tensor.Workspace;

/**
 * Host memory: a {@code float[]} for float32 or a {@code double[]} for float64. Made by {@link #allocate} while a
 * {@link Workspace} scope is open on the thread, the buffer comes from the workspace and goes back when the
 * scope closes (unless {@link #keep kept}); the storage is dead then and {@link #floats()}/{@link #doubles()}
 * fail, naming the op that made it.
 */
public final class CpuStorage implements Storage, Workspace.Member {
    private final DType dtype;
    private final int size;
    private float[] floats;
    private double[] doubles;
    private String op;
    private boolean kept;
    private String dead;

    private CpuStorage(float[] floats, double[] doubles) {
        this.floats = floats;
        this.doubles = doubles;
        this.dtype = floats != null ? DType.FLOAT32 : DType.FLOAT64;
        this.size = floats != null ? floats.length : doubles.length;
    }

    /** Wraps a float array (not copied). */
    public static CpuStorage of(float[] data) {
        return new CpuStorage(data, null);
    }

    /** Wraps a double array (not copied). */
    public static CpuStorage of(double[] data) {
        return new CpuStorage(null, data);
    }

    /** A zeroed buffer of {@code n} elements: from the thread's open {@link Workspace} scope if there is one. */
    public static CpuStorage allocate(DType dtype, int n) {
        Workspace.Scope scope = Workspace.active();
        if (scope == null) {
            return dtype == DType.FLOAT32 ? of(new float[n]) : of(new double[n]);
        }
        Object buffer = scope.buffer(dtype, n);
        CpuStorage s = buffer instanceof float[] f ? of(f) : of((double[]) buffer);
        scope.register(s);
        return s;
    }

    /** The float32 buffer; fails for float64 storage, and for storage whose workspace scope has closed. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException(dtype == DType.FLOAT32 ? deadMessage() : "storage holds float64, not float32");
        }
        return floats;
    }

    /** The float64 buffer; fails for float32 storage, and for storage whose workspace scope has closed. */
    public double[] doubles() {
        if (doubles == null) {
            throw new IllegalStateException(dtype == DType.FLOAT64 ? deadMessage() : "storage holds float32, not float64");
        }
        return doubles;
    }

    private String deadMessage() {
        return "a tensor made by " + (op == null ? "a tensor op" : op) + " (" + size + " " + dtype
                + " elements) was used after its buffer was recycled: " + dead
                + "; keep it with Workspace.keep, or make it outside the scope";
    }

    @Override
    public void label(String opName) {
        if (op == null) {
            op = opName;
        }
    }

    @Override
    public void keep() {
        kept = true;
    }

    @Override
    public Object release(String why) {
        if (kept) {
            return null;
        }
        Object buffer = floats != null ? floats : doubles;
        floats = null;
        doubles = null;
        dead = why;
        return buffer;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int size() {
        return size;
    }
}
