package dev.dualstore.internal;

import dev.dualstore.MismatchListener;
import dev.dualstore.Stage;
import dev.dualstore.Ticker;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.MigrationControl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * Builds a backend's engine from its frozen configuration, in an order that leaves nothing behind
 * on failure: check the stores and the executor, build and validate the {@link MethodTable}, and
 * only then claim the name, register meters and create the proxy (undone if any of that fails).
 * Then it is the facade {@code MirroringBackend} calls; each call is answered by the part whose
 * job it is. Threadsafe.
 *
 * @param <T> the DAO interface
 */
public final class MirroringEngine<T> {
    private final EngineConfig<T> config;
    private final Map<String, Store> storesByName;
    private final Store[] stores;
    private final MethodTable methods;
    private final Meters meters;
    private final Workers workers;
    private final Dispatcher dispatcher;
    private final Mailbox mailbox;
    private final Deadlines deadlines;
    private final Switchboard switchboard;
    private final Sampling sampling;
    private final T proxy;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ControlFollower follower;

    /**
     * @param config what the builder collected
     * @throws IllegalArgumentException naming the store or method at fault
     */
    public MirroringEngine(EngineConfig<T> config) {
        this.config = config;
        EngineConfig.Stores<T> storeConfig = config.stores();
        requireStores(storeConfig, config.dispatch().warmUps().keySet());
        requireExecutor(config.dispatch());
        ProxyClasses.requireAccessible(storeConfig.type());
        List<Method> canonical = ProxyClasses.methodsOf(storeConfig.type());
        this.methods = new MethodTable(config.name(), storeConfig.type(), canonical, config.methods());
        methods.checkObservers(canonical, storeConfig.observers());

        MeterRegistry registry = config.reporting().registry();
        BackendNames.claim(registry, config.name());
        this.meters = new Meters(registry, config.name());
        EngineConfig.Dispatch d = config.dispatch();
        this.workers = d.executor() != null ? Workers.injected(d.executor())
                : d.threads() > 0 ? Workers.ownPool(config.name(), d.threads()) : Workers.shared();
        try {
            long maxBytes = config.dispatch().maxPendingBytes();
            this.dispatcher = new Dispatcher(workers, config.dispatch().maxPending(),
                    maxBytes > 0 ? new MemoryBudget(maxBytes) : MemoryBudget.shared());
            this.mailbox = new Mailbox(config.name(), workers::execute, dispatcher::progressed);
            this.stores = createStores(storeConfig);
            this.storesByName = byName(stores);
            registerMeters();
            Callbacks callbacks = new Callbacks(meters, mailbox, listeners(), config.reporting().divergenceListeners(),
                    config.reporting().redactor());
            Ticker ticker = callbacks.guard(config.dispatch().ticker());
            WriteFence fence = new WriteFence();
            Reporter reporter = new Reporter(meters, callbacks, fence, mailbox, config.reporting().redactor());
            long timeout = Durations.nanos(config.dispatch().timeout());
            this.deadlines = new Deadlines(ticker, timeout, reporter::timedOut);
            dispatcher.start(new SecondaryRunner(reporter, ticker, fence, callbacks, dispatcher::progressed), reporter, deadlines);
            this.switchboard = new Switchboard(config.name(), initialRoles(), fence, dispatcher,
                    config.dispatch().promoteTimeout());
            this.sampling = new Sampling(config.methods().sampleRate());
            ProxyClasses.Generated<T> proxyClass = ProxyClasses.generate(storeConfig.type(), canonical);
            methods.bindDefaultBodies(proxyClass);
            ProxyHandler handler = new ProxyHandler(config.name(), storeConfig.type(), methods.byMethod(), switchboard,
                    fence, dispatcher, reporter, callbacks, ticker, sampling, config.dispatch().dualWriteFailure(),
                    config.dispatch().weigher(), config.dispatch().transactions());
            this.proxy = proxyClass.newInstance(handler);
        } catch (RuntimeException | Error e) {
            meters.removeAll();
            workers.shutdownNow();
            BackendNames.release(registry, config.name());
            throw e;
        }
    }

