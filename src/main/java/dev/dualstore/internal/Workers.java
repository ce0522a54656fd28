package dev.dualstore.internal;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that run a backend's secondary work: the user's executor, or dualstore's own pool
 * of daemon threads named {@code dualstore-<backend>-<n>}, started one by one as work first
 * needs them (a backend with nothing to mirror starts none). In the own pool, the mailbox runs
 * first, then lanes (which carry every shadow write), then unordered reads, each in submission
 * order, so a slow secondary flooded with reads cannot starve writes.
 *
 * <p>{@link #onWorker()} tells whether the current thread is running dualstore's work, so that
 * an operation that waits for that work (promote, stage, close, repair) fails fast instead of
 * waiting for itself. Threadsafe.
 */
final class Workers {
    /** The most threads dualstore's own pool may have. */
    static final int MAX_THREADS = 256;
    private static final ThreadLocal<Boolean> WORKING = new ThreadLocal<>();
    private static final Comparator<Runnable> ORDER = Comparator.comparingInt(Workers::rank)
            .thenComparingLong(Workers::submission);

    private final Executor executor;
    private final ThreadPoolExecutor ownPool;
    private final AtomicLong submissions = new AtomicLong();

    Workers(String backend, Executor injected, int threads) {
        if (injected != null) {
            executor = injected;
            ownPool = null;
        } else {
            // Bounded by the permits: at most one task per lane, plus the unordered reads that won one.
            ownPool = new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
                    new PriorityBlockingQueue<>(64, ORDER), Threads.numbered("dualstore-" + backend),
                    new ThreadPoolExecutor.AbortPolicy());
            executor = ownPool;
        }
    }

    /** @throws RejectedExecutionException if the executor refuses the task */
    void execute(Runnable task) {
        executor.execute(task);
    }

    /** Orders tasks in dualstore's own pool; an injected executor keeps its own order, so skip the atomic. */
    long nextSubmission() {
        return ownPool != null ? submissions.incrementAndGet() : 0L;
    }

    /** Stops dualstore's own threads; returns the tasks that never started (none for an injected executor). */
    List<Runnable> shutdownNow() {
        return ownPool != null ? ownPool.shutdownNow() : List.of();
    }

    /** Waits for dualstore's own threads to end, at most until {@code deadline} (a {@link System#nanoTime()}). */
    void awaitTermination(long deadline) {
        if (ownPool == null) {
            return;
        }
        try {
            ownPool.awaitTermination(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether the current thread is running a task of some backend's workers */
    static boolean onWorker() {
        return WORKING.get() != null;
    }

    /** Marks the current thread as running dualstore's work; returns false if it already was. */
    static boolean enter() {
        if (WORKING.get() != null) {
            return false;
        }
        WORKING.set(Boolean.TRUE);
        return true;
    }

    static void exit(boolean entered) {
        if (entered) {
            WORKING.remove();
        }
    }

    private static int rank(Runnable task) {
        return task instanceof Mailbox ? 0 : task instanceof Lane ? 1 : 2;
    }

    private static long submission(Runnable task) {
        if (task instanceof Lane lane) {
            return lane.submission;
        }
        return task instanceof UnorderedCall call ? call.submission : 0L;
    }
}
