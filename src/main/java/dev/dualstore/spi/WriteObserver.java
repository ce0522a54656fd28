package dev.dualstore.spi;

import java.lang.reflect.Method;

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