    private static void requireStores(EngineConfig.Stores<?> c, Set<String> warmedUp) {
        Map<Object, String> seen = new IdentityHashMap<>();
        List<String> names = new ArrayList<>(List.of(c.primaryName()));
        names.addAll(c.secondaries().keySet());
        names.addAll(c.observers().keySet());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put(c.primaryName(), c.primary());
        all.putAll(c.secondaries());
        all.putAll(c.observers());
        for (Map.Entry<String, ?> e : all.entrySet()) {
            List<Object> objects = e.getValue() instanceof StoreParts parts ? parts.parts() : List.of(e.getValue());
            for (Object object : objects) {
                String earlier = seen.putIfAbsent(object, e.getKey());
                if (earlier != null) {
                    String what = object == e.getValue() && object == all.get(earlier) ? "are the same object"
                            : "share the object " + object.getClass().getName();
                    throw new IllegalArgumentException("stores '" + earlier + "' and '" + e.getKey() + "' " + what
                            + "; every write would be applied to it twice. Give each store its own instance");
                }
            }
        }
        for (Map.Entry<String, ?> e : c.secondaries().entrySet()) {
            requireType(c.type(), e.getKey(), e.getValue());
        }
        requireType(c.type(), c.primaryName(), c.primary());
        for (String store : warmedUp) {
            if (!c.secondaries().containsKey(store) && !store.equals(c.primaryName())) {
                throw new IllegalArgumentException("warmUp(...) names unknown store '" + store + "'; stores are " + names);
            }
        }
        for (String store : c.stages().keySet()) {
            if (!c.secondaries().containsKey(store)) {
                throw new IllegalArgumentException(store.equals(c.primaryName())
                        ? "stage(...) names '" + store + "', the primary; stages apply to secondaries"
                        : "stage(...) names unknown store '" + store + "'; stores are " + names);
            }
        }
    }

    private static void requireType(Class<?> type, String name, Object target) {
        if (target instanceof StoreParts) {
            return; // each part is matched to the methods it serves when the stores are made
        }
        if (!type.isInstance(target)) {
            throw new IllegalArgumentException("store '" + name + "' is a " + target.getClass().getName()
                    + ", which does not implement " + type.getName());
        }
    }

    /** An executor that drops work silently, or runs it on the caller's thread, breaks dualstore's promises. */
    private static void requireExecutor(EngineConfig.Dispatch d) {
        if (d.executor() instanceof ThreadPoolExecutor pool) {
            var policy = pool.getRejectedExecutionHandler();
            if (policy instanceof ThreadPoolExecutor.DiscardPolicy || policy instanceof ThreadPoolExecutor.DiscardOldestPolicy
                    || policy instanceof ThreadPoolExecutor.CallerRunsPolicy) {
                throw new IllegalArgumentException("executor(...) has rejection policy " + policy.getClass().getSimpleName()
                        + ", which drops work silently or runs it on the caller's thread; use AbortPolicy, so that work"
                        + " it cannot take is counted as rejected and listed for repair");
            }
        }
    }

    private Store[] createStores(EngineConfig.Stores<T> c) {
        List<Store> all = new ArrayList<>();
        int repairs = config.reporting().repairCapacity();
        int concurrency = config.dispatch().maxConcurrency();
        all.add(warmed(new Store(c.primaryName(), c.primary(), 0, false, dispatcher, repairs, concurrency)));
        c.secondaries().forEach((name, target) ->
                all.add(warmed(new Store(name, target, all.size(), false, dispatcher, repairs, concurrency))));
        c.observers().forEach((name, target) ->
                all.add(new Store(name, target, all.size(), true, dispatcher, repairs, concurrency)));
        return all.toArray(new Store[0]);
    }

