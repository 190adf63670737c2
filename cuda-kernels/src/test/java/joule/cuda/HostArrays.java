package joule.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The host arrays of {@link Gpu} copies ({@code float[]}, {@code double[]}, {@code byte[]}) as little-endian bytes. */
final class HostArrays {
    private HostArrays() {
    }

    /** The array's bytes, as the device holds them. */
    static byte[] toBytes(Object array) {
        return switch (array) {
            case float[] a -> {
                ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(a);
                yield b.array();
            }
            case double[] a -> {
                ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asDoubleBuffer().put(a);
                yield b.array();
            }
            case byte[] a -> a.clone();
            default -> throw new IllegalArgumentException("host array " + array);
        };
    }

    /** Size of the array in bytes. */
    static int byteSize(Object array) {
        return switch (array) {
            case float[] a -> 4 * a.length;
            case double[] a -> 8 * a.length;
            case byte[] a -> a.length;
            default -> throw new IllegalArgumentException("host array " + array);
        };
    }

    /** Fills the array from bytes as the device holds them. */
    static void fromBytes(byte[] bytes, Object array) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (array) {
            case float[] a -> b.asFloatBuffer().get(a);
            case double[] a -> b.asDoubleBuffer().get(a);
            case byte[] a -> b.get(a);
            default -> throw new IllegalArgumentException("host array " + array);
        }
    }
}
