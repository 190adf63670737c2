package joule.ebm.apply;

import java.util.function.UnaryOperator;
import joule.tensor.Shapes;
import joule.tensor.Tensor;

/** Row-chunked evaluation of a batch, so that large inputs go through a network a few hundred rows at a time. */
final class Rows {
    /** Rows per chunk. */
    static final int CHUNK = 256;

    private Rows() {
    }

    /** {@code f} applied to consecutive chunks of {@code x}'s rows, concatenated along axis 0. */
    static Tensor map(Tensor x, UnaryOperator<Tensor> f) {
        int n = x.size(0);
        if (n <= CHUNK) {
            return f.apply(x);
        }
        Tensor[] parts = new Tensor[(n + CHUNK - 1) / CHUNK];
        for (int k = 0; k < parts.length; k++) {
            int start = k * CHUNK;
            parts[k] = f.apply(x.narrow(0, start, Math.min(CHUNK, n - start)));
        }
        return Tensor.cat(0, parts);
    }

    /** Rejects {@code x} that is not a non-empty batch {@code [B, …]}. */
    static void checkBatch(String who, Tensor x) {
        if (x == null || x.rank() < 2 || x.size(0) < 1) {
            throw new IllegalArgumentException(who + ": x must be a non-empty batch [B, …], got "
                    + (x == null ? "null" : Shapes.format(x.shape())));
        }
    }

    /** Rejects a noise level that is not finite and positive. */
    static double positive(String who, String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(who + ": " + name + " must be finite and > 0, got " + value);
        }
        return value;
    }
}
