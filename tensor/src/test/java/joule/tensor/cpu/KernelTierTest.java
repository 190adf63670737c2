package joule.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kernel results don't depend on the JIT tier that runs them: {@link KernelTierProbe}'s digests
 * from this JVM, from a JVM that only interprets ({@code -Xint}: the Vector API's Java code, lane
 * by lane), from one that stops at C1 (the same Java code, compiled) and from one with C2 alone
 * must agree. The C2 JVM runs {@value #C2_ROUNDS} rounds with low compile thresholds and
 * {@code -Xbatch}, so the first rounds run in the interpreter and the later ones in C2 code (its
 * intrinsics), every round must equal the first, and its {@code -XX:+PrintCompilation} output
 * must show the kernels compiled before the last round.
 */
class KernelTierTest {
    private static final int C2_ROUNDS = 30;
    /** Methods with the kernels' vector loops, which C2 must have compiled. */
    private static final List<String> COMPILED = List.of("VectorMath::expOrExpm1", "VectorMath::logOrLog1p",
            "VectorMath::sinOfQuarters", "VectorMath::tanh", "VectorKernels::unary", "VectorKernels::binary",
            "VectorKernels::reduce", "VectorKernels::accumulate", "GemmF32::dot", "GemmF64::dot");

    @Test
    void kernelsGiveTheSameBitsInTheInterpreterInC1AndInC2() throws Exception {
        Map<String, String> here = KernelTierProbe.results();
        check(here, "-Xint", ForkedJvm.digests(fork(List.of("-Xint"), 1)));
        check(here, "C1", ForkedJvm.digests(fork(List.of("-XX:TieredStopAtLevel=1"), 1)));
        String c2 = fork(List.of("-XX:-TieredCompilation", "-Xbatch", "-XX:CompileThresholdScaling=0.1",
                "-XX:+PrintCompilation"), C2_ROUNDS);
        String beforeLast = c2.substring(0, c2.indexOf(KernelTierProbe.LAST_ROUND));
        for (String method : COMPILED) {
            assertTrue(beforeLast.contains("joule.tensor.cpu." + method + " "),
                    () -> method + " was not compiled by C2 before the probe's last round:\n" + c2);
        }
        check(here, "C2", ForkedJvm.digests(c2.substring(c2.indexOf(KernelTierProbe.LAST_ROUND))));
    }

    private static void check(Map<String, String> here, String tier, Map<String, String> there) {
        assertEquals(here.keySet(), there.keySet(), tier);
        for (String name : here.keySet()) {
            assertEquals(here.get(name), there.get(name), name + ": this JVM vs " + tier);
        }
    }

    private static String fork(List<String> options, int rounds) throws IOException, InterruptedException {
        return ForkedJvm.run(KernelTierProbe.class, options, List.of(String.valueOf(rounds)), 120);
    }
}
