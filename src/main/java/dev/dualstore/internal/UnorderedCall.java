package dev.dualstore.internal;

/**
 * One unordered secondary call (a read without a key), queued in its store's
 * {@link UnorderedQueue} and run by one of its drainers, or rejected. Counted in the store's
 * {@link InFlight} epoch, so drain() can wait for it.
 */
final class UnorderedCall {
    final Store store;
    final Observation observation;
    private final InFlight.Epoch epoch;

    UnorderedCall(Store store, Observation observation, InFlight.Epoch epoch) {
        this.store = store;
        this.observation = observation;
        this.epoch = epoch;
    }

    /** Runs the call on the drainer's thread. */
    void run(Dispatcher dispatcher, Deadlines.Slot slot) {
        try {
            dispatcher.run(store, observation, slot);
        } finally {
            ended(dispatcher);
        }
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
        epoch.exit();
        dispatcher.progressed();
    }
}
