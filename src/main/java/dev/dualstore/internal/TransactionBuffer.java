package dev.dualstore.internal;

import dev.dualstore.internal.KeyLocks.KeyLock;
import dev.dualstore.spi.TransactionHook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one backend mirrors inside one transaction, held until it ends: on commit, handed to the
 * secondaries in the order the primary applied it; on rollback, dropped and counted.
 *
 * <p><b>Order.</b> A write in a transaction holds no write fence while it runs: the database's
 * row lock orders conflicting transactions, and a fence held across a call that waits for a row
 * lock could deadlock with the commit of the transaction that holds it. Instead, just before the
 * commit the buffer takes the fences of every key it wrote (in hash order), and hands its writes
 * off after the commit, still holding them, so a later transaction's writes to those keys, which
 * could not commit before this one, are handed off after these. A fence that stays taken (by a
 * write outside any transaction that waits for this transaction's row lock) is given up after a
 * short wait: those keys are then listed for repair, since their order is no longer certain.
 *
 * <p><b>Reads</b> of a key the transaction wrote (of any key, after a write without one) saw
 * uncommitted data on the primary: they are handed off after the commit, behind the writes, and
 * dropped on rollback. Other reads in a transaction are mirrored at once.
 *
 * <p>Confined to the thread of its transaction; the listener runs on the thread that ends it.
 */
final class TransactionBuffer implements TransactionHook.Listener {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");
    /** How long the commit waits for a fence held by someone else before it gives up on order. */
    private static final long FENCE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How the buffer hands its calls to the engine when the transaction ends. */
    interface Handoff {
        /** A write, after the commit, within its key's fence when it could be taken. */
        void write(Deferred write);

        /** A write handed off without its key's fence: its order is uncertain, so list it for repair. */
        void unordered(Deferred write);

        /** A read, after the commit; {@code stamp} is its race stamp, or 0 if unknown (then it counts as raced). */
        void read(Deferred read, long stamp);

        /** A call of a transaction that rolled back: counted, never mirrored. */
        void rolledBack(Deferred call);
    }

    /** One call the primary answered inside the transaction, as the proxy handler saw it. */
    record Deferred(MethodPolicy policy, Object[] args, Object key, int hash, Object value, Throwable thrown,
            long nanos, Roles roles) {
        boolean write() {
            return policy.dispatch == MethodPolicy.Dispatch.WRITE;
        }
    }

    /** A key's fence, taken for the commit, and the key's hash it was taken by. */
    private record Held(KeyLock lock, int hash) {}

    private final ThreadLocal<TransactionBuffer> current;
    private final WriteFence fence;
    private final Handoff handoff;
    private final String backend;
    private final List<Deferred> calls = new ArrayList<>();
    private final Set<Object> writtenKeys = new HashSet<>();
    private boolean wroteWithoutKey;
    /** Fences taken by beforeCommit, by key. */
    private final Map<Object, Held> held = new LinkedHashMap<>();
    private boolean gateHeld;

    TransactionBuffer(ThreadLocal<TransactionBuffer> current, WriteFence fence, Handoff handoff, String backend) {
        this.current = current;
        this.fence = fence;
        this.handoff = handoff;
        this.backend = backend;
    }

    void deferWrite(Deferred write) {
        calls.add(write);
        if (write.key() == null) {
            wroteWithoutKey = true;
        } else {
            writtenKeys.add(write.key());
        }
    }

    /** Whether a read of {@code key} (null: without one) would see this transaction's own writes. */
    boolean sawOwnWrites(Object key) {
        return wroteWithoutKey || (key != null && writtenKeys.contains(key)) || (key == null && !writtenKeys.isEmpty());
    }

    void deferRead(Deferred read) {
        calls.add(read);
    }

    @Override
    public void suspend() {
        current.remove();
    }

    @Override
    public void resume() {
        current.set(this);
    }

    @Override
    public void beforeCommit() {
        try {
            takeFences();
        } catch (Throwable t) {
            LOG.error("dualstore backend '{}': taking write fences before a commit failed", backend, t);
        }
    }

    private void takeFences() {
        if (calls.stream().noneMatch(Deferred::write)) {
            return;
        }
        fence.enterGate();
        gateHeld = true;
        List<Deferred> keyed = new ArrayList<>();
        Set<Object> seen = new HashSet<>();
        for (Deferred d : calls) {
            if (d.write() && d.key() != null && seen.add(d.key())) {
                keyed.add(d);
            }
        }
        // One order for every transaction, so two committing ones never wait for each other in a circle.
        keyed.sort(Comparator.comparingInt(Deferred::hash));
        for (Deferred d : keyed) {
            KeyLock lock;
            try {
                lock = fence.tryLockKeyAsWriter(d.key(), d.hash(), FENCE_WAIT_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller's; the keys left count as unordered
                return;
            }
            if (lock != null) {
                held.put(d.key(), new Held(lock, d.hash()));
            }
        }
    }

    @Override
    public void afterCompletion(boolean committed) {
        current.remove();
        try {
            if (committed) {
                handOff();
            } else {
                calls.forEach(handoff::rolledBack);
            }
        } catch (Throwable t) {
            LOG.error("dualstore backend '{}': handing off a transaction's mirrored calls failed", backend, t);
        } finally {
            releaseFences();
        }
    }

    private void handOff() {
        for (Deferred d : calls) {
            if (d.write()) {
                handOffWrite(d);
            }
        }
        for (Deferred d : calls) {
            if (!d.write()) {
                // Behind this transaction's writes, in its key's lane, while their fences are held:
                // no other write can enter between, so the read is where the primary saw it.
                try {
                    handoff.read(d, d.key() != null && held.containsKey(d.key()) ? fence.stampHeld(d.hash()) : 0L);
                } catch (Throwable t) {
                    LOG.error("dualstore backend '{}': a read of a committed transaction was not compared", backend, t);
                }
            }
        }
    }

    /** One write; if anything goes wrong on the way, its key is listed, so the write is never lost unseen. */
    private void handOffWrite(Deferred d) {
        boolean ordered = gateHeld && (d.key() == null || held.containsKey(d.key()));
        try {
            handoff.write(d);
        } catch (Throwable t) {
            LOG.error("dualstore backend '{}': handing off a committed write failed; its key is listed", backend, t);
            ordered = false;
        }
        if (!ordered) {
            handoff.unordered(d);
        }
    }

    private void releaseFences() {
        held.values().forEach(h -> fence.exitWriteAsWriter(h.hash(), h.lock()));
        held.clear();
        if (gateHeld) {
            gateHeld = false;
            fence.exitGate();
        }
    }
}
