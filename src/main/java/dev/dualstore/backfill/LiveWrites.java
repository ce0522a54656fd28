package dev.dualstore.backfill;

import dev.dualstore.spi.Invocation;
import dev.dualstore.spi.WriteObserver;
import dev.dualstore.table.RowKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Lets a {@link Backfill} run while a {@code MirroringBackend} shadows live writes into its target,
 * without leaving an older copy over a newer row or bringing back a deleted one. Register it on the
 * backend as a write observer, then hand it to the backfill with the backend:
 *
 * <pre>{@code
 * LiveWrites live = LiveWrites.keyedBy(key -> RowKey.of(key));   // a DAO call's key -> the table's key
 * MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
 *         .primary("old", oldStore).secondary("new", newStore)
 *         .writeObserver("backfill", live)
 *         .build();
 * Backfill.from(oldTable).to(newTable).liveWrites(backend, "new", live).run();
 * }</pre>
 *
 * <p><b>Why it is right.</b> A chunk reads rows from the source, then writes them to the target; a
 * live write to one of those keys between the read and the write may reach the target first and
 * then be overwritten by the older copy. So each key written while the backfill runs is remembered
 * with the number of chunks started by then; once every one of those chunks has finished, the
 * backfill copies the key again from the source through {@code backend.repair(store, key, ...)},
 * which holds the key's write fence, so the re-copy cannot race a live write to it. A key whose
 * re-copy fails is reported in {@link BackfillResult#keysToCheck()}; a write without a key in
 * {@link BackfillResult#writesNotTracked()}. Writes are only tracked while a backfill runs; before,
 * no chunk can hold an older copy.
 *
 * <p>Guarantees are per process: writes made through another instance's backend are seen by that
 * instance's {@code LiveWrites} only. {@link #onWrite} runs on dualstore's worker threads; the rest
 * on the backfill's. Threadsafe.
 */
public final class LiveWrites implements WriteObserver {
    private final Function<Object, RowKey> rowKey;
    private final AtomicLong notTracked = new AtomicLong();
    // Guarded by this.
    private boolean active;
    private long started;
    private final TreeSet<Long> inFlight = new TreeSet<>();
    private final Map<RowKey, Pending> pending = new LinkedHashMap<>();

    /** A key written live, and the number of chunks started when it was seen. */
    record Pending(Object daoKey, RowKey rowKey, long startedBefore) {
    }

    private LiveWrites(Function<Object, RowKey> rowKey) {
        this.rowKey = rowKey;
    }

    /**
     * Live writes whose call key (as {@code Invocation.key()} gives it: the {@code @Key} argument, a
     * list for a composite key) becomes the table's key through {@code rowKey}. The function must be
     * pure and threadsafe; it runs on dualstore's worker threads.
     */
    public static LiveWrites keyedBy(Function<Object, RowKey> rowKey) {
        return new LiveWrites(Objects.requireNonNull(rowKey, "rowKey"));
    }

    @Override
    public void onWrite(Invocation write) {
        synchronized (this) {
            if (!active) {
                return;
            }
        }
        Object daoKey = write.key();
        RowKey key;
        try {
            key = daoKey == null ? null : rowKey.apply(daoKey);
        } catch (RuntimeException e) {
            key = null;
        }
        synchronized (this) {
            if (!active) {
                return;
            }
            if (key == null) {
                notTracked.incrementAndGet();
                return;
            }
            pending.remove(key);
            pending.put(key, new Pending(daoKey, key, started));
        }
    }

    synchronized void start() {
        if (active) {
            throw new IllegalStateException("these LiveWrites already serve a running backfill");
        }
        active = true;
        started = 0;
        inFlight.clear();
        pending.clear();
        notTracked.set(0);
    }

    synchronized void stop() {
        active = false;
        pending.clear();
        inFlight.clear();
    }

    /** Called before a chunk reads the source; returns its number. */
    synchronized long chunkStarted() {
        long number = ++started;
        inFlight.add(number);
        return number;
    }

    /** Called once a chunk's rows are all written to the target (or it gave up). */
    synchronized void chunkFinished(long number) {
        inFlight.remove(number);
    }

    /** Takes the keys no running chunk can still overwrite with an older copy. */
    synchronized List<Pending> takeSettled() {
        long oldestRunning = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.first();
        List<Pending> settled = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            // Every chunk that started before the write was seen has finished.
            if (p.startedBefore() < oldestRunning) {
                settled.add(p);
                it.remove();
            }
        }
        return settled;
    }

    long notTracked() {
        return notTracked.get();
    }

    @Override
    public String toString() {
        return "LiveWrites";
    }
}
