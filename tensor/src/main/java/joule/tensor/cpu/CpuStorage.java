package joule.tensor.cpu;

import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Storage;

/** Host memory: a {@code float[]} for float32 or a {@code double[]} for float64. */
public final class CpuStorage implements Storage {
    private final float[] floats;
    private final double[] doubles;

    private CpuStorage(float[] floats, double[] doubles) {
        this.floats = floats;
        this.doubles = doubles;
    }

    /** Wraps a float array (not copied). */
    public static CpuStorage of(float[] data) {
        return new CpuStorage(data, null);
    }

    /** Wraps a double array (not copied). */
    public static CpuStorage of(double[] data) {
        return new CpuStorage(null, data);
    }

    /** A zeroed buffer of {@code n} elements. */
    public static CpuStorage allocate(DType dtype, int n) {
        return dtype == DType.FLOAT32 ? of(new float[n]) : of(new double[n]);
    }

    /** The float32 buffer; fails for float64 storage. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("storage holds float64, not float32");
        }
        return floats;
    }

    /** The float64 buffer; fails for float32 storage. */
    public double[] doubles() {
        if (doubles == null) {
            throw new IllegalStateException("storage holds float32, not float64");
        }
        return doubles;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public DType dtype() {
        return floats != null ? DType.FLOAT32 : DType.FLOAT64;
    }

    @Override
    public int size() {
        return floats != null ? floats.length : doubles.length;
    }
}
