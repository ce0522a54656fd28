package dev.dualstore;

/**
 * Told of every mismatch, on a dispatcher thread, never on the caller's. Must be threadsafe:
 * mismatches of different calls may arrive concurrently. An exception it throws is counted and
 * logged, never passed to the caller. Keep it fast; it holds a dispatcher thread while it runs.
 */
@FunctionalInterface
public interface MismatchListener {
    /** @param mismatch what differed */
    void onMismatch(Mismatch mismatch);
}
