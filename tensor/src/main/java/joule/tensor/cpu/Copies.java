package joule.tensor.cpu;

/** Strided copies between host arrays, converting between float and double where they differ. */
final class Copies {
    /** Most repeats of {@link #repeat}: longer runs of one value are copied as ordinary segments of stride 0. */
    static final int MAX_REPEATS = 16;

    private Copies() {
    }

    /**
     * Writes {@code from[fo + i*fs]} to {@code to[too + i*ts + r]} for {@code r < times}, {@code i < n}: each element
     * repeated {@code times} times; arrays are both float[] or both double[].
     */
    static void repeat(Object from, int fo, int fs, Object to, int too, int ts, int n, int times) {
        if (from instanceof float[] src) {
            float[] dst = (float[]) to;
            for (int i = 0; i < n; i++) {
                float v = src[fo + i * fs];
                for (int r = 0; r < times; r++) {
                    dst[too + i * ts + r] = v;
                }
            }
        } else {
            double[] src = (double[]) from;
            double[] dst = (double[]) to;
            for (int i = 0; i < n; i++) {
                double v = src[fo + i * fs];
                for (int r = 0; r < times; r++) {
                    dst[too + i * ts + r] = v;
                }
            }
        }
    }

    /** Copies {@code n} elements from {@code from[fo + i*fs]} to {@code to[too + i*ts]}; arrays are float[] or double[]. */
    static void copy(Object from, int fo, int fs, Object to, int too, int ts, int n) {
        if (from instanceof float[] src && to instanceof float[] dst) {
            if (fs == 1 && ts == 1) {
                System.arraycopy(src, fo, dst, too, n);
            } else {
                for (int i = 0; i < n; i++) {
                    dst[too + i * ts] = src[fo + i * fs];
                }
            }
        } else if (from instanceof double[] src && to instanceof double[] dst) {
            if (fs == 1 && ts == 1) {
                System.arraycopy(src, fo, dst, too, n);
            } else {
                for (int i = 0; i < n; i++) {
                    dst[too + i * ts] = src[fo + i * fs];
                }
            }
        } else if (from instanceof float[] src) {
            double[] dst = (double[]) to;
            for (int i = 0; i < n; i++) {
                dst[too + i * ts] = src[fo + i * fs];
            }
        } else {
            double[] src = (double[]) from;
            float[] dst = (float[]) to;
            for (int i = 0; i < n; i++) {
                dst[too + i * ts] = (float) src[fo + i * fs];
            }
        }
    }
}
