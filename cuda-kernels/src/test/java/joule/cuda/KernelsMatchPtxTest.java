package joule.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every {@link Kernel} is an entry point of the committed PTX, and every entry point is a {@link Kernel}. */
class KernelsMatchPtxTest {
    @Test
    void kernelEnumAndPtxEntriesAgree() {
        assertEquals(new TreeSet<>(PtxEntries.all().keySet()),
                new TreeSet<>(Arrays.stream(Kernel.values()).map(Kernel::entry).toList()));
    }
}
