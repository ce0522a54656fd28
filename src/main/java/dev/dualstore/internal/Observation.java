package dev.dualstore.internal;

import dev.dualstore.Outcome;

/**
 * What the caller's thread hands to the dispatcher for one mirrored call: the call and the
 * primary's answer. Built before it is published to a lane or executor and never modified after,
 * so every secondary that shares it sees the same values. Safe publication comes from the
 * concurrent queue or executor hand-off.
 */
final class Observation {
    final MethodPolicy policy;
    final Object[] args;
    /** The key, or null when the method has none (or the key argument was null). */
    final Object key;
    /** The key's hash as the engine spreads it (stripe, lane, sample); 0 without a key. */
    final int keyHash;
    final Object value;
    final Throwable thrown;
    final long primaryNanos;
    final Roles roles;
    /** The store whose task records the primary's timer, so it is recorded once per call. */
    final Store recordsPrimaryTiming;
    /**
     * For a keyed read: the optimistic stamp of the key's stripe taken before the primary call,
     * so a secondary written outside its lane ({@code DUAL_WRITE}) can tell whether a write to the
     * key slipped in before it answered. Zero otherwise.
     */
    final long stamp;

    Observation(MethodPolicy policy, Object[] args, Object key, int keyHash, Object value, Throwable thrown,
            long primaryNanos, Roles roles, Store recordsPrimaryTiming, long stamp) {
        this.policy = policy;
        this.args = args;
        this.key = key;
        this.keyHash = keyHash;
        this.value = value;
        this.thrown = thrown;
        this.primaryNanos = primaryNanos;
        this.roles = roles;
        this.recordsPrimaryTiming = recordsPrimaryTiming;
        this.stamp = stamp;
    }

    Outcome primaryOutcome() {
        return thrown != null ? Outcome.threw(thrown) : Outcome.returned(value);
    }
}
