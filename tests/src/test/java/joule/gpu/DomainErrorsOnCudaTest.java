package joule.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import joule.tensor.DType;
import joule.tensor.Device;
import joule.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A value outside an op's domain (log of −1, 0/0, a negative base to a fractional power) is an
 * error on CUDA as on the CPU: the backend may find out later, but at the latest the next read to
 * the host throws an {@link IllegalArgumentException} naming the op; the device works on after it.
 * NaN that came in as NaN is no error.
 */
class DomainErrorsOnCudaTest extends CudaTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void anOpOutsideItsDomainIsReportedByTheNextRead(DType dtype) {
        Tensor x = Tensor.of(dtype, new double[] {4, -1, 9}).to(Device.CUDA);
        Tensor zeros = Tensor.zeros(Device.CUDA, dtype, 3);
        Map<String, Supplier<Tensor>> outside = Map.of("log", x::log, "sqrt", x::sqrt, "rsqrt", x::rsqrt,
                "log1p", () -> x.sub(1).log1p(), "div", () -> zeros.div(zeros), "pow", () -> x.pow(0.5));
        outside.forEach((op, call) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.get().toDoubleArray(),
                    label(op + " outside its domain"));
            assertTrue(e.getMessage().contains(op), label(op + ": the message should name it: " + e.getMessage()));
            assertArrayEquals(new double[] {16, 1, 81}, x.square().toDoubleArray(), label("the device after " + op));
        });
    }

    @Test
    void anErrorInAnIntermediateIsReportedWhenTheResultIsRead() {
        Tensor x = Tensor.of(new float[] {2, -3, 5}).to(Device.CUDA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> x.log().mul(2).exp().sum().item());
        assertTrue(e.getMessage().contains("log"), label(e.getMessage()));
    }

    @Test
    void nanThatCameInIsNoError() {
        Tensor x = Tensor.of(new float[] {Float.NaN, 1}).to(Device.CUDA);
        assertArrayEquals(new double[] {Double.NaN, 0}, x.log().toDoubleArray(), label("log of NaN and 1"));
    }
}
