package dev.dualstore.internal;

/**
 * One unordered secondary call (a read without a key) as an executor task: a named type rather
 * than a lambda, so that work dropped when the backend closes can still be counted. Runs on an
 * executor thread.
 */
final class UnorderedCall implements Runnable {
    private final Dispatcher dispatcher;
    final Store store;
    final Observation observation;
    private final InFlight.Epoch epoch;
    /** Orders it after earlier tasks in dualstore's own pool. */
    final long submission;

    UnorderedCall(Dispatcher dispatcher, Store store, Observation observation, InFlight.Epoch epoch, long submission) {
        this.dispatcher = dispatcher;
        this.store = store;
        this.observation = observation;
        this.epoch = epoch;
        this.submission = submission;
    }

    @Override
    public void run() {
        boolean entered = Workers.enter();
        try {
            dispatcher.runUnordered(store, observation);
        } finally {
            Workers.exit(entered);
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
