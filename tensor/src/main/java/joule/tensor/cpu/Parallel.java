package joule.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The CPU backend's thread pool. Work is cut into tasks by the caller from the problem size alone
 * (never from the thread count), and each task writes its own part of the output, so results are
 * the same for any number of threads.
 *
 * <p>The pool size is {@code -Djoule.threads=N}, by default the number of available processors.
 */
public final class Parallel {
    /** Number of worker threads. */
    public static final int THREADS =
            Math.max(1, Integer.getInteger("joule.threads", Runtime.getRuntime().availableProcessors()));

    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("joule-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    private Parallel() {
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, tasks)}, in parallel when there is
     * more than one task and more than one thread; returns when all are done.
     */
    public static void forEach(int tasks, IntConsumer task) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 || THREADS == 1 || insidePool()) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        POOL.invoke(new Range(task, 0, tasks));
    }

    private static final class Range extends RecursiveAction {
        private final transient IntConsumer task;
        private final int lo;
        private final int hi;

        Range(IntConsumer task, int lo, int hi) {
            this.task = task;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                task.accept(lo);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(task, lo, mid), new Range(task, mid, hi));
        }
    }

    /** Nested calls from inside a worker run inline rather than splitting again. */
    private static boolean insidePool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL;
    }
}
