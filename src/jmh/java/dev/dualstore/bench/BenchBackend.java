package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The dualstore backend every benchmark measures: an in-memory primary, a secondary with the same
 * data that answers at once or after {@code secondaryMillis}, defaults but a 200 ms timeout, and
 * its own registry so the teardown can report how many calls were compared or rejected.
 *
 * @param <T> the DAO interface
 */
final class BenchBackend<T> {
    final SimpleMeterRegistry registry;
    final MirroringBackend<T> backend;
    final T proxy;

    private BenchBackend(SimpleMeterRegistry registry, MirroringBackend<T> backend) {
        this.registry = registry;
        this.backend = backend;
        this.proxy = backend.proxy();
    }

    /** {@link KeyValueStore}: no key, so reads are unordered and writes share one lane. */
    static BenchBackend<KeyValueStore> unkeyed(long secondaryMillis) {
        return of(KeyValueStore.class, "bench", secondaryMillis);
    }

    /** {@link KeyedStore}: {@code @Key} on the key, so calls are ordered and guarded per key. */
    static BenchBackend<KeyedStore> keyed(long secondaryMillis) {
        return of(KeyedStore.class, "bench-keyed", secondaryMillis);
    }

    @SuppressWarnings("unchecked")
    private static <T> BenchBackend<T> of(Class<T> type, String name, long secondaryMillis) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MirroringBackend<T> backend = MirroringBackend.builder(type)
                .name(name)
                .primary("old", (T) MapStore.fast(Data.KEYS, Data.VALUES))
                .secondary("new", (T) MapStore.withData(secondaryMillis, Data.KEYS, Data.VALUES))
                .reads("get")
                .writes("put")
                .timeout(Duration.ofMillis(200))
                .meterRegistry(registry)
                .build();
        return new BenchBackend<>(registry, backend);
    }

    /** Drains, prints the comparison and write counts of the trial, and closes. */
    void close(BenchmarkParams params) {
        boolean drained = backend.drain(Duration.ofSeconds(60));
        MeterReport.print(MirroredReadBenchmark.label(params) + " drained=" + drained, registry);
        backend.close();
    }
}
