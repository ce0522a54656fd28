package dev.dualstore.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One configured store, whatever its role: its target object and the state that follows it
 * across promotes (queued work, lanes, keys to repair). Threadsafe.
 */
final class Store {
    final String name;
    final Object target;
    /** Position in {@link MirroringEngine#stores}; indexes per-store meters. */
    final int id;
    /** Secondary calls handed off to this store and not finished yet. */
    final AtomicInteger pending = new AtomicInteger();
    final Lane[] lanes;
    final Lane unkeyedLane;
    final RepairLog repairs;

    Store(String name, Object target, int id, MirroringEngine<?> engine, int laneCount, int repairCapacity) {
        this.name = name;
        this.target = target;
        this.id = id;
        this.lanes = new Lane[laneCount];
        for (int i = 0; i < laneCount; i++) {
            lanes[i] = new Lane(engine, this);
        }
        this.unkeyedLane = new Lane(engine, this);
        this.repairs = new RepairLog(repairCapacity);
    }

    @Override
    public String toString() {
        return name;
    }
}
