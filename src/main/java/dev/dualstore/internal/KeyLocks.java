package dev.dualstore.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key that some write holds or waits for, and none for any other key: writes to
 * different keys never share a lock, so they never wait for each other.
 *
 * <p>Locks live in {@value #BINS} bins by key hash. A bin's monitor is held only to find, link or
 * unlink a lock in its short chain (never across a store call), so keys that share a bin share
 * nothing that a write waits on. A lock no one holds any more goes back to its bin's small pool
 * and is reused for the next key of that bin: a write to an uncontended key allocates nothing.
 *
 * <p>Threadsafe. The key's {@code equals} runs under the bin's monitor; if it throws, nothing
 * was changed.
 */
final class KeyLocks {
    /** Bins; a power of two. */
    static final int BINS = 256;
    /** Free locks a bin keeps for reuse; more than that are left to the garbage collector. */
    private static final int SPARES_PER_BIN = 4;

    private final Bin[] bins = new Bin[BINS];

    KeyLocks() {
        for (int i = 0; i < BINS; i++) {
            bins[i] = new Bin();
        }
    }

    /** A key's lock while some write holds or waits for it. Reentrant. */
    static final class KeyLock extends ReentrantLock {
        private static final long serialVersionUID = 1L;
        /** The key while linked in its bin, else null; guarded by the bin's monitor. */
        transient Object key;
        /** Writes that hold or wait for it; guarded by the bin's monitor. */
        int holders;
        /** Next in the bin's chain of held locks, or of spare ones; guarded by the bin's monitor. */
        transient KeyLock next;
    }

    private static final class Bin {
        KeyLock held;
        KeyLock spare;
        int spares;
    }

    /**
     * Registers as a holder of {@code key}'s lock (making it if no write holds one), without
     * locking it: the caller then locks it, and passes it to {@link #letGo} once unlocked.
     *
     * @param hash the key's {@link Keys#hash}
     * @throws RuntimeException or Error if the key's {@code equals} throws; nothing is then held
     */
    KeyLock hold(Object key, int hash) {
        Bin bin = bins[hash & (BINS - 1)];
        synchronized (bin) {
            for (KeyLock l = bin.held; l != null; l = l.next) {
                if (l.key == key || key.equals(l.key)) {
                    l.holders++;
                    return l;
                }
            }
            KeyLock l = bin.spare;
            if (l != null) {
                bin.spare = l.next;
                bin.spares--;
            } else {
                l = new KeyLock();
            }
            l.key = key;
            l.holders = 1;
            l.next = bin.held;
            bin.held = l;
            return l;
        }
    }

    /**
     * Ends one holder's claim on a lock taken with {@link #hold} (and unlocked, if it was
     * locked). The last holder unlinks it; it may then be reused for another key.
     */
    void letGo(KeyLock lock, int hash) {
        Bin bin = bins[hash & (BINS - 1)];
        synchronized (bin) {
            if (--lock.holders > 0) {
                return;
            }
            if (bin.held == lock) {
                bin.held = lock.next;
            } else {
                KeyLock prev = bin.held;
                while (prev.next != lock) {
                    prev = prev.next;
                }
                prev.next = lock.next;
            }
            lock.key = null;
            if (bin.spares < SPARES_PER_BIN) {
                lock.next = bin.spare;
                bin.spare = lock;
                bin.spares++;
            } else {
                lock.next = null;
            }
        }
    }

    /** @return how many keys have a lock now; for tests */
    int size() {
        int n = 0;
        for (Bin bin : bins) {
            synchronized (bin) {
                for (KeyLock l = bin.held; l != null; l = l.next) {
                    n++;
                }
            }
        }
        return n;
    }
}
