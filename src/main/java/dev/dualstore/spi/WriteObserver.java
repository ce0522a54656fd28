package dev.dualstore.spi;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Receives every write the primary applied (returned normally, or threw one of the method's
 * expected exceptions), whatever the stages and the sample rate, so that a journal can record
 * them. Added with {@code MirroringBackend.Builder#writeObserver(String, WriteObserver)}.
 *
 * <p><b>Threads and order.</b> Runs on dualstore's worker threads, never on the caller's. Writes
 * to one key arrive one at a time, in the order the primary applied them; writes to different
 * keys may arrive concurrently, so an implementation must be threadsafe.
 *
 * <p><b>Failures.</b> An exception it throws counts the write as {@code error} in
 * {@code dualstore.observer.writes} and lists its key under the observer's name in
 * {@code keysToRepair}; it never reaches the caller. A write that could not be delivered (its
 * queue full, or the backend closing) counts as {@code rejected} and is listed the same way.
 *
 * <p><b>Recording later.</b> An observer that records writes in batches (a journal) overrides
 * {@link #record}: it returns at once with a stage that completes once the write is recorded, so
 * it holds no worker while a batch is written. The stage's failure counts and lists the write as
 * an exception from {@code onWrite} would; {@code drain()} and {@code close()} wait for the
 * stages, as for any call in flight.
 *
 * <p>An observer is not a store: it is never promoted, compared, or listed by
 * {@code secondaryNames()}.
 */
@FunctionalInterface
public interface WriteObserver {
    /**
     * @param write a write the primary applied
     * @throws Exception if the write could not be recorded; counted, never thrown to the caller
     */
    void onWrite(Invocation write) throws Exception;

    /**
     * Receives a write the primary applied; the default calls {@link #onWrite} and returns a
     * completed stage. Writes to one key arrive one at a time, in order, each after the previous
     * one's {@code record} returned (not after its stage completed).
     *
     * @param write a write the primary applied
     * @return a stage that completes when the write is recorded, or completes exceptionally if it
     *     could not be; it may complete on any thread
     * @throws Exception if the write could not be recorded; counted, never thrown to the caller
     */
    default CompletionStage<?> record(Invocation write) throws Exception {
        onWrite(write);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Called by {@code build()} once for each method classified as a write, before the backend
     * exists, on the building thread; a journal checks here that it can record the method's
     * arguments. The default accepts every method.
     *
     * @param write a write method of the backend's interface
     * @throws IllegalArgumentException naming the method and what about it cannot be recorded;
     *     {@code build()} fails with it
     */
    default void checkWrite(Method write) {
    }
}
