package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import joule.tensor.BinaryOp;
import joule.tensor.DType;
import joule.tensor.Tensor;
import joule.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

/** A record written by a kernel becomes the CPU backend's message, with a note that it was found on the GPU. */
class DomainErrorsTest {
    private static final String FOUND = " (found on the GPU, reported at the next read to the host)";
    private final DomainErrors errors = new DomainErrors();

    private static byte[] record(int descriptor, int index, double a, double b) {
        ByteBuffer r = ByteBuffer.wrap(DomainErrors.emptyRecord()).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt(12, descriptor).putInt(16, index).putDouble(24, a).putDouble(32, b);
        return r.array();
    }

    @Test
    void anEmptyRecordHoldsNoError() {
        assertNull(errors.toException(DomainErrors.emptyRecord()));
    }

    @Test
    void descriptorsAreNumberedOncePerOpAndShape() {
        int log = errors.descriptor(UnaryOp.LOG, new int[] {2, 3});
        assertEquals(log, errors.descriptor(UnaryOp.LOG, new int[] {2, 3}));
        int other = errors.descriptor(UnaryOp.LOG, new int[] {3, 2});
        int div = errors.descriptor(BinaryOp.DIV, new int[] {2, 3});
        assertEquals(3, java.util.Set.of(log, other, div).size());
    }

    @Test
    void unaryMessageIsTheCpus() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, -2, 6}, 2, 3);
        String cpu = assertThrows(IllegalArgumentException.class, x::log).getMessage();
        int d = errors.descriptor(UnaryOp.LOG, new int[] {2, 3});
        assertEquals(cpu + FOUND, errors.toException(record(d, 4, -2.0, 0)).getMessage());
    }

    @Test
    void divisionMessageIsTheCpus() {
        Tensor a = Tensor.of(DType.FLOAT32, new double[] {1, 0, 3}, 3);
        Tensor b = Tensor.of(DType.FLOAT32, new double[] {1, 0, 1}, 3);
        String cpu = assertThrows(IllegalArgumentException.class, () -> a.div(b)).getMessage();
        int d = errors.descriptor(BinaryOp.DIV, new int[] {3});
        assertEquals(cpu + FOUND, errors.toException(record(d, 1, 0.0, 0.0)).getMessage());
    }

    @Test
    void powerMessageIsTheCpus() {
        Tensor a = Tensor.of(new double[] {-8}, 1, 1);
        String cpu = assertThrows(IllegalArgumentException.class, () -> a.pow(1.0 / 3)).getMessage();
        int d = errors.descriptor(BinaryOp.POW, new int[] {1, 1});
        assertEquals(cpu + FOUND, errors.toException(record(d, 0, -8.0, 1.0 / 3)).getMessage());
    }
}
