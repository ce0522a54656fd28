package dev.dualstore.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work posted from threads that must not run user code (the caller's, the deadline thread's) to
 * run on a dualstore worker: listener calls and log lines of outcomes observed there. Posting
 * never blocks; at most {@link #CAPACITY} items wait, and what does not fit is dropped and
 * counted (the meters and repair listings it would have reported were already recorded). Runs
 * one item at a time. Threadsafe.
 */
final class Mailbox implements Runnable {
    static final int CAPACITY = 4_096;
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");

    private final String backend;
    private final Consumer<Runnable> executor;
    private final Runnable progressed;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final LogLimiter refusedLog = new LogLimiter(System::nanoTime, java.util.concurrent.TimeUnit.SECONDS.toNanos(1));

    /**
     * @param executor   runs the mailbox on a worker; may throw {@code RejectedExecutionException}
     * @param progressed told each time an item has run, to wake waiters
     */
    Mailbox(String backend, Consumer<Runnable> executor, Runnable progressed) {
        this.backend = backend;
        this.executor = executor;
        this.progressed = progressed;
    }

    void post(Runnable item) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(item);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    /** @return whether every item posted so far has run (or been dropped) */
    boolean isEmpty() {
        return size.get() == 0;
    }

    @Override
    public void run() {
        boolean entered = Workers.enter();
        try {
            runAll();
        } finally {
            Workers.exit(entered);
        }
    }

    private void runAll() {
        Runnable next;
        while ((next = queue.poll()) != null) {
            try {
                next.run();
            } catch (Throwable t) {
                LOG.error("dualstore backend '{}': reporting an outcome failed", backend, t);
            } finally {
                // Counted down only once it ran, so that drain() waits for the listeners too.
                size.decrementAndGet();
                progressed.run();
            }
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warn("dualstore backend '{}': {} outcome notifications (log lines, listener calls) were dropped because"
                    + " {} were already waiting; their meters and repair listings were recorded", backend, lost, CAPACITY);
        }
        scheduled.set(false);
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            executor.accept(this);
        } catch (RuntimeException e) {
            // No worker will take it (the backend is closing, or the user's executor refused):
            // what waits is dropped and counted; the next post tries again.
            int lost = 0;
            while (queue.poll() != null) {
                size.decrementAndGet();
                dropped.incrementAndGet();
                lost++;
            }
            scheduled.set(false);
            progressed.run();
            // dualstore's own line, rate-limited: the one thing said here, since no worker can say it.
            if (refusedLog.tryAcquire() >= 0) {
                LOG.warn("dualstore backend '{}': the executor refused dualstore's work ({}); {} outcome notifications"
                        + " (log lines, listener calls) dropped; meters and repair listings are exact", backend,
                        e.getClass().getName(), lost);
            }
        }
    }
}
