package dev.dualstore;

import java.lang.reflect.Method;

/**
 * Estimates how much memory one mirrored call holds while it waits for its secondaries: its
 * arguments and the primary's answer, kept until every secondary has answered. dualstore bounds
 * the memory of pending calls by these estimates
 * ({@link MirroringBackend.Builder#maxPendingBytes(long)}), as it bounds their number, so a slow
 * secondary can never run the service out of memory.
 *
 * <p>Runs on the caller's thread for every mirrored call, so it must be cheap: an estimate, not
 * a measurement. Must be threadsafe. If it throws, the call is weighed by {@link #estimating()}
 * and the failure counted as a {@code weigher} callback error.
 */
@FunctionalInterface
public interface Weigher {

    /**
     * @param method    the interface method called
     * @param arguments the call's arguments (null for a method without parameters); never modify them
     * @param answer    what the primary returned (null if it threw or returned null)
     * @return the estimated bytes they hold; 0 or more
     */
    long weigh(Method method, Object[] arguments, Object answer);

    /**
     * The default: a few nanoseconds' estimate that looks at each value's size and at the first
     * element of collections, maps and arrays, three levels deep, instead of walking the whole
     * answer. Strings count their length; a list of a thousand short strings weighs about as
     * much as it really does (~60 to 80 KB). Objects it cannot see into count 64 bytes.
     *
     * @return the default weigher
     */
    static Weigher estimating() {
        return SizeEstimate.WEIGHER;
    }
}
