package dev.dualstore.testing;

import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The backends the tests build: primary {@code "old"}, one secondary {@code "new"}, meters in the
 * test's registry. Each method returns a fresh builder for the test to finish; it sets nothing
 * else, so the test may still set any option once (the backend's {@code name} included, which
 * also names its threads; the default is the interface's simple name).
 */
public final class Backends {
    private Backends() {}

    /**
     * A {@link KeyValueStore} backend over two fresh {@link InMemoryKeyValueStore}s, for tests
     * that look only at the proxy and the meters.
     */
    public static MirroringBackend.Builder<KeyValueStore> keyValue(MeterRegistry registry) {
        return keyValue(registry, new InMemoryKeyValueStore(), new InMemoryKeyValueStore());
    }

    /** A {@link KeyValueStore} backend over the given stores. */
    public static MirroringBackend.Builder<KeyValueStore> keyValue(MeterRegistry registry, KeyValueStore oldStore,
            KeyValueStore newStore) {
        return of(KeyValueStore.class, registry, oldStore, newStore);
    }

    /** A backend of any interface over the given stores. */
    public static <T> MirroringBackend.Builder<T> of(Class<T> type, MeterRegistry registry, T oldStore, T newStore) {
        return MirroringBackend.builder(type)
                .primary("old", oldStore)
                .secondary("new", newStore)
                .meterRegistry(registry);
    }
}
