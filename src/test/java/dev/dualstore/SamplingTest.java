package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A percentage of calls is mirrored; with a key, the choice is stable per key. */
class SamplingTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);

    /** Records which keys reached it through get. */
    static final class KeyRecorder extends InMemoryKeyValueStore {
        final List<String> gets = new CopyOnWriteArrayList<>();

        @Override
        public String get(String key) {
            gets.add(key);
            return super.get(key);
        }
    }

    private MirroringBackend<KeyValueStore> backend(KeyRecorder secondary, double percent) {
        return Backends.keyValue(registry, new InMemoryKeyValueStore(), secondary).sampleRate(percent).build();
    }

    @Test
    void zeroPercentMirrorsNothingAndHundredMirrorsEverything() {
        KeyRecorder secondary = new KeyRecorder();
        try (MirroringBackend<KeyValueStore> backend = backend(secondary, 0)) {
            for (int i = 0; i < 100; i++) {
                backend.proxy().get("k" + i);
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(secondary.gets).isEmpty();

            backend.sampleRate(100);
            for (int i = 0; i < 100; i++) {
                backend.proxy().get("k" + i);
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(secondary.gets).hasSize(100);
            assertThat(meters.comparisons("match")).isEqualTo(100);
        }
    }

    @Test
    void aKeyIsAlwaysInOrAlwaysOutAndRaisingTheRateOnlyAddsKeys() {
        KeyRecorder secondary = new KeyRecorder();
        try (MirroringBackend<KeyValueStore> backend = backend(secondary, 10)) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 1000; i++) {
                    backend.proxy().get("user-" + i);
                }
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            Set<String> at10 = new HashSet<>(secondary.gets);
            // Stable: each sampled key came all three rounds.
            assertThat(secondary.gets).hasSize(at10.size() * 3);
            assertThat(at10.size()).isBetween(50, 150);

            secondary.gets.clear();
            backend.sampleRate(50);
            for (int i = 0; i < 1000; i++) {
                backend.proxy().get("user-" + i);
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(new HashSet<>(secondary.gets)).containsAll(at10).hasSizeBetween(400, 600);
        }
    }

    @Test
    void aMethodsOwnRateOverridesTheBackendsAtRuntime() {
        KeyRecorder secondary = new KeyRecorder();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), secondary)
                .sampleRate("get", 0).build()) {
            backend.proxy().get("a");
            backend.proxy().history("a");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(secondary.gets).isEmpty();
            assertThat(meters.count("dualstore.comparisons", "method", "history", "result", "match")).isEqualTo(1);

            backend.sampleRate("get", 100);
            backend.proxy().get("a");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(secondary.gets).containsExactly("a");

            assertThatThrownBy(() -> backend.sampleRate("nope", 5))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
            assertThatThrownBy(() -> backend.sampleRate(-1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        }
    }

    /** Enough values that identity hashes would almost never pick the same ones as names. */
    enum Region { A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z }

    interface RegionStore {
        @Read
        String get(@Key Region region);
    }

    @Test
    void anEnumKeyIsSampledByItsNameSoEveryJvmAgrees() {
        List<Region> reached = new CopyOnWriteArrayList<>();
        RegionStore secondary = region -> {
            reached.add(region);
            return null;
        };
        KeyRecorder byName = new KeyRecorder();
        try (MirroringBackend<RegionStore> regions = Backends.of(RegionStore.class, registry, region -> null, secondary)
                .sampleRate(50).build();
                MirroringBackend<KeyValueStore> names = backend(byName, 50)) {
            for (Region r : Region.values()) {
                regions.proxy().get(r);
                names.proxy().get(r.name());
            }
            assertThat(regions.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(names.drain(Duration.ofSeconds(5))).isTrue();

            // Identity hashes differ per JVM; names do not. Same choice as for the name string.
            assertThat(reached).isNotEmpty().hasSizeLessThan(Region.values().length);
            assertThat(reached).extracting(Region::name).containsExactlyInAnyOrderElementsOf(byName.gets);
        }
    }
}
