package dev.dualstore.internal;

import dev.dualstore.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts a deadline on each secondary call of one backend, in the time of the backend's
 * {@link Ticker}. Each task that runs calls (a lane's batch, a drainer) opens a {@link Slot} for
 * as long as it runs and publishes its current call's deadline there: arming and finishing a
 * deadline is two volatile writes and a compare-and-set, nothing is scheduled or cancelled per
 * call, and it works the same on pooled and on virtual threads.
 *
 * <p>One daemon thread for the whole JVM, {@code dualstore-deadlines} (started with the first
 * deadline), wakes every tick (a tenth of the shortest timeout, between 1 and 50 ms of real
 * time), reads each backend's ticker and expires what is overdue. Each call races its deadline,
 * and one compare-and-set settles who won. When the deadline wins, {@code onTimeout} counts it
 * and posts the rest elsewhere, then the calling thread is interrupted: the deadline thread never
 * runs user code, so no callback can stall or kill it. Threadsafe.
 */
final class Deadlines {
    private static final long MIN_TICK = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_TICK = TimeUnit.MILLISECONDS.toNanos(50);

    /** Told of each expired call, on the deadline thread; must not block or run user code. */
    interface Expiry {
        /**
         * @param timeoutNanos the timeout the call had
         * @param warmUp       whether the call started during its store's warm-up
         */
        void expired(Store store, Observation observation, long timeoutNanos, boolean warmUp);
    }

    private final Ticker ticker;
    private final long timeoutNanos;
    private final long tickNanos;
    private final Expiry onTimeout;
    private final Set<Slot> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private boolean watched;

    Deadlines(Ticker ticker, long timeoutNanos, Expiry onTimeout) {
        this.ticker = ticker;
        this.timeoutNanos = timeoutNanos;
        this.tickNanos = Math.max(MIN_TICK, Math.min(MAX_TICK, timeoutNanos / 10));
        this.onTimeout = onTimeout;
    }

    /**
     * Opens a slot for a task that runs calls; {@link Slot#bind} it to the thread of each run,
     * and close it when the task is done for good (a lane keeps its slot for the backend's life).
     */
    Slot open() {
        watch();
        Slot slot = new Slot(this);
        open.add(slot);
        return slot;
    }

    void close(Slot slot) {
        open.remove(slot);
    }

    /** Expires every call still running now; the backend is closing. Returns how many. */
    int expireAll() {
        int expired = 0;
        for (Slot slot : open) {
            Deadline d = slot.current;
            if (d != null && d.expire(slot)) {
                expired++;
            }
        }
        return expired;
    }

    void shutdown() {
        stopped = true;
        Watchdog.INSTANCE.forget(this);
    }

    private synchronized void watch() {
        if (!watched) {
            watched = true;
            Watchdog.INSTANCE.watch(this);
        }
    }

    private void expireOverdue() {
        if (open.isEmpty()) {
            return;
        }
        long now = ticker.read();
        for (Slot slot : open) {
            Deadline d = slot.current;
            if (d != null && now - d.deadlineNanos >= 0) {
                d.expire(slot);
            }
        }
    }

    /** Where one running task publishes the deadline of the call it is making. */
    static final class Slot {
        /**
         * Writes of {@code current} need no full fence: the race between a call and its deadline
         * is settled by the deadline's own compare-and-set, and the deadline thread seeing a new
         * deadline a moment late only makes a timeout a moment late. So they are release stores.
         */
        private static final VarHandle CURRENT;

        static {
            try {
                CURRENT = MethodHandles.lookup().findVarHandle(Slot.class, "current", Deadline.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Deadlines owner;
        private volatile Thread thread;
        private volatile Deadline current;

        private Slot(Deadlines owner) {
            this.owner = owner;
        }

        /** The calls armed from now on run on the current thread (which a timeout interrupts). */
        Slot bind() {
            thread = Thread.currentThread();
            return this;
        }

        /**
         * Arms a deadline for a call about to run on this slot's thread.
         *
         * @param start the call's start, read from the backend's ticker (the caller times the call
         *              with it too, so the ticker is read once)
         * @return the deadline, or null once stopped (the call then runs without one)
         */
        Deadline arm(Store store, Observation observation, long start) {
            if (owner.stopped) {
                return null;
            }
            Deadline deadline = store.warmingUp(start)
                    ? new WarmUpDeadline(start + store.warmUpTimeoutNanos(), store, observation)
                    : new Deadline(start + owner.timeoutNanos, store, observation);
            CURRENT.setRelease(this, deadline);
            return deadline;
        }
    }

    /**
     * One call's deadline; its state (running, finished, expired, interrupted) is the integer it
     * extends, so a deadline is one small object per call.
     */
    @SuppressWarnings("serial") // never serialised
    static class Deadline extends AtomicInteger {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int EXPIRED = 2;
        private static final int INTERRUPTED = 3;

        private final long deadlineNanos;
        private final Store store;
        private final Observation observation;

        Deadline(long deadlineNanos, Store store, Observation observation) {
            super(RUNNING);
            this.deadlineNanos = deadlineNanos;
            this.store = store;
            this.observation = observation;
        }

        /**
         * The deadline passed (or the backend closed) while the call was running on {@code slot}'s
         * thread; true if this expired it.
         */
        private boolean expire(Slot slot) {
            if (!compareAndSet(RUNNING, EXPIRED)) {
                return false;
            }
            try {
                // Counted before the calling thread may go on, so that whoever waits for that
                // thread's work (drain) also finds the timeout counted.
                boolean warmUp = this instanceof WarmUpDeadline;
                slot.owner.onTimeout.expired(store, observation,
                        warmUp ? store.warmUpTimeoutNanos() : slot.owner.timeoutNanos, warmUp);
            } catch (Throwable t) {
                // Counting never throws; if it ever did, the deadline thread must live on.
            } finally {
                slot.thread.interrupt(); // still the call's thread: the deadline is armed within one run
                set(INTERRUPTED);
            }
            return true;
        }

        /**
         * Calling thread, after the call returned: true if it beat the deadline. If it lost,
         * waits for the interrupt to land (a few instructions away) and clears it, so it never
         * leaks into the next call this thread runs.
         */
        boolean finish(Slot slot) {
            Slot.CURRENT.setRelease(slot, null); // the compare-and-set below is the fence
            if (compareAndSet(RUNNING, FINISHED)) {
                return true;
            }
            while (get() != INTERRUPTED) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
            return false;
        }
    }

    /** The deadline of a call that started during its store's warm-up: its timeout is counted apart. */
    @SuppressWarnings("serial") // never serialised
    private static final class WarmUpDeadline extends Deadline {
        WarmUpDeadline(long deadlineNanos, Store store, Observation observation) {
            super(deadlineNanos, store, observation);
        }
    }

    /** The one thread that expires deadlines for every backend of the JVM. */
    private static final class Watchdog implements Runnable {
        static final Watchdog INSTANCE = new Watchdog();
        private final CopyOnWriteArrayList<Deadlines> watched = new CopyOnWriteArrayList<>();
        private Thread thread;

        synchronized void watch(Deadlines deadlines) {
            watched.add(deadlines);
            if (thread == null) {
                thread = Threads.named("dualstore-deadlines").newThread(this);
                thread.start();
            }
            LockSupport.unpark(thread); // it may be parked for a longer tick
        }

        void forget(Deadlines deadlines) {
            watched.remove(deadlines);
        }

        @Override
        public void run() {
            while (true) {
                long tick = MAX_TICK;
                for (Deadlines d : watched) {
                    tick = Math.min(tick, d.tickNanos);
                }
                LockSupport.parkNanos(this, tick);
                for (Deadlines d : watched) {
                    try {
                        d.expireOverdue();
                    } catch (Throwable t) {
                        // A ticker is guarded and never throws; the thread serves every backend, so it lives on.
                    }
                }
            }
        }
    }
}
