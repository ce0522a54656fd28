package dev.dualstore.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts a deadline on secondary calls. Each thread that runs calls publishes its current deadline
 * in a slot of its own; one daemon watchdog thread scans the slots every tick (a tenth of the
 * timeout, between 1 and 50 ms) and expires what is overdue. Arming and finishing a deadline is a
 * thread-local read and two volatile writes: no timer task is scheduled, cancelled or woken per
 * call. Each call races its deadline, and one compare-and-set settles who won: the call, or the
 * deadline (the timeout is reported once and the calling thread interrupted). Threadsafe.
 */
final class Deadlines {
    private static final long MIN_TICK = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_TICK = TimeUnit.MILLISECONDS.toNanos(50);

    private final long tickNanos;
    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Slot> slotOfThisThread = ThreadLocal.withInitial(this::register);
    private final Thread watchdog;
    private volatile boolean stopped;

    Deadlines(String backend, long timeoutNanos) {
        tickNanos = Math.max(MIN_TICK, Math.min(MAX_TICK, timeoutNanos / 10));
        watchdog = Threads.named("dualstore-" + backend + "-timer").newThread(this::watch);
        watchdog.start();
    }

    /**
     * Arms a deadline for a call about to run on the current thread.
     *
     * @param onTimeout run on the watchdog thread if the deadline wins
     * @return the deadline, or null once stopped (the last calls of a close then run without one)
     */
    Deadline arm(long timeoutNanos, Runnable onTimeout) {
        if (stopped) {
            return null;
        }
        Slot slot = slotOfThisThread.get();
        Deadline deadline = new Deadline(slot, System.nanoTime() + timeoutNanos, onTimeout);
        slot.current = deadline;
        return deadline;
    }

    void shutdown() {
        stopped = true;
        LockSupport.unpark(watchdog);
    }

    private Slot register() {
        Slot slot = new Slot(Thread.currentThread());
        slots.add(slot);
        return slot;
    }

    private void watch() {
        while (!stopped) {
            LockSupport.parkNanos(this, tickNanos);
            long now = System.nanoTime();
            for (Slot slot : slots) {
                Deadline d = slot.current;
                if (d != null && now - d.deadlineNanos >= 0) {
                    d.expire();
                }
                if (!slot.owner.isAlive()) {
                    // Threads of an injected executor may come and go; forget the dead ones.
                    slots.remove(slot);
                }
            }
        }
    }

    /** The deadline currently armed by one thread. */
    private static final class Slot {
        final Thread owner;
        volatile Deadline current;

        Slot(Thread owner) {
            this.owner = owner;
        }
    }

    /** One call's deadline. */
    static final class Deadline {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int EXPIRED = 2;
        private static final int INTERRUPTED = 3;

        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final Slot slot;
        private final long deadlineNanos;
        private final Runnable onTimeout;

        private Deadline(Slot slot, long deadlineNanos, Runnable onTimeout) {
            this.slot = slot;
            this.deadlineNanos = deadlineNanos;
            this.onTimeout = onTimeout;
        }

        /** Watchdog thread: the deadline passed while the call was still running. */
        private void expire() {
            if (state.compareAndSet(RUNNING, EXPIRED)) {
                try {
                    onTimeout.run();
                } finally {
                    slot.owner.interrupt();
                    state.set(INTERRUPTED);
                }
            }
        }

        /**
         * Calling thread, after the call returned: true if it beat the deadline. If it lost, waits
         * for the watchdog's interrupt to land and clears it, so the interrupt can never leak into
         * the next call this thread runs.
         */
        boolean finish() {
            slot.current = null;
            if (state.compareAndSet(RUNNING, FINISHED)) {
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
