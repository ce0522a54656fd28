package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.metrics.MeterNames;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Meter names and tags are exactly as documented in DESIGN.md and docs/metrics.md. */
class MetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static Set<String> tagKeys(Meter meter) {
        return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
    }

    @Test
    void everyMeterOfOneNameHasTheSameTagKeys() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).name("kv").build()) {
            backend.proxy().put("k", "v");
            backend.proxy().get("k");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(registry.find(MeterNames.CALLS).meters()).isNotEmpty()
                    .allSatisfy(m -> assertThat(tagKeys(m)).containsExactlyInAnyOrder("backend", "method", "store", "role", "outcome"));
            assertThat(registry.find(MeterNames.COMPARISONS).meters()).isNotEmpty()
                    .allSatisfy(m -> assertThat(tagKeys(m)).containsExactlyInAnyOrder("backend", "method", "store", "result", "kind"));
            assertThat(registry.find(MeterNames.WRITES).meters()).isNotEmpty()
                    .allSatisfy(m -> assertThat(tagKeys(m)).containsExactlyInAnyOrder("backend", "method", "store", "result"));
            assertThat(registry.find(MeterNames.PENDING).meters()).hasSize(2)
                    .allSatisfy(m -> assertThat(tagKeys(m)).containsExactlyInAnyOrder("backend", "store"));
            assertThat(registry.find(MeterNames.REPAIRS).meters()).hasSize(2)
                    .allSatisfy(m -> assertThat(tagKeys(m)).containsExactlyInAnyOrder("backend", "store"));
        }
    }

    @Test
    void recordsBothStoresTimingsByRoleAndTheComparisonResult() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).name("kv").build()) {
            backend.proxy().get("k");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            Timer primary = registry.get(MeterNames.CALLS).tags("backend", "kv", "method", "get", "store", "old",
                    "role", "primary", "outcome", "success").timer();
            Timer secondary = registry.get(MeterNames.CALLS).tags("backend", "kv", "method", "get", "store", "new",
                    "role", "secondary", "outcome", "success").timer();
            assertThat(primary.count()).isEqualTo(1);
            assertThat(secondary.count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.COMPARISONS).tags("backend", "kv", "method", "get", "store", "new",
                    "result", "match", "kind", "none").counter().count()).isEqualTo(1);

            backend.promote("new");
            backend.proxy().get("k");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(registry.get(MeterNames.CALLS).tags("store", "new", "role", "primary", "method", "get").timer().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void theLibraryTurnsOnNoPercentilesOrHistograms() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).build()) {
            backend.proxy().get("k");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(registry.find(MeterNames.CALLS).timers()).allSatisfy(t -> {
                assertThat(t.takeSnapshot().percentileValues()).isEmpty();
                assertThat(t.takeSnapshot().histogramCounts()).isEmpty();
            });
        }
    }

    @Test
    void aSeriesAppearsTheFirstTimeItCountsSoABackendHasOnlyTheSeriesItUsed() {
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        primary.put("k", "v");
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, new InMemoryKeyValueStore())
                .logMismatches(false).build()) {
            assertThat(registry.find(MeterNames.COMPARISONS).meters()).isEmpty();
            assertThat(registry.find(MeterNames.CALLS).meters()).isEmpty();
            assertThat(registry.find(MeterNames.PENDING).gauges()).hasSize(2);

            backend.proxy().get("k");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            Set<String> results = registry.find(MeterNames.COMPARISONS).counters().stream()
                    .map(c -> c.getId().getTag("result") + "/" + c.getId().getTag("kind")).collect(Collectors.toSet());
            assertThat(results).containsExactly("mismatch/null");
            assertThat(registry.find(MeterNames.CALLS).timers()).extracting(t -> t.getId().getTag("role"))
                    .containsExactlyInAnyOrder("primary", "secondary");
        }
    }
}
