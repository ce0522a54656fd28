package dev.dualstore.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys whose writes one store may have missed, bounded so a failing store cannot exhaust
 * memory. Threadsafe; the bound may be overshot by at most the number of concurrent adders.
 */
final class RepairLog {
    private final Set<Object> keys = ConcurrentHashMap.newKeySet();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    RepairLog(int capacity) {
        this.capacity = capacity;
    }

    /** Records a key; returns false when the log is full and the key was not kept. */
    boolean add(Object key) {
        if (keys.contains(key)) {
            return true;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        if (!keys.add(key)) {
            size.decrementAndGet();
        }
        return true;
    }

    boolean remove(Object key) {
        if (keys.remove(key)) {
            size.decrementAndGet();
            return true;
        }
        return false;
    }

    Set<Object> snapshot() {
        return Set.copyOf(keys);
    }

    /** @return how many keys are listed now */
    int size() {
        return size.get();
    }
}
