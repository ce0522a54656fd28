package dev.dualstore.internal;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps writes to one key in primary order on their way to the secondaries, lets reads tell
 * whether a write to their key overlapped them, and lets promote pause every write.
 *
 * <ul>
 *   <li><b>Per key, exactly.</b> A keyed write holds its own key's lock across the primary call
 *       and the hand-off ({@link #enterWrite}), so writes to one key enter every lane in the
 *       order the primary applied them. Writes to different keys never wait for each other;
 *       writes to one key wait as the database's row lock would make them. The lock is
 *       reentrant, and is in use only while some write to the key holds or waits for it.</li>
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
    /** Buckets of key locks; a power of two. */
    private static final int BUCKETS = 1024;
    /**
     * Each thread keeps the last key lock it let go of for the next key it writes, so that a
     * write allocates nothing.
     */
    private static final ThreadLocal<KeyLock[]> SPARE = ThreadLocal.withInitial(() -> new KeyLock[1]);

    /** The key locks in use, by key hash; each bucket guarded by its own monitor, held only for bookkeeping. */
    private final Bucket[] buckets = new Bucket[BUCKETS];
    private final AtomicLongArray started = new AtomicLongArray(RACE_STRIPES);
    private final AtomicLongArray finished = new AtomicLongArray(RACE_STRIPES);
    /** Writes past the gate and not yet out. */
    private final AtomicInteger writing = new AtomicInteger();
    private final Object gate = new Object();
    private volatile boolean paused;

    WriteFence() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** A key's lock, in use while some write or repair holds or waits for it; reused after. */
    static final class KeyLock {
        final ReentrantLock lock = new ReentrantLock();
        /** The key, its hash and its holders: guarded by the bucket's monitor. */
        Object key;
        int hash;
        int holders;
    }

    /** The key locks in use whose keys hash to one bucket: a small array, scanned by hash then equals. */
    private static final class Bucket {
        KeyLock[] locks = new KeyLock[2];
        int size;

        KeyLock find(Object key, int hash) {
            for (int i = 0; i < size; i++) {
                KeyLock l = locks[i];
                if (l.hash == hash && l.key.equals(key)) {
                    return l;
                }
            }
            return null;
        }

        void add(KeyLock lock) {
            if (size == locks.length) {
                locks = Arrays.copyOf(locks, size * 2);
            }
            locks[size++] = lock;
        }

        void remove(KeyLock lock) {
            for (int i = 0; i < size; i++) {
                if (locks[i] == lock) {
                    locks[i] = locks[--size];
                    locks[size] = null;
                    return;
                }
            }
        }
    }

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
            held = hold(key, keyHash);
        } catch (Throwable t) {
            exitGate();
            throw t;
        }
        held.lock.lock();
        started.incrementAndGet(keyHash & (RACE_STRIPES - 1));
        return held;
    }

    /** Caller's thread, after the hand-off of a write. */
    void exitWrite(Object key, int keyHash, KeyLock held) {
        if (held != null) {
            finished.incrementAndGet(keyHash & (RACE_STRIPES - 1));
            unlockKey(held);
        }
        exitGate();
    }

    /**
     * Takes one key's lock for a repair, waiting at most {@code timeoutNanos}.
     *
     * @return the lock to pass to {@link #unlockKey}, or null if it was not free in time
     */
    KeyLock tryLockKey(Object key, int keyHash, long timeoutNanos) throws InterruptedException {
        KeyLock held = hold(key, keyHash);
        boolean locked = false;
        try {
            locked = held.lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS);
        } finally {
            if (!locked) {
                letGo(held);
            }
        }
        return locked ? held : null;
    }

    /**
     * Registers as a holder of the key's lock, creating it (from this thread's spare) if no one
     * holds it. Only the bucket's bookkeeping is guarded; the key's lock is taken after.
     *
     * @throws RuntimeException or Error if the key's {@code equals} throws; nothing is then held
     */
    private KeyLock hold(Object key, int keyHash) {
        Bucket bucket = bucket(keyHash);
        synchronized (bucket) {
            KeyLock held = bucket.find(key, keyHash);
            if (held == null) {
                KeyLock[] spare = SPARE.get();
                held = spare[0] != null ? spare[0] : new KeyLock();
                spare[0] = null;
                held.key = key;
                held.hash = keyHash;
                bucket.add(held);
            }
            held.holders++;
            return held;
        }
    }

    private void letGo(KeyLock held) {
        Bucket bucket = bucket(held.hash);
        synchronized (bucket) {
            if (--held.holders == 0) {
                // No one holds or waits for it: it leaves the bucket, and this thread may reuse it.
                bucket.remove(held);
                held.key = null;
                SPARE.get()[0] = held;
            }
        }
    }

    void unlockKey(KeyLock held) {
        held.lock.unlock();
        letGo(held);
    }

    private Bucket bucket(int keyHash) {
        return buckets[(keyHash >>> 12) & (BUCKETS - 1)];
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

    private void enterGate() {
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

    private void exitGate() {
        if (writing.decrementAndGet() == 0 && paused) {
            synchronized (gate) {
                gate.notifyAll();
            }
        }
    }
}
