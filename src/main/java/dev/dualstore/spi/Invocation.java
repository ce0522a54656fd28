package dev.dualstore.spi;

import dev.dualstore.Outcome;
import java.lang.reflect.Method;
import java.util.List;

/**
 * One call the primary answered, as dualstore saw it on the caller's thread. Immutable as far as
 * dualstore is concerned; the arguments and the answer are the caller's own objects, so treat them
 * as read-only. Safe to read from any thread.
 */
public interface Invocation {

    /** @return the name of the backend that proxied the call */
    String backend();

    /** @return the interface method called */
    Method method();

    /** @return the call's arguments, an unmodifiable view (empty for a method without parameters; elements may be null) */
    List<Object> arguments();

    /**
     * @return the call's key (the {@code @Key} argument, a list of them for a composite key), or
     *         null when the method has no key or the key argument was null
     */
    Object key();

    /** @return the name of the store that answered the call (the primary at the time) */
    String primary();

    /** @return what the primary returned or threw */
    Outcome outcome();

    /** @return how long the primary's call took, in nanoseconds of the backend's ticker */
    long primaryNanos();
}
