package dev.dualstore.internal;

import dev.dualstore.Ticker;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts a deadline on secondary calls, in the time of the backend's {@link Ticker}. Each thread
 * that runs calls publishes its current deadline in a slot of its own; one daemon watchdog thread
 * (started with the first deadline) wakes every tick (a tenth of the timeout, between 1 and 50 ms
 * of real time), reads the ticker and expires what is overdue. Arming and finishing a deadline is
 * a thread-local read and two volatile writes: no timer task is scheduled or cancelled per call.
 *
 * <p>Each call races its deadline, and one compare-and-set settles who won: the call, or the
 * deadline. When the deadline wins, the watchdog hands the timeout to {@code onTimeout}, which
 * counts it and posts the rest elsewhere, then interrupts the calling thread: the watchdog never
 * runs user code, so no callback can stall or kill it. Threadsafe.
 */
final class Deadlines {
    private static final long MIN_TICK = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_TICK = TimeUnit.MILLISECONDS.toNanos(50);

    /** Told of each expired call, on the watchdog thread; must not block or run user code. */
    interface Expiry {
        void expired(Store store, Observation observation);
    }

    private final String threadName;
    private final Ticker ticker;
    private final long timeoutNanos;
    private final long tickNanos;
    private final Expiry onTimeout;
    private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Slot> slotOfThisThread = ThreadLocal.withInitial(this::register);
    private Thread watchdog;
    private volatile boolean stopped;

    Deadlines(String backend, Ticker ticker, long timeoutNanos, Expiry onTimeout) {
        this.threadName = "dualstore-" + backend + "-timer";
        this.ticker = ticker;
        this.timeoutNanos = timeoutNanos;
        this.tickNanos = Math.max(MIN_TICK, Math.min(MAX_TICK, timeoutNanos / 10));
        this.onTimeout = onTimeout;
    }

    /**
     * Arms a deadline for a call about to run on the current thread.
     *
     * @return the deadline, or null once stopped (the call then runs without one)
     */
    Deadline arm(Store store, Observation observation) {
        if (stopped) {
            return null;
        }
        Slot slot = slotOfThisThread.get();
        Deadline deadline = new Deadline(slot, ticker.read() + timeoutNanos, store, observation);
        slot.current = deadline;
        return deadline;
    }

    /** Expires every call still running now; the backend is closing. Returns how many. */
    int expireAll() {
        int expired = 0;
        for (Slot slot : slots) {
            Deadline d = slot.current;
            if (d != null && d.expire(onTimeout)) {
                expired++;
            }
        }
        return expired;
    }

    void shutdown() {
        stopped = true;
        Thread w;
        synchronized (this) {
            w = watchdog;
        }
        if (w != null) {
            LockSupport.unpark(w);
            try {
                w.join(TimeUnit.SECONDS.toMillis(1)); // it ends as soon as it wakes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Slot register() {
        Slot slot = new Slot(Thread.currentThread());
        slots.add(slot);
        synchronized (this) {
            if (watchdog == null && !stopped) {
                watchdog = Threads.named(threadName).newThread(this::watch);
                watchdog.start();
            }
        }
        return slot;
    }

    private void watch() {
        while (!stopped) {
            LockSupport.parkNanos(this, tickNanos);
            long now = ticker.read();
            for (Slot slot : slots) {
                Deadline d = slot.current;
                if (d != null && now - d.deadlineNanos >= 0) {
                    d.expire(onTimeout);
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
        private final Store store;
        private final Observation observation;

        private Deadline(Slot slot, long deadlineNanos, Store store, Observation observation) {
            this.slot = slot;
            this.deadlineNanos = deadlineNanos;
            this.store = store;
            this.observation = observation;
        }

        /** The deadline passed (or the backend closed) while the call was running; true if this expired it. */
        private boolean expire(Expiry onTimeout) {
            if (!state.compareAndSet(RUNNING, EXPIRED)) {
                return false;
            }
            try {
                // Posted before the calling thread may go on, so that whoever waits for that
                // thread's work (drain) also finds the timeout's report waiting.
                onTimeout.expired(store, observation);
            } catch (Throwable t) {
                // Posting never throws; if it ever did, the watchdog must live on.
            } finally {
                slot.owner.interrupt();
                state.set(INTERRUPTED);
            }
            return true;
        }

        /**
         * Calling thread, after the call returned: true if it beat the deadline. If it lost,
         * waits for the interrupt to land (a few instructions away) and clears it, so it never
         * leaks into the next call this thread runs.
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
