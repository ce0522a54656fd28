package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bad configuration fails at build() naming the culprit, and a failed build leaves nothing behind. */
class BuildLeavesNothingBehindTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    interface WithDefault {
        @Read
        String get(@Key String key);

        default String twice(String key) {
            return get(key) + get(key);
        }

        String unclassified(String key);
    }

    /** Answers with the key it is given. */
    static final class Echo implements WithDefault {
        @Override
        public String get(String key) {
            return key;
        }

        @Override
        public String unclassified(String key) {
            return key;
        }
    }

    sealed interface Sealed permits SealedImpl {
        @Read
        String get(String key);
    }

    static final class SealedImpl implements Sealed {
        @Override
        public String get(String key) {
            return key;
        }
    }

    private static Set<String> dualstoreThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("dualstore-")).collect(Collectors.toSet());
    }

    @Test
    void aFailedBuildRegistersNoMeterAndStartsNoThreadAndTheNameStaysFree() {
        Set<String> before = dualstoreThreads();
        assertThatThrownBy(() -> MirroringBackend.builder(WithDefault.class).name("failing")
                .primary("a", new Echo()).secondary("b", new Echo()).meterRegistry(registry).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unclassified");

        assertThat(registry.getMeters()).isEmpty();
        assertThat(dualstoreThreads()).isEqualTo(before);
        try (MirroringBackend<WithDefault> again = MirroringBackend.builder(WithDefault.class).name("failing")
                .primary("a", new Echo()).secondary("b", new Echo()).passthrough("unclassified")
                .meterRegistry(registry).build()) {
            assertThat(again.proxy().twice("k")).isEqualTo("kk");
        }
    }

    @Test
    void aSealedInterfaceIsRefusedAtBuildWithNothingRegistered() {
        assertThatThrownBy(() -> MirroringBackend.builder(Sealed.class)
                .primary("a", new SealedImpl()).meterRegistry(registry).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sealed");
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void twoOpenBackendsWithOneNameOnOneRegistryAreRefused() {
        try (MirroringBackend<KeyValueStore> first = kv().build()) {
            assertThatThrownBy(() -> kv().build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'KeyValueStore' is already open");
            assertThat(first.proxy()).isNotNull();
        }
    }

    @Test
    void theSameInstanceAsPrimaryAndSecondaryIsRefused() {
        InMemoryKeyValueStore same = new InMemoryKeyValueStore();
        assertThatThrownBy(() -> MirroringBackend.builder(KeyValueStore.class)
                .primary("old", same).secondary("new", same).meterRegistry(registry).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'old' and 'new' are the same object");
    }

    @Test
    void aHugeThreadCountIsRefusedNamingTheBound() {
        assertThatThrownBy(() -> kv().threads(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 1 to 256");
    }

    @Test
    void aBackendWithNothingToMirrorStartsNoThreads() {
        Set<String> before = dualstoreThreads();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("lonely").primary("old", new InMemoryKeyValueStore()).meterRegistry(registry).build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.proxy().get("k")).isEqualTo("v");
            assertThat(dualstoreThreads()).isEqualTo(before);
        }
    }

    @Test
    void keyOrExpectedForAnUnclassifiedDefaultMethodIsAnError() {
        assertThatThrownBy(() -> MirroringBackend.builder(WithDefault.class)
                .primary("a", new Echo())
                .passthrough("unclassified").key("twice", 7).meterRegistry(registry).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key(...)").hasMessageContaining("twice").hasMessageContaining("default method");
    }

    @Test
    void anExecutorThatDiscardsOrRunsOnTheCallerIsRefused() {
        for (var policy : new java.util.concurrent.RejectedExecutionHandler[] {new ThreadPoolExecutor.DiscardOldestPolicy(),
                new ThreadPoolExecutor.DiscardPolicy(), new ThreadPoolExecutor.CallerRunsPolicy()}) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), policy);
            try {
                assertThatThrownBy(() -> kv().executor(pool).build())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(policy.getClass().getSimpleName()).hasMessageContaining("AbortPolicy");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void timeoutsOfAThousandYearsAreClampedNotOverflowed() {
        try (MirroringBackend<KeyValueStore> backend = kv().timeout(Duration.ofDays(365L * 1000))
                .promoteTimeout(Duration.ofDays(365L * 1000)).build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.drain(Duration.ofDays(365L * 1000))).isTrue();
            backend.promote("new");
            assertThat(backend.primaryName()).isEqualTo("new");
        }
    }

    private MirroringBackend.Builder<KeyValueStore> kv() {
        return MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .meterRegistry(registry);
    }
}
