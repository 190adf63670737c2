package joule.tensor.cpu;

/**
 * Per-thread work buffers of the convolution kernels, one per purpose, grown to the largest size asked for and
 * kept: a steady-state step allocates no scratch, and so touches no fresh pages (each page fault costs more than
 * many thousand multiply-adds). Contents are left over from earlier calls; callers write before they read.
 */
enum Scratch {
    /** The unfolded input (or its gradient) of one block of columns. */
    COLUMNS,
    /** A product before it is moved into place or added to others. */
    PRODUCT,
    /** The output gradient of one block of columns, gathered from several images. */
    GRADIENT,
    /** The weights, transposed (calling thread). */
    WEIGHTS,
    /** One partial weight gradient per task (calling thread). */
    PARTIALS;

    private final ThreadLocal<float[]> floats = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> doubles = ThreadLocal.withInitial(() -> new double[0]);

    /** This thread's float buffer of this purpose, at least {@code length} long. */
    float[] floats(int length) {
        float[] a = floats.get();
        if (a.length < length) {
            a = new float[length];
            floats.set(a);
        }
        return a;
    }

    /** This thread's double buffer of this purpose, at least {@code length} long. */
    double[] doubles(int length) {
        double[] a = doubles.get();
        if (a.length < length) {
            a = new double[length];
            doubles.set(a);
        }
        return a;
    }
}
