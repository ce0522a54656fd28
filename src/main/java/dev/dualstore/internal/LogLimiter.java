package dev.dualstore.internal;

import dev.dualstore.Ticker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts the rest, so a broken store cannot flood
 * the logs. Threadsafe and lock-free.
 */
final class LogLimiter {
    private final Ticker ticker;
    private final long intervalNanos;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    LogLimiter(Ticker ticker, long intervalNanos) {
        this.ticker = ticker;
        this.intervalNanos = intervalNanos;
        this.nextAllowed = new AtomicLong(ticker.read());
    }

    /** @return -1 if this line must be dropped, else how many lines were dropped before it */
    long tryAcquire() {
        long now = ticker.read();
        long allowed = nextAllowed.get();
        if (now - allowed >= 0 && nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
