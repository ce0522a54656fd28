package dev.dualstore.internal;

import dev.dualstore.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Who answers and who is mirrored to, at one moment: an immutable snapshot swapped whole behind a
 * volatile reference, so a call sees one consistent set of roles from start to end. The arrays
 * are never modified after construction.
 */
final class Roles {
    final Store primary;
    /** Secondaries, in configured order, with their stages (parallel arrays). */
    final Store[] secondaries;
    final Stage[] stages;
    /** Write observers; they receive every applied write, in every stage. */
    final Store[] observers;
    /** Secondaries that receive reads; empty when closed. */
    final Store[] readers;
    /** Secondaries that receive sampled writes off-thread; empty when closed. */
    final Store[] shadowWriters;
    /** Secondaries written on the caller's thread ({@link Stage#DUAL_WRITE}); empty when closed. */
    final Store[] dualWriters;
    /** Whether a write is handed off at all: some secondary or observer receives it. */
    final boolean mirrorsWrites;
    final boolean closed;
    /** The migration control's step these roles were made for ({@code ControlState}), null without one. */
    final Object controlState;

    Roles(Store primary, Store[] secondaries, Stage[] stages, Store[] observers, boolean closed) {
        this(primary, secondaries, stages, observers, closed, null);
    }

    Roles(Store primary, Store[] secondaries, Stage[] stages, Store[] observers, boolean closed, Object controlState) {
        this.controlState = controlState;
        this.primary = primary;
        this.secondaries = secondaries;
        this.stages = stages;
        this.observers = closed ? new Store[0] : observers;
        this.closed = closed;
        List<Store> readers = new ArrayList<>();
        List<Store> shadowWriters = new ArrayList<>();
        List<Store> dualWriters = new ArrayList<>();
        for (int i = 0; i < secondaries.length && !closed; i++) {
            if (stages[i].receivesReads()) {
                readers.add(secondaries[i]);
            }
            if (stages[i] == Stage.DUAL_WRITE) {
                dualWriters.add(secondaries[i]);
            } else if (stages[i].receivesWrites()) {
                shadowWriters.add(secondaries[i]);
            }
        }
        this.readers = readers.toArray(new Store[0]);
        this.shadowWriters = shadowWriters.toArray(new Store[0]);
        this.dualWriters = dualWriters.toArray(new Store[0]);
        this.mirrorsWrites = this.shadowWriters.length + this.dualWriters.length + this.observers.length > 0;
    }

    /** The roles after {@code store} becomes primary; the former primary becomes a {@link Stage#SHADOW} secondary in its place. */
    Roles promote(Store store) {
        Store[] next = secondaries.clone();
        Stage[] nextStages = stages.clone();
        int at = indexOf(store);
        next[at] = primary;
        nextStages[at] = Stage.SHADOW;
        return new Roles(store, next, nextStages, observers, closed, controlState);
    }

    Roles withStage(Store store, Stage stage) {
        Stage[] nextStages = stages.clone();
        nextStages[indexOf(store)] = stage;
        return new Roles(primary, secondaries, nextStages, observers, closed, controlState);
    }

    Roles close() {
        return new Roles(primary, secondaries, stages, observers, true, controlState);
    }

    /** Whether {@code store} is written on callers' threads, outside its lane. */
    boolean writesSynchronously(Store store) {
        for (Store s : dualWriters) {
            if (s == store) {
                return true;
            }
        }
        return false;
    }

    Stage stageOf(Store store) {
        return stages[indexOf(store)];
    }

    int indexOf(Store store) {
        for (int i = 0; i < secondaries.length; i++) {
            if (secondaries[i] == store) {
                return i;
            }
        }
        throw new IllegalArgumentException("'" + store.name + "' is " + (store.observer ? "a write observer" : "the primary")
                + "; stages apply to secondaries");
    }
}
