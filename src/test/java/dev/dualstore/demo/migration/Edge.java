package dev.dualstore.demo.migration;

import java.time.Instant;
import java.util.Objects;

/**
 * One follow as both schemas hold it: who follows which channel, since when, and when the edge was
 * last written. Times are to the millisecond.
 */
record Edge(long user, long channel, Instant followedAt, Instant updatedAt) {
    Edge {
        Objects.requireNonNull(followedAt, "followedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
