package dev.dualstore.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ordered queue of calls for one store, run on the dispatcher's executor one at a time, in the
 * order they were offered. Keys hash to lanes, so calls for one key keep their order while
 * different lanes run in parallel. At most one run of a lane is queued or running at a time.
 *
 * <p>Each lane counts what was offered and what was finished, so a waiter can wait for exactly
 * the calls offered before it (a promote, a repair of one key) while new calls keep arriving.
 *
 * <p>{@link #offer} runs on callers' threads and never blocks; {@link #run} on an executor
 * thread; {@link #rejectQueued} on any thread. Threadsafe.
 */
final class Lane implements Runnable {
    /** Calls run before the lane yields its thread to other lanes. */
    private static final int BATCH = 64;

    private final Dispatcher dispatcher;
    final Store store;
    private final ConcurrentLinkedQueue<Observation> queue = new ConcurrentLinkedQueue<>();
    /** True while a run of this lane is queued in, or running on, the executor. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    /** When this lane was last submitted; orders it among the tasks of dualstore's own pool. */
    volatile long submission;
    /** Where this lane's calls publish their deadlines; opened by the first run. */
    private Deadlines.Slot slot;

    Lane(Dispatcher dispatcher, Store store) {
        this.dispatcher = dispatcher;
        this.store = store;
    }

    void offer(Observation observation) {
        offered.incrementAndGet();
        queue.offer(observation);
        // Reading first keeps the common busy case free of a contended CAS.
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            dispatcher.schedule(this);
        }
    }

    /** @return a mark that {@link #reached} once every call offered so far has finished */
    long mark() {
        return offered.get();
    }

    boolean reached(long mark) {
        return finished.get() >= mark;
    }

    @Override
    public void run() {
        boolean entered = Workers.enter();
        try {
            runBatch();
        } finally {
            Workers.exit(entered);
        }
    }

    private void runBatch() {
        // One slot for the lane's life: runs of a lane never overlap, so a run just binds it.
        Deadlines.Slot slot = this.slot;
        if (slot == null) {
            slot = dispatcher.openSlot();
            this.slot = slot;
        }
        runBatch(slot.bind());
    }

    private void runBatch(Deadlines.Slot slot) {
        for (int i = 0; i < BATCH; i++) {
            Observation next = queue.poll();
            if (next == null) {
                scheduled.set(false);
                // An offer may have slipped in after the poll and seen scheduled == true; take
                // the lane back if so, or that call would wait for the next offer.
                if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                dispatcher.run(store, next, slot);
            } finally {
                finishedOne();
            }
        }
        // Batch done with work left: yield the thread so other lanes get their turn.
        dispatcher.schedule(this);
    }

    /**
     * Rejects every queued call, in order, and counts it: the executor refused the lane, or the
     * backend is closing. A run on another thread may take some of them; each is handled once.
     */
    void rejectQueued() {
        do {
            Observation next;
            while ((next = queue.poll()) != null) {
                try {
                    dispatcher.reject(store, next);
                } finally {
                    finishedOne();
                }
            }
            scheduled.set(false);
        } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
    }

    private void finishedOne() {
        finished.incrementAndGet();
        dispatcher.progressed();
    }
}
