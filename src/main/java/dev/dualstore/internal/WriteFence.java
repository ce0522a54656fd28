package dev.dualstore.internal;

import dev.dualstore.internal.KeyLocks.KeyLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Keeps writes to one key in primary order on their way to the secondaries, lets reads tell
 * whether a write to their key overlapped them, and lets promote pause every write.
 *
 * <ul>
 *   <li><b>Per key, exactly.</b> A keyed write holds its own key's lock across the primary call
 *       and the hand-off ({@link #enterWrite}), so writes to one key enter every lane in the
 *       order the primary applied them. Writes to different keys never wait for each other;
 *       writes to one key wait as the database's row lock would make them. The lock is
 *       reentrant, and exists only while some write to the key holds or waits for it
 *       ({@link KeyLocks}).</li>
 *   <li><b>Races.</b> Writes also bump one of {@value #RACE_STRIPES} counters by key hash.
 *       A keyed read takes a stamp before its primary call ({@link #observe}) and checks it
 *       after its hand-off ({@link #unchanged}); a write to the key in between means the two
 *       stores may have been asked about different moments, so the read is counted
 *       {@code raced} instead of compared. Keys that share a counter can only cause a read to
 *       be skipped, never a wait.</li>
 *   <li><b>Pause.</b> Every write, keyed or not, passes a gate; {@link #pauseAll} closes it and
 *       waits until no write is between its primary call and its hand-off. Until
 *       {@link #resume}, the pause counts as a write to every key, so reads are counted raced
 *       across a change of roles.</li>
 *   <li><b>Repairs</b> of one key hold the key's lock like a write ({@link #tryLockKey}), so they
 *       never interleave with a live write to that key.</li>
 * </ul>
 *
 * <p>A write that calls back into the proxy while promote is pausing writes waits for the pause
 * to end, and promote for it: promote then gives up at its timeout. Threadsafe.
 */
final class WriteFence {
    /** Race-detection counters; a power of two. */
    static final int RACE_STRIPES = 4096;

    private final KeyLocks keys = new KeyLocks();
    private final AtomicLongArray started = new AtomicLongArray(RACE_STRIPES);
    private final AtomicLongArray finished = new AtomicLongArray(RACE_STRIPES);
    /** Writes past the gate and not yet out. */
    private final AtomicInteger writing = new AtomicInteger();
    private final Object gate = new Object();
    private volatile boolean paused;

    /**
     * Caller's thread, before the primary call of a write: passes the gate, then takes the key's
     * lock (none for a write without a key).
     *
     * @param key the write's key, or null
     * @return what to pass to {@link #exitWrite}
     * @throws RuntimeException or Error if the key's {@code equals} throws; nothing is then held
     */
    KeyLock enterWrite(Object key, int keyHash) {
        enterGate();
        if (key == null) {
            return null;
        }
        KeyLock held;
        try {
            held = keys.hold(key, keyHash);
        } catch (Throwable t) {
            exitGate();
            throw t;
        }
        held.lock();
        started.incrementAndGet(keyHash & (RACE_STRIPES - 1));
        return held;
    }

    /** Caller's thread, after the hand-off of a write. */
    void exitWrite(int keyHash, KeyLock held) {
        if (held != null) {
            finished.incrementAndGet(keyHash & (RACE_STRIPES - 1));
            unlockKey(keyHash, held);
        }
        exitGate();
    }

    /**
     * Takes one key's lock for a repair, waiting at most {@code timeoutNanos}.
     *
     * @param keyHash the key's {@link Keys#hash}
     * @return the lock to pass to {@link #unlockKey}, or null if it was not free in time
     */
    KeyLock tryLockKey(Object key, int keyHash, long timeoutNanos) throws InterruptedException {
        KeyLock held = keys.hold(key, keyHash);
        boolean locked = false;
        try {
            locked = held.tryLock(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            if (!locked) {
                keys.letGo(held, keyHash);
            }
        }
        return locked ? held : null;
    }

    void unlockKey(int keyHash, KeyLock held) {
        held.unlock();
        keys.letGo(held, keyHash);
    }

    /**
     * A committing transaction's write to one key, whose primary call is long done: takes the
     * key's lock, waiting at most {@code timeoutNanos}, and counts as a write in progress until
     * {@link #exitWriteAsWriter}. The caller holds the gate ({@link #enterGate}).
     *
     * @return the lock, or null if it was not free in time
     */
    KeyLock tryLockKeyAsWriter(Object key, int keyHash, long timeoutNanos) throws InterruptedException {
        KeyLock held = tryLockKey(key, keyHash, timeoutNanos);
        if (held != null) {
            started.incrementAndGet(keyHash & (RACE_STRIPES - 1));
        }
        return held;
    }

    void exitWriteAsWriter(int keyHash, KeyLock held) {
        finished.incrementAndGet(keyHash & (RACE_STRIPES - 1));
        unlockKey(keyHash, held);
    }

    /**
     * The stamp of a read that its own thread queues while it holds the key's lock as a writer
     * ({@link #tryLockKeyAsWriter}): no other write to the key can start before the read is queued.
     */
    long stampHeld(int keyHash) {
        return started.get(keyHash & (RACE_STRIPES - 1)) + 1;
    }

    /** @return a stamp to check with {@link #unchanged}; 0 if a write to the key's stripe is in progress */
    long observe(int keyHash) {
        int stripe = keyHash & (RACE_STRIPES - 1);
        // Finished first: if started still equals it, no write was in progress at either read.
        long done = finished.get(stripe);
        long begun = started.get(stripe);
        return begun == done ? begun + 1 : 0L;
    }

    /** @return whether no write to the key's stripe started since {@code stamp} was observed */
    boolean unchanged(int keyHash, long stamp) {
        return started.get(keyHash & (RACE_STRIPES - 1)) == stamp - 1;
    }

    /**
     * Pauses every write. When it returns, no write is between its primary call and its
     * hand-off, and new writes wait at the gate until {@link #resume}.
     *
     * @param deadline a {@link System#nanoTime()} by which writes in progress must have finished
     * @throws IllegalStateException if they did not, or the thread was interrupted; writes then go on
     */
    void pauseAll(long deadline, String action) {
        synchronized (gate) {
            paused = true;
            // The pause counts as a write to every key until resume(): a read in flight now, or
            // begun during the pause, is counted raced rather than compared, since the roles it
            // read (and the lanes it entered) may change under it.
            markAll(started);
            try {
                while (writing.get() != 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException(action + " did not happen: writes in progress did not finish in"
                                + " time; nothing changed");
                    }
                    TimeUnit.NANOSECONDS.timedWait(gate, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                resume();
                throw new IllegalStateException(action + " was interrupted; nothing changed", e);
            } catch (RuntimeException e) {
                resume();
                throw e;
            }
        }
    }

    void resume() {
        synchronized (gate) {
            markAll(finished);
            paused = false;
            gate.notifyAll();
        }
    }

    private static void markAll(AtomicLongArray counters) {
        for (int i = 0; i < RACE_STRIPES; i++) {
            counters.incrementAndGet(i);
        }
    }

    /** Passes the gate: waits while a pause is on; {@link #exitGate} when out. */
    void enterGate() {
        boolean interrupted = false;
        while (true) {
            writing.incrementAndGet();
            if (!paused) {
                break;
            }
            // A pause began: step back out and wait for it to end, never past it.
            exitGate();
            synchronized (gate) {
                while (paused) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the caller's interrupt is theirs; keep it for them
                    }
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    void exitGate() {
        if (writing.decrementAndGet() == 0 && paused) {
            synchronized (gate) {
                gate.notifyAll();
            }
        }
    }
}
