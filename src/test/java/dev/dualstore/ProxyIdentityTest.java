package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Object methods are answered by the proxy; default methods behave as written. */
class ProxyIdentityTest {

    interface Names {
        @Read
        List<String> all();

        @Write
        void add(String name);

        /** Not classified: runs on the proxy, so all() inside it is mirrored. */
        default int count() {
            return all().size();
        }

        /** Classified: dispatched to the stores like any method. */
        @Read
        default String first() {
            return all().get(0);
        }
    }

    static class ListNames implements Names {
        final List<String> names;
        final AtomicInteger allCalls = new AtomicInteger();
        final AtomicInteger firstCalls = new AtomicInteger();

        ListNames(String... names) {
            this.names = List.of(names);
        }

        @Override
        public List<String> all() {
            allCalls.incrementAndGet();
            return names;
        }

        @Override
        public void add(String name) {}

        @Override
        public String first() {
            firstCalls.incrementAndGet();
            return names.get(0);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void objectMethodsAreAnsweredByTheProxyAndNeverMirrored() {
        ListNames primary = new ListNames("a");
        ListNames secondary = new ListNames("a");
        try (MirroringBackend<Names> backend = Backends.of(Names.class, registry, primary, secondary).name("names").build()) {
            Names proxy = backend.proxy();
            Names other = backend.proxy();

            assertThat(proxy).isSameAs(other);
            assertThat(proxy.equals(other)).isTrue();
            assertThat(proxy.equals(primary)).isFalse();
            assertThat(proxy.hashCode()).isEqualTo(System.identityHashCode(proxy));
            assertThat(proxy.toString()).contains("names").contains("Names").contains("old");
            assertThat(primary.allCalls.get() + secondary.allCalls.get()).isZero();
        }
    }

    @Test
    void anUnclassifiedDefaultMethodRunsOnTheProxySoItsCallsAreMirrored() {
        ListNames primary = new ListNames("a", "b");
        ListNames secondary = new ListNames("a", "b");
        try (MirroringBackend<Names> backend = Backends.of(Names.class, registry, primary, secondary).build()) {
            assertThat(backend.proxy().count()).isEqualTo(2);
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(primary.allCalls.get()).isEqualTo(1);
            assertThat(secondary.allCalls.get()).isEqualTo(1);
            assertThat(new MeterReader(registry).count("dualstore.comparisons", "method", "all", "result", "match")).isEqualTo(1);
        }
    }

    @Test
    void aClassifiedDefaultMethodIsDispatchedToEachStoresImplementation() {
        ListNames primary = new ListNames("a");
        ListNames secondary = new ListNames("b");
        try (MirroringBackend<Names> backend = Backends.of(Names.class, registry, primary, secondary)
                .logMismatches(false).build()) {
            assertThat(backend.proxy().first()).isEqualTo("a");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(primary.firstCalls.get()).isEqualTo(1);
            assertThat(secondary.firstCalls.get()).isEqualTo(1);
            assertThat(new MeterReader(registry).count("dualstore.comparisons", "method", "first", "result", "mismatch")).isEqualTo(1);
        }
    }
}
