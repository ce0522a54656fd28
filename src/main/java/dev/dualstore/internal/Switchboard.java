package dev.dualstore.internal;

import dev.dualstore.Stage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes who answers and who is mirrored to (promote, stage), repairs one key in order with
 * live writes, and closes the backend. Each change pauses writes, waits for the work queued
 * before it, and swaps the immutable {@link Roles} behind one volatile reference, so no store
 * sees one key's writes out of order across the change.
 *
 * <p>These operations run on the operator's thread and may wait up to the promote timeout; they
 * are refused on dualstore's own workers (from a listener, a comparator, a write observer or a
 * store's code), where they would wait for themselves. Threadsafe; changes are serialised.
 */
final class Switchboard {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");

    private final String backend;
    private final WriteFence fence;
    private final Dispatcher dispatcher;
    private final Duration promoteTimeout;
    private final long promoteTimeoutNanos;
    private final Object changing = new Object();
    private volatile Roles roles;

    Switchboard(String backend, Roles initial, WriteFence fence, Dispatcher dispatcher, Duration promoteTimeout) {
        this.backend = backend;
        this.roles = initial;
        this.fence = fence;
        this.dispatcher = dispatcher;
        this.promoteTimeout = promoteTimeout;
        this.promoteTimeoutNanos = Durations.nanos(promoteTimeout);
    }

    Roles roles() {
        return roles;
    }

    void promote(Store target) {
        String action = "promote(\"" + target.name + "\")";
        refuseOnWorker(action);
        synchronized (changing) {
            Roles current = requireOpen();
            if (current.primary != target) {
                if (!current.stageOf(target).receivesWrites()) {
                    throw new IllegalStateException(action + " refused: '" + target.name + "' is " + current.stageOf(target)
                            + " and receives no writes, so it would answer with stale data; give it a writing stage first");
                }
                change(target, current.promote(target), action);
            }
        }
    }

    void stage(Store target, Stage stage) {
        String action = "stage(\"" + target.name + "\", " + stage + ")";
        refuseOnWorker(action);
        synchronized (changing) {
            Roles current = requireOpen();
            if (current.stageOf(target) != stage) {
                change(target, current.withStage(target, stage), action);
            }
        }
    }

    /**
     * Moves to the roles a migration control set, in one change: {@code primary} answers and
     * each secondary gets its stage from {@code stages}, which names every store but the primary
     * (the former primary keeps its slot among the secondaries), and the roles record
     * {@code controlState}. Every store whose role or stage changes is drained first, as for
     * {@link #promote} and {@link #stage}.
     *
     * @throws IllegalStateException if the backend is closed, the new primary receives no writes
     *                               now, or queued calls did not finish in time
     */
    void follow(Store primary, Map<Store, Stage> stages, Object controlState, String action) {
        refuseOnWorker(action);
        synchronized (changing) {
            Roles current = requireOpen();
            Store[] secondaries = current.secondaries.clone();
            if (current.primary != primary) {
                if (!current.stageOf(primary).receivesWrites()) {
                    throw new IllegalStateException(action + " refused: '" + primary.name + "' is " + current.stageOf(primary)
                            + " and receives no writes, so it would answer with stale data");
                }
                secondaries[current.indexOf(primary)] = current.primary;
            }
            Stage[] next = new Stage[secondaries.length];
            List<Store> changed = new ArrayList<>();
            if (current.primary != primary) {
                changed.add(primary);
                changed.add(current.primary);
            }
            for (int i = 0; i < secondaries.length; i++) {
                next[i] = stages.get(secondaries[i]);
                if (secondaries[i] != current.secondaries[i] || next[i] != current.stages[i]) {
                    if (!changed.contains(secondaries[i])) {
                        changed.add(secondaries[i]);
                    }
                }
            }
            Roles following = new Roles(primary, secondaries, next, current.observers, false, controlState);
            if (changed.isEmpty()) {
                // No role changes, only the step they serve: nothing to pause or drain. Swapped
                // all the same, so a call's roles and their step are read together.
                roles = following;
            } else {
                change(changed, following, action);
            }
        }
    }

