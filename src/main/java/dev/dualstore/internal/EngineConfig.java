package dev.dualstore.internal;

import dev.dualstore.DivergenceListener;
import dev.dualstore.DualWriteFailure;
import dev.dualstore.MismatchListener;
import dev.dualstore.Redactor;
import dev.dualstore.ResultComparator;
import dev.dualstore.Stage;
import dev.dualstore.Ticker;
import dev.dualstore.Weigher;
import dev.dualstore.spi.TransactionHook;
import dev.dualstore.spi.WriteObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The frozen configuration of one backend, as the builder collected it, grouped by the part of
 * the engine that uses it. Maps that carry an order (stores, observers) are ordered and
 * unmodifiable. Immutable; validated against the interface by {@link MethodTable} and
 * {@link MirroringEngine}.
 *
 * @param <T> the DAO interface
 */
public record EngineConfig<T>(Stores<T> stores, Methods methods, Dispatch dispatch, Reporting reporting) {

    /** How a method is dispatched, as the builder classified it. */
    public enum Kind {
        /** Primary answers; mirrored and compared. */
        READ,
        /** Primary first; shadowed to secondaries. */
        WRITE,
        /** Primary only. */
        PASSTHROUGH
    }

    /**
     * Who answers and who is mirrored to.
     *
     * @param type        the DAO interface
     * @param backend     the backend's name
     * @param primaryName the first primary's name
     * @param primary     the first primary: an implementation of {@code type}, or its {@link StoreParts}
     * @param secondaries secondaries by name, in configured order, each an implementation or its {@link StoreParts}
     * @param stages      the first stage of secondaries that have one (others: {@link Stage#SHADOW})
     * @param observers   write observers by name, in configured order
     * @param <T>         the DAO interface
     */
    public record Stores<T>(Class<T> type, String backend, String primaryName, Object primary, Map<String, Object> secondaries,
            Map<String, Stage> stages, Map<String, WriteObserver> observers) {}

    /**
     * How each method is treated.
     *
     * @param classified           methods classified by the builder, by name
     * @param classifyByName       whether methods classified in no other way are classified by their names
     * @param keys                 key parameter positions, by method name
     * @param keyFunctions         keys taken from the arguments by a function, by method name
     * @param resultKeys           write keys taken from the primary's answer, by method name
     * @param expected             expected exceptions, by method name
     * @param comparator           the default comparator
     * @param comparators          comparators by method name
     * @param sampleRate           the backend-wide sample rate, in percent
     * @param sampleRates          sample rates by method name, in percent
     * @param secondaryArguments   what secondaries receive instead of the primary's arguments, by method name
     * @param comparedWriteResults writes whose results are compared
     * @param snapshotAllReads     whether every read's answer is snapshotted when it returns
     * @param snapshots            reads whose answers are snapshotted when they return, by name
     */
    public record Methods(Map<String, Kind> classified, boolean classifyByName, Map<String, int[]> keys,
            Map<String, Function<Object[], ?>> keyFunctions, Map<String, Function<Object, ?>> resultKeys,
            Map<String, List<Class<? extends Throwable>>> expected,
            ResultComparator comparator, Map<String, ResultComparator> comparators, double sampleRate,
            Map<String, Double> sampleRates, Map<String, BiFunction<Object[], Object, Object[]>> secondaryArguments,
            Set<String> comparedWriteResults, boolean snapshotAllReads, Set<String> snapshots) {}

    /**
     * How secondary work runs.
     *
     * @param executor         the user's executor, or null for dualstore's own pool
     * @param threads          the size of the backend's own pool; 0: the shared dispatcher
     * @param maxPending       calls that may wait or run per store
     * @param timeout          the deadline of each secondary call
     * @param promoteTimeout   how long promote, stage and close may wait
     * @param ticker           the time source of timers and deadlines
     * @param dualWriteFailure what a failing {@link Stage#DUAL_WRITE} write does
     * @param maxPendingBytes  the memory pending calls may hold, by estimate; 0: the JVM-wide shared budget
     * @param weigher          estimates a pending call's memory
     * @param maxConcurrency   calls that may run against one store at once
     * @param warmUps          the warm-up of stores that have one, by store name
     * @param transactions     the service's transactions, or null
     */
    public record Dispatch(Executor executor, int threads, int maxPending, Duration timeout, Duration promoteTimeout,
            Ticker ticker, DualWriteFailure dualWriteFailure, long maxPendingBytes, Weigher weigher, int maxConcurrency,
            Map<String, WarmUp> warmUps, TransactionHook transactions) {}

    /**
     * A store's warm-up: for {@code period} from its first mirrored call, its calls get
     * {@code timeout} instead of the backend's, and their timeouts are counted apart.
     *
     * @param period  how long the warm-up lasts
     * @param timeout the timeout of calls during it
     */
    public record WarmUp(Duration period, Duration timeout) {}

    /**
     * Where outcomes go.
     *
     * @param registry            the meter registry
     * @param mismatchListeners   told of each mismatch
     * @param divergenceListeners told of each write a store may have missed
     * @param logMismatches       whether mismatches are logged at WARN
     * @param redactor            turns values into loggable text; null: no values in logs
     * @param repairCapacity      keys kept per store for repair
     */
    public record Reporting(MeterRegistry registry, List<MismatchListener> mismatchListeners,
            List<DivergenceListener> divergenceListeners, boolean logMismatches, Redactor redactor, int repairCapacity) {}

    /** @return the backend's name */
    public String name() {
        return stores.backend();
    }

    /** @return the DAO interface */
    public Class<T> type() {
        return stores.type();
    }
}
