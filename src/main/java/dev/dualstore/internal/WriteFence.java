package dev.dualstore.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;

/**
 * Keeps writes to one key in primary order on their way to the secondaries, and lets reads tell
 * whether a write to their key overlapped them.
 *
 * <ul>
 *   <li>A keyed write holds its key's fence across the primary call and the hand-off
 *       ({@link #lockKey}), so writes to one key enter every lane in the order the primary
 *       applied them.</li>
 *   <li>A keyed read never blocks: it takes a stamp before the primary call ({@link #observe})
 *       and pins it for the hand-off ({@link #pin}); if a write to the key ran in between, the
 *       pin fails and the read is counted {@code raced} instead of compared.</li>
 *   <li>A write without a key holds a shared gate ({@link #lockUnkeyed}), so
 *       {@link #pauseAll} can stop it too.</li>
 *   <li>A repair of one key holds the key's fence like a write, so it never interleaves with a
 *       live write to that key.</li>
 * </ul>
 *
 * <p>Keys share a fence when their hashes fall on the same stripe. The fence is not reentrant:
 * code that holds a key's fence (a store's write, a repair action) must not call the proxy for a
 * key on the same stripe. Threadsafe.
 */
final class WriteFence {
    /** Lock stripes for keyed calls; a power of two. */
    static final int STRIPES = 256;

    private final StampedLock[] stripes = new StampedLock[STRIPES];
    private final StampedLock unkeyedGate = new StampedLock();

    WriteFence() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new StampedLock();
        }
    }

    long lockKey(int keyHash) {
        return stripe(keyHash).writeLock();
    }

    /** @return the stamp, or 0 if the fence was not free within the timeout */
    long tryLockKey(int keyHash, long timeoutNanos) throws InterruptedException {
        return stripe(keyHash).tryWriteLock(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    void unlockKey(int keyHash, long stamp) {
        stripe(keyHash).unlockWrite(stamp);
    }

    long lockUnkeyed() {
        return unkeyedGate.readLock();
    }

    void unlockUnkeyed(long stamp) {
        unkeyedGate.unlockRead(stamp);
    }

    /** @return a stamp to {@link #pin} or check later; 0 if a write to the stripe is in progress */
    long observe(int keyHash) {
        return stripe(keyHash).tryOptimisticRead();
    }

    /**
     * Holds writes to the key off while a read is handed off, if none ran since {@code stamp}.
     *
     * @return a stamp for {@link #unpin}, or 0 if a write ran since {@code stamp}
     */
    long pin(int keyHash, long stamp) {
        return stamp == 0L ? 0L : stripe(keyHash).tryConvertToReadLock(stamp);
    }

    void unpin(int keyHash, long stamp) {
        stripe(keyHash).unlockRead(stamp);
    }

    /** @return whether no write to the key's stripe started since {@code stamp} was observed */
    boolean unchanged(int keyHash, long stamp) {
        return stripe(keyHash).validate(stamp);
    }

    /**
     * Pauses every write: takes every key's fence and the unkeyed gate. When it returns, no write
     * is between its primary call and its hand-off.
     *
     * @param deadline a {@link System#nanoTime()} by which all must be held
     * @return the pause, to pass to {@link #resume}
     * @throws IllegalStateException if writes in progress did not finish by the deadline, or the
     *                               thread was interrupted; nothing is then held
     */
    long[] pauseAll(long deadline, String action) {
        long[] stamps = new long[STRIPES + 1];
        int held = 0;
        try {
            for (; held <= STRIPES; held++) {
                StampedLock lock = held < STRIPES ? stripes[held] : unkeyedGate;
                long stamp = lock.tryWriteLock(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (stamp == 0L) {
                    throw new IllegalStateException(action + " did not happen: writes in progress did not finish in time;"
                            + " nothing changed");
                }
                stamps[held] = stamp;
            }
            return stamps;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(action + " was interrupted; nothing changed", e);
        } finally {
            if (held <= STRIPES) {
                release(stamps, held);
            }
        }
    }

    void resume(long[] stamps) {
        release(stamps, STRIPES + 1);
    }

    private void release(long[] stamps, int held) {
        for (int i = held - 1; i >= 0; i--) {
            (i < STRIPES ? stripes[i] : unkeyedGate).unlockWrite(stamps[i]);
        }
    }

    private StampedLock stripe(int keyHash) {
        return stripes[(keyHash >>> 8) & (STRIPES - 1)];
    }
}
