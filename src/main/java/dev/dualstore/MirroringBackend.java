package dev.dualstore;

import dev.dualstore.internal.EngineConfig;
import dev.dualstore.internal.MirroringEngine;
import dev.dualstore.internal.StoreParts;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.MigrationControl;
import dev.dualstore.spi.TransactionHook;
import dev.dualstore.spi.WriteObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Wraps a DAO interface so that one store, the primary, answers every call while the calls are
 * mirrored to any number of secondary stores off the caller's thread, their answers compared and
 * the differences counted and explained.
 *
 * <pre>{@code
 * MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
 *         .primary("postgres", postgresFollowStore)
 *         .secondary("dynamo", dynamoFollowStore)
 *         .reads("getAssoc", "followers")
 *         .writes("follow", "unfollow")
 *         .timeout(Duration.ofMillis(200))
 *         .meterRegistry(registry)
 *         .build();
 * FollowStore store = backend.proxy();   // use it where the service used postgresFollowStore
 * backend.promote("dynamo");             // cutover; promote("postgres") rolls back
 * }</pre>
 * (This example is compiled and run in {@code ReadmeExampleTest}.)
 *
 * <p><b>What the caller sees.</b> The proxy returns the primary's value or rethrows the
 * primary's own exception instance, checked exceptions included and never wrapped. On the
 * caller's thread it only calls the primary, times it and hands one small record of the call to
 * the dispatcher without blocking; secondaries are called on dispatcher threads under a timeout.
 * A full queue drops the mirrored call (counted as {@code rejected}), never the caller's. The
 * only exceptions to this are opt-in: {@link Stage#DUAL_WRITE}, and the short pause of writes
 * during {@link #promote(String)} and {@link #stage(String, Stage)}.
 *
 * <p><b>Methods.</b> Every abstract method of the interface must be classified as a read, a
 * write or a passthrough, by the builder or by {@link Read}, {@link Write} and
 * {@link Passthrough}. A default method that is not classified runs as written, on the proxy,
 * so the abstract methods it calls are mirrored by their own classification; a classified
 * default method is dispatched to the stores like any other. {@code equals} is identity,
 * {@code hashCode} the identity hash, and {@code toString} names the backend and its primary;
 * the proxy answers these itself and never mirrors them.
 *
 * <p>This class is threadsafe.
 *
 * @param <T> the DAO interface
 */
public final class MirroringBackend<T> implements AutoCloseable {

    private final MirroringEngine<T> engine;

    private MirroringBackend(MirroringEngine<T> engine) {
        this.engine = engine;
    }

    /**
     * Starts a backend for a DAO interface.
     *
     * @param type the interface the service calls; must be an interface
     * @param <T>  the interface
     * @return a builder
     * @throws IllegalArgumentException if {@code type} is not an interface
     */
    public static <T> Builder<T> builder(Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (!type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an interface; dualstore mirrors interfaces");
        }
        return new Builder<>(type);
    }

    /** @return an implementation of the interface that mirrors; the same instance on every call */
    public T proxy() {
        return engine.proxy();
    }

    /**
     * The proxy as one of the interfaces the DAO interface extends: hand a {@code FollowReader} to
     * the code that reads and a {@code FollowWriter} to the code that writes. Both are the one
     * proxy, so reads and writes share the write fence (race detection) and one promote moves both.
     *
     * @param part an interface that the DAO interface is, or extends
     * @return {@link #proxy()}, as a {@code part}
     * @throws IllegalArgumentException if the DAO interface does not extend {@code part}
     */
    public <P> P proxy(Class<P> part) {
        Objects.requireNonNull(part, "part");
        Class<T> type = engine.config().stores().type();
        if (!part.isInterface() || !part.isAssignableFrom(type)) {
            throw new IllegalArgumentException(part.getName() + " is not an interface that " + type.getName() + " extends");
        }
        return part.cast(engine.proxy());
    }

    /** @return the backend's name, the {@code backend} tag of its meters */
    public String name() {
        return engine.config().name();
    }

    /** @return the name of the store that answers callers now */
    public String primaryName() {
        return engine.primaryName();
    }

    /** @return the names of the secondary stores now, in the order they were configured */
    public List<String> secondaryNames() {
        return engine.secondaryNames();
    }

    /**
     * Makes {@code store} the primary; the former primary becomes a secondary in
     * {@link Stage#SHADOW}, so calling {@code promote} with the former primary's name rolls back.
     * Promoting the current primary does nothing.
     *
     * <p>To keep every store's writes in order across the switch, promote pauses writes (reads
     * are never paused), waits for the writes and reads already queued for {@code store}, swaps
     * the roles in one step and resumes writes. The pause lasts as long as that queue takes to
     * drain and at most {@link Builder#promoteTimeout(Duration)} (5 s by default). If the queue
     * does not drain in time, the roles stay as they were and an {@link IllegalStateException}
     * says so; calling again later is safe.
     *
     * <p>A store in {@link Stage#OFF} receives no writes, so promoting it is refused.
     *
     * @param store the name of a configured store
     * @throws IllegalArgumentException if no store has that name
     * @throws IllegalStateException    if the backend is closed, the store is {@link Stage#OFF},
     *                                  writes could not be drained in time, or the backend follows
     *                                  a {@link Builder#control(MigrationControl) control}
     */
    public void promote(String store) {
        engine.promote(Objects.requireNonNull(store, "store"));
    }

    /**
     * Changes what a secondary receives, with the same pause and ordering guarantee as
     * {@link #promote(String)}.
     *
     * @param store the name of a secondary
     * @param stage what it receives from now on
     * @throws IllegalArgumentException if no store has that name, or it is the primary
     * @throws IllegalStateException    if the backend is closed, writes could not be drained in time,
     *                                  or the backend follows a {@link Builder#control(MigrationControl) control}
     */
    public void stage(String store, Stage stage) {
        engine.stage(Objects.requireNonNull(store, "store"), Objects.requireNonNull(stage, "stage"));
    }

    /**
     * @param store the name of a secondary
     * @return what the secondary receives now
     * @throws IllegalArgumentException if no store has that name, or it is the primary
     */
    public Stage stage(String store) {
        return engine.stageOf(Objects.requireNonNull(store, "store"));
    }

    /**
     * The step of the fleet's plan this backend applied and acknowledged last, when it follows a
     * {@link Builder#control(MigrationControl) control}.
     *
     * @return the step, or empty if the backend has no control or no plan has started
     */
    public Optional<ControlState> controlState() {
        return engine.controlState();
    }

    /**
     * Sets the percentage of calls mirrored, for every method without a rate of its own. With a
     * {@link Key}, the choice is stable per key: a key is always in or always out, and raising
     * the rate only adds keys. The choice follows the key's {@code hashCode} (an enum's name), so
     * every instance of a service agrees when the key's hash is the same in every JVM, as it is
     * for strings, numbers, UUIDs, enums and records of them. Writes without a key are always mirrored (sampling them would
     * leave holes in the secondary).
     *
     * @param percent from 0 to 100
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException    if the backend follows a {@link Builder#control(MigrationControl)
     *                                  control}, whose steps set the rate
     */
    public void sampleRate(double percent) {
        engine.sampleRate(null, percent);
    }

    /**
     * Sets the percentage of calls to one method that is mirrored; see {@link #sampleRate(double)}.
     *
     * @param method  a read or write method's name
     * @param percent from 0 to 100
     * @throws IllegalArgumentException if out of range, or no read or write has that name
     */
    public void sampleRate(String method, double percent) {
        engine.sampleRate(Objects.requireNonNull(method, "method"), percent);
    }

    /**
     * The keys whose writes a secondary (or write observer) may have missed: failed, timed out
     * or rejected shadow writes, including those rejected when the backend closed, for the
     * consistency checker or an operator to repair. Bounded by
     * {@link Builder#repairCapacity(int)}. A missed write that cannot be listed by key (its
     * method has no key, its key was null or its {@code hashCode} threw, or the list was full)
     * is counted by {@link #writesNotListed(String)} instead.
     *
     * @param store the name of a store or write observer
     * @return a snapshot of the keys
     * @throws IllegalArgumentException if no store has that name
     */
    public Set<Object> keysToRepair(String store) {
        return engine.keysToRepair(Objects.requireNonNull(store, "store"));
    }

    /**
     * How many writes a store may have missed that {@link #keysToRepair(String)} cannot list by
     * key. Non-zero means only a check of the whole store can find what differs.
     *
     * @param store the name of a store or write observer
     * @return the count since the backend was built, or since {@link #markAllRepaired(String)}
     * @throws IllegalArgumentException if no store has that name
     */
    public long writesNotListed(String store) {
        return engine.writesNotListed(Objects.requireNonNull(store, "store"));
    }

    /**
     * Runs a repair of one key in order with live writes: waits until no write to the key is in
     * progress and every write to it already queued for {@code store} has been applied, then runs
     * {@code action} on this thread while writes to the key wait (as they would for a row
     * lock), then lets them go on. A consistency checker uses it to copy a row from the primary
     * to a secondary without racing a live write to that row: the live write lands after the
     * repair, so neither is lost. When {@code action} returns, the key is forgotten by
     * {@link #keysToRepair(String)}.
     *
     * <p>{@code action} must not call this backend's proxy (the key's fence is not reentrant).
     * Writes to other keys that share the key's fence stripe wait too, so keep it short. Must not
     * be called from a dualstore callback or store.
     *
     * @param store  the name of the store being repaired
     * @param key    the key, as {@link #keysToRepair(String)} lists it (a composite key as a list)
     * @param action reads the source of truth and writes {@code store}
     * @param <V>    what the action returns
     * @return what {@code action} returned
     * @throws Exception                what {@code action} threw (the key then stays listed)
     * @throws IllegalArgumentException if no store has that name
     * @throws IllegalStateException    if the backend is closed, the call is made on a dualstore
     *                                  thread, or queued writes did not finish within the promote timeout
     */
    public <V> V repair(String store, Object key, Callable<V> action) throws Exception {
        Objects.requireNonNull(key, "key");
        return engine.repair(Objects.requireNonNull(store, "store"), key, Objects.requireNonNull(action, "action"));
    }

    /**
     * Forgets a key once it has been repaired.
     *
     * @param store the name of a store
     * @param key   a key returned by {@link #keysToRepair(String)}
     * @return whether the key was listed
     * @throws IllegalArgumentException if no store has that name
     */
    public boolean markRepaired(String store, Object key) {
        return engine.markRepaired(Objects.requireNonNull(store, "store"), key);
    }

    /**
     * Forgets every listed key and the {@link #writesNotListed(String)} count of a store, once a
     * check of the whole store has repaired it.
     *
     * @param store the name of a store
     * @throws IllegalArgumentException if no store has that name
     */
    public void markAllRepaired(String store) {
        engine.markAllRepaired(Objects.requireNonNull(store, "store"));
    }

    /**
     * Waits until the secondary calls already handed off have finished (answered, failed or timed
     * out) and been counted. Never called by dualstore on a caller's thread.
     *
     * @param timeout how long to wait at most
     * @return whether everything finished in time
     */
    public boolean drain(Duration timeout) {
        return engine.drain(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Stops mirroring, drains what is in flight for at most the promote timeout, then stops. Once
     * it returns:
     * <ul>
     *   <li>every write not yet applied to a secondary is counted as {@code rejected} and its key
     *       listed by {@link #keysToRepair(String)} (or counted by {@link #writesNotListed});</li>
     *   <li>calls still running are interrupted and counted as {@code timeout}, and no dualstore
     *       thread starts another call to a store;</li>
     *   <li>dualstore's own threads are stopped (an injected executor is left running) and the
     *       backend's meters are removed from the registry;</li>
     *   <li>the proxy keeps answering from the primary, without mirroring, so a service shutting
     *       down never fails because of dualstore.</li>
     * </ul>
     * Never throws; idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "MirroringBackend[" + name() + ", primary=" + primaryName() + ", secondaries=" + secondaryNames() + "]";
    }

    /**
     * Configures a {@link MirroringBackend}. Each option may be set once; setting it again is an
     * {@link IllegalStateException}. {@link #build()} checks the whole configuration and names
     * what is wrong. Not threadsafe; the backend it builds copies what it needs.
     *
     * @param <T> the DAO interface
     */
    public static final class Builder<T> {
        private static final String JOURNAL = "journal";
        private final Class<T> type;
        private String name;
        private String primaryName;
        private Object primary;
        private final Map<String, Object> secondaries = new LinkedHashMap<>();
        private final Map<String, WriteObserver> observers = new LinkedHashMap<>();
        private final List<String> duplicateStores = new ArrayList<>();
        private final Map<String, Stage> stages = new LinkedHashMap<>();
        private final Map<String, EngineConfig.WarmUp> warmUps = new LinkedHashMap<>();
        private final Map<String, EngineConfig.Kind> classified = new LinkedHashMap<>();
        private final Set<String> classifiedTwice = new LinkedHashSet<>();
        private final Map<String, int[]> keys = new LinkedHashMap<>();
        private final Map<String, Function<Object[], ?>> keyFunctions = new LinkedHashMap<>();
        private final Map<String, Function<Object, ?>> resultKeys = new LinkedHashMap<>();
        private final Map<String, BiFunction<Object[], Object, Object[]>> secondaryArguments = new LinkedHashMap<>();
        private final Set<String> comparedWriteResults = new LinkedHashSet<>();
        private Boolean snapshotAllReads;
        private final Set<String> snapshots = new LinkedHashSet<>();
        private Boolean classifyByName;
        private final Map<String, List<Class<? extends Throwable>>> expected = new LinkedHashMap<>();
        private final Map<String, ResultComparator> comparators = new LinkedHashMap<>();
        private final Map<String, Double> methodSampleRates = new LinkedHashMap<>();
        private final List<MismatchListener> mismatchListeners = new ArrayList<>();
        private final List<DivergenceListener> divergenceListeners = new ArrayList<>();
        private ResultComparator comparator;
        private Duration timeout;
        private Duration promoteTimeout;
        private MeterRegistry meterRegistry;
        private Executor executor;
        private Integer threads;
        private Integer maxPending;
        private Long maxPendingBytes;
        private Integer maxConcurrency;
        private Weigher weigher;
        private Integer repairCapacity;
        private Double sampleRate;
        private Ticker ticker;
        private Redactor redactor;
        private Boolean logMismatches;
        private DualWriteFailure dualWriteFailure;
        private MigrationControl control;
        private String instanceName;
        private TransactionHook transactions;

        /** The largest pool {@link #threads(int)} accepts. */
        private static final int MAX_THREADS = 256;

        private Builder(Class<T> type) {
            this.type = type;
        }

        /**
         * @param name the backend's name, its meters' {@code backend} tag and part of its thread
         *             names; default: the interface's simple name
         * @return this builder
         */
        public Builder<T> name(String name) {
            requireUnset(this.name, "name");
            this.name = requireText(name, "name");
            return this;
        }

        /**
         * @param name  the store's name, its meters' {@code store} tag
         * @param store the store that answers callers
         * @return this builder
         */
        public Builder<T> primary(String name, T store) {
            requireUnset(primaryName, "primary");
            primaryName = requireText(name, "primary name");
            primary = Objects.requireNonNull(store, "primary store");
            return this;
        }

        /**
         * Adds a store that calls are mirrored to, in {@link Stage#SHADOW} unless
         * {@link #stage(String, Stage)} says otherwise. Any number may be added.
         *
         * @param name  the store's name, its meters' {@code store} tag
         * @param store the store
         * @return this builder
         */
        public Builder<T> secondary(String name, T store) {
            requireText(name, "secondary name");
            return addSecondary(name, Objects.requireNonNull(store, "secondary store"));
        }

        /**
         * The primary given as parts: a reader and a writer, say, each implementing some of the
         * interfaces that the DAO interface extends ({@code interface FollowStore extends
         * FollowReader, FollowWriter {}}). Each method runs on the one part that implements the
         * interface declaring it; {@link #build()} names a method no part implements, or two do.
         * The parts share everything a single store has: roles, write fence, promote and meters.
         * Hand callers {@link MirroringBackend#proxy(Class)} for each part's interface.
         *
         * @param name  the store's name, its meters' {@code store} tag
         * @param first a part
         * @param more  the other parts
         * @return this builder
         */
        public Builder<T> primary(String name, Object first, Object... more) {
            requireUnset(primaryName, "primary");
            primaryName = requireText(name, "primary name");
            primary = StoreParts.of(name, first, more);
            return this;
        }

        /**
         * A secondary given as parts, as for {@link #primary(String, Object, Object...)}.
         *
         * @param name  the store's name, its meters' {@code store} tag
         * @param first a part
         * @param more  the other parts
         * @return this builder
         */
        public Builder<T> secondary(String name, Object first, Object... more) {
            requireText(name, "secondary name");
            return addSecondary(name, StoreParts.of(name, first, more));
        }

        private Builder<T> addSecondary(String name, Object store) {
            if (secondaries.putIfAbsent(name, store) != null) {
                duplicateStores.add(name);
            }
            return this;
        }

        /**
         * @param store the name of a secondary
         * @param stage what it receives at first; default {@link Stage#SHADOW}
         * @return this builder
         */
        public Builder<T> stage(String store, Stage stage) {
            requireText(store, "store");
            Objects.requireNonNull(stage, "stage");
            if (stages.putIfAbsent(store, stage) != null) {
                throw new IllegalStateException("stage of '" + store + "' was already set");
            }
            return this;
        }

        /**
         * Gives a store time to warm up (an ORM building its metadata, a connection pool filling,
         * a cache going cold after deploy): for {@code period} from the first call mirrored to it,
         * its calls get {@code timeout} instead of {@link #timeout(Duration)}, and the ones that
         * still time out are counted apart, as {@code result="warmup"} in
         * {@code dualstore.comparisons} and {@code dualstore.writes}, so the dashboard's timeout
         * rate shows the store's steady state. A write that times out during the warm-up is
         * listed for repair like any other.
         *
         * @param store   a secondary, or the primary (for after a promote)
         * @param period  how long the warm-up lasts; positive
         * @param timeout the timeout during it; positive
         * @return this builder
         */
        public Builder<T> warmUp(String store, Duration period, Duration timeout) {
            requireText(store, "store");
            requirePositive(period, "warm-up period");
            requirePositive(timeout, "warm-up timeout");
            if (warmUps.putIfAbsent(store, new EngineConfig.WarmUp(period, timeout)) != null) {
                throw new IllegalStateException("warmUp of '" + store + "' was already set");
            }
            return this;
        }

        /**
         * Makes mirrored work wait for the service's transactions: what a call mirrors inside a
         * transaction is handed to the secondaries (and write observers) after the commit, in the
         * order the primary applied it, and dropped on rollback, counted as
         * {@code result="rolledback"}. A read of a key the transaction wrote is compared after
         * the commit too, since it saw uncommitted data; other reads are mirrored at once.
         * Writes inside a transaction hold no write fence while they run (the commit takes them;
         * see the guide), and a {@link Stage#DUAL_WRITE} store is written after the commit, its
         * failures counted, never thrown. For Spring: {@code SpringTransactions.hook()}.
         *
         * @param hook the service's transaction system
         * @return this builder
         */
        public Builder<T> transactions(TransactionHook hook) {
            requireUnset(transactions, "transactions");
            transactions = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Classifies methods, by name (all overloads), as reads: mirrored and compared.
         *
         * @param methods method names
         * @return this builder
         */
        public Builder<T> reads(String... methods) {
            return classify(EngineConfig.Kind.READ, methods);
        }

        /**
         * Classifies methods, by name (all overloads), as writes: primary first, then shadowed.
         *
         * @param methods method names
         * @return this builder
         */
        public Builder<T> writes(String... methods) {
            return classify(EngineConfig.Kind.WRITE, methods);
        }

        /**
         * Classifies methods, by name (all overloads), as passthroughs: primary only.
         *
         * @param methods method names
         * @return this builder
         */
        public Builder<T> passthrough(String... methods) {
            return classify(EngineConfig.Kind.PASSTHROUGH, methods);
        }

        /**
         * Names the parameters that form a method's {@link Key}, as {@code @Key} does.
         *
         * @param method           a read or write method's name (all overloads must have the parameters)
         * @param parameterIndexes zero-based parameter positions; several form a composite key
         * @return this builder
         */
        public Builder<T> key(String method, int... parameterIndexes) {
            requireText(method, "method");
            if (parameterIndexes.length == 0) {
                throw new IllegalArgumentException("key(\"" + method + "\") needs at least one parameter index");
            }
            requireNoKey(method);
            keys.put(method, parameterIndexes.clone());
            return this;
        }

        /**
         * Takes a method's {@link Key} from its arguments with a function, for a key that is not a
         * parameter of its own: {@code key("save", args -> ((Owner) args[0]).getId())}. The key
         * orders, fences and samples the call as a key parameter would, and wins over {@code @Key}.
         *
         * <p>The function runs on the caller's thread, before the primary call, since the write
         * fence needs the key first; keep it to reading a field. An answer of null, or a function
         * that throws, leaves that call without a key (a throw is counted in
         * {@code dualstore.callback.errors{callback="key"}}), and the call goes on.
         *
         * @param method a read or write method's name (all overloads)
         * @param key    the key of a call, from its arguments
         * @return this builder
         */
        public Builder<T> key(String method, Function<Object[], ?> key) {
            requireText(method, "method");
            Objects.requireNonNull(key, "key");
            requireNoKey(method);
            keyFunctions.put(method, key);
            return this;
        }

        /**
         * Takes a write's {@link Key} from what the primary returned, for a write that creates the
         * record its key names: {@code keyFromResult("save", saved -> ((Owner) saved).getId())},
         * where the primary's database assigns the id. Used when the call has no key of its own
         * (none configured, or the argument's id is still null, as for a new entity): the write
         * is then queued in the order of that key, so later writes to the new record reach each
         * secondary after it, and a failed shadow write lists it for repair.
         *
         * <p>No write fence is taken for such a key: nothing can write a record before the call
         * that creates it has returned its key. Runs on the caller's thread after the primary
         * returned; a function that throws or answers null leaves the write without a key (a
         * throw is counted in {@code dualstore.callback.errors{callback="key"}}).
         *
         * @param method a write method's name (all overloads)
         * @param key    the key, from the primary's answer
         * @return this builder
         */
        public Builder<T> keyFromResult(String method, Function<Object, ?> key) {
            requireText(method, "method");
            Objects.requireNonNull(key, "key");
            if (resultKeys.putIfAbsent(method, key) != null) {
                throw new IllegalStateException("keyFromResult of '" + method + "' was already set");
            }
            return this;
        }

        private void requireNoKey(String method) {
            if (keys.containsKey(method) || keyFunctions.containsKey(method)) {
                throw new IllegalStateException("key of '" + method + "' was already set");
            }
        }

        /**
         * Classifies the methods no annotation or builder list classifies, by their names:
         * {@code find}, {@code get}, {@code read}, {@code query}, {@code search}, {@code stream},
         * {@code count} and {@code exists} start a read; {@code save}, {@code insert},
         * {@code update}, {@code delete} and {@code remove} a write (the name itself, or followed by
         * an upper-case letter or digit: {@code findById}, {@code saveAll}, not {@code finder}).
         * Annotations and {@link #reads}, {@link #writes}, {@link #passthrough} win; default
         * methods still run as written; {@code build()} still names every method left over.
         *
         * @return this builder
         */
        public Builder<T> classifyByName() {
            requireUnset(classifyByName, "classifyByName");
            classifyByName = Boolean.TRUE;
            return this;
        }

        /**
         * What the secondaries receive for a method, in place of the arguments as the primary left
         * them (the default, generated ids included): for example objects of the secondary's own
         * types, or the id from the primary's answer. Runs on dualstore's workers, once per call
         * and secondary (for a {@link Stage#DUAL_WRITE} store, on the caller's thread, as that
         * store's write does); a function that throws is counted in
         * {@code dualstore.callback.errors{callback="arguments"}} and counts as the secondary
         * failing the call (a write's key is listed for repair).
         *
         * @param method    a read or write method's name (all overloads)
         * @param arguments from the primary's arguments and answer (null when it threw) to the
         *                  secondary's arguments, as many and of the same types
         * @return this builder
         */
        public Builder<T> secondaryArguments(String method, BiFunction<Object[], Object, Object[]> arguments) {
            requireText(method, "method");
            Objects.requireNonNull(arguments, "arguments");
            if (secondaryArguments.putIfAbsent(method, arguments) != null) {
                throw new IllegalStateException("secondaryArguments of '" + method + "' was already set");
            }
            return this;
        }

        /**
         * Takes a snapshot of every read's answer when the primary returns it, so that what the
         * caller then does to the objects it got (sets a field, adds to a list) cannot turn a
         * match into a mismatch. The snapshot is an immutable tree of the answer's values, read
         * from its fields (no getter, accessor or constructor of yours runs), not a copy of your
         * objects; see {@link dev.dualstore.compare.DeepComparator#snapshot(Object)}. It costs the
         * caller a walk of the answer: some 0.3 µs, then about 0.2 µs and 300 bytes per object of five
         * fields and a short list ({@code docs/benchmarks.md}).
         * Needs comparators that compare snapshots: {@link ResultComparator#deep()} with its
         * options, and comparators built from it with {@code after(...)}.
         *
         * @return this builder
         */
        public Builder<T> snapshotResults() {
            requireUnset(snapshotAllReads, "snapshotResults()");
            snapshotAllReads = Boolean.TRUE;
            return this;
        }

        /**
         * {@link #snapshotResults()} for these reads only.
         *
         * @param methods read methods' names
         * @return this builder
         */
        public Builder<T> snapshotResults(String... methods) {
            if (methods.length == 0) {
                throw new IllegalArgumentException("snapshotResults(...) with names needs at least one; snapshotResults()"
                        + " covers every read");
            }
            for (String method : methods) {
                requireText(method, "method");
                if (!snapshots.add(method)) {
                    throw new IllegalStateException("snapshotResults of '" + method + "' was already set");
                }
            }
            return this;
        }

        /**
         * Compares what these writes return (an affected-row count, a saved entity) with what
         * each secondary's write returns, with the method's comparator. A secondary that answers
         * otherwise (it updated 0 rows where the primary updated 1) diverged: counted as
         * {@code dualstore.writes{result="mismatch"}}, its key listed for repair and divergence
         * listeners told, instead of {@code success}.
         *
         * @param methods write methods' names
         * @return this builder
         */
        public Builder<T> compareWriteResults(String... methods) {
            if (methods.length == 0) {
                throw new IllegalArgumentException("compareWriteResults(...) needs at least one method name");
            }
            for (String method : methods) {
                requireText(method, "method");
                if (!comparedWriteResults.add(method)) {
                    throw new IllegalStateException("compareWriteResults of '" + method + "' was already set");
                }
            }
            return this;
        }

        /**
         * Declares exception types that are a normal answer of a method, as
         * {@link Read#expected()} and {@link Write#expected()} do.
         *
         * @param method a read or write method's name
         * @param types  the exception types
         * @return this builder
         */
        @SafeVarargs
        public final Builder<T> expected(String method, Class<? extends Throwable>... types) {
            requireText(method, "method");
            List<Class<? extends Throwable>> list = new ArrayList<>(types.length);
            for (Class<? extends Throwable> t : types) {
                list.add(Objects.requireNonNull(t, "exception type"));
            }
            if (expected.putIfAbsent(method, List.copyOf(list)) != null) {
                throw new IllegalStateException("expected exceptions of '" + method + "' were already set");
            }
            return this;
        }

        /**
         * @param comparator how reads are compared unless a method has its own; default
         *                   {@link ResultComparator#deepEquals()}
         * @return this builder
         */
        public Builder<T> comparator(ResultComparator comparator) {
            requireUnset(this.comparator, "comparator");
            this.comparator = Objects.requireNonNull(comparator, "comparator");
            return this;
        }

        /**
         * @param method     a read method's name
         * @param comparator how that method's answers are compared
         * @return this builder
         */
        public Builder<T> comparator(String method, ResultComparator comparator) {
            requireText(method, "method");
            Objects.requireNonNull(comparator, "comparator");
            if (comparators.putIfAbsent(method, comparator) != null) {
                throw new IllegalStateException("comparator of '" + method + "' was already set");
            }
            return this;
        }

        /**
         * @param timeout how long each secondary call may take before it counts as
         *                {@code timeout} and is interrupted; default 1 s
         * @return this builder
         */
        public Builder<T> timeout(Duration timeout) {
            requireUnset(this.timeout, "timeout");
            this.timeout = requirePositive(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout how long {@link #promote}, {@link #stage(String, Stage)} at runtime and
         *                {@link MirroringBackend#close()} may wait for queued work; writes pause at
         *                most this long during a promote; default 5 s
         * @return this builder
         */
        public Builder<T> promoteTimeout(Duration timeout) {
            requireUnset(this.promoteTimeout, "promoteTimeout");
            this.promoteTimeout = requirePositive(timeout, "promoteTimeout");
            return this;
        }

        /**
         * @param registry where meters are registered; default {@link Metrics#globalRegistry}
         * @return this builder
         */
        public Builder<T> meterRegistry(MeterRegistry registry) {
            requireUnset(this.meterRegistry, "meterRegistry");
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        /**
         * Runs secondary calls on the caller's own executor instead of dualstore's pool. It must
         * run every task it accepts, on a thread other than the one that submits it, and signal
         * a task it cannot take by throwing {@link java.util.concurrent.RejectedExecutionException}:
         * dualstore then counts it as {@code rejected} and lists its key for repair. An executor
         * that drops tasks silently would lose writes without a trace and leave their lanes
         * stuck, so a {@link java.util.concurrent.ThreadPoolExecutor} with a discarding or
         * caller-runs policy is refused at {@code build()}. dualstore never shuts it down.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder<T> executor(Executor executor) {
            requireUnset(this.executor, "executor");
            if (threads != null) {
                throw new IllegalStateException("threads(...) sizes dualstore's own pool; it cannot be combined with executor(...)");
            }
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Gives this backend a pool of its own instead of the dispatcher all backends share by
         * default (virtual threads on JDK 21 and later; on JDK 17 a pool of twice the processors,
         * at least 4, named {@code dualstore-<n>}).
         *
         * @param threads the size of the backend's own pool of daemon threads, named
         *                {@code dualstore-<backend>-<n>}, from 1 to 256. Threads start when work
         *                first needs them, so a backend with nothing to mirror starts none.
         * @return this builder
         */
        public Builder<T> threads(int threads) {
            requireUnset(this.threads, "threads");
            if (executor != null) {
                throw new IllegalStateException("threads(...) sizes dualstore's own pool; it cannot be combined with executor(...)");
            }
            if (threads < 1 || threads > MAX_THREADS) {
                throw new IllegalArgumentException("threads must be from 1 to " + MAX_THREADS + ", was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param maxPending how many calls may wait or run for one secondary; beyond it calls are
         *                   not mirrored and count as {@code rejected}. Reads may use only half of
         *                   it, so a secondary that falls behind sheds comparisons before writes.
         *                   Default 65,536 (a pending call holds its arguments and the primary's
         *                   answer: typically 100 to 200 bytes).
         * @return this builder
         */
        public Builder<T> maxPending(int maxPending) {
            requireUnset(this.maxPending, "maxPending");
            if (maxPending < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1, was " + maxPending);
            }
            this.maxPending = maxPending;
            return this;
        }

        /**
         * Bounds how many calls run against one store at once: every lane (at most 64, one per
         * group of keys, each running one call at a time) plus the unordered reads, which take
         * what is left. On JDK 21 and later, where secondary calls run on virtual threads, this
         * is what limits the load a slow secondary sees, and its throughput: a 10 ms store at
         * the default serves up to ~25,000 calls a second. On JDK 17 the pool's threads bound it
         * first.
         *
         * @param calls at least 65 (the lanes and one unordered call); default 256
         * @return this builder
         */
        public Builder<T> maxConcurrency(int calls) {
            requireUnset(this.maxConcurrency, "maxConcurrency");
            if (calls <= 64) {
                throw new IllegalArgumentException("maxConcurrency must be at least 65 (64 lanes and one more), was " + calls);
            }
            this.maxConcurrency = calls;
            return this;
        }

        /**
         * Bounds the memory that pending calls of this backend may hold, by the
         * {@link #weigher(Weigher)}'s estimates: a pending call holds its arguments and the
         * primary's answer until every secondary has answered. Past it, calls are not mirrored
         * and count as {@code rejected}; reads may use half of it, so comparisons are shed before
         * writes. Default: every backend without its own bound shares one of a sixteenth of the
         * maximum heap ({@link Runtime#maxMemory()}), so many backends together stay safe on a
         * small heap.
         *
         * @param bytes the bound, at least 1
         * @return this builder
         */
        public Builder<T> maxPendingBytes(long bytes) {
            requireUnset(this.maxPendingBytes, "maxPendingBytes");
            if (bytes < 1) {
                throw new IllegalArgumentException("maxPendingBytes must be at least 1, was " + bytes);
            }
            this.maxPendingBytes = bytes;
            return this;
        }

        /**
         * @param weigher estimates the memory one pending call holds; runs on the caller's thread,
         *                so it must be cheap; default {@link Weigher#estimating()}
         * @return this builder
         */
        public Builder<T> weigher(Weigher weigher) {
            requireUnset(this.weigher, "weigher");
            this.weigher = Objects.requireNonNull(weigher, "weigher");
            return this;
        }

        /**
         * @param capacity how many keys to repair are kept per store; default 100,000
         * @return this builder
         */
        public Builder<T> repairCapacity(int capacity) {
            requireUnset(this.repairCapacity, "repairCapacity");
            if (capacity < 0) {
                throw new IllegalArgumentException("repairCapacity must not be negative, was " + capacity);
            }
            this.repairCapacity = capacity;
            return this;
        }

        /**
         * @param percent the percentage of calls mirrored at first; default 100. See
         *                {@link MirroringBackend#sampleRate(double)}.
         * @return this builder
         */
        public Builder<T> sampleRate(double percent) {
            requireUnset(this.sampleRate, "sampleRate");
            this.sampleRate = requirePercent(percent);
            return this;
        }

        /**
         * @param method  a read or write method's name
         * @param percent the percentage of its calls mirrored at first
         * @return this builder
         */
        public Builder<T> sampleRate(String method, double percent) {
            requireText(method, "method");
            if (methodSampleRates.putIfAbsent(method, requirePercent(percent)) != null) {
                throw new IllegalStateException("sampleRate of '" + method + "' was already set");
            }
            return this;
        }

        /**
         * @param listener told of every mismatch, on a dispatcher thread; any number may be added
         * @return this builder
         */
        public Builder<T> mismatchListener(MismatchListener listener) {
            mismatchListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param listener told of every write a secondary may have missed; any number may be added
         * @return this builder
         */
        public Builder<T> divergenceListener(DivergenceListener listener) {
            divergenceListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Adds a write observer: it receives every write the primary applied, in per-key order,
         * off the caller's thread, whatever the stages and sample rate; a write journal is one.
         * It has its own queue bound ({@link #maxPending(int)}), meters
         * ({@code dualstore.observer.writes}) and repair list ({@link MirroringBackend#keysToRepair(String)}
         * under its name). It is not a store: never promoted, compared or listed as a secondary.
         *
         * @param name     the observer's name; distinct from every store's
         * @param observer the observer
         * @return this builder
         */
        public Builder<T> writeObserver(String name, WriteObserver observer) {
            requireText(name, "observer name");
            Objects.requireNonNull(observer, "observer");
            if (observers.putIfAbsent(name, observer) != null) {
                duplicateStores.add(name);
            }
            return this;
        }

        /**
         * Records every write the primary applied in a durable journal, such as {@code
         * dev.dualstore.journal.JdbcJournal}: a write observer named {@code journal}, with its
         * meters and repair list under that name ({@code keysToRepair("journal")} lists each
         * write it could not record). {@code build()} lets the journal check every write method's
         * parameters first, and fails naming the method and parameter it cannot record.
         *
         * @param journal the journal; may be shared by several backends
         * @return this builder
         * @throws IllegalStateException if a journal was already set
         */
        public Builder<T> journal(WriteObserver journal) {
            Objects.requireNonNull(journal, "journal");
            if (observers.containsKey(JOURNAL)) {
                throw new IllegalStateException("journal was already set");
            }
            return writeObserver(JOURNAL, journal);
        }

        /**
         * @param enabled whether mismatches are logged at WARN through SLF4J (logger
         *                {@code dev.dualstore.mismatch}), at most one line a second per backend;
         *                default true. Without {@link #logValues(Redactor)} the lines hold no
         *                record values.
         * @return this builder
         */
        public Builder<T> logMismatches(boolean enabled) {
            requireUnset(this.logMismatches, "logMismatches");
            this.logMismatches = enabled;
            return this;
        }

        /**
         * Opts in to logging arguments and answers of mismatches, through a redactor.
         *
         * @param redactor turns each value into text safe to log
         * @return this builder
         */
        public Builder<T> logValues(Redactor redactor) {
            requireUnset(this.redactor, "logValues");
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /**
         * @param policy what a failing secondary in {@link Stage#DUAL_WRITE} does; default
         *               {@link DualWriteFailure#COUNT}
         * @return this builder
         */
        public Builder<T> dualWriteFailure(DualWriteFailure policy) {
            requireUnset(this.dualWriteFailure, "dualWriteFailure");
            this.dualWriteFailure = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Makes the backend follow a fleet's shared migration: its primary, stages and rollout
         * are the step the control holds, set by {@code dev.dualstore.fleet.FleetMigration}.
         * {@link #build()} joins the fleet at the current step before it returns (so before the
         * backend serves a call), and fails if the control cannot be reached; until a plan
         * starts, the roles configured here apply. Then a daemon thread named
         * {@code dualstore-<backend>-control} looks at the control every
         * {@link MigrationControl#followInterval()}, applies a new step (with the pause and
         * drain of {@link MirroringBackend#promote(String)}), acknowledges it and renews this
         * instance's lease; {@link MirroringBackend#close()} stops it and leaves the fleet.
         * While a control is set, {@link MirroringBackend#promote(String)},
         * {@link MirroringBackend#stage(String, Stage)} and {@link MirroringBackend#sampleRate(double)}
         * are refused. An instance that cannot reach the control keeps the step it acknowledged
         * last and says so (one WARN, the {@code dualstore.control.*} meters).
         *
         * @param control where the fleet's step lives, e.g. {@code JdbcMigrationControl.in(dataSource, "dualstore_control")}
         * @return this builder
         */
        public Builder<T> control(MigrationControl control) {
            requireUnset(this.control, "control");
            this.control = Objects.requireNonNull(control, "control");
            return this;
        }

        /**
         * @param instance this instance's name in the {@link #control(MigrationControl) control},
         *                 unique among the instances of this backend; default {@code <host>:<pid>}
         *                 (so two backends of one name in one process need names of their own)
         * @return this builder
         */
        public Builder<T> instanceName(String instance) {
            requireUnset(this.instanceName, "instanceName");
            this.instanceName = requireText(instance, "instance");
            return this;
        }

        /**
         * @param ticker the time source for timing calls and for their deadlines; default
         *               {@link Ticker#system()}
         * @return this builder
         */
        public Builder<T> ticker(Ticker ticker) {
            requireUnset(this.ticker, "ticker");
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Checks the configuration and builds the backend.
         *
         * @return the backend, mirroring from now on
         * @throws IllegalStateException    if no primary was set
         * @throws IllegalArgumentException naming the store or method at fault: duplicate store
         *                                  names, stores of the wrong type, unknown, unclassified or doubly classified
         *                                  methods, bad key indexes, options for unknown stores or methods
         */
        public MirroringBackend<T> build() {
            if (primary == null) {
                throw new IllegalStateException("no primary store: call primary(name, store) before build()");
            }
            if (secondaries.containsKey(primaryName) || observers.containsKey(primaryName)) {
                duplicateStores.add(primaryName);
            }
            for (String observer : observers.keySet()) {
                if (secondaries.containsKey(observer)) {
                    duplicateStores.add(observer);
                }
            }
            if (!duplicateStores.isEmpty()) {
                throw new IllegalArgumentException("duplicate store names: " + new LinkedHashSet<>(duplicateStores)
                        + "; each store needs its own name");
            }
            if (!classifiedTwice.isEmpty()) {
                throw new IllegalArgumentException("methods classified more than once: " + classifiedTwice);
            }
            if (instanceName != null && control == null) {
                throw new IllegalStateException("instanceName(\"" + instanceName + "\") is set without control(...)");
            }
            EngineConfig<T> config = new EngineConfig<>(
                    new EngineConfig.Stores<>(type, name != null ? name : type.getSimpleName(), primaryName, primary,
                            frozen(secondaries), Map.copyOf(stages), frozen(observers)),
                    new EngineConfig.Methods(Map.copyOf(classified), classifyByName != null, Map.copyOf(keys),
                            Map.copyOf(keyFunctions), Map.copyOf(resultKeys), Map.copyOf(expected),
                            comparator != null ? comparator : ResultComparator.deepEquals(), Map.copyOf(comparators),
                            sampleRate != null ? sampleRate : 100.0, Map.copyOf(methodSampleRates),
                            Map.copyOf(secondaryArguments), Set.copyOf(comparedWriteResults),
                            snapshotAllReads != null, Set.copyOf(snapshots)),
                    new EngineConfig.Dispatch(executor, threads != null ? threads : 0,
                            maxPending != null ? maxPending : 65_536,
                            timeout != null ? timeout : Duration.ofSeconds(1),
                            promoteTimeout != null ? promoteTimeout : Duration.ofSeconds(5),
                            ticker != null ? ticker : Ticker.system(),
                            dualWriteFailure != null ? dualWriteFailure : DualWriteFailure.COUNT,
                            maxPendingBytes != null ? maxPendingBytes : 0L,
                            weigher != null ? weigher : Weigher.estimating(),
                            maxConcurrency != null ? maxConcurrency : 256, Map.copyOf(warmUps), transactions),
                    new EngineConfig.Reporting(meterRegistry != null ? meterRegistry : Metrics.globalRegistry,
                            List.copyOf(mismatchListeners), List.copyOf(divergenceListeners),
                            logMismatches == null || logMismatches, redactor,
                            repairCapacity != null ? repairCapacity : 100_000));
            MirroringEngine<T> engine = new MirroringEngine<>(config);
            if (control != null) {
                engine.follow(control, instanceName != null ? instanceName : defaultInstanceName());
            }
            return new MirroringBackend<>(engine);
        }

        private static String defaultInstanceName() {
            String host = System.getenv("HOSTNAME");
            if (host == null || host.isBlank()) {
                try {
                    host = java.net.InetAddress.getLocalHost().getHostName();
                } catch (java.io.IOException | RuntimeException e) {
                    host = "localhost";
                }
            }
            return host + ":" + ProcessHandle.current().pid();
        }

        private static <V> Map<String, V> frozen(Map<String, V> ordered) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(ordered));
        }

        private Builder<T> classify(EngineConfig.Kind kind, String... methods) {
            if (methods.length == 0) {
                throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT) + "(...) needs at least one method name");
            }
            for (String method : methods) {
                requireText(method, "method");
                if (classified.putIfAbsent(method, kind) != null) {
                    classifiedTwice.add(method);
                }
            }
            return this;
        }

        private static void requireUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        private static String requireText(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }

        private static Duration requirePositive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }

        private static double requirePercent(double percent) {
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("sample rate must be a percentage from 0 to 100, was " + percent);
            }
            return percent;
        }

        @Override
        public String toString() {
            return "MirroringBackend.Builder[" + type.getSimpleName() + ", primary=" + primaryName
                    + ", secondaries=" + secondaries.keySet() + ", classified=" + Arrays.toString(classified.keySet().toArray()) + "]";
        }
    }
}
