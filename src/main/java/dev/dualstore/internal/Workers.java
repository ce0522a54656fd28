package dev.dualstore.internal;

import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that run secondary work, in one of three kinds:
 * <ul>
 *   <li><b>shared</b> (the default): one dispatcher for every backend of the JVM. On JDK 21 and
 *       later each task runs on its own virtual thread, so a slow secondary costs no platform
 *       thread and capacity follows the secondary's concurrency; on JDK 17 a pool of daemon
 *       threads named {@code dualstore-<n>} (twice the processors, at least 4), started as work
 *       first needs them. Never shut down; a closed backend's tasks there reject themselves.</li>
 *   <li><b>own pool</b> ({@code threads(n)}): daemon threads named {@code dualstore-<backend>-<n>},
 *       stopped by {@code close()}.</li>
 *   <li><b>injected</b> ({@code executor(e)}): the user's.</li>
 * </ul>
 * In a platform pool the mailbox runs first, then lanes (which carry every shadow write), then
 * unordered reads, each in submission order, so a slow secondary flooded with reads cannot starve
 * writes.
 *
 * <p>{@link #onWorker()} tells whether the current thread is running dualstore's work, so that
 * an operation that waits for that work (promote, stage, close, repair) fails fast instead of
 * waiting for itself. Threadsafe.
 */
final class Workers {
    /** The most threads an own pool may have. */
    static final int MAX_THREADS = 256;
    private static final ThreadLocal<Boolean> WORKING = new ThreadLocal<>();
    private static final String VIRTUAL_PREFIX = "dualstore-virtual-";
    private static final Comparator<Runnable> ORDER = Comparator.comparingInt(Workers::rank)
            .thenComparingLong(Workers::submission);
    private static final Object SHARED_LOCK = new Object();
    private static Workers shared;

    private final Executor executor;
    /** Dualstore's own pool, shut down on close; null when shared or injected. */
    private final ThreadPoolExecutor ownPool;
    private final boolean ordered;
    private final AtomicLong submissions = new AtomicLong();
    /**
     * Mailbox and lane runs submitted to a platform pool of dualstore's and not yet started, so
     * that a drainer asks whether to yield with one read instead of peeking at the pool's locked
     * queue after every call.
     */
    private final AtomicInteger urgentWaiting;

    private Workers(Executor executor, ThreadPoolExecutor ownPool, boolean ordered, AtomicInteger urgentWaiting) {
        this.executor = executor;
        this.ownPool = ownPool;
        this.ordered = ordered;
        this.urgentWaiting = urgentWaiting;
    }

    /** @return the dispatcher every backend shares unless it has its own pool or executor */
    static Workers shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null) {
                Executor virtualThreads = virtualThreadPerTask();
                if (virtualThreads != null) {
                    shared = new Workers(virtualThreads, null, false, new AtomicInteger());
                } else {
                    AtomicInteger urgent = new AtomicInteger();
                    shared = new Workers(pool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                            Threads.numbered("dualstore"), urgent), null, true, urgent);
                }
            }
            return shared;
        }
    }

    static Workers ownPool(String backend, int threads) {
        AtomicInteger urgent = new AtomicInteger();
        ThreadPoolExecutor pool = pool(threads, Threads.numbered("dualstore-" + backend), urgent);
        return new Workers(pool, pool, true, urgent);
    }

    static Workers injected(Executor executor) {
        return new Workers(executor, null, false, new AtomicInteger());
    }

    private static ThreadPoolExecutor pool(int threads, ThreadFactory factory, AtomicInteger urgentWaiting) {
        // Bounded by the permits: at most one task per lane, plus the unordered reads that won one.
        return new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(64, ORDER),
                factory, new ThreadPoolExecutor.AbortPolicy()) {
            @Override
            protected void beforeExecute(Thread t, Runnable task) {
                if (urgent(task)) {
                    urgentWaiting.decrementAndGet();
                }
            }
        };
    }

    /** JDK 21+: an executor that starts a virtual thread per task; null on JDK 17. */
    private static Executor virtualThreadPerTask() {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Object builder = ofVirtualType.getMethod("name", String.class, long.class)
                    .invoke(ofVirtual.invoke(null), VIRTUAL_PREFIX, 1L);
            ThreadFactory factory = (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
            return (Executor) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class).invoke(null, factory);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * @return whether a platform pool of dualstore's has a mailbox or lane run waiting, which an
     *         unordered drainer should let go first
     */
    boolean writesWaiting() {
        return ordered && urgentWaiting.get() > 0;
    }

    /** @throws RejectedExecutionException if the executor refuses the task */
    void execute(Runnable task) {
        if (!ordered || !urgent(task)) {
            executor.execute(task);
            return;
        }
        urgentWaiting.incrementAndGet(); // before it can start, so that beforeExecute never runs first
        try {
            executor.execute(task);
        } catch (RuntimeException | Error e) {
            urgentWaiting.decrementAndGet();
            throw e;
        }
    }

    /** Orders tasks in a platform pool of dualstore's; other executors keep their own order, so skip the atomic. */
    long nextSubmission() {
        return ordered ? submissions.incrementAndGet() : 0L;
    }

    /** Stops a backend's own threads; returns the tasks that never started (none when shared or injected). */
    List<Runnable> shutdownNow() {
        return ownPool != null ? ownPool.shutdownNow() : List.of();
    }

    /** Waits for a backend's own threads to end, at most until {@code deadline} (a {@link System#nanoTime()}). */
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
        return ours(Thread.currentThread()) || WORKING.get() != null;
    }

    /**
     * Marks the current thread as running dualstore's work; returns false if it already was, or
     * is one of dualstore's own threads (known by its type or name, so they pay no thread-local).
     */
    static boolean enter() {
        if (ours(Thread.currentThread()) || WORKING.get() != null) {
            return false;
        }
        WORKING.set(Boolean.TRUE);
        return true;
    }

    private static boolean ours(Thread thread) {
        return thread instanceof Threads.Worker || thread.getName().startsWith(VIRTUAL_PREFIX);
    }

    static void exit(boolean entered) {
        if (entered) {
            WORKING.remove();
        }
    }

    private static boolean urgent(Runnable task) {
        return rank(task) < 2;
    }

    private static int rank(Runnable task) {
        return task instanceof Mailbox ? 0 : task instanceof Lane ? 1 : 2;
    }

    private static long submission(Runnable task) {
        if (task instanceof Lane lane) {
            return lane.submission;
        }
        return task instanceof UnorderedQueue.Drainer drainer ? drainer.submission : 0L;
    }
}
