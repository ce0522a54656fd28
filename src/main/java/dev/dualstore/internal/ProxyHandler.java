package dev.dualstore.internal;

import dev.dualstore.DualWriteException;
import dev.dualstore.DualWriteFailure;
import dev.dualstore.Ticker;
import dev.dualstore.Weigher;
import dev.dualstore.compare.DeepComparator;
import dev.dualstore.spi.TransactionHook;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The whole caller's path, behind the proxy: look up the method's precomputed policy, call the
 * primary and time it, and, when the call is mirrored and sampled, hand one {@link Observation}
 * to the {@link Dispatcher} without blocking. Returns the primary's value, or rethrows the
 * primary's own exception instance.
 *
 * <p>Nothing here runs user code but the primary (and, opt-in, a {@code DUAL_WRITE} store), and
 * nothing here throws for a secondary's sake: a key whose {@code hashCode} throws, a failing
 * ticker or meter, a full queue are all counted and the call goes on. Runs on callers' threads;
 * threadsafe.
 */
final class ProxyHandler implements InvocationHandler {
    private static final Store[] EMPTY = new Store[0];
    private final String backend;
    private final Class<?> type;
    private final Map<Method, MethodPolicy> policies;
    private final Switchboard switchboard;
    private final WriteFence fence;
    private final Dispatcher dispatcher;
    private final Reporter reporter;
    private final Callbacks callbacks;
    private final Ticker ticker;
    private final Sampling sampling;
    private final Weigher weigher;
    private final boolean failOnDualWriteError;
    /** The service's transactions, or null when mirrored calls never wait for a commit. */
    private final TransactionHook transactions;
    private final ThreadLocal<TransactionBuffer> transactionBuffers = new ThreadLocal<>();

    ProxyHandler(String backend, Class<?> type, Map<Method, MethodPolicy> policies, Switchboard switchboard,
            WriteFence fence, Dispatcher dispatcher, Reporter reporter, Callbacks callbacks, Ticker ticker,
            Sampling sampling, DualWriteFailure dualWriteFailure, Weigher weigher, TransactionHook transactions) {
        this.backend = backend;
        this.type = type;
        // The generated proxy passes the very Method objects the table was built from: look them
        // up by identity, which costs a pointer hash instead of Method.equals.
        this.policies = new IdentityHashMap<>(policies);
        this.switchboard = switchboard;
        this.fence = fence;
        this.dispatcher = dispatcher;
        this.reporter = reporter;
        this.callbacks = callbacks;
        this.ticker = ticker;
        this.sampling = sampling;
        this.weigher = weigher;
        this.failOnDualWriteError = dualWriteFailure == DualWriteFailure.FAIL;
        this.transactions = transactions;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        MethodPolicy policy = policies.get(method);
        switch (policy.dispatch) {
            case READ:
                return read(policy, args);
            case WRITE:
                return write(policy, args);
            case PASSTHROUGH:
                return call(switchboard.roles().primary.target(policy), policy.method, args);
            case DEFAULT_METHOD:
                return invokeDefault(policy, proxy, args);
            case EQUALS:
                return proxy == args[0];
            case HASH_CODE:
                return System.identityHashCode(proxy);
            default:
                return "MirroringBackend[" + backend + "] proxy of " + type.getSimpleName()
                        + " (primary " + switchboard.roles().primary.name + ")";
        }
    }

    private Object read(MethodPolicy p, Object[] args) throws Throwable {
        Object key = p.keyed() ? keyOf(p, args) : null;
        int hash = 0;
        long stamp = 0L;
        if (key != null) {
            try {
                hash = Keys.hash(key);
                // Taken before the roles are read: a promote that swaps them also invalidates it.
                stamp = fence.observe(hash);
            } catch (Throwable t) {
                key = keyFailed(t);
            }
        }
        Roles r = switchboard.roles();
        Store[] readers = r.readers;
        if (readers.length == 0 || !sampling.sampled(p, key != null, hash)) {
            return call(r.primary.target(p), p.method, args);
        }
        TransactionBuffer tx = transactions == null ? null : transactionThatWrote(key);
        long start = ticker.read();
        Object value = null;
        Throwable thrown = null;
        try {
            value = p.method.invoke(r.primary.target(p), args);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        }
        long nanos = ticker.read() - start;
        Object compared = p.snapshots && thrown == null ? snapshot(value) : value;
        if (tx != null) {
            // It may have read this transaction's own uncommitted writes: compared after the commit.
            tx.deferRead(new TransactionBuffer.Deferred(p, args, key, hash, compared, thrown, nanos, r));
        } else {
            handOffRead(new Observation(p, args, key, hash, compared, thrown, nanos, r, stamp, weigh(p, args, value)), readers);
        }
        if (thrown != null) {
            throw thrown;
        }
        return value;
    }

    /**
     * The answer frozen as it is now, so the caller may change it; the answer itself if it changed
     * under the walk (another thread at work on it), which is then compared as without a snapshot.
     */
    private static Object snapshot(Object value) {
        try {
            return DeepComparator.snapshot(value);
        } catch (RuntimeException e) {
            return value;
        }
    }

