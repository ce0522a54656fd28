package dev.dualstore.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writes one store may have missed: their keys, bounded so a failing store cannot exhaust
 * memory, and a count of those that could not be listed by key (no key, a null key, a key whose
 * {@code hashCode} or {@code equals} threw, or the list was full). Never throws. Threadsafe; the
 * bound may be overshot by at most the number of concurrent adders.
 */
final class RepairLog {
    private final Set<Object> keys = ConcurrentHashMap.newKeySet();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong unlisted = new AtomicLong();
    private final int capacity;

    RepairLog(int capacity) {
        this.capacity = capacity;
    }

    /** Why a write was or was not listed. */
    enum Listing { LISTED, NO_KEY, KEY_FAILED, FULL }

    /** Records a missed write to {@code key} (null: a write without a key). */
    Listing add(Object key) {
        if (key == null) {
            unlisted.incrementAndGet();
            return Listing.NO_KEY;
        }
        try {
            if (keys.contains(key)) {
                return Listing.LISTED;
            }
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                unlisted.incrementAndGet();
                return Listing.FULL;
            }
            if (!keys.add(key)) {
                size.decrementAndGet();
            }
            return Listing.LISTED;
        } catch (Throwable t) {
            unlisted.incrementAndGet();
            return Listing.KEY_FAILED;
        }
    }

    boolean remove(Object key) {
        try {
            if (key != null && keys.remove(key)) {
                size.decrementAndGet();
                return true;
            }
        } catch (RuntimeException e) {
            // A key whose hashCode throws was never listed.
        }
        return false;
    }

    /** Forgets every listed key and the unlisted count, after the whole store was repaired. */
    void clear() {
        for (Object key : keys) {
            remove(key);
        }
        unlisted.set(0);
    }

    Set<Object> snapshot() {
        return Set.copyOf(keys);
    }

    /** @return how many keys are listed now */
    int size() {
        return size.get();
    }

    /** @return how many missed writes could not be listed by key since the last {@link #clear()} */
    long unlisted() {
        return unlisted.get();
    }
}
