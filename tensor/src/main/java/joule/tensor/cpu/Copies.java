package joule.tensor.cpu;

/** Strided copies between host arrays, converting between float and double where they differ. */
final class Copies {
    private Copies() {
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
