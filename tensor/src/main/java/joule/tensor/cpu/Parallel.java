package joule.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The CPU backend's thread pool. Work is cut into tasks by the caller from the problem size alone
 * (never from the thread count), and each task writes its own part of the output, so results are
 * the same for any number of threads.
 *
 * <p>The calling thread works too: it claims task indices from a shared counter alongside up to
 * {@code THREADS − 1} pool workers, and returns once every claimed task has finished. So a call
 * never waits for a worker to wake up before work starts (on these VMs a hand-off costs 20–75 µs),
 * and workers that wake after the work is gone find nothing to do.
 *
 * <p>The pool size is {@code -Djoule.threads=N}, by default the number of available processors.
 */
public final class Parallel {
    /** Number of threads that work on one call, the caller included. */
    public static final int THREADS =
            Math.max(1, Integer.getInteger("joule.threads", Runtime.getRuntime().availableProcessors()));

    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, THREADS - 1), pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("joule-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    private Parallel() {
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, tasks)}, in parallel when there is
     * more than one task and more than one thread; returns when all are done. An exception thrown by
     * a task is rethrown here after the other tasks have finished.
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
        Claims claims = new Claims(tasks, task);
        for (int h = Math.min(THREADS - 1, tasks - 1); h > 0; h--) {
            POOL.execute(claims::work);
        }
        claims.work();
        claims.awaitAll();
    }

    /** Task indices handed out one at a time, and a count of those finished. */
    private static final class Claims {
        private final int tasks;
        private final IntConsumer task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();

        Claims(int tasks, IntConsumer task) {
            this.tasks = tasks;
            this.task = task;
        }

        void work() {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (finished.incrementAndGet() == tasks && Thread.currentThread() != caller) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Waits for tasks that workers still run: a short spin, then parked until the last one finishes. */
        void awaitAll() {
            for (int spins = 0; finished.get() < tasks; spins++) {
                if (spins < 200) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 100_000);
                }
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
        }
    }

    /** Nested calls from inside a worker run inline rather than splitting again. */
    private static boolean insidePool() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == POOL;
    }
}
