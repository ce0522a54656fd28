package dev.dualstore.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One configured store or write observer, whatever its role: its target and the state that
 * follows it across promotes (queued work, lanes, keys to repair). Threadsafe.
 */
final class Store {
    /** Ordered lanes per store for keyed calls; a power of two. Bounds per-store parallelism. */
    static final int LANES = 64;

    final String name;
    /** The store's implementation of the interface, its {@link StoreParts}, or the {@code WriteObserver}. */
    final Object target;
    /** For a store given as parts: the part of each method, by {@link MethodPolicy#index}; else null. Set once, before the proxy exists. */
    private Object[] parts;
    /** Position in the engine's store array; indexes per-store meters. */
    final int id;
    /** A write observer: receives writes only, and is never promoted or compared. */
    final boolean observer;
    /** Calls handed off to this store and not finished yet; bounded by the permits. */
    final AtomicInteger pending = new AtomicInteger();
    /** A write observer's writes handed over whose {@code record} stage has not completed yet. */
    final AtomicInteger recording = new AtomicInteger();
    final Lane[] lanes = new Lane[LANES];
    /** Writes without a key, in the order they were handed off. */
    final Lane unkeyedLane;
    /** Unordered calls (reads without a key) in flight, for drain. */
    final InFlight unordered = new InFlight();
    final RepairLog repairs;
    /** Reads without a key; its drainers, at most the concurrency left beside the lanes, bound the calls at once. */
    final UnorderedQueue unorderedQueue;
    /** The observer's own meters; null for a store. Set once, before the proxy exists. */
    ObserverMeters observerMeters;
    /** The warm-up's length and timeout; 0 without one. Set once, before the proxy exists. */
    private long warmUpNanos;
    private long warmUpTimeoutNanos;
    /** When the warm-up ends, by the backend's ticker; set by the first call armed for this store. */
    private volatile long warmUntil;
    private volatile boolean warmUpStarted;

    Store(String name, Object target, int id, boolean observer, Dispatcher dispatcher, int repairCapacity, int concurrency) {
        this.name = name;
        this.target = target;
        this.id = id;
        this.observer = observer;
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new Lane(dispatcher, this);
        }
        this.unkeyedLane = new Lane(dispatcher, this);
        this.repairs = new RepairLog(repairCapacity);
        this.unorderedQueue = new UnorderedQueue(dispatcher, this, Math.max(1, concurrency - LANES));
    }

    /** Binds each method to its part, for a store given as {@link StoreParts}. */
    void bindParts(Object[] byMethod) {
        this.parts = byMethod;
    }

    /** The object that runs {@code p} for this store: the store itself, or its part for the method. */
    Object target(MethodPolicy p) {
        Object[] byMethod = parts;
        return byMethod == null ? target : byMethod[p.index];
    }

    void warmUp(long periodNanos, long timeoutNanos) {
        this.warmUpNanos = periodNanos;
        this.warmUpTimeoutNanos = timeoutNanos;
    }

    /**
     * Whether a call to this store starting at {@code start} (by the backend's ticker) falls in
     * its warm-up, which the first call starts. Worker threads; threadsafe.
     */
    boolean warmingUp(long start) {
        if (warmUpNanos == 0L) {
            return false;
        }
        if (!warmUpStarted) {
            synchronized (this) {
                if (!warmUpStarted) {
                    warmUntil = start + warmUpNanos;
                    warmUpStarted = true;
                }
            }
        }
        return start - warmUntil < 0;
    }

    /** The timeout of calls during the warm-up. */
    long warmUpTimeoutNanos() {
        return warmUpTimeoutNanos;
    }

    /** The lane of a keyed call, by the key's spread hash. */
    Lane lane(int keyHash) {
        return lanes[keyHash & (LANES - 1)];
    }

    @Override
    public String toString() {
        return name;
    }
}
