package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.spi.Invocation;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A write observer receives every write the primary applied, in per-key order, and is not a store. */
class WriteObserverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void receivesEveryAppliedWriteWhateverTheStagesAndTheSampleRate() {
        List<Invocation> seen = new CopyOnWriteArrayList<>();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .stage("new", Stage.OFF).sampleRate(0).writeObserver("journal", seen::add)
                .meterRegistry(registry).build()) {
            backend.proxy().put("k", "v");
            backend.proxy().get("k");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(seen).singleElement().satisfies(w -> {
                assertThat(w.backend()).isEqualTo("KeyValueStore");
                assertThat(w.method().getName()).isEqualTo("put");
                assertThat(w.arguments()).containsExactly("k", "v");
                assertThat(w.key()).isEqualTo("k");
                assertThat(w.primary()).isEqualTo("old");
                assertThat(w.outcome().threw()).isFalse();
            });
            assertThat(meters.count("dualstore.observer.writes", "observer", "journal", "result", "success")).isEqualTo(1);
            assertThat(backend.secondaryNames()).containsExactly("new");
        }
    }

    /** An observer that records later: each write's stage waits for the test to complete it. */
    private static final class LaterObserver implements dev.dualstore.spi.WriteObserver {
        /** By the write's key: writes of two keys reach the observer in either order. */
        final Map<Object, java.util.concurrent.CompletableFuture<Void>> stages = new ConcurrentHashMap<>();

        @Override
        public void onWrite(Invocation write) {
            throw new AssertionError("the engine calls record()");
        }

        @Override
        public java.util.concurrent.CompletionStage<?> record(Invocation write) {
            java.util.concurrent.CompletableFuture<Void> stage = new java.util.concurrent.CompletableFuture<>();
            stages.put(write.key(), stage);
            return stage;
        }
    }

    @Test
    void anObserverThatRecordsLaterIsInFlightUntilItsStageCompletesAndAFailedStageIsListed() {
        LaterObserver observer = new LaterObserver();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).writeObserver("journal", observer)
                .timeout(Duration.ofMillis(50)).meterRegistry(registry).build()) {
            backend.proxy().put("kept", "1");
            backend.proxy().put("lost", "2");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> observer.stages.size() == 2);
            assertThat(backend.drain(Duration.ofMillis(100))).as("drain waits for the stages").isFalse();

            observer.stages.get("kept").complete(null);
            observer.stages.get("lost").completeExceptionally(new IllegalStateException("batch failed"));
            assertThat(backend.drain(WAIT)).isTrue();

            // Past the 50 ms timeout, yet neither timed out: the call returned in time.
            assertThat(meters.count("dualstore.observer.writes", "result", "timeout")).isZero();
            assertThat(meters.count("dualstore.observer.writes", "result", "success")).isEqualTo(1);
            assertThat(meters.count("dualstore.observer.writes", "result", "error")).isEqualTo(1);
            assertThat(backend.keysToRepair("journal")).containsExactly("lost");
        }
        assertThat(logs.warnings("dev.dualstore")).singleElement()
                .satisfies(mentioning("write observer 'journal'", "put", "IllegalStateException"));
    }

    @Test
    void keepsPerKeyPrimaryOrderUnderConcurrentWriters() throws Exception {
        Map<String, List<String>> observed = new ConcurrentHashMap<>();
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary)
                .writeObserver("journal", w -> observed.computeIfAbsent((String) w.key(), k -> new CopyOnWriteArrayList<>())
                        .add((String) w.arguments().get(1)))
                .meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();
            ConcurrentTestHarness.runConcurrently(4, thread -> {
                for (int i = 0; i < 500; i++) {
                    store.append("key" + (i % 8), thread + ":" + i);
                }
            });
            assertThat(backend.drain(WAIT)).isTrue();

            for (int k = 0; k < 8; k++) {
                assertThat(observed.get("key" + k)).as("key%d in primary order", k).isEqualTo(primary.history("key" + k));
            }
            assertThat(observed.values().stream().mapToInt(List::size).sum()).isEqualTo(2000);
        }
    }

    @Test
    void aFailingObserverIsCountedAndItsKeysListedUnderItsNameNeverReachingTheCaller() {
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore())
                .writeObserver("journal", w -> {
                    throw new java.io.IOException("disk full");
                })
                .meterRegistry(registry).build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.count("dualstore.observer.writes", "observer", "journal", "result", "error")).isEqualTo(1);
            assertThat(backend.keysToRepair("journal")).containsExactly("k");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement().satisfies(
                    mentioning("write observer 'journal'", "put", "java.io.IOException", "keysToRepair(\"journal\")"))
                    .satisfies(w -> assertThat(w.message()).doesNotContain("disk full"));
        }
    }

    @Test
    void isNeverPromotedNorStagedAndItsNameMustBeUnique() {
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).writeObserver("journal", w -> { })
                .meterRegistry(registry).build()) {
            assertThatThrownBy(() -> backend.promote("journal")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no store named 'journal'");
            assertThatThrownBy(() -> backend.stage("journal", Stage.OFF)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .writeObserver("new", w -> { }).meterRegistry(registry).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate store names: [new]");
    }

    @Test
    void aWriteThePrimaryRejectedIsNotObserved() {
        List<Invocation> seen = new ArrayList<>();
        KeyValueStore failing = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                throw new IllegalStateException("constraint violated");
            }
        };
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", failing).writeObserver("journal", seen::add).meterRegistry(registry).build()) {
            assertThatThrownBy(() -> backend.proxy().put("k", "v")).hasMessage("constraint violated");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(seen).isEmpty();
        }
    }
}
