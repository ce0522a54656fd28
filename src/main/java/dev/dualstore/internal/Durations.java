package dev.dualstore.internal;

import java.time.Duration;

/** Durations as nanoseconds, clamped so that adding one to a clock reading cannot overflow. Stateless. */
final class Durations {
    /** About 73 years: longer than any wait, and far from {@code Long.MAX_VALUE}. */
    static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Durations() {}

    static long nanos(Duration d) {
        if (d.compareTo(Duration.ofNanos(MAX_NANOS)) >= 0) {
            return MAX_NANOS;
        }
        return Math.max(0L, d.toNanos());
    }
}
