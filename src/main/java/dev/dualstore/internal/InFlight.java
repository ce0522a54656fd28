package dev.dualstore.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts unordered work in epochs, so that a waiter can wait for the work that started before it
 * without waiting for work that keeps arriving after. {@link #enter} and {@link Epoch#exit} are
 * lock-free; {@link #cut} is called only by waiters. Threadsafe.
 */
final class InFlight {
    private volatile Epoch current = new Epoch(null);

    /** @return the epoch the work belongs to; call {@link Epoch#exit} on it when the work ends */
    Epoch enter() {
        Epoch e = current;
        e.count.incrementAndGet();
        return e;
    }

    /**
     * Closes the current epoch and opens a new one.
     *
     * @return the closed epoch: it and the epochs before it hold all work entered before this call
     */
    synchronized Epoch cut() {
        Epoch closed = current;
        current = new Epoch(closed);
        return closed;
    }

    /** Whether all work of {@code closed} and of the epochs before it has ended; forgets ended ones. */
    static boolean done(Epoch closed) {
        for (Epoch e = closed; e != null; e = e.previous) {
            if (e.count.get() != 0) {
                return false;
            }
        }
        // All ended: later waiters need not walk this chain again. A call that read the epoch just
        // before the cut may still enter it; it then counts as work started after this wait.
        closed.previous = null;
        return true;
    }

    /** Work entered while this epoch was current. */
    static final class Epoch {
        final AtomicInteger count = new AtomicInteger();
        volatile Epoch previous;

        Epoch(Epoch previous) {
            this.previous = previous;
        }

        /** @return true if this was the epoch's last work */
        boolean exit() {
            return count.decrementAndGet() == 0;
        }

        /** {@code n} pieces of this epoch's work ended. */
        void exit(int n) {
            count.addAndGet(-n);
        }
    }
}
