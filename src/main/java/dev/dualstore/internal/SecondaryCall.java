package dev.dualstore.internal;

/**
 * One unordered secondary call (an unkeyed read) as an executor task: a named type rather than a
 * lambda, so that work dropped when the backend closes can still be counted.
 */
final class SecondaryCall implements Runnable {
    private final MirroringEngine<?> engine;
    final Store store;
    final Observation observation;

    SecondaryCall(MirroringEngine<?> engine, Store store, Observation observation) {
        this.engine = engine;
        this.store = store;
        this.observation = observation;
    }

    @Override
    public void run() {
        engine.runSecondary(store, observation);
    }
}
