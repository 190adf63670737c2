package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import joule.tensor.BinaryOp;
import joule.tensor.ReduceOp;
import joule.tensor.UnaryOp;
import joule.tensor.random.Distribution;
import org.junit.jupiter.api.Test;

/**
 * The kernels take an op as its Java enum's ordinal: the CUDA enums must list the same names in the same order, and
 * every op must have its case in the kernels' switch. Adding an op to a Java enum without its kernel fails here.
 */
class OpCodesMatchJavaEnumsTest {
    private static final String OPS = ModuleFiles.read("src/main/cuda/ops.cuh");
    private static final String PHILOX = ModuleFiles.read("src/main/cuda/philox.cuh");

    @Test
    void unaryOps() {
        assertCodes(UnaryOp.values(), OPS, "UnaryCode", "U_");
        assertCases(UnaryOp.values(), OPS, "U_");
    }

    @Test
    void binaryOps() {
        assertCodes(BinaryOp.values(), OPS, "BinaryCode", "B_");
        assertCases(BinaryOp.values(), OPS, "B_");
    }

    @Test
    void reduceOps() {
        assertCodes(ReduceOp.values(), OPS, "ReduceCode", "R_");
        assertCases(ReduceOp.values(), OPS, "R_");
    }

    @Test
    void distributions() {
        assertCodes(Distribution.values(), PHILOX, "DistributionCode", "D_");
    }

    private static void assertCodes(Enum<?>[] javaEnum, String source, String cudaEnum, String prefix) {
        Matcher m = Pattern.compile("enum " + cudaEnum + "\\s*\\{([^}]*)}").matcher(source);
        assertTrue(m.find(), "no enum " + cudaEnum + " in the CUDA sources");
        List<String> cuda = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> java = Arrays.stream(javaEnum).map(e -> prefix + e.name()).toList();
        assertEquals(java, cuda, cudaEnum + " must list " + javaEnum[0].getDeclaringClass().getSimpleName()
                + "'s constants in order");
    }

    private static void assertCases(Enum<?>[] javaEnum, String source, String prefix) {
        for (Enum<?> e : javaEnum) {
            assertTrue(source.contains("case " + prefix + e.name() + ":"), "no case " + prefix + e.name()
                    + " in ops.cuh: the kernels don't compute " + e.name());
        }
    }
}
