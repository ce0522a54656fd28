package dev.dualstore.internal;

import dev.dualstore.DivergenceListener;
import dev.dualstore.DualWriteFailure;
import dev.dualstore.MismatchListener;
import dev.dualstore.Redactor;
import dev.dualstore.ResultComparator;
import dev.dualstore.Stage;
import dev.dualstore.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The frozen configuration of one backend, as the builder collected it; validated against the
 * interface by {@link MirroringEngine}. Immutable.
 *
 * @param <T> the DAO interface
 */
public record BackendConfig<T>(
        Class<T> type,
        String name,
        String primaryName,
        T primary,
        Map<String, T> secondaries,
        List<String> secondaryOrder,
        Map<String, Stage> stages,
        Map<String, Kind> classified,
        Map<String, int[]> keys,
        Map<String, List<Class<? extends Throwable>>> expected,
        ResultComparator comparator,
        Map<String, ResultComparator> comparators,
        Duration timeout,
        Duration promoteTimeout,
        MeterRegistry meterRegistry,
        Executor executor,
        int threads,
        int maxPending,
        int repairCapacity,
        double sampleRate,
        Map<String, Double> methodSampleRates,
        List<MismatchListener> mismatchListeners,
        List<DivergenceListener> divergenceListeners,
        boolean logMismatches,
        Redactor redactor,
        DualWriteFailure dualWriteFailure,
        Ticker ticker) {

    /** How a method is dispatched. */
    public enum Kind {
        /** Primary answers; mirrored and compared. */
        READ,
        /** Primary first; shadowed to secondaries. */
        WRITE,
        /** Primary only. */
        PASSTHROUGH
    }
}
