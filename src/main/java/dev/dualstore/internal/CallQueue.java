package dev.dualstore.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free FIFO of {@link UnorderedCall}s for many producers and many consumers, in which each
 * call is its own node (Michael and Scott's queue, intrusive), so queueing a call allocates
 * nothing more than the call.
 *
 * <p>As in that algorithm the first node is a dummy: {@link #poll} returns the node after it and
 * makes that node the new dummy. A node taken off the front links to itself, so that a long-dead
 * node never keeps younger ones reachable; threads that meet such a node start again from the
 * front. Nodes are never reused, so no pointer can come back (no ABA). Threadsafe.
 */
final class CallQueue {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(CallQueue.class, "head", UnorderedCall.class);
            TAIL = lookup.findVarHandle(CallQueue.class, "tail", UnorderedCall.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The dummy; the first call is the one after it. */
    @SuppressWarnings("FieldMayBeFinal") // through HEAD
    private volatile UnorderedCall head;
    /** The last node, or one before it while an offer is half done. */
    @SuppressWarnings("FieldMayBeFinal") // through TAIL
    private volatile UnorderedCall tail;

    CallQueue() {
        UnorderedCall dummy = UnorderedCall.dummy();
        head = dummy;
        tail = dummy;
    }

    void offer(UnorderedCall call) {
        while (true) {
            UnorderedCall t = tail;
            UnorderedCall next = t.next();
            if (t != tail) {
                continue;
            }
            if (next == null) {
                if (t.casNext(null, call)) {
                    TAIL.compareAndSet(this, t, call); // if it fails, another thread helped
                    return;
                }
            } else {
                TAIL.compareAndSet(this, t, next); // help a half-done offer along
            }
        }
    }

    /** @return the first call, now off the queue, or null if there is none */
    UnorderedCall poll() {
        while (true) {
            UnorderedCall h = head;
            UnorderedCall t = tail;
            UnorderedCall first = h.next();
            if (h != head) {
                continue; // h was taken meanwhile (it may link to itself now)
            }
            if (first == null) {
                return null;
            }
            if (h == t) {
                TAIL.compareAndSet(this, t, first); // the tail lags: move it first, never past it
            } else if (HEAD.compareAndSet(this, h, first)) {
                h.unlinkTaken();
                return first;
            }
        }
    }

    boolean isEmpty() {
        while (true) {
            UnorderedCall h = head;
            UnorderedCall first = h.next();
            if (h == head) {
                return first == null;
            }
        }
    }
}
