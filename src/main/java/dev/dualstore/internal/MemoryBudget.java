package dev.dualstore.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on the memory pending calls hold, by their {@code Weigher} estimates, as
 * {@code maxPending} bounds their number. Reads may take half of it, so comparisons are shed
 * before writes. Taking never waits. By default every backend of a JVM shares one budget of a
 * sixteenth of the maximum heap, so that many backends together stay safe on a small heap.
 * Threadsafe and lock-free.
 */
final class MemoryBudget {
    private static final Object SHARED_LOCK = new Object();
    private static MemoryBudget shared;

    private final long max;
    private final long readLimit;
    private final AtomicLong used = new AtomicLong();

    MemoryBudget(long maxBytes) {
        this.max = maxBytes;
        this.readLimit = maxBytes / 2;
    }

    /** @return the budget shared by every backend without one of its own */
    static MemoryBudget shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null) {
                shared = new MemoryBudget(Runtime.getRuntime().maxMemory() / 16);
            }
            return shared;
        }
    }

    /** @return whether {@code bytes} fit; if so they are held until {@link #release} */
    boolean tryAcquire(long bytes, boolean read) {
        long limit = read ? readLimit : max;
        for (long u = used.get(); u + bytes <= limit; u = used.get()) {
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
        return false;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

}
