package dev.dualstore.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One store's reads without a key: a queue drained by as many concurrent drainers as its backlog
 * needs, up to a bound. A secondary that keeps up is served by one drainer taking call after call
 * (one wake-up for many calls, not one per call); a slow one gets a drainer for each call
 * waiting, up to the bound, which is also the most calls it receives at once.
 *
 * <p>{@link #offer} runs on callers' threads and never blocks; drainers run on the executor.
 * Threadsafe.
 */
final class UnorderedQueue {
    /** Calls a drainer runs before it yields its thread, in a pool shared with other work. */
    private static final int BATCH = 64;
    /** The most calls a drainer takes off the queue at once. */
    private static final int CHUNK = 16;
    /** How many times the last drainer yields, looking for the next call, before it leaves: some 10 to 30 µs. */
    private static final int IDLE_SPINS = 16;

    private final Dispatcher dispatcher;
    private final Store store;
    private final CallQueue queue = new CallQueue();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger drainers = new AtomicInteger();
    private final int maxDrainers;
    /** Drainers that have run and may run again, so that starting one allocates nothing. */
    private final AtomicReferenceArray<Drainer> idle;

    UnorderedQueue(Dispatcher dispatcher, Store store, int maxDrainers) {
        this.dispatcher = dispatcher;
        this.store = store;
        this.maxDrainers = maxDrainers;
        this.idle = new AtomicReferenceArray<>(maxDrainers);
    }

    void offer(UnorderedCall call) {
        queue.offer(call);
        int backlog = queued.incrementAndGet();
        // Another drainer only when the backlog outgrows the drainers there are.
        for (int d = drainers.get(); (d == 0 || backlog > d) && d < maxDrainers; d = drainers.get()) {
            if (drainers.compareAndSet(d, d + 1)) {
                start();
                return;
            }
        }
    }

    /** Rejects every call still queued: the executor refused a drainer, or the backend is closing. */
    void rejectQueued() {
        UnorderedCall call;
        while ((call = queue.poll()) != null) {
            queued.decrementAndGet();
            call.reject(dispatcher);
        }
    }

    private void start() {
        start(claim());
    }

    private void start(Drainer drainer) {
        try {
            dispatcher.schedule(drainer);
        } catch (RejectedExecutionException e) {
            drainer.release();
            if (drainers.decrementAndGet() == 0) {
                rejectQueued(); // no drainer is left to take them
            }
        }
    }

    /** A drainer not running now: a pooled one if one is free, else a new one. */
    private Drainer claim() {
        for (int i = 0; i < idle.length(); i++) {
            Drainer d = idle.get(i);
            if (d == null) {
                Drainer fresh = new Drainer(true);
                if (idle.compareAndSet(i, null, fresh)) {
                    return fresh;
                }
                d = idle.get(i);
            }
            if (d.busy.compareAndSet(false, true)) {
                return d;
            }
        }
        // Every pooled one is busy, or just leaving: one for this run only.
        return new Drainer(false);
    }

    /** Takes calls until the queue is empty (or a batch is done, then goes to the back of the pool's line). */
    final class Drainer implements Runnable {
        /** When this drainer was submitted; orders it among the tasks of a pool of dualstore's. */
        volatile long submission;
        /** Claimed: scheduled or running. */
        final AtomicBoolean busy;
        private final boolean pooled;
        /** Where its calls publish their deadlines; opened by its first run, kept while pooled. */
        private Deadlines.Slot slot;
        /** The calls taken at once, run next; a drainer's runs never overlap. */
        private final UnorderedCall[] chunk = new UnorderedCall[CHUNK];

        Drainer(boolean pooled) {
            this.busy = new AtomicBoolean(true);
            this.pooled = pooled;
        }

        void release() {
            if (!pooled && slot != null) {
                dispatcher.closeSlot(slot);
                slot = null;
            }
            busy.set(false);
        }

        @Override
        public void run() {
            boolean entered = Workers.enter();
            try {
                drain();
            } finally {
                Workers.exit(entered);
            }
        }

        private void drain() {
            Deadlines.Slot slot = dispatcher.openSlot();
            try {
                drain(slot);
            } finally {
                dispatcher.closeSlot(slot);
            }
        }

        private void drain(Deadlines.Slot slot) {
            boolean again;
            dispatcher.startCalls();
            try {
                again = drainBatch(slot);
            } finally {
                dispatcher.endCalls();
            }
            if (again) {
                start(this); // still counted as a drainer; a fresh task lets other work in first
            }
        }

        /** @return whether calls are left for another run of this drainer */
        private boolean drainBatch(Deadlines.Slot slot) {
            int ran = 0;
            while (ran < BATCH) {
                int taken = queue.poll(chunk, chunkSize());
                if (taken == 0) {
                    if (awaitMore()) {
                        continue;
                    }
                    // Leave, unless a call slipped in after the poll while this drainer still counted.
                    if (drainers.decrementAndGet() > 0 || queue.isEmpty() || !reclaim()) {
                        release();
                        return false;
                    }
                    continue;
                }
                queued.addAndGet(-taken);
                ran += taken;
                if (runTaken(taken, slot)) {
                    break; // writes first: they wait in the same pool
                }
            }
            return true;
        }

        /**
         * The last drainer of an emptied queue waits a few microseconds for the next call before it
         * leaves. A caller whose call finds a drainer still there hands it over with no wake-up; one
         * that finds none must start one, and waking a parked thread costs that caller a system call.
         *
         * @return whether a call arrived meanwhile
         */
        private boolean awaitMore() {
            if (drainers.get() != 1) {
                return false; // others are leaving or working: they take what comes
            }
            for (int i = 0; i < IDLE_SPINS; i++) {
                // Yielding, not spinning: a spinner would keep pulling the queue's cache lines
                // away from the caller, which would then pay for every one of them.
                Thread.yield();
                if (!queue.isEmpty()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * How many calls to take at once: one while the drainers outnumber the calls waiting, so
         * that a slow store's calls run side by side; more, up to {@value #CHUNK}, when the queue
         * is long and its front is contended.
         */
        private int chunkSize() {
            int share = queued.get() / Math.max(1, drainers.get());
            return Math.max(1, Math.min(CHUNK, share));
        }

        /**
         * Runs the calls just taken, then frees their permits, bytes and epoch counts together, so
         * that a run of calls costs the counters callers also touch a few updates, not several per
         * call.
         *
         * @return whether writes are waiting for the pool, so this drainer should let them in
         */
        private boolean runTaken(int taken, Deadlines.Slot slot) {
            long weight = 0L;
            for (int i = 0; i < taken; i++) {
                weight += chunk[i].weight();
            }
            boolean writesWaiting = false;
            try {
                for (int i = 0; i < taken; i++) {
                    chunk[i].runHeld(dispatcher, slot); // off the queue: runs even if writes now wait
                    writesWaiting = writesWaiting || dispatcher.writesWaiting();
                }
            } finally {
                settle(taken, weight);
            }
            return writesWaiting;
        }

        /** Permits first: once a waiter sees the calls done, their permits and bytes are free too. */
        private void settle(int taken, long weight) {
            dispatcher.released(store, taken, weight);
            InFlight.Epoch epoch = null;
            int inEpoch = 0;
            for (int i = 0; i < taken; i++) {
                InFlight.Epoch e = chunk[i].epoch();
                chunk[i] = null;
                if (e != epoch) {
                    if (inEpoch > 0) {
                        epoch.exit(inEpoch);
                    }
                    epoch = e;
                    inEpoch = 0;
                }
                inEpoch++;
            }
            if (inEpoch > 0) {
                epoch.exit(inEpoch);
            }
            dispatcher.progressed();
        }

        private boolean reclaim() {
            for (int d = drainers.get(); d < maxDrainers; d = drainers.get()) {
                if (drainers.compareAndSet(d, d + 1)) {
                    return true;
                }
            }
            return false;
        }
    }
}
