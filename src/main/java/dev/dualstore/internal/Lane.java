package dev.dualstore.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ordered queue of calls for one store, run on the executor one at a time, in the order they
 * were offered. Keys hash to lanes, so calls for one key keep their order while different lanes
 * run in parallel. At most one task per lane is ever queued or running in the executor.
 *
 * <p>{@link #offer} is called on callers' threads and never blocks; {@link #run} runs on an
 * executor thread. Threadsafe.
 */
final class Lane implements Runnable {
    /** Calls run before the lane yields its thread to other lanes. */
    private static final int BATCH = 64;

    private final MirroringEngine<?> engine;
    private final Store store;
    private final ConcurrentLinkedQueue<Observation> queue = new ConcurrentLinkedQueue<>();
    /** True while a run of this lane is queued in, or running on, the executor. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** When this lane was last submitted; orders it among the tasks of dualstore's own pool. */
    volatile long submission;

    Lane(MirroringEngine<?> engine, Store store) {
        this.engine = engine;
        this.store = store;
    }

    void offer(Observation observation) {
        queue.offer(observation);
        // Reading first keeps the common busy case free of a contended CAS.
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    @Override
    public void run() {
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
            engine.runSecondary(store, next);
        }
        // Batch done with work left: yield the thread so other lanes get their turn.
        schedule();
    }

    private void schedule() {
        submission = engine.nextSubmission();
        try {
            engine.executor().execute(this);
        } catch (RejectedExecutionException e) {
            rejectQueued();
        }
    }

    /**
     * The executor refused (or, at close, dropped) the lane: every queued call is rejected, in
     * order, and counted.
     */
    void rejectQueued() {
        do {
            Observation next;
            while ((next = queue.poll()) != null) {
                engine.rejectedAfterHandOff(store, next);
            }
            scheduled.set(false);
        } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
    }
}
