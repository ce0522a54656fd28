package dev.dualstore.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free FIFO of {@link UnorderedCall}s for many producers and many consumers, in which each
 * call is its own node (Michael and Scott's queue, intrusive), so queueing a call allocates
 * nothing more than the call. A consumer may take several calls with one compare-and-set.
 *
 * <p>As in that algorithm the first node is a dummy: {@link #poll} returns the node after it and
 * makes that node the new dummy. A node taken off the front links to itself, so that a long-dead
 * node never keeps younger ones reachable; threads that meet such a node start again from the
 * front. Nodes are never reused, so no pointer can come back (no ABA). Threadsafe.
 */
final class CallQueue extends CallQueueHeadPadding {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(CallQueueHead.class, "head", UnorderedCall.class);
            TAIL = lookup.findVarHandle(CallQueue.class, "tail", UnorderedCall.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
        UnorderedCall[] one = new UnorderedCall[1];
        return poll(one, 1) == 0 ? null : one[0];
    }

    /**
     * Takes up to {@code max} calls off the front with one compare-and-set, so that drainers
     * sharing a busy queue contend once per run of calls instead of once per call.
     *
     * @param into where the calls go, first first; at least {@code max} long
     * @return how many were taken, 0 if the queue was empty
     */
    int poll(UnorderedCall[] into, int max) {
        while (true) {
            UnorderedCall h = head;
            UnorderedCall t = tail;
            UnorderedCall first = h.next();
            if (h != head) {
                continue; // h was taken meanwhile (it may link to itself now)
            }
            if (first == null) {
                return 0;
            }
            if (h == t) {
                TAIL.compareAndSet(this, t, first); // the tail lags: move it first, never past it
                continue;
            }
            // t is after h, so walking from h meets it: stop there, the head never passes the tail.
            int n = 0;
            UnorderedCall last = first;
            into[n++] = last;
            while (n < max && last != t) {
                UnorderedCall next = last.next();
                if (next == null || next == last) {
                    break; // the end, or h was taken meanwhile (then the CAS below fails)
                }
                last = next;
                into[n++] = last;
            }
            if (HEAD.compareAndSet(this, h, last)) {
                // Off the queue now, but for the last, which is the new dummy.
                h.unlinkTaken();
                for (int i = 0; i < n - 1; i++) {
                    into[i].unlinkTaken();
                }
                return n;
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

/** The front of a {@link CallQueue}, where drainers take. A superclass's fields come first, so it sits apart from the tail. */
abstract class CallQueueHead {
    /** The dummy; the first call is the one after it. */
    @SuppressWarnings("FieldMayBeFinal") // through CallQueue's HEAD
    volatile UnorderedCall head;
}

/** A cache line between a {@link CallQueue}'s front, which drainers update, and its back, which callers do. */
@SuppressWarnings("unused")
abstract class CallQueueHeadPadding extends CallQueueHead {
    private long p0;
    private long p1;
    private long p2;
    private long p3;
    private long p4;
    private long p5;
    private long p6;
    private long p7;
}
