package dev.dualstore.internal;

import dev.dualstore.Outcome;
import dev.dualstore.spi.Invocation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What the caller's thread hands to the dispatcher for one mirrored call: the call and the
 * primary's answer. Kept small (64 bytes), since one is made per mirrored call. Built before it is published to a lane or executor and never modified after,
 * so every store that shares it sees the same values; safe publication comes from the concurrent
 * queue or executor hand-off. Also what a {@code WriteObserver} receives.
 */
final class Observation implements Invocation {
    private static final int UNSETTLED = 0;
    /** Readers whose order is settled in {@link #order}, two bits each. */
    private static final int MAX_SETTLED = 16;
    private static final int IN_ORDER = 1;
    private static final int RACED = 2;
    private static final VarHandle ORDER;

    static {
        try {
            ORDER = MethodHandles.lookup().findVarHandle(Observation.class, "order", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    final MethodPolicy policy;
    final Object[] args;
    /** The key, or null when the method has none (or the key argument was null). */
    final Object key;
    /** The key's hash as the engine spreads it (fence, lane, sample); 0 without a key. */
    final int keyHash;
    final Object value;
    final Throwable thrown;
    final long primaryNanos;
    final Roles roles;
    /**
     * For a keyed read: the key's fence stamp taken before the primary call, so a store written
     * outside its lane ({@code DUAL_WRITE}) can tell whether a write to the key slipped in before
     * it answered. Zero otherwise.
     */
    final long stamp;
    /** The estimated bytes the call holds while pending, by the backend's weigher (saturated at 2 GiB). */
    final int weight;
    /** For a keyed read: per reader, two bits: whether it entered that reader's lane where the primary saw it. */
    @SuppressWarnings("unused") // through ORDER
    private volatile int order;

    Observation(MethodPolicy policy, Object[] args, Object key, int keyHash, Object value,
            Throwable thrown, long primaryNanos, Roles roles, long stamp, long weight) {
        this.policy = policy;
        this.args = args;
        this.key = key;
        this.keyHash = keyHash;
        this.value = value;
        this.thrown = thrown;
        this.primaryNanos = primaryNanos;
        this.roles = roles;
        this.stamp = stamp;
        this.weight = (int) Math.min(Integer.MAX_VALUE, weight);
    }

    /**
     * Caller's thread, right after the keyed read entered reader {@code reader}'s lane: settles
     * whether it entered where the primary saw it, unless that reader's worker did first.
     */
    void settle(int reader, boolean inOrder) {
        if (reader >= MAX_SETTLED) {
            return; // such a reader's worker decides alone
        }
        int shift = 2 * reader;
        for (int now = order; ((now >>> shift) & 3) == UNSETTLED; now = order) {
            if (ORDER.compareAndSet(this, now, now | ((inOrder ? IN_ORDER : RACED) << shift))) {
                return;
            }
        }
    }

    /**
     * Worker thread: whether this keyed read may be compared on {@code s}. Each reader is settled
     * on its own: the read entered one lane after another, and a write may slip into the next
     * lane ahead of it after it entered the first. If the caller has not settled it for
     * {@code s} yet, settles it now by the same rule, checked later and so only stricter (the
     * read is already in this lane).
     */
    boolean inOrder(Store s, WriteFence fence) {
        int reader = indexOf(roles.readers, s);
        if (reader >= MAX_SETTLED) {
            return fence.unchanged(keyHash, stamp);
        }
        int shift = 2 * reader;
        while (true) {
            int now = order;
            int settled = (now >>> shift) & 3;
            if (settled != UNSETTLED) {
                return settled == IN_ORDER;
            }
            int mine = fence.unchanged(keyHash, stamp) ? IN_ORDER : RACED;
            if (ORDER.compareAndSet(this, now, now | (mine << shift))) {
                return mine == IN_ORDER;
            }
        }
    }

    private static int indexOf(Store[] stores, Store s) {
        for (int i = 0; i < stores.length; i++) {
            if (stores[i] == s) {
                return i;
            }
        }
        return MAX_SETTLED; // not a reader of these roles: decide by the fence alone
    }

    /**
     * Whether {@code s} records the primary's timer for this call, so it is recorded once: the
     * first reader of a read, the first shadow writer of a write (which received it only if it
     * was sampled). Writes seen only by observers or {@code DUAL_WRITE} stores are timed elsewhere or not at all.
     */
    boolean timedBy(Store s) {
        Store[] first = policy.dispatch == MethodPolicy.Dispatch.READ ? roles.readers : roles.shadowWriters;
        return first.length > 0 && first[0] == s;
    }

    @Override
    public String backend() {
        return policy.backend;
    }

    @Override
    public Method method() {
        return policy.method;
    }

    @Override
    public List<Object> arguments() {
        return args == null ? List.of() : Collections.unmodifiableList(Arrays.asList(args));
    }

    @Override
    public Object key() {
        return key;
    }

    @Override
    public String primary() {
        return roles.primary.name;
    }

    @Override
    public Outcome outcome() {
        return thrown != null ? Outcome.threw(thrown) : Outcome.returned(value);
    }

    @Override
    public long primaryNanos() {
        return primaryNanos;
    }

    @Override
    public String toString() {
        return "Invocation[" + policy.backend + "." + policy.name + ", key " + (key == null ? "none" : "present") + "]";
    }
}
