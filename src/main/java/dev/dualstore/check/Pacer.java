package dev.dualstore.check;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a check at or under a rate of rows per second, over all its threads: each caller reserves
 * the time its rows take at that rate, then waits until its reservation starts. Threadsafe.
 */
final class Pacer {
    private final double nanosPerRow;
    private long nextFree;

    /** @param rowsPerSecond the rate; 0 for none */
    Pacer(long rowsPerSecond) {
        this.nanosPerRow = rowsPerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / (double) rowsPerSecond;
        this.nextFree = System.nanoTime();
    }

    void acquire(long rows) {
        if (nanosPerRow == 0 || rows <= 0) {
            return;
        }
        long start;
        synchronized (this) {
            long now = System.nanoTime();
            start = Math.max(now, nextFree);
            nextFree = start + (long) (rows * nanosPerRow);
        }
        long wait;
        while ((wait = start - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
