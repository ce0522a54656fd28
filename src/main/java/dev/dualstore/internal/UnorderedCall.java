package dev.dualstore.internal;

/**
 * One unordered secondary call (a read without a key), queued in its store's
 * {@link UnorderedQueue} and run by one of its drainers, or rejected. Counted in the store's
 * {@link InFlight} epoch, so drain() can wait for it.
 */
final class UnorderedCall {
    private final Dispatcher dispatcher;
    final Store store;
    final Observation observation;
    private final InFlight.Epoch epoch;

    UnorderedCall(Dispatcher dispatcher, Store store, Observation observation, InFlight.Epoch epoch) {
        this.dispatcher = dispatcher;
        this.store = store;
        this.observation = observation;
        this.epoch = epoch;
    }

    /** Runs the call on the drainer's thread. */
    void run(Deadlines.Slot slot) {
        try {
            dispatcher.run(store, observation, slot);
        } finally {
            ended();
        }
    }

    /** The call was refused or dropped without running. */
    void reject() {
        try {
            dispatcher.reject(store, observation);
        } finally {
            ended();
        }
    }

    private void ended() {
        epoch.exit();
        dispatcher.progressed();
    }
}
