package joule.cuda;

/**
 * How a reduction kernel (reduce.cuh) covers {@code outputs} rows of {@code length} elements each: blocks of
 * {@value #THREADS} threads give {@code lanes} threads to each of {@code THREADS / lanes} outputs, and a row is cut
 * into {@code chunks} chunks of {@code chunkLength} elements whose partial results a second pass combines. The plan
 * depends on the shapes and strides only, so the order of the additions, and with it the result, is fixed.
 *
 * @param lanes        threads per output, a power of two from 1 to {@value #THREADS}
 * @param lanesFastest whether the lanes of an output are neighbouring threads (the reduced axis is the one to read
 *                     along), rather than the outputs (the kept axis is)
 * @param chunkLength  elements of a row per chunk
 * @param chunks       chunks per row
 * @param blocks       blocks of the launch: chunks × ⌈outputs / outputs per block⌉
 */
record ReducePlan(int lanes, boolean lanesFastest, int chunkLength, int chunks, int blocks) {
    /** Threads per block (JOULE_THREADS). */
    static final int THREADS = 256;
    /** Most elements of a row that one block combines; longer rows are cut into chunks. */
    static final int CHUNK = 8192;
    /** Outputs per block when neighbouring threads take neighbouring outputs. */
    private static final int OUTPUTS_PER_BLOCK = 32;

    /**
     * The plan for {@code outputs ≥ 1} rows of {@code length ≥ 1} elements, whose innermost kept and reduced axes
     * have the given element strides, with rows cut into chunks of at most {@code chunkLength}.
     */
    static ReducePlan of(int outputs, int length, int keptStride, int reducedStride, int chunkLength) {
        boolean lanesFastest = outputs == 1 || reducedStride <= keptStride;
        int lanes = lanesFastest
                ? Math.min(THREADS, powerOfTwoAtLeast(Math.min(length, chunkLength)))
                : THREADS / Math.min(OUTPUTS_PER_BLOCK, powerOfTwoAtLeast(outputs));
        int perBlock = THREADS / lanes;
        int chunks = (int) (((long) length + chunkLength - 1) / chunkLength);
        // At most outputs blocks with one chunk, and at most 2·outputs·length / chunkLength with more: below 2^31.
        int blocks = chunks * ((outputs + perBlock - 1) / perBlock);
        return new ReducePlan(lanes, lanesFastest, chunkLength, chunks, blocks);
    }

    private static int powerOfTwoAtLeast(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }
}