    private Store warmed(Store s) {
        if (s.target instanceof StoreParts parts) {
            Map<Method, MethodPolicy> policies = methods.byMethod();
            s.bindParts(parts.targets(s.name, config.stores().type(), policies.values(), policies.size()));
        }
        EngineConfig.WarmUp w = config.dispatch().warmUps().get(s.name);
        if (w != null) {
            s.warmUp(Durations.nanos(w.period()), Durations.nanos(w.timeout()));
        }
        return s;
    }

    private static Map<String, Store> byName(Store[] stores) {
        Map<String, Store> byName = new LinkedHashMap<>();
        for (Store s : stores) {
            byName.put(s.name, s);
        }
        return Collections.unmodifiableMap(byName);
    }

    private void registerMeters() {
        for (MethodPolicy p : methods.mirrored()) {
            MethodMeters[] perStore = new MethodMeters[stores.length];
            for (Store s : stores) {
                if (!s.observer) {
                    perStore[s.id] = new MethodMeters(meters, p.name, s.name, p.dispatch == MethodPolicy.Dispatch.READ);
                }
            }
            p.meters = perStore;
        }
        for (Store s : stores) {
            Tags tags = Tags.of(MeterNames.STORE, s.name);
            meters.gauge(MeterNames.PENDING, "Secondary calls queued or running for a store", tags, s.pending,
                    AtomicInteger::get);
            meters.gauge(MeterNames.REPAIRS, "Writes a store may have missed: keys listed by keysToRepair, plus"
                    + " writes not listed by key", tags, s.repairs, r -> r.size() + r.unlisted());
            if (s.observer) {
                s.observerMeters = new ObserverMeters(meters, s.name);
            }
        }
    }

    private List<MismatchListener> listeners() {
        List<MismatchListener> listeners = new ArrayList<>();
        if (config.reporting().logMismatches()) {
            listeners.add(new MismatchLog(LoggerFactory.getLogger("dev.dualstore.mismatch"),
                    new LogLimiter(System::nanoTime, TimeUnit.SECONDS.toNanos(1)),
                    config.reporting().redactor()));
        }
        listeners.addAll(config.reporting().mismatchListeners());
        return listeners;
    }

    private Roles initialRoles() {
        int secondaries = config.stores().secondaries().size();
        Store[] secondary = new Store[secondaries];
        Stage[] stages = new Stage[secondaries];
        for (int i = 0; i < secondaries; i++) {
            secondary[i] = stores[i + 1];
            stages[i] = config.stores().stages().getOrDefault(secondary[i].name, Stage.SHADOW);
        }
        Store[] observers = Arrays.copyOfRange(stores, secondaries + 1, stores.length);
        return new Roles(stores[0], secondary, stages, observers, false);
    }

    // ---------------------------------------------------------------- the facade

    /** @return the frozen configuration */
    public EngineConfig<T> config() {
        return config;
    }

    /** @return the proxy */
    public T proxy() {
        return proxy;
    }

    /** @return the current primary's name */
    public String primaryName() {
        return switchboard.roles().primary.name;
    }

    /** @return the current secondaries' names, in configured order */
    public List<String> secondaryNames() {
        List<String> names = new ArrayList<>();
        for (Store s : switchboard.roles().secondaries) {
            names.add(s.name);
        }
        return Collections.unmodifiableList(names);
    }

    /** See {@code MirroringBackend#promote}. */
    public void promote(String name) {
        Store store = store(name, false);
        refuseWhileFollowing("promote(\"" + name + "\")");
        switchboard.promote(store);
    }

    /** See {@code MirroringBackend#stage}. */
    public void stage(String name, Stage stage) {
        Store store = store(name, false);
        refuseWhileFollowing("stage(\"" + name + "\", " + stage + ")");
        switchboard.stage(store, stage);
    }

