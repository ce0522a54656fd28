package dev.dualstore.testing;

import dev.dualstore.Write;

/** A write-only DAO without a key, small enough to implement with a lambda. */
@FunctionalInterface
public interface EventSink {
    @Write
    void record(String event);
}
