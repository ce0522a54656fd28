package dev.dualstore.internal;

/**
 * One unordered secondary call (an unkeyed read) as an executor task: a named type rather than a
 * lambda, so that work dropped when the backend closes can still be counted.
 */
final class SecondaryCall implements Runnable {
    private final MirroringEngine<?> engine;
    final Store store;
    final Observation observation;
    /** Orders it after earlier tasks in dualstore's own pool. */
    final long submission;

    SecondaryCall(MirroringEngine<?> engine, Store store, Observation observation, long submission) {
        this.engine = engine;
        this.store = store;
        this.observation = observation;
        this.submission = submission;
    }

    @Override
    public void run() {
        engine.runSecondary(store, observation);
    }
}
