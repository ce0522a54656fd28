package dev.dualstore;

/**
 * Told of every {@link Divergence}, always on one of dualstore's threads, never on a caller's:
 * a divergence seen on the caller's thread (a rejected hand-off, a {@link Stage#DUAL_WRITE}
 * failure) or by the deadline thread is counted and its key listed at once, and the listener is
 * told a moment later. Must be threadsafe and fast. Whatever it throws, an {@link Error}
 * included, is counted and logged, never passed to the caller, and the next listener still runs.
 * It must not call {@code promote}, {@code stage}, {@code close} or {@code repair}; they are
 * refused on dualstore's threads.
 */
@FunctionalInterface
public interface DivergenceListener {
    /** @param divergence the write a secondary may have missed */
    void onDivergence(Divergence divergence);
}
