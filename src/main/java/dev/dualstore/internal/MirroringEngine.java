package dev.dualstore.internal;

import dev.dualstore.Divergence;
import dev.dualstore.DivergenceListener;
import dev.dualstore.DualWriteException;
import dev.dualstore.DualWriteFailure;
import dev.dualstore.Key;
import dev.dualstore.Mismatch;
import dev.dualstore.MismatchKind;
import dev.dualstore.MismatchListener;
import dev.dualstore.Outcome;
import dev.dualstore.Passthrough;
import dev.dualstore.Read;
import dev.dualstore.ResultComparator;
import dev.dualstore.Stage;
import dev.dualstore.Ticker;
import dev.dualstore.Write;
import dev.dualstore.compare.Diagnosis;
import dev.dualstore.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invocation handler behind a backend's proxy, and everything that runs for secondaries.
 *
 * <p><b>Caller's thread</b> ({@link #invoke}): look up the method's precomputed policy, call the
 * primary and time it, and, when the call is mirrored, publish one {@link Observation} to each
 * secondary's lane (or to the executor for unkeyed reads) after a non-blocking permit check.
 *
 * <p><b>Per-key order.</b> A keyed write holds its key's stripe lock (a {@link StampedLock} in
 * write mode) across the primary call and the hand-off, so writes to one key enter every lane in
 * the order the primary applied them. A keyed read never blocks: it takes an optimistic stamp
 * before the primary call and converts it to a read lock for the hand-off; if a write to the same
 * stripe ran in between, the read is counted as {@code raced} instead of compared. Writes without
 * a key hold a shared gate in read mode, so promote can pause them too.
 *
 * <p><b>Dispatcher threads</b> ({@link #runSecondary}): call the secondary under a deadline,
 * record meters, compare, and tell listeners; user callbacks are guarded.
 *
 * <p>This class is threadsafe.
 *
 * @param <T> the DAO interface
 */
public final class MirroringEngine<T> implements InvocationHandler {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore");
    private static final Logger MISMATCH_LOG = LoggerFactory.getLogger("dev.dualstore.mismatch");
    /** Lock stripes for keyed calls; a power of two. */
    private static final int LOCK_STRIPES = 256;
    /** Ordered lanes per store for keyed calls; a power of two. Bounds per-store parallelism. */
    private static final int LANES = 64;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Order of dualstore's own pool: lanes before unkeyed reads, then by submission. */
    private static final Comparator<Runnable> WRITES_FIRST = Comparator
            .comparingInt((Runnable task) -> task instanceof SecondaryCall ? 1 : 0)
            .thenComparingLong(MirroringEngine::submission);

    private final BackendConfig<T> config;
    private final T proxy;
    private final Map<Method, MethodPolicy> policies;
    private final Map<String, List<MethodPolicy>> mirroredByName;
    private final Store[] stores;
    private final Map<String, Store> storesByName;
    private final StampedLock[] stripes = new StampedLock[LOCK_STRIPES];
    private final StampedLock unkeyedGate = new StampedLock();
    private final Executor executor;
    private final ThreadPoolExecutor ownExecutor;
    private final Deadlines deadlines;
    private final long timeoutNanos;
    /** Reads may use this much of a store's queue; writes all of it. */
    private final int readLimit;
    private final Ticker ticker;
    private final List<MismatchListener> mismatchListeners;
    private final LogLimiter divergenceLogLimiter;
    private final LogLimiter callbackLogLimiter;
    private final Counter comparatorErrors;
    private final Counter mismatchListenerErrors;
    private final Counter divergenceListenerErrors;
    /** Removed on close, so a backend built again under the same name reports its own state. */
    private final List<Gauge> gauges;
    private final Object reconfiguring = new Object();
    private final Object idle = new Object();
    private final AtomicInteger idleWaiters = new AtomicInteger();
    private final AtomicLong submissions = new AtomicLong();

    private volatile Roles roles;
    /** The backend-wide rate, in calls mirrored per million. */
    private volatile int samplePerMillion;

    /**
     * Validates the configuration against the interface and starts the backend's threads.
     *
     * @param config what the builder collected
     * @throws IllegalArgumentException naming the store or method at fault
     */
    public MirroringEngine(BackendConfig<T> config) {
        this.config = config;
        this.ticker = config.ticker();
        this.timeoutNanos = config.timeout().toNanos();
        this.readLimit = Math.max(1, config.maxPending() / 2);
        Class<T> type = config.type();

        // Stores: the primary first, then secondaries in configured order.
        List<String> names = new ArrayList<>();
        names.add(config.primaryName());
        names.addAll(config.secondaryOrder());
        stores = new Store[names.size()];
        Map<String, Store> byName = new LinkedHashMap<>();
        for (int i = 0; i < stores.length; i++) {
            String name = names.get(i);
            Object target = i == 0 ? config.primary() : config.secondaries().get(name);
            if (!type.isInstance(target)) {
                throw new IllegalArgumentException("store '" + name + "' is a " + target.getClass().getName()
                        + ", which does not implement " + type.getName());
            }
            stores[i] = new Store(name, target, i, this, LANES, config.repairCapacity());
            byName.put(name, stores[i]);
        }
        storesByName = Collections.unmodifiableMap(byName);
        for (String store : config.stages().keySet()) {
            if (!storesByName.containsKey(store)) {
                throw new IllegalArgumentException("stage(...) names unknown store '" + store + "'; stores are " + names);
            }
            if (store.equals(config.primaryName())) {
                throw new IllegalArgumentException("stage(...) names '" + store + "', the primary; stages apply to secondaries");
            }
        }
        Store[] secondaries = Arrays.copyOfRange(stores, 1, stores.length);
        Stage[] stages = new Stage[secondaries.length];
        for (int i = 0; i < secondaries.length; i++) {
            stages[i] = config.stages().getOrDefault(secondaries[i].name, Stage.SHADOW);
        }
        roles = new Roles(stores[0], secondaries, stages, false);

        policies = buildPolicies(type);
        Map<String, List<MethodPolicy>> mirrored = new HashMap<>();
        for (MethodPolicy p : policies.values()) {
            if (p.meters != null) {
                mirrored.computeIfAbsent(p.name, k -> new ArrayList<>()).add(p);
            }
        }
        mirroredByName = mirrored;
        samplePerMillion = perMillion(config.sampleRate());
        config.methodSampleRates().forEach(this::sampleRate);

        for (int i = 0; i < LOCK_STRIPES; i++) {
            stripes[i] = new StampedLock();
        }
        MeterRegistry registry = config.meterRegistry();
        List<Gauge> registered = new ArrayList<>();
        for (Store store : stores) {
            registered.add(Gauge.builder(MeterNames.PENDING, store.pending, AtomicInteger::get)
                    .description("Secondary calls queued or running for a store")
                    .tags(MeterNames.BACKEND, config.name(), MeterNames.STORE, store.name)
                    .strongReference(true)
                    .register(registry));
            registered.add(Gauge.builder(MeterNames.REPAIRS, store.repairs, RepairLog::size)
                    .description("Keys whose writes a store may have missed, listed by keysToRepair")
                    .tags(MeterNames.BACKEND, config.name(), MeterNames.STORE, store.name)
                    .strongReference(true)
                    .register(registry));
        }
        gauges = List.copyOf(registered);
        comparatorErrors = callbackErrors(registry, config.name(), "comparator");
        mismatchListenerErrors = callbackErrors(registry, config.name(), "mismatch-listener");
        divergenceListenerErrors = callbackErrors(registry, config.name(), "divergence-listener");
        divergenceLogLimiter = new LogLimiter(ticker, LOG_INTERVAL_NANOS);
        callbackLogLimiter = new LogLimiter(ticker, LOG_INTERVAL_NANOS);
        List<MismatchListener> listeners = new ArrayList<>();
        if (config.logMismatches()) {
            listeners.add(new MismatchLog(MISMATCH_LOG, new LogLimiter(ticker, LOG_INTERVAL_NANOS), config.redactor()));
        }
        listeners.addAll(config.mismatchListeners());
        mismatchListeners = List.copyOf(listeners);

        if (config.executor() != null) {
            executor = config.executor();
            ownExecutor = null;
        } else {
            // Lanes (which carry every shadow write) run before unkeyed reads, so a slow secondary
            // flooded with reads cannot starve writes; FIFO within each. Bounded by the permits:
            // at most one task per lane, plus the unkeyed reads that won a permit.
            ownExecutor = new ThreadPoolExecutor(config.threads(), config.threads(), 0L, TimeUnit.MILLISECONDS,
                    new PriorityBlockingQueue<>(64, WRITES_FIRST), Threads.numbered("dualstore-" + config.name()),
                    new ThreadPoolExecutor.AbortPolicy());
            // Started now so that no caller ever pays for starting a thread.
            ownExecutor.prestartAllCoreThreads();
            executor = ownExecutor;
        }
        deadlines = new Deadlines(config.name(), timeoutNanos);
        ClassLoader loader = type.getClassLoader() != null ? type.getClassLoader() : MirroringEngine.class.getClassLoader();
        proxy = type.cast(Proxy.newProxyInstance(loader, new Class<?>[] {type}, this));
    }

    // ---------------------------------------------------------------- build-time classification

    private Map<Method, MethodPolicy> buildPolicies(Class<T> type) {
        Map<String, List<Method>> byName = new LinkedHashMap<>();
        for (Method m : type.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && !isObjectMethod(m)) {
                byName.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(m);
            }
        }
        requireKnown(byName, config.classified().keySet(), "reads(...), writes(...) or passthrough(...)");
        requireKnown(byName, config.keys().keySet(), "key(...)");
        requireKnown(byName, config.expected().keySet(), "expected(...)");
        requireKnown(byName, config.comparators().keySet(), "comparator(...)");
        requireKnown(byName, config.methodSampleRates().keySet(), "sampleRate(...)");

        Map<Method, MethodPolicy> result = new HashMap<>();
        Set<String> unclassified = new TreeSet<>();
        for (List<Method> overloads : byName.values()) {
            for (Method m : overloads) {
                MethodPolicy.Dispatch dispatch = dispatchOf(m);
                if (dispatch == null) {
                    unclassified.add(m.getName());
                    continue;
                }
                result.put(m, policyOf(m, dispatch));
            }
        }
        if (!unclassified.isEmpty()) {
            throw new IllegalArgumentException("unclassified methods of " + type.getSimpleName() + ": " + unclassified
                    + "; classify each with reads(...), writes(...) or passthrough(...), or annotate it with"
                    + " @Read, @Write or @Passthrough");
        }
        for (String name : config.comparators().keySet()) {
            if (config.classified().get(name) != BackendConfig.Kind.READ && !annotated(byName.get(name), Read.class)) {
                throw new IllegalArgumentException("comparator(\"" + name + "\", ...) is set, but " + name + " is not a read");
            }
        }
        try {
            result.put(Object.class.getMethod("equals", Object.class), MethodPolicy.answeredByProxy(
                    Object.class.getMethod("equals", Object.class), MethodPolicy.Dispatch.EQUALS));
            result.put(Object.class.getMethod("hashCode"), MethodPolicy.answeredByProxy(
                    Object.class.getMethod("hashCode"), MethodPolicy.Dispatch.HASH_CODE));
            result.put(Object.class.getMethod("toString"), MethodPolicy.answeredByProxy(
                    Object.class.getMethod("toString"), MethodPolicy.Dispatch.TO_STRING));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        return result;
    }

    private MethodPolicy.Dispatch dispatchOf(Method m) {
        List<String> annotations = new ArrayList<>();
        BackendConfig.Kind byAnnotation = null;
        if (m.isAnnotationPresent(Read.class)) {
            annotations.add("@Read");
            byAnnotation = BackendConfig.Kind.READ;
        }
        if (m.isAnnotationPresent(Write.class)) {
            annotations.add("@Write");
            byAnnotation = BackendConfig.Kind.WRITE;
        }
        if (m.isAnnotationPresent(Passthrough.class)) {
            annotations.add("@Passthrough");
            byAnnotation = BackendConfig.Kind.PASSTHROUGH;
        }
        if (annotations.size() > 1) {
            throw new IllegalArgumentException(m.getName() + " is annotated " + String.join(" and ", annotations) + "; pick one");
        }
        BackendConfig.Kind byBuilder = config.classified().get(m.getName());
        if (byBuilder != null && byAnnotation != null && byBuilder != byAnnotation) {
            throw new IllegalArgumentException(m.getName() + " is annotated " + annotations.get(0)
                    + " but the builder classifies it as " + byBuilder.name().toLowerCase(java.util.Locale.ROOT));
        }
        BackendConfig.Kind kind = byBuilder != null ? byBuilder : byAnnotation;
        if (kind == null) {
            return m.isDefault() ? MethodPolicy.Dispatch.DEFAULT_METHOD : null;
        }
        return switch (kind) {
            case READ -> MethodPolicy.Dispatch.READ;
            case WRITE -> MethodPolicy.Dispatch.WRITE;
            case PASSTHROUGH -> MethodPolicy.Dispatch.PASSTHROUGH;
        };
    }

    private MethodPolicy policyOf(Method m, MethodPolicy.Dispatch dispatch) {
        // Non-public interfaces (a test's nested interface, say) need this to be callable from here.
        if (!m.trySetAccessible() && !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            throw new IllegalArgumentException(m.getDeclaringClass().getName() + " is not public and its package is not"
                    + " open to dev.dualstore; make the interface public or open its package to dev.dualstore");
        }
        if (dispatch == MethodPolicy.Dispatch.PASSTHROUGH) {
            if (config.keys().containsKey(m.getName()) || config.expected().containsKey(m.getName())) {
                throw new IllegalArgumentException("key(...) or expected(...) is set for " + m.getName()
                        + ", a passthrough; they apply to reads and writes only");
            }
            return new MethodPolicy(m, dispatch, new int[0], null, List.of(), null);
        }
        if (dispatch == MethodPolicy.Dispatch.DEFAULT_METHOD) {
            MethodPolicy policy = new MethodPolicy(m, dispatch, new int[0], null, List.of(), null);
            try {
                Class<?> declaring = m.getDeclaringClass();
                policy.defaultBody = MethodHandles.privateLookupIn(declaring, MethodHandles.lookup())
                        .unreflectSpecial(m, declaring);
            } catch (IllegalAccessException | RuntimeException e) {
                policy.defaultBody = null;
            }
            return policy;
        }
        String name = m.getName();
        int[] keys = config.keys().get(name);
        if (keys == null) {
            keys = annotatedKeys(m);
        }
        for (int k : keys) {
            if (k < 0 || k >= m.getParameterCount()) {
                throw new IllegalArgumentException("key(\"" + name + "\", " + k + ") is out of range: " + name
                        + Arrays.toString(m.getParameterTypes()) + " has " + m.getParameterCount() + " parameters");
            }
        }
        List<Class<? extends Throwable>> expected = config.expected().get(name);
        if (expected == null) {
            Read read = m.getAnnotation(Read.class);
            Write write = m.getAnnotation(Write.class);
            expected = List.of(read != null ? read.expected() : write != null ? write.expected() : noExceptions());
        }
        ResultComparator comparator = config.comparators().getOrDefault(name, config.comparator());
        BackendConfig.Kind kind = dispatch == MethodPolicy.Dispatch.READ ? BackendConfig.Kind.READ : BackendConfig.Kind.WRITE;
        MethodMeters[] meters = new MethodMeters[stores.length];
        for (Store store : stores) {
            meters[store.id] = new MethodMeters(config.meterRegistry(), config.name(), name, store.name, kind);
        }
        return new MethodPolicy(m, dispatch, keys, comparator, expected, meters);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Throwable>[] noExceptions() {
        return (Class<? extends Throwable>[]) new Class<?>[0];
    }

    private static int[] annotatedKeys(Method m) {
        Annotation[][] annotations = m.getParameterAnnotations();
        int[] keys = new int[annotations.length];
        int n = 0;
        for (int i = 0; i < annotations.length; i++) {
            for (Annotation a : annotations[i]) {
                if (a instanceof Key) {
                    keys[n++] = i;
                }
            }
        }
        return Arrays.copyOf(keys, n);
    }

    private static boolean annotated(List<Method> methods, Class<? extends Annotation> annotation) {
        return methods != null && methods.stream().anyMatch(m -> m.isAnnotationPresent(annotation));
    }

    private void requireKnown(Map<String, List<Method>> byName, Set<String> named, String where) {
        Set<String> unknown = new LinkedHashSet<>(named);
        unknown.removeAll(byName.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown methods in " + where + ": " + unknown + "; "
                    + config.type().getSimpleName() + " has " + new TreeSet<>(byName.keySet()));
        }
    }

    private static boolean isObjectMethod(Method m) {
        try {
            Object.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Counter callbackErrors(MeterRegistry registry, String backend, String callback) {
        return Counter.builder(MeterNames.CALLBACK_ERRORS)
                .description("Exceptions thrown by user callbacks, caught by dualstore")
                .tags(MeterNames.BACKEND, backend, MeterNames.CALLBACK, callback)
                .register(registry);
    }

    // ---------------------------------------------------------------- the caller's thread

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        MethodPolicy policy = policies.get(method);
        switch (policy.dispatch) {
            case READ:
                return read(policy, args);
            case WRITE:
                return write(policy, args);
            case PASSTHROUGH:
                // policy.method, not method: only the former was made accessible at build time.
                return call(roles.primary.target, policy.method, args);
            case DEFAULT_METHOD:
                return invokeDefault(policy, proxy, args);
            case EQUALS:
                return proxy == args[0];
            case HASH_CODE:
                return System.identityHashCode(proxy);
            default:
                Roles r = roles;
                return "MirroringBackend[" + config.name() + "] proxy of " + config.type().getSimpleName()
                        + " (primary " + r.primary.name + ")";
        }
    }

    private Object read(MethodPolicy p, Object[] args) throws Throwable {
        Object key = null;
        int hash = 0;
        StampedLock lock = null;
        long stamp = 0L;
        if (p.keyed()) {
            key = p.key(args);
            hash = keyHash(key);
            lock = stripe(hash);
            // Taken before the roles are read: a promote that swaps them also invalidates it.
            stamp = lock.tryOptimisticRead();
        }
        Roles r = roles;
        Store[] readers = r.readers;
        if (readers.length == 0 || !sampled(p, hash)) {
            return call(r.primary.target, p.method, args);
        }
        long start = ticker.read();
        Object value = null;
        Throwable thrown = null;
        try {
            value = p.method.invoke(r.primary.target, args);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        }
        long nanos = ticker.read() - start;
        Observation o = new Observation(p, args, key, hash, value, thrown, nanos, r, readers[0], stamp);
        if (lock == null) {
            for (Store s : readers) {
                handOffUnordered(s, o);
            }
        } else {
            // Succeeds only if no write to this stripe started since the stamp: then the read
            // enters each lane exactly where the primary saw it among that key's writes.
            long readStamp = stamp == 0L ? 0L : lock.tryConvertToReadLock(stamp);
            if (readStamp == 0L) {
                // Not handed off, so no dispatcher will record the primary's timing.
                p.meters[r.primary.id].timer(true, thrown == null).record(nanos, TimeUnit.NANOSECONDS);
                for (Store s : readers) {
                    p.meters[s.id].raced.increment();
                }
            } else {
                try {
                    for (Store s : readers) {
                        handOffOrdered(s, o);
                    }
                } finally {
                    lock.unlockRead(readStamp);
                }
            }
        }
        if (thrown != null) {
            throw thrown;
        }
        return value;
    }

    private Object write(MethodPolicy p, Object[] args) throws Throwable {
        if (stores.length == 1 || roles.closed) {
            return call(roles.primary.target, p.method, args);
        }
        Object key = null;
        int hash = 0;
        StampedLock lock;
        long stamp;
        if (p.keyed()) {
            key = p.key(args);
            hash = keyHash(key);
            lock = stripe(hash);
            stamp = lock.writeLock();
        } else {
            lock = unkeyedGate;
            stamp = lock.readLock();
        }
        Object value = null;
        Throwable thrown = null;
        DualWriteException dualWriteFailure = null;
        try {
            // Read under the lock: promote holds every lock while it swaps the roles.
            Roles r = roles;
            long start = ticker.read();
            try {
                value = p.method.invoke(r.primary.target, args);
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            long nanos = ticker.read() - start;
            boolean applied = thrown == null || p.isExpected(thrown);
            if (applied && (key == null || sampled(p, hash))) {
                for (Store s : r.dualWriters) {
                    DualWriteException failure = dualWrite(s, p, args, key, r);
                    if (dualWriteFailure == null) {
                        dualWriteFailure = failure;
                    }
                }
                if (r.shadowWriters.length > 0) {
                    Observation o = new Observation(p, args, key, hash, value, thrown, nanos, r, r.shadowWriters[0], 0L);
                    for (Store s : r.shadowWriters) {
                        handOffOrdered(s, o);
                    }
                } else if (r.dualWriters.length > 0) {
                    p.meters[r.primary.id].timer(true, thrown == null).record(nanos, TimeUnit.NANOSECONDS);
                }
            }
        } finally {
            lock.unlock(stamp);
        }
        if (thrown != null) {
            throw thrown;
        }
        if (dualWriteFailure != null) {
            throw dualWriteFailure;
        }
        return value;
    }

    /** A {@link Stage#DUAL_WRITE} secondary, written on the caller's thread under the key's lock. */
    private DualWriteException dualWrite(Store s, MethodPolicy p, Object[] args, Object key, Roles r) {
        MethodMeters m = p.meters[s.id];
        long start = ticker.read();
        Throwable thrown = null;
        try {
            p.method.invoke(s.target, args);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        } catch (IllegalAccessException | RuntimeException e) {
            thrown = e;
        }
        m.timer(false, thrown == null).record(ticker.read() - start, TimeUnit.NANOSECONDS);
        if (thrown == null || p.isExpected(thrown)) {
            m.writeSuccess.increment();
            return null;
        }
        m.writeError.increment();
        diverged(s, p, key, Divergence.Reason.ERROR, thrown);
        return config.dualWriteFailure() == DualWriteFailure.FAIL ? new DualWriteException(s.name, p.name, thrown) : null;
    }

    private static Object invokeDefault(MethodPolicy policy, Object proxy, Object[] args) throws Throwable {
        if (policy.defaultBody == null) {
            return InvocationHandler.invokeDefault(proxy, policy.method, args);
        }
        Object[] receiverAndArgs = new Object[args == null ? 1 : args.length + 1];
        receiverAndArgs[0] = proxy;
        if (args != null) {
            System.arraycopy(args, 0, receiverAndArgs, 1, args.length);
        }
        return policy.defaultBody.invokeWithArguments(receiverAndArgs);
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** @param hash the call's {@link #keyHash}, used only when the method is keyed */
    private boolean sampled(MethodPolicy p, int hash) {
        int rate = p.samplePerMillion;
        if (rate == MethodPolicy.INHERIT) {
            rate = samplePerMillion;
        }
        if (rate >= MethodPolicy.EVERY_CALL) {
            return true;
        }
        if (rate <= 0) {
            return false;
        }
        int draw = p.keyed()
                ? Math.floorMod(hash, MethodPolicy.EVERY_CALL)
                : ThreadLocalRandom.current().nextInt(MethodPolicy.EVERY_CALL);
        return draw < rate;
    }

    /**
     * A key's hash, computed once per call for its lock stripe, its lane and its sample. Equal in
     * every JVM of a fleet, so one user is in or out on every instance: an enum's own hash is its
     * identity, so it is hashed by name.
     */
    private static int keyHash(Object key) {
        return mix(key instanceof Enum<?> e ? e.name().hashCode() : Objects.hashCode(key));
    }

    private void handOffOrdered(Store s, Observation o) {
        if (!acquire(s, o.policy)) {
            rejected(s, o);
            return;
        }
        Lane lane = o.policy.keyed() ? s.lanes[o.keyHash & (LANES - 1)] : s.unkeyedLane;
        lane.offer(o);
    }

    private void handOffUnordered(Store s, Observation o) {
        if (!acquire(s, o.policy)) {
            rejected(s, o);
            return;
        }
        try {
            executor.execute(new SecondaryCall(this, s, o, nextSubmission()));
        } catch (RejectedExecutionException e) {
            rejectedAfterHandOff(s, o);
        }
    }

    /**
     * Takes a place in {@code s}'s queue without waiting. Reads may fill only half of it, so when a
     * secondary falls behind, comparisons are shed first and writes keep room to the end: a
     * skipped comparison loses a sample, a skipped write leaves the store behind.
     */
    private boolean acquire(Store s, MethodPolicy p) {
        int limit = p.dispatch == MethodPolicy.Dispatch.READ ? readLimit : config.maxPending();
        if (s.pending.incrementAndGet() > limit) {
            release(s);
            return false;
        }
        return true;
    }

    private void release(Store s) {
        // Only drain() and promote() wait; skip the monitor unless one is waiting.
        if (s.pending.decrementAndGet() == 0 && idleWaiters.get() > 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private StampedLock stripe(int keyHash) {
        return stripes[(keyHash >>> 8) & (LOCK_STRIPES - 1)];
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    // ---------------------------------------------------------------- dispatcher threads

    Executor executor() {
        return executor;
    }

    /** Orders tasks in dualstore's own pool; an injected executor keeps its own order, so skip the atomic. */
    long nextSubmission() {
        return ownExecutor != null ? submissions.incrementAndGet() : 0L;
    }

    private static long submission(Runnable task) {
        return task instanceof SecondaryCall call ? call.submission : ((Lane) task).submission;
    }

    /** Calls one secondary for one observation, then counts and compares. Never throws. */
    void runSecondary(Store s, Observation o) {
        try {
            MethodPolicy p = o.policy;
            if (o.recordsPrimaryTiming == s) {
                p.meters[o.roles.primary.id].timer(true, o.thrown == null).record(o.primaryNanos, TimeUnit.NANOSECONDS);
            }
            Deadlines.Deadline deadline = deadlines.arm(timeoutNanos, () -> timedOut(s, o));
            long start = ticker.read();
            Object value = null;
            Throwable thrown = null;
            try {
                value = p.method.invoke(s.target, o.args);
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            } catch (IllegalAccessException | RuntimeException e) {
                thrown = e;
            }
            long nanos = ticker.read() - start;
            if (deadline != null && !deadline.finish()) {
                return; // the deadline won and was counted
            }
            p.meters[s.id].timer(false, thrown == null).record(nanos, TimeUnit.NANOSECONDS);
            if (p.dispatch == MethodPolicy.Dispatch.READ) {
                // Lane order keeps shadow-written stores comparable; a DUAL_WRITE store is written
                // on callers' threads, so only an unchanged stripe proves no write slipped in.
                if (o.stamp != 0L && o.roles.writesSynchronously(s) && !stripe(o.keyHash).validate(o.stamp)) {
                    p.meters[s.id].raced.increment();
                } else {
                    compare(s, o, value, thrown);
                }
            } else {
                wrote(s, o, thrown);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("dualstore backend '{}': unexpected failure while mirroring to '{}'", config.name(), s.name, e);
        } finally {
            release(s);
        }
    }

    private void timedOut(Store s, Observation o) {
        MethodMeters m = o.policy.meters[s.id];
        m.secondaryError.record(timeoutNanos, TimeUnit.NANOSECONDS);
        if (o.policy.dispatch == MethodPolicy.Dispatch.READ) {
            m.timeout.increment();
        } else {
            m.writeTimeout.increment();
            diverged(s, o.policy, o.key, Divergence.Reason.TIMEOUT, null);
        }
    }

    /** A call that was never run for {@code s}: the permit was refused. */
    private void rejected(Store s, Observation o) {
        if (o.recordsPrimaryTiming == s) {
            o.policy.meters[o.roles.primary.id].timer(true, o.thrown == null).record(o.primaryNanos, TimeUnit.NANOSECONDS);
        }
        MethodMeters m = o.policy.meters[s.id];
        if (o.policy.dispatch == MethodPolicy.Dispatch.READ) {
            m.rejected.increment();
        } else {
            m.writeRejected.increment();
            diverged(s, o.policy, o.key, Divergence.Reason.REJECTED, null);
        }
    }

    /** A call that held a permit but the executor refused to run it. */
    void rejectedAfterHandOff(Store s, Observation o) {
        try {
            rejected(s, o);
        } finally {
            release(s);
        }
    }

    private void compare(Store s, Observation o, Object value, Throwable thrown) {
        MethodPolicy p = o.policy;
        MethodMeters m = p.meters[s.id];
        if (o.thrown != null || thrown != null) {
            if (o.thrown != null && thrown != null && o.thrown.getClass() == thrown.getClass()) {
                m.match.increment();
            } else if (o.thrown == null && !p.isExpected(thrown)) {
                m.error.increment();
            } else {
                Outcome expected = o.primaryOutcome();
                Outcome actual = thrown != null ? Outcome.threw(thrown) : Outcome.returned(value);
                mismatch(s, o, expected, actual, Diagnosis.of(expected, actual));
            }
            return;
        }
        boolean equivalent;
        try {
            equivalent = p.comparator.equivalent(o.value, value);
        } catch (RuntimeException | LinkageError e) {
            callbackFailed(comparatorErrors, "comparator of " + p.name, e);
            m.error.increment();
            return;
        }
        if (equivalent) {
            m.match.increment();
            return;
        }
        Diagnosis diagnosis;
        try {
            diagnosis = p.comparator.diagnose(o.value, value);
        } catch (RuntimeException | LinkageError e) {
            callbackFailed(comparatorErrors, "comparator of " + p.name, e);
            diagnosis = new Diagnosis(MismatchKind.VALUE, "not diagnosed: the comparator threw " + e.getClass().getName());
        }
        mismatch(s, o, Outcome.returned(o.value), Outcome.returned(value), diagnosis);
    }

    private void mismatch(Store s, Observation o, Outcome expected, Outcome actual, Diagnosis diagnosis) {
        o.policy.meters[s.id].mismatch[diagnosis.kind().ordinal()].increment();
        if (mismatchListeners.isEmpty()) {
            return;
        }
        List<Object> arguments = o.args == null ? List.of() : Collections.unmodifiableList(Arrays.asList(o.args));
        Mismatch mismatch = new Mismatch(config.name(), o.policy.name, s.name, o.roles.primary.name, arguments,
                expected, actual, diagnosis.kind(), diagnosis.difference());
        for (MismatchListener listener : mismatchListeners) {
            try {
                listener.onMismatch(mismatch);
            } catch (RuntimeException | LinkageError e) {
                callbackFailed(mismatchListenerErrors, "mismatch listener", e);
            }
        }
    }

    private void wrote(Store s, Observation o, Throwable thrown) {
        MethodMeters m = o.policy.meters[s.id];
        if (thrown == null || o.policy.isExpected(thrown)) {
            m.writeSuccess.increment();
        } else {
            m.writeError.increment();
            diverged(s, o.policy, o.key, Divergence.Reason.ERROR, thrown);
        }
    }

    private void diverged(Store s, MethodPolicy p, Object key, Divergence.Reason reason, Throwable cause) {
        if (key != null) {
            s.repairs.add(key);
        }
        long suppressed = divergenceLogLimiter.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn("dualstore backend '{}': secondary '{}' may have missed a {} write ({}){}; its key is listed in"
                    + " keysToRepair(\"{}\")", config.name(), s.name, p.name, reason.name().toLowerCase(java.util.Locale.ROOT),
                    cause == null ? "" : ": " + cause.getClass().getName(),
                    s.name, suppressed > 0 ? " [" + suppressed + " more not logged]" : "");
        }
        List<DivergenceListener> listeners = config.divergenceListeners();
        if (listeners.isEmpty()) {
            return;
        }
        Divergence divergence = new Divergence(config.name(), s.name, p.name, key, reason, cause);
        for (DivergenceListener listener : listeners) {
            try {
                listener.onDivergence(divergence);
            } catch (RuntimeException | LinkageError e) {
                callbackFailed(divergenceListenerErrors, "divergence listener", e);
            }
        }
    }

    private void callbackFailed(Counter counter, String what, Throwable e) {
        counter.increment();
        long suppressed = callbackLogLimiter.tryAcquire();
        if (suppressed >= 0) {
            LOG.warn("dualstore backend '{}': {} threw; counted in {}{}", config.name(), what,
                    MeterNames.CALLBACK_ERRORS, suppressed > 0 ? " [" + suppressed + " more not logged]" : "", e);
        }
    }

    // ---------------------------------------------------------------- roles and lifecycle

    /** @return the frozen configuration */
    public BackendConfig<T> config() {
        return config;
    }

    /** @return the proxy */
    public T proxy() {
        return proxy;
    }

    /** @return the current primary's name */
    public String primaryName() {
        return roles.primary.name;
    }

    /** @return the current secondaries' names */
    public List<String> secondaryNames() {
        Store[] secondaries = roles.secondaries;
        List<String> names = new ArrayList<>(secondaries.length);
        for (Store s : secondaries) {
            names.add(s.name);
        }
        return Collections.unmodifiableList(names);
    }

    /** See {@code MirroringBackend#promote}. */
    public void promote(String name) {
        Store target = store(name);
        synchronized (reconfiguring) {
            Roles current = requireOpen();
            if (current.primary != target) {
                if (!current.stageOf(target).receivesWrites()) {
                    throw new IllegalStateException("promote(\"" + name + "\") refused: '" + name + "' is " + current.stageOf(target)
                            + " and receives no writes, so it would answer with stale data; give it a writing stage first");
                }
                reconfigure(target, current.promote(target), "promote(\"" + name + "\")");
            }
        }
    }

    /** See {@code MirroringBackend#stage}. */
    public void stage(String name, Stage stage) {
        Store target = store(name);
        synchronized (reconfiguring) {
            Roles current = requireOpen();
            if (current.stageOf(target) != stage) {
                reconfigure(target, current.withStage(target, stage), "stage(\"" + name + "\", " + stage + ")");
            }
        }
    }

    /** See {@code MirroringBackend#stage(String)}. */
    public Stage stageOf(String name) {
        return roles.stageOf(store(name));
    }

    /** See {@code MirroringBackend#sampleRate}; {@code method} null for the backend-wide rate. */
    public void sampleRate(String method, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("sample rate must be a percentage from 0 to 100, was " + percent);
        }
        if (method == null) {
            samplePerMillion = perMillion(percent);
            return;
        }
        List<MethodPolicy> overloads = mirroredByName.get(method);
        if (overloads == null) {
            throw new IllegalArgumentException("sampleRate(\"" + method + "\", ...): no read or write of "
                    + config.type().getSimpleName() + " is named " + method);
        }
        for (MethodPolicy p : overloads) {
            p.samplePerMillion = perMillion(percent);
        }
    }

    /** See {@code MirroringBackend#keysToRepair}. */
    public Set<Object> keysToRepair(String name) {
        return store(name).repairs.snapshot();
    }

    /** See {@code MirroringBackend#markRepaired}. */
    public boolean markRepaired(String name, Object key) {
        return key != null && store(name).repairs.remove(key);
    }

    /** See {@code MirroringBackend#drain}. */
    public boolean drain(Duration timeout) {
        return awaitIdle(null, timeout.toNanos());
    }

    /** See {@code MirroringBackend#close}. Never throws. */
    public void close() {
        synchronized (reconfiguring) {
            Roles current = roles;
            if (current.closed) {
                return;
            }
            long timeout = config.promoteTimeout().toNanos();
            long[] stamps = null;
            try {
                stamps = pauseWrites(System.nanoTime() + timeout, "close()");
            } catch (IllegalStateException e) {
                // A write stuck in its primary call must not stop a shutdown: close without the fence.
                LOG.warn("dualstore backend '{}': closing while writes are still in progress", config.name());
            }
            try {
                roles = current.close();
            } finally {
                if (stamps != null) {
                    resumeWrites(stamps);
                }
            }
            if (!awaitIdle(null, timeout)) {
                LOG.warn("dualstore backend '{}': closed with secondary calls still pending after {}; they are"
                        + " counted as rejected", config.name(), config.promoteTimeout());
            }
            if (ownExecutor != null) {
                for (Runnable dropped : ownExecutor.shutdownNow()) {
                    if (dropped instanceof Lane lane) {
                        lane.rejectQueued();
                    } else if (dropped instanceof SecondaryCall call) {
                        rejectedAfterHandOff(call.store, call.observation);
                    }
                }
            }
            deadlines.shutdown();
            gauges.forEach(config.meterRegistry()::remove);
        }
    }

    private Roles requireOpen() {
        Roles current = roles;
        if (current.closed) {
            throw new IllegalStateException("backend '" + config.name() + "' is closed");
        }
        return current;
    }

    /**
     * Pauses writes, waits for {@code drained}'s queue to empty, installs {@code next}, resumes
     * writes. Holding every stripe lock means no write is between its primary call and its
     * hand-off, so each store sees each key's writes in primary order across the swap.
     */
    private void reconfigure(Store drained, Roles next, String action) {
        long deadline = System.nanoTime() + config.promoteTimeout().toNanos();
        long[] stamps = pauseWrites(deadline, action);
        try {
            if (!awaitIdle(drained, deadline - System.nanoTime())) {
                throw new IllegalStateException(action + " did not happen: " + drained.pending.get() + " calls to '"
                        + drained.name + "' were still pending after " + config.promoteTimeout()
                        + "; roles unchanged, writes resumed");
            }
            roles = next;
        } finally {
            resumeWrites(stamps);
        }
    }

    /** Takes every stripe lock and the unkeyed gate in write mode; the last element is the gate's stamp. */
    private long[] pauseWrites(long deadline, String action) {
        long[] stamps = new long[LOCK_STRIPES + 1];
        int held = 0;
        try {
            for (; held <= LOCK_STRIPES; held++) {
                StampedLock lock = held < LOCK_STRIPES ? stripes[held] : unkeyedGate;
                long stamp = lock.tryWriteLock(Math.max(0L, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (stamp == 0L) {
                    throw new IllegalStateException(action + " did not happen: writes in progress did not finish within "
                            + config.promoteTimeout() + "; roles unchanged");
                }
                stamps[held] = stamp;
            }
            return stamps;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(action + " was interrupted; roles unchanged", e);
        } finally {
            if (held <= LOCK_STRIPES) {
                release(stamps, held);
            }
        }
    }

    private void resumeWrites(long[] stamps) {
        release(stamps, LOCK_STRIPES + 1);
    }

    private void release(long[] stamps, int held) {
        for (int i = held - 1; i >= 0; i--) {
            (i < LOCK_STRIPES ? stripes[i] : unkeyedGate).unlockWrite(stamps[i]);
        }
    }

    /** Waits until {@code store} (or every store, when null) has no pending secondary calls. */
    private boolean awaitIdle(Store store, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        idleWaiters.incrementAndGet();
        try {
            synchronized (idle) {
                while (!isIdle(store)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                }
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            idleWaiters.decrementAndGet();
        }
    }

    private boolean isIdle(Store store) {
        if (store != null) {
            return store.pending.get() == 0;
        }
        for (Store s : stores) {
            if (s.pending.get() != 0) {
                return false;
            }
        }
        return true;
    }

    private Store store(String name) {
        Store store = storesByName.get(name);
        if (store == null) {
            throw new IllegalArgumentException("no store named '" + name + "'; stores are " + storesByName.keySet());
        }
        return store;
    }

    private static int perMillion(double percent) {
        return (int) Math.round(percent * (MethodPolicy.EVERY_CALL / 100.0));
    }
}
