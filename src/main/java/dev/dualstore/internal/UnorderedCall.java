package dev.dualstore.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One unordered secondary call (a read without a key), queued in its store's
 * {@link UnorderedQueue} and run by one of its drainers, or rejected. Counted in the store's
 * {@link InFlight} epoch, so drain() can wait for it. It is also its own node in the
 * {@link CallQueue} it waits in.
 */
final class UnorderedCall {
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(UnorderedCall.class, "next", UnorderedCall.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Store store;
    /** Cleared once the call ended: the node may stay in its queue as the dummy a while longer. */
    private Observation observation;
    private final InFlight.Epoch epoch;
    @SuppressWarnings("unused") // through NEXT
    private volatile UnorderedCall next;

    UnorderedCall(Store store, Observation observation, InFlight.Epoch epoch) {
        this.store = store;
        this.observation = observation;
        this.epoch = epoch;
    }

    /** A queue's first node, which stands for no call. */
    static UnorderedCall dummy() {
        return new UnorderedCall(null, null, null);
    }

    /**
     * Runs the call on the drainer's thread, which frees its permit and ends its epoch's count
     * afterwards, together with other calls' ({@link UnorderedQueue}).
     */
    void runHeld(Dispatcher dispatcher, Deadlines.Slot slot) {
        try {
            dispatcher.runHeld(store, observation, slot);
        } finally {
            observation = null; // the answer it holds is no longer counted in the memory bound
        }
    }

    int weight() {
        return observation.weight;
    }

    InFlight.Epoch epoch() {
        return epoch;
    }

    /** The call was refused or dropped without running. */
    void reject(Dispatcher dispatcher) {
        try {
            dispatcher.reject(store, observation);
        } finally {
            ended(dispatcher);
        }
    }

    private void ended(Dispatcher dispatcher) {
        // The answer it holds is no longer counted in the memory bound: let it go now.
        observation = null;
        epoch.exit();
        dispatcher.progressed();
    }

    UnorderedCall next() {
        return next;
    }

    boolean casNext(UnorderedCall expected, UnorderedCall update) {
        return NEXT.compareAndSet(this, expected, update);
    }

    /** Taken off the front of its queue: link to itself, see {@link CallQueue}. */
    void unlinkTaken() {
        NEXT.setRelease(this, this);
    }
}
