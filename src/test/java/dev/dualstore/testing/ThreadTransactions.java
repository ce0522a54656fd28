package dev.dualstore.testing;

import dev.dualstore.spi.TransactionHook;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small transaction system for tests, with the semantics dualstore relies on from real ones:
 * transactions bound to the thread, suspended by a nested one, listeners run on the ending thread
 * (before the commit, then after completion), and row locks that a transaction's writes take and
 * hold until it ends, as a database's would. Threadsafe; each transaction is confined to its thread.
 */
public final class ThreadTransactions implements TransactionHook {
    private final ThreadLocal<Deque<Tx>> stack = ThreadLocal.withInitial(ArrayDeque::new);
    private final Map<Object, ReentrantLock> rows = new ConcurrentHashMap<>();
    /** Called by a thread about to wait for a row lock another transaction holds; for tests to sync on. */
    private volatile Runnable onRowLockWait = () -> { };

    private static final class Tx {
        final List<Listener> listeners = new ArrayList<>();
        final List<ReentrantLock> rowLocks = new ArrayList<>();
    }

    /** Starts a transaction on this thread; one already open is suspended until this one ends. */
    public void begin() {
        Deque<Tx> open = stack.get();
        if (!open.isEmpty()) {
            open.peek().listeners.forEach(Listener::suspend);
        }
        open.push(new Tx());
    }

    /** Commits this thread's transaction: before-commit listeners, the commit (row locks freed), after-completion. */
    public void commit() {
        Tx tx = stack.get().peek();
        tx.listeners.forEach(Listener::beforeCommit);
        end(true);
    }

    public void rollback() {
        end(false);
    }

    private void end(boolean committed) {
        Deque<Tx> open = stack.get();
        Tx tx = open.pop();
        tx.rowLocks.forEach(ReentrantLock::unlock);
        tx.listeners.forEach(l -> l.afterCompletion(committed));
        if (!open.isEmpty()) {
            open.peek().listeners.forEach(Listener::resume);
        }
    }

    @Override
    public boolean inTransaction() {
        return !stack.get().isEmpty();
    }

    @Override
    public void register(Listener listener) {
        stack.get().peek().listeners.add(listener);
    }

    /**
     * A write to {@code row} by the calling thread: inside a transaction, takes the row's lock
     * until the transaction ends (waiting for another transaction that holds it); outside one,
     * waits until no transaction holds it, and holds it only for the write.
     */
    public void lockRow(Object row, Runnable write) {
        ReentrantLock lock = rows.computeIfAbsent(row, r -> new ReentrantLock());
        if (!lock.isHeldByCurrentThread() && lock.isLocked()) {
            onRowLockWait.run();
        }
        lock.lock();
        try {
            write.run();
        } finally {
            Tx tx = stack.get().peek();
            if (tx != null && !tx.rowLocks.contains(lock)) {
                tx.rowLocks.add(lock); // held until the transaction ends
            } else {
                lock.unlock();
            }
        }
    }

    public void onRowLockWait(Runnable action) {
        this.onRowLockWait = action;
    }
}
