package dev.dualstore.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a deadline on secondary calls. Each call races its deadline; one compare-and-set settles
 * who won: the call (the timer is cancelled) or the deadline (the timeout is reported once and
 * the calling thread interrupted). Owns one daemon timer thread. Threadsafe.
 */
final class Deadlines {
    private final ScheduledThreadPoolExecutor timer;

    Deadlines(String backend) {
        timer = new ScheduledThreadPoolExecutor(1, Threads.named("dualstore-" + backend + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Arms a deadline for a call about to run on the current thread.
     *
     * @param onTimeout run on the timer thread if the deadline wins
     * @return the deadline, or null once the backend has closed (the last calls of a drain then
     *         run without one)
     */
    Deadline arm(long timeoutNanos, Runnable onTimeout) {
        Deadline deadline = new Deadline(Thread.currentThread(), onTimeout);
        try {
            deadline.future = timer.schedule(deadline, timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
        return deadline;
    }

    void shutdown() {
        timer.shutdownNow();
    }

    /** One call's deadline. */
    static final class Deadline implements Runnable {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int EXPIRED = 2;
        private static final int INTERRUPTED = 3;

        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final Thread thread;
        private final Runnable onTimeout;
        private volatile ScheduledFuture<?> future;

        private Deadline(Thread thread, Runnable onTimeout) {
            this.thread = thread;
            this.onTimeout = onTimeout;
        }

        /** Timer thread: the deadline passed. */
        @Override
        public void run() {
            if (state.compareAndSet(RUNNING, EXPIRED)) {
                try {
                    onTimeout.run();
                } finally {
                    thread.interrupt();
                    state.set(INTERRUPTED);
                }
            }
        }

        /**
         * Calling thread, after the call returned: true if it beat the deadline. If it lost, waits
         * for the timer's interrupt to land and clears it, so the interrupt can never leak into
         * the next call this thread runs.
         */
        boolean finish() {
            if (state.compareAndSet(RUNNING, FINISHED)) {
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                return true;
            }
            while (state.get() != INTERRUPTED) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
            return false;
        }
    }
}