    /**
     * Runs {@code action} within {@code key}'s write fence, after the writes to that key already
     * queued for {@code store} have finished, and forgets the key in the store's repair list if
     * the action succeeds. Writes to the key wait meanwhile, as they would for a row lock.
     */
    <V> V repair(Store store, Object key, Callable<V> action) throws Exception {
        String what = "repair(\"" + store.name + "\", key)";
        refuseOnWorker(what);
        requireOpen();
        int hash = Keys.hash(key);
        long deadline = System.nanoTime() + promoteTimeoutNanos;
        KeyLocks.KeyLock held = fence.tryLockKey(key, hash, promoteTimeoutNanos);
        if (held == null) {
            throw new IllegalStateException(what + " did not start: writes to the key did not finish within " + promoteTimeout);
        }
        try {
            if (!dispatcher.await(dispatcher.laneDone(store.lane(hash)), deadline)) {
                throw new IllegalStateException(what + " did not start: writes queued for '" + store.name
                        + "' did not finish within " + promoteTimeout);
            }
            V result = action.call();
            store.repairs.remove(key);
            return result;
        } finally {
            fence.unlockKey(hash, held);
        }
    }

    /** Stops mirroring for good; see {@code MirroringBackend#close}. Never throws. */
    void close(Store[] stores, Deadlines deadlines, Mailbox mailbox) {
        if (Workers.onWorker()) {
            LOG.warn("dualstore backend '{}': close() called from dualstore's own worker; closing without waiting", backend);
        }
        synchronized (changing) {
            Roles current = roles;
            if (current.closed) {
                return;
            }
            long deadline = System.nanoTime() + promoteTimeoutNanos;
            boolean paused = false;
            try {
                fence.pauseAll(deadline, "close()");
                paused = true;
            } catch (IllegalStateException e) {
                // A write stuck in its primary call must not stop a shutdown: close without the fence.
                LOG.warn("dualstore backend '{}': closing while writes are still in progress", backend);
            }
            try {
                roles = current.close();
            } finally {
                if (paused) {
                    fence.resume();
                }
            }
            boolean drained = !Workers.onWorker() && dispatcher.await(dispatcher.allDone(stores), deadline);
            int interrupted = dispatcher.stop(stores, deadlines, mailbox, Workers.onWorker() ? System.nanoTime() : deadline);
            if (!drained) {
                LOG.warn("dualstore backend '{}': closed with secondary calls still pending after {}; {} running calls were"
                        + " interrupted and counted as timeouts, queued ones counted as rejected, and their writes' keys"
                        + " listed in keysToRepair", backend, promoteTimeout, interrupted);
            }
        }
    }

    private void change(Store drained, Roles next, String action) {
        change(List.of(drained), next, action);
    }

    private void change(List<Store> drained, Roles next, String action) {
        long deadline = System.nanoTime() + promoteTimeoutNanos;
        fence.pauseAll(deadline, action);
        try {
            for (Store store : drained) {
                BooleanSupplier done = dispatcher.orderedDone(store);
                if (!dispatcher.await(done, deadline)) {
                    throw new IllegalStateException(action + " did not happen: calls queued for '" + store.name
                            + "' did not finish within " + promoteTimeout + "; roles unchanged, writes resumed");
                }
            }
            roles = next;
        } finally {
            fence.resume();
        }
    }

    private Roles requireOpen() {
        Roles current = roles;
        if (current.closed) {
            throw new IllegalStateException("backend '" + backend + "' is closed");
        }
        return current;
    }

    private void refuseOnWorker(String action) {
        if (Workers.onWorker()) {
            throw new IllegalStateException(action + " was called on one of dualstore's worker threads (from a listener,"
                    + " a comparator, a write observer or a store's code); it would wait for the work that thread is"
                    + " doing. Call it from another thread");
        }
    }
}
