package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default capacity holds a burst of 10,000 pending shadow writes before anything is
 * rejected: all 10,000 are pending at once (nothing runs them until the test says so), none is
 * rejected, and once they run every secondary equals the primary.
 */
class BurstCapacityTest {
    private static final int BURST = 10_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void defaultCapacityHoldsABurstOf10000PendingWritesToDistinctKeys() {
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = builder(secondary).executor(executor).build()) {
            KeyValueStore store = backend.proxy();
            for (int i = 0; i < BURST; i++) {
                store.put("key-" + i, "v" + i);
            }

            assertThat(pending("new")).isEqualTo(BURST);
            assertThat(meters.writes("rejected")).isZero();
            assertThat(backend.keysToRepair("new")).isEmpty();

            executor.runAll();
            assertThat(pending("new")).isZero();
            assertThat(meters.writes("success")).isEqualTo(BURST);
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot()).hasSize(BURST);
        }
    }

    @Test
    void defaultCapacityHoldsABurstOf10000PendingAppendsToOneHotKeyInOrder() {
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = builder(secondary).executor(executor).build()) {
            KeyValueStore store = backend.proxy();
            for (int i = 0; i < BURST; i++) {
                store.append("hot", "e" + i);
            }

            assertThat(pending("new")).isEqualTo(BURST);
            assertThat(meters.writes("rejected")).isZero();

            executor.runAll();
            List<String> expected = IntStream.range(0, BURST).mapToObj(i -> "e" + i).toList();
            assertThat(secondary.history("hot")).isEqualTo(expected);
        }
    }

    @Test
    void defaultPoolQueuesABurstOf10000WritesWhileEveryDispatcherThreadIsBusy() throws Exception {
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        Gate busy = secondary.holdBefore("put", null);
        try (MirroringBackend<KeyValueStore> backend = builder(secondary).timeout(Duration.ofMinutes(1)).build()) {
            KeyValueStore store = backend.proxy();
            for (int i = 0; i < BURST; i++) {
                store.put("key-" + i, "v" + i);
            }
            assertThat(busy.awaitArrival(WAIT)).isTrue();

            assertThat(pending("new")).isEqualTo(BURST);
            assertThat(meters.writes("rejected")).isZero();

            busy.open();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.writes("success")).isEqualTo(BURST);
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot()).hasSize(BURST);
        }
    }

    @Test
    void aBurstBeyondTheConfiguredCapacityIsRejectedNotQueued() {
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = builder(secondary).executor(executor).maxPending(100).build()) {
            KeyValueStore store = backend.proxy();
            for (int i = 0; i < 150; i++) {
                store.put("key-" + i, "v" + i);
            }

            assertThat(pending("new")).isEqualTo(100);
            assertThat(meters.writes("rejected")).isEqualTo(50);
            assertThat(backend.keysToRepair("new")).hasSize(50);
            executor.runAll();
            assertThat(secondary.snapshot()).hasSize(100);
        }
        // The rejected keys (key-100 to key-149) are record values: named in no log line.
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("burst", "new", "put"))
                .allSatisfy(w -> assertThat(w.message()).doesNotContain("key-1"));
    }

    private MirroringBackend.Builder<KeyValueStore> builder(KeyValueStore secondary) {
        return Backends.keyValue(registry, primary, secondary).name("burst");
    }

    private double pending(String store) {
        return registry.get("dualstore.pending").tag("store", store).gauge().value();
    }
}
