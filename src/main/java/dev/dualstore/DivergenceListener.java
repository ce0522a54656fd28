package dev.dualstore;

/**
 * Told of every {@link Divergence}, on the thread that observed it (a dispatcher thread, or the
 * caller's thread for a rejected hand-off or a {@link Stage#DUAL_WRITE} failure). Must be
 * threadsafe and fast; an exception it throws is counted and logged, never passed to the caller.
 */
@FunctionalInterface
public interface DivergenceListener {
    /** @param divergence the write a secondary may have missed */
    void onDivergence(Divergence divergence);
}
