package dev.dualstore.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands mirrored calls from callers' threads to the workers, and waits for them.
 *
 * <p><b>Permits.</b> Each store takes at most {@code maxPending} calls at a time, queued or
 * running; reads may take only half, so a store that falls behind sheds comparisons before
 * writes. A call that finds no permit is not queued: it is rejected and counted, and the caller
 * never waits. {@link #ordered} and {@link #unordered} run on callers' threads and never block.
 *
 * <p><b>Waiting.</b> Waiters (drain, promote, repair, close) wait for the work handed off before
 * they started, never for work that keeps arriving after: lanes count what they were offered,
 * and unordered calls are counted in epochs.
 *
 * <p><b>Stopping.</b> Once {@link #stop} runs, no worker calls a store again: every call not yet
 * started is rejected (counted, and a write's key listed for repair), and calls still running are
 * expired and interrupted. Threadsafe.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");
    private static final long STOP_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Workers workers;
    private final MemoryBudget memory;
    private final int maxPending;
    private final int readLimit;
    private final Object idle = new Object();
    private final AtomicInteger waiters = new AtomicInteger();
    /** Calls that passed the stop check and may be calling a store. */
    private final AtomicInteger calling = new AtomicInteger();
    private SecondaryRunner runner;
    private Reporter reporter;
    private Deadlines deadlines;
    private volatile boolean stopped;

    Dispatcher(Workers workers, int maxPending, MemoryBudget memory) {
        this.workers = workers;
        this.memory = memory;
        this.maxPending = maxPending;
        this.readLimit = Math.max(1, maxPending / 2);
    }

    /** Completes construction; the runner and reporter need the dispatcher's workers first. */
    void start(SecondaryRunner runner, Reporter reporter, Deadlines deadlines) {
        this.runner = runner;
        this.reporter = reporter;
        this.deadlines = deadlines;
    }

    // ------------------------------------------------------------------ callers' threads

    /** Queues a call in {@code lane} of its store, behind the calls for the same key. */
    void ordered(Lane lane, Observation o, boolean read) {
        if (!acquire(lane.store, read, o.weight)) {
            reporter.rejected(lane.store, o);
            return;
        }
        lane.offer(o);
    }

    /** Runs a read without a key on any worker, in no particular order. */
    void unordered(Store s, Observation o) {
        if (!acquire(s, true, o.weight)) {
            reporter.rejected(s, o);
            return;
        }
        s.unorderedQueue.offer(new UnorderedCall(s, o, s.unordered.enter()));
    }

    /**
     * Takes a permit and the call's weight in memory without waiting, and without ever counting
     * past either bound.
     */
    private boolean acquire(Store s, boolean read, long weight) {
        int limit = read ? readLimit : maxPending;
        AtomicInteger pending = s.pending;
        for (int p = pending.get(); p < limit; p = pending.get()) {
            if (pending.compareAndSet(p, p + 1)) {
                if (memory.tryAcquire(weight, read)) {
                    return true;
                }
                pending.decrementAndGet();
                return false;
            }
        }
        return false;
    }

    private void release(Store s, Observation o) {
        memory.release(o.weight);
        s.pending.decrementAndGet();
    }

    // ------------------------------------------------------------------ workers

    void schedule(Lane lane) {
        lane.submission = workers.nextSubmission();
        try {
            workers.execute(lane);
        } catch (RejectedExecutionException e) {
            lane.rejectQueued();
        }
    }

    /** @return whether an unordered drainer should yield its thread to writes waiting in the pool */
    boolean writesWaiting() {
        return workers.writesWaiting();
    }

    /** @throws RejectedExecutionException if the executor refuses it */
    void schedule(UnorderedQueue.Drainer drainer) {
        drainer.submission = workers.nextSubmission();
        workers.execute(drainer);
    }

    /** Opens the deadline slot a task (a lane's batch, a drainer) runs its calls in. */
    Deadlines.Slot openSlot() {
        return deadlines.open();
    }

    void closeSlot(Deadlines.Slot slot) {
        deadlines.close(slot);
    }

    /** Runs one call for {@code s}, or rejects it once stopped, then frees its permit. Worker thread; never throws. */
    void run(Store s, Observation o, Deadlines.Slot slot) {
        calling.incrementAndGet();
        try {
            runHeld(s, o, slot);
        } finally {
            calling.decrementAndGet();
            release(s, o);
        }
    }

    /**
     * Runs one call of a run of calls, between {@link #startCalls} and {@link #endCalls}; its
     * permit and weight are freed by {@link #released}, once for the run. Worker thread; never
     * throws.
     */
    void runHeld(Store s, Observation o, Deadlines.Slot slot) {
        try {
            if (stopped) {
                reporter.rejected(s, o);
            } else {
                runner.run(s, o, slot);
            }
        } catch (Throwable t) {
            LOG.error("dualstore: mirroring to '{}' failed", s.name, t);
        }
    }

    /** A worker may call stores until {@link #endCalls}: {@link #stop} waits for it. */
    void startCalls() {
        calling.incrementAndGet();
    }

    void endCalls() {
        calling.decrementAndGet();
    }

    /** Frees the permits and weight of {@code calls} calls of {@code s} that ended. */
    void released(Store s, int calls, long weight) {
        memory.release(weight);
        s.pending.addAndGet(-calls);
    }

    /** Rejects a call that was never run. Any thread; never throws. */
    void reject(Store s, Observation o) {
        try {
            reporter.rejected(s, o);
        } finally {
            release(s, o);
        }
    }

    /** A call finished or was rejected: wake waiters, if any. */
    void progressed() {
        // Only waiters need the monitor; skip it otherwise.
        if (waiters.get() > 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    // ------------------------------------------------------------------ waiters

    /** @return a condition true once every ordered call queued for {@code s} so far has finished */
    BooleanSupplier orderedDone(Store s) {
        List<BooleanSupplier> lanes = new ArrayList<>(Store.LANES + 1);
        for (Lane lane : s.lanes) {
            lanes.add(laneDone(lane));
        }
        lanes.add(laneDone(s.unkeyedLane));
        return () -> lanes.stream().allMatch(BooleanSupplier::getAsBoolean);
    }

    /** @return a condition true once every call queued in {@code lane} so far has finished */
    BooleanSupplier laneDone(Lane lane) {
        long mark = lane.mark();
        return () -> lane.reached(mark);
    }

    /** @return a condition true once every call handed to any of {@code stores} so far has finished */
    BooleanSupplier allDone(Store[] stores) {
        List<BooleanSupplier> conditions = new ArrayList<>();
        for (Store s : stores) {
            conditions.add(orderedDone(s));
            InFlight.Epoch epoch = s.unordered.cut();
            conditions.add(() -> InFlight.done(epoch));
            if (s.observer) {
                // An observer that records later (a journal's batch): done once none is outstanding.
                conditions.add(() -> s.recording.get() == 0);
            }
        }
        return () -> conditions.stream().allMatch(BooleanSupplier::getAsBoolean);
    }

    /**
     * Waits until {@code done} holds, or the deadline passes.
     *
     * @param deadline a {@link System#nanoTime()}
     * @return whether it holds
     */
    boolean await(BooleanSupplier done, long deadline) {
        waiters.incrementAndGet();
        try {
            synchronized (idle) {
                while (!done.getAsBoolean()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    // Bounded, so a condition that turns true without a wake-up (calls
                    // counted by another thread's pass) is seen soon.
                    TimeUnit.NANOSECONDS.timedWait(idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
                }
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiters.decrementAndGet();
        }
    }

    // ------------------------------------------------------------------ stopping

    /**
     * Stops for good: rejects every call not yet started, expires those still running, gives
     * the mailbox until the deadline to tell listeners, then stops dualstore's own threads.
     *
     * @return how many calls were still running and had to be interrupted
     */
    int stop(Store[] stores, Deadlines deadlines, Mailbox mailbox, long deadline) {
        stopped = true;
        for (Store s : stores) {
            for (Lane lane : s.lanes) {
                lane.rejectQueued();
            }
            s.unkeyedLane.rejectQueued();
            s.unorderedQueue.rejectQueued();
        }
        int interrupted = deadlines.expireAll();
        await(() -> calling.get() == 0, deadline);
        // Listeners get a short grace even when the drain used up the deadline: what they would
        // be told is already counted and listed, so this only bounds the wait, not the accounting.
        await(mailbox::isEmpty, Math.max(deadline, System.nanoTime() + STOP_GRACE_NANOS));
        for (Runnable dropped : workers.shutdownNow()) {
            if (dropped instanceof Lane lane) {
                lane.rejectQueued();
            }
        }
        for (Store s : stores) {
            s.unorderedQueue.rejectQueued(); // what reached a drainer that will now never run
        }
        // Every call has ended or was interrupted; the threads end at once unless a store ignores interrupts.
        workers.awaitTermination(System.nanoTime() + STOP_GRACE_NANOS);
        return interrupted;
    }
}