    /**
     * Joins the fleet of {@code control} at its current step and follows it from now on; see
     * {@code MirroringBackend.Builder#control}. Called once, by the builder, before the backend
     * is handed out. On failure the backend is closed.
     *
     * @throws IllegalStateException naming the control if it cannot be reached or holds a step
     *                               this backend cannot apply
     */
    public void follow(MigrationControl control, String instance) {
        Map<String, Store> named = new LinkedHashMap<>();
        for (Store s : stores) {
            if (!s.observer) {
                named.put(s.name, s);
            }
        }
        ControlFollower f = new ControlFollower(config.name(), instance, control, switchboard, sampling,
                Collections.unmodifiableMap(named), meters);
        try {
            f.join();
        } catch (RuntimeException | Error e) {
            f.close();
            close();
            throw e;
        }
        follower = f;
    }

    /** @return the step this backend applied from its control, empty if it has none or no plan started */
    public Optional<ControlState> controlState() {
        ControlFollower f = follower;
        return f == null ? Optional.empty() : Optional.ofNullable(f.applied());
    }

    private void refuseWhileFollowing(String action) {
        ControlFollower f = follower;
        if (f != null) {
            throw new IllegalStateException(action + " refused: backend '" + config.name() + "' follows " + f.control()
                    + " (instance " + f.instance() + "); move the whole fleet with FleetMigration.advance() or rollback()");
        }
    }

    /** See {@code MirroringBackend#stage(String)}. */
    public Stage stageOf(String name) {
        return switchboard.roles().stageOf(store(name, false));
    }

    /** See {@code MirroringBackend#sampleRate}; {@code method} null for the backend-wide rate. */
    public void sampleRate(String method, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("sample rate must be a percentage from 0 to 100, was " + percent);
        }
        if (method == null) {
            refuseWhileFollowing("sampleRate(" + percent + ")");
            sampling.set(percent);
            return;
        }
        List<MethodPolicy> overloads = methods.mirrored(method);
        if (overloads == null) {
            throw new IllegalArgumentException("sampleRate(\"" + method + "\", ...): no read or write of "
                    + config.type().getSimpleName() + " is named " + method);
        }
        for (MethodPolicy p : overloads) {
            p.samplePerMillion = MethodTable.perMillion(percent);
        }
    }

    /** See {@code MirroringBackend#keysToRepair}. */
    public Set<Object> keysToRepair(String name) {
        return store(name, true).repairs.snapshot();
    }

    /** See {@code MirroringBackend#writesNotListed}. */
    public long writesNotListed(String name) {
        return store(name, true).repairs.unlisted();
    }

    /** See {@code MirroringBackend#markRepaired}. */
    public boolean markRepaired(String name, Object key) {
        return store(name, true).repairs.remove(MethodPolicy.contentOf(key));
    }

    /** See {@code MirroringBackend#markAllRepaired}. */
    public void markAllRepaired(String name) {
        store(name, true).repairs.clear();
    }

    /** See {@code MirroringBackend#repair}. */
    public <V> V repair(String name, Object key, Callable<V> action) throws Exception {
        return switchboard.repair(store(name, true), MethodPolicy.contentOf(key), action);
    }

    /** See {@code MirroringBackend#drain}. */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + Durations.nanos(timeout);
        BooleanSupplier calls = dispatcher.allDone(stores);
        // The mailbox last: finished calls may still post what they observed.
        return dispatcher.await(() -> calls.getAsBoolean() && mailbox.isEmpty(), deadline);
    }

    /** See {@code MirroringBackend#close}. Never throws. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ControlFollower f = follower;
        if (f != null) {
            f.close();
        }
        try {
            switchboard.close(stores, deadlines, mailbox);
        } finally {
            deadlines.shutdown();
            meters.removeAll();
            BackendNames.release(config.reporting().registry(), config.name());
        }
    }

    private Store store(String name, boolean observers) {
        Store store = storesByName.get(name);
        if (store == null || (store.observer && !observers)) {
            throw new IllegalArgumentException("no store named '" + name + "'; stores are " + storeNames(false)
                    + (observers ? ", write observers " + storeNames(true) : ""));
        }
        return store;
    }

    private List<String> storeNames(boolean observers) {
        return storesByName.values().stream().filter(s -> s.observer == observers).map(s -> s.name).toList();
    }
}
