package joule.ebm.cli;

/** Checks, before a command allocates, that what an option asks for fits in a tensor and in the Java heap. */
final class HeapBudget {
    private HeapBudget() {
    }

    /**
     * Checks that {@code values} numbers, each taking about {@code bytesPerValue} bytes while in use, fit in one
     * tensor (2^31-1 elements) and in the heap's free memory; otherwise a {@link CliException} that starts with
     * {@code what} ({@code "--n 2000000000"}).
     */
    static void check(String what, long values, int bytesPerValue) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (values > Integer.MAX_VALUE || (double) values * bytesPerValue > free) {
            throw new CliException(what + " is too large: " + values + " values need about "
                    + (long) ((double) values * bytesPerValue / (1 << 20)) + " MiB, the Java heap has " + (free >> 20)
                    + " MiB free");
        }
    }
}