    private void handOffRead(Observation o, Store[] readers) {
        if (o.key == null) {
            for (Store s : readers) {
                dispatcher.unordered(s, o);
            }
        } else {
            handOffKeyedRead(o, readers);
        }
    }

    /**
     * Queues the read behind its key's writes in each reader's lane, and right after each, settles
     * whether it is where the primary saw it among them there: only if no write to the key started
     * since the stamp. A write that started in between may have entered that lane first, so then
     * the read is counted raced there, not compared. A worker that reaches the read before it is
     * settled checks the same thing itself.
     */
    private void handOffKeyedRead(Observation o, Store[] readers) {
        if (o.stamp == 0L) {
            reporter.raced(o, readers); // a write to the key was in progress when the read began
            return;
        }
        for (int i = 0; i < readers.length; i++) {
            dispatcher.ordered(readers[i].lane(o.keyHash), o, true);
            o.settle(i, fence.unchanged(o.keyHash, o.stamp));
        }
    }

    private Object write(MethodPolicy p, Object[] args) throws Throwable {
        if (!switchboard.roles().mirrorsWrites) {
            return call(switchboard.roles().primary.target(p), p.method, args);
        }
        TransactionBuffer tx = transactions == null ? null : transaction();
        if (tx != null) {
            return writeInTransaction(p, args, tx);
        }
        Object key = p.keyed() ? keyOf(p, args) : null;
        int hash = 0;
        KeyLocks.KeyLock held = null;
        if (key != null) {
            try {
                hash = Keys.hash(key);
                held = fence.enterWrite(key, hash);
            } catch (Throwable t) {
                key = keyFailed(t);
            }
        }
        if (key == null) {
            held = fence.enterWrite(null, 0);
        }
        Object value = null;
        Throwable thrown = null;
        DualWriteException dualWriteFailure = null;
        try {
            // Read under the fence: promote holds every fence while it swaps the roles.
            Roles r = switchboard.roles();
            long start = ticker.read();
            try {
                value = p.method.invoke(r.primary.target(p), args);
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            long nanos = ticker.read() - start;
            if (p.applied(thrown)) {
                dualWriteFailure = key == null && p.resultKey != null && thrown == null
                        ? mirrorNewRecord(p, args, value, nanos, r)
                        : mirrorWrite(p, args, key, hash, value, thrown, nanos, r);
            }
        } finally {
            fence.exitWrite(hash, held);
        }
        if (thrown != null) {
            throw thrown;
        }
        if (dualWriteFailure != null) {
            throw dualWriteFailure;
        }
        return value;
    }

    /**
     * Sends a write the primary applied to every store and observer that receives it, in the
     * fence: {@code DUAL_WRITE} stores now, on this thread; shadow writers and observers through
     * their lanes. Observers receive every applied write; stores only sampled ones.
     *
     * @return the exception to throw for a failed dual write, or null
     */
    private DualWriteException mirrorWrite(MethodPolicy p, Object[] args, Object key, int hash, Object value,
            Throwable thrown, long nanos, Roles r) {
        boolean sampled = key == null || sampling.sampled(p, true, hash);
        DualWriteException failure = null;
        if (sampled) {
            for (Store s : r.dualWriters) {
                DualWriteException f = dualWrite(s, p, args, key, value);
                failure = failure != null ? failure : f;
            }
        }
        Store[] shadows = sampled ? r.shadowWriters : EMPTY;
        if (sampled && shadows.length == 0) {
            reporter.primaryTiming(p, r, thrown, nanos); // no shadow writer will time it
        }
        if (shadows.length == 0 && r.observers.length == 0) {
            return failure;
        }
        Observation o = new Observation(p, args, key, hash, value, thrown, nanos, r, 0L, weigh(p, args, value));
        for (Store s : shadows) {
            dispatcher.ordered(key != null ? s.lane(hash) : s.unkeyedLane, o, false);
        }
        for (Store s : r.observers) {
            dispatcher.ordered(key != null ? s.lane(hash) : s.unkeyedLane, o, false);
        }
        return failure;
    }

    /** A {@code DUAL_WRITE} store, written on the caller's thread within the key's fence. */
    private DualWriteException dualWrite(Store s, MethodPolicy p, Object[] args, Object key, Object value) {
        long start = ticker.read();
        Throwable thrown = null;
        try {
            Object[] given = args;
            if (p.secondaryArguments != null) {
                try {
                    given = p.secondaryArguments(args, value, null);
                } catch (Throwable t) {
                    callbacks.argumentsFailedOnCallersThread(t);
                    throw t;
                }
            }
            p.method.invoke(s.target(p), given);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        } catch (Throwable t) {
            thrown = t;
        }
        reporter.dualWrote(s, p, key, ticker.read() - start, thrown);
        return failOnDualWriteError && !p.applied(thrown) ? new DualWriteException(s.name, p.name, thrown) : null;
    }

    /** The call's estimated memory while pending; a weigher that throws is counted and replaced by the default. */
    private long weigh(MethodPolicy p, Object[] args, Object value) {
        try {
            return Math.max(0L, weigher.weigh(p.method, args, value));
        } catch (Throwable t) {
            callbacks.weigherFailed(t);
            return Weigher.estimating().weigh(p.method, args, value);
        }
    }

    /** The call's key; a key function that throws is counted, and the call goes on without a key. */
    private Object keyOf(MethodPolicy p, Object[] args) {
        try {
            return p.key(args);
        } catch (Throwable t) {
            return keyFailed(t);
        }
    }

    /**
     * Mirrors a write keyed by its answer ({@code keyFromResult}): the new record's key, known
     * now. Nothing else can have written that record yet, so queueing the write under its key
     * orders every later write to it behind this one, with no fence.
     */
    private DualWriteException mirrorNewRecord(MethodPolicy p, Object[] args, Object value, long nanos, Roles r) {
        KeyHash k = resultKey(p, value);
        return mirrorWrite(p, args, k.key, k.hash, value, null, nanos, r);
    }

    /** A key and its hash; null key: none. */
    private record KeyHash(Object key, int hash) {}

    private KeyHash resultKey(MethodPolicy p, Object value) {
        try {
            Object key = MethodPolicy.contentOf(p.resultKey.apply(value));
            return new KeyHash(key, key != null ? Keys.hash(key) : 0);
        } catch (Throwable t) {
            return new KeyHash(keyFailed(t), 0);
        }
    }

    /**
     * A write inside a transaction: the primary now, the rest when the transaction ends (see
     * {@link TransactionBuffer}). It holds no fence, since it may wait for a row lock that another
     * transaction holds until its commit, which takes the fence.
     */
    private Object writeInTransaction(MethodPolicy p, Object[] args, TransactionBuffer tx) throws Throwable {
        Object key = p.keyed() ? keyOf(p, args) : null;
        int hash = 0;
        if (key != null) {
            try {
                hash = Keys.hash(key);
            } catch (Throwable t) {
                key = keyFailed(t);
            }
        }
        Roles r = switchboard.roles();
        long start = ticker.read();
        Object value = null;
        Throwable thrown = null;
        try {
            value = p.method.invoke(r.primary.target(p), args);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        }
        long nanos = ticker.read() - start;
        if (p.applied(thrown)) {
            if (key == null && p.resultKey != null && thrown == null) {
                KeyHash k = resultKey(p, value);
                key = k.key;
                hash = k.hash;
            }
            tx.deferWrite(new TransactionBuffer.Deferred(p, args, key, hash, value, thrown, nanos, r));
        }
        if (thrown != null) {
            throw thrown;
        }
        return value;
    }

    /** The calling thread's transaction buffer, made and registered on its first write; null outside a transaction. */
    private TransactionBuffer transaction() {
        TransactionBuffer tx = transactionBuffers.get();
        if (tx != null) {
            return tx;
        }
        try {
            if (!transactions.inTransaction()) {
                return null;
            }
            tx = new TransactionBuffer(transactionBuffers, fence, new TransactionHandoff(), backend);
            transactions.register(tx);
        } catch (Throwable t) {
            callbacks.transactionsFailed(t);
            return null; // mirrored as outside a transaction
        }
        transactionBuffers.set(tx);
        return tx;
    }

    /** The transaction of this thread, if it wrote something a read of {@code key} would see. */
    private TransactionBuffer transactionThatWrote(Object key) {
        TransactionBuffer tx = transactionBuffers.get();
        return tx != null && tx.sawOwnWrites(key) ? tx : null;
    }

    /** What a transaction's calls become when it ends; on the thread that ends it. */
    private final class TransactionHandoff implements TransactionBuffer.Handoff {
        @Override
        public void write(TransactionBuffer.Deferred d) {
            // After the commit nothing can fail the caller's call: a DUAL_WRITE failure is counted only.
            mirrorWrite(d.policy(), d.args(), d.key(), d.hash(), d.value(), d.thrown(), d.nanos(), d.roles());
        }

        @Override
        public void unordered(TransactionBuffer.Deferred d) {
            reporter.unordered(d.roles(), d.policy(), d.key());
        }

        @Override
        public void read(TransactionBuffer.Deferred d, long stamp) {
            handOffRead(new Observation(d.policy(), d.args(), d.key(), d.hash(), d.value(), d.thrown(), d.nanos(),
                    d.roles(), stamp, weigh(d.policy(), d.args(), d.value())), d.roles().readers);
        }

        @Override
        public void rolledBack(TransactionBuffer.Deferred d) {
            reporter.rolledBack(d.roles(), d.policy());
        }
    }

    /** The key's {@code hashCode} (or the key function) threw: the call goes on as one without a key. */
    private Object keyFailed(Throwable t) {
        callbacks.keyFailed(t);
        return null;
    }

    private static Object invokeDefault(MethodPolicy policy, Object proxy, Object[] args) throws Throwable {
        return (Object) policy.defaultBody.invokeExact(proxy, args);
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
