package joule.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import joule.tensor.BinaryOp;
import joule.tensor.Shapes;
import joule.tensor.UnaryOp;

/**
 * Domain errors found on the GPU ({@code log} of a negative value, {@code 0/0}, a negative base to a non-integer
 * power...), reported late. The CPU backend throws {@link IllegalArgumentException} as soon as an op produces NaN
 * from non-NaN input; a kernel cannot throw, so each checked launch carries a descriptor (op and output shape,
 * numbered here) and the kernel writes the first offending element and its inputs to a record in device memory
 * (domain_errors.cuh). The backend reads the record whenever it synchronises with the GPU, that is at every read to
 * the host, and throws the CPU's message there, naming the op that failed. Work queued after the failing op has
 * run by then, on its NaNs.
 *
 * <p>The record (40 bytes, little-endian): {@code u64 firstNaN, u32 blocksDone, i32 descriptor, i32 index, i32
 * unused, f64 inputs[2]}.
 */
final class DomainErrors {
    /** Size of the device record in bytes. */
    static final int RECORD_BYTES = 40;

    private static final int DESCRIPTOR_AT = 12;
    private static final int INDEX_AT = 16;
    private static final int INPUTS_AT = 24;

    /** What a checked launch computed: the op (a {@link UnaryOp} or a {@link BinaryOp}) and its output shape. */
    private record Descriptor(Enum<?> op, List<Integer> shape) {
    }

    private final List<Descriptor> descriptors = new ArrayList<>();
    private final Map<Descriptor, Integer> numbers = new HashMap<>();

    /** The record with nothing in it, as the device must hold it before the first launch and after a report. */
    static byte[] emptyRecord() {
        ByteBuffer b = ByteBuffer.allocate(RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, -1L);
        b.putInt(DESCRIPTOR_AT, -1);
        return b.array();
    }

    /** The descriptor of a checked launch of {@code op} whose output (and input) has {@code shape}. */
    int descriptor(UnaryOp op, int[] shape) {
        return number(new Descriptor(op, Arrays.stream(shape).boxed().toList()));
    }

    /** The descriptor of a checked launch of {@code op} whose (broadcast) output has {@code shape}. */
    int descriptor(BinaryOp op, int[] shape) {
        return number(new Descriptor(op, Arrays.stream(shape).boxed().toList()));
    }

    private synchronized int number(Descriptor d) {
        return numbers.computeIfAbsent(d, key -> {
            descriptors.add(key);
            return descriptors.size() - 1;
        });
    }

    /**
     * The error a record read from the device holds, worded as the CPU backend words it, or null when it holds none.
     */
    IllegalArgumentException toException(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        int number = b.getInt(DESCRIPTOR_AT);
        if (number < 0) {
            return null;
        }
        Descriptor d;
        synchronized (this) {
            d = descriptors.get(number);
        }
        int[] index = Shapes.unravel(b.getInt(INDEX_AT), d.shape().stream().mapToInt(Integer::intValue).toArray());
        double x = b.getDouble(INPUTS_AT);
        double y = b.getDouble(INPUTS_AT + 8);
        String at = " at index " + Arrays.toString(index);
        String found = " (found on the GPU, reported at the next read to the host)";
        if (d.op() instanceof UnaryOp u) {
            return new IllegalArgumentException(u.opName() + ": input " + x + at + " is outside the domain "
                    + u.domain() + found);
        }
        BinaryOp op = (BinaryOp) d.op();
        boolean pow = op == BinaryOp.POW;
        return new IllegalArgumentException(op.opName() + ": " + x + (pow ? " ^ " : " / ") + y + at + " has no value"
                + (pow ? " (a negative base needs an integer exponent)" : "") + found);
    }
}
