package dev.dualstore.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the threads dualstore starts: named, daemon. */
final class Threads {
    private Threads() {}

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
    static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> daemon(runnable, prefix + "-" + count.incrementAndGet());
    }

    /** Daemon threads all named {@code name}; for single-thread executors. */
    static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Worker(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A thread dualstore started: it only ever runs dualstore's work, which {@link Workers#onWorker()} tells by its type. */
    static final class Worker extends Thread {
        Worker(Runnable runnable, String name) {
            super(runnable, name);
        }
    }
}
