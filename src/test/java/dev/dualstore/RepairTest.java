package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Divergence is never silent: a shadow write that fails, times out or is rejected lists its key
 * in {@code keysToRepair} and is told to every {@link DivergenceListener}.
 */
class RepairTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
    private final ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
    private final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    private final List<Thread> listenerThreads = new CopyOnWriteArrayList<>();

    @Test
    void aFailingShadowWriteListsItsKeyAndTellsTheListener() {
        IllegalStateException failure = new IllegalStateException("secondary down");
        secondary.failOn("put", "k", failure);
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "v");
            store.put("fine", "v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("b")).containsExactly("k");
            assertThat(backend.keysToRepair("a")).isEmpty();
            assertThat(meters.writes("error")).isEqualTo(1);
            assertThat(meters.writes("success")).isEqualTo(1);
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "b", "put", "k", Divergence.Reason.ERROR, failure));
            assertThat(listenerThreads).singleElement().satisfies(t -> assertThat(t.getName()).startsWith("dualstore-repair-"));
        }
    }

    @Test
    void aTimedOutShadowWriteListsItsKeyAndTellsTheListener() throws Exception {
        Gate never = secondary.holdBefore("put", "slow");
        try (MirroringBackend<KeyValueStore> backend = builder().timeout(Duration.ofMillis(50)).build()) {
            backend.proxy().put("slow", "v");
            assertThat(never.awaitArrival(WAIT)).isTrue();
            // The deadline interrupts the held call, which then returns.
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("b")).containsExactly("slow");
            assertThat(meters.writes("timeout")).isEqualTo(1);
            assertThat(meters.writes("error") + meters.writes("success")).isZero();
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "b", "put", "slow", Divergence.Reason.TIMEOUT, null));
            never.open();
        }
    }

    @Test
    void aRejectedShadowWriteIsListedAtOnceAndToldToListenersOnlyByTheWorkers() {
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = builder().executor(executor).maxPending(1).build()) {
            KeyValueStore store = backend.proxy();
            store.put("queued", "1");
            store.put("rejected", "2");

            assertThat(backend.keysToRepair("b")).containsExactly("rejected");
            assertThat(meters.writes("rejected")).isEqualTo(1);
            assertThat(divergences).as("never told on the caller's thread").isEmpty();

            executor.runAll();
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "b", "put", "rejected", Divergence.Reason.REJECTED, null));
            assertThat(secondary.snapshot()).containsOnlyKeys("value:queued");
            assertThat(primary.snapshot()).containsOnlyKeys("value:queued", "value:rejected");
        }
    }

    @Test
    void markRepairedForgetsAKeyOnce() {
        secondary.failOn("put", null, new IllegalStateException("secondary down"));
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            backend.proxy().put("k1", "v");
            backend.proxy().put("k2", "v");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(backend.keysToRepair("b")).containsExactlyInAnyOrder("k1", "k2");

            assertThat(backend.markRepaired("b", "k1")).isTrue();
            assertThat(backend.markRepaired("b", "k1")).isFalse();
            assertThat(backend.markRepaired("b", "never-listed")).isFalse();
            assertThat(backend.keysToRepair("b")).containsExactly("k2");
        }
    }

    @Test
    void aKeyThatFailsRepeatedlyIsListedOnceAndToldEachTime() {
        secondary.failOn("append", "k", new IllegalStateException("secondary down"));
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            for (int i = 0; i < 3; i++) {
                backend.proxy().append("k", "e" + i);
            }
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("b")).containsExactly("k");
            assertThat(divergences).hasSize(3).extracting(Divergence::key).containsOnly("k");
        }
    }

    @Test
    void theRepairListIsBoundedButTheListenerHearsOfEveryKey() {
        secondary.failOn("put", null, new IllegalStateException("secondary down"));
        try (MirroringBackend<KeyValueStore> backend = builder().repairCapacity(2).build()) {
            for (int i = 0; i < 5; i++) {
                backend.proxy().put("k" + i, "v");
            }
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("b")).hasSize(2).isSubsetOf("k0", "k1", "k2", "k3", "k4");
            assertThat(divergences).extracting(Divergence::key)
                    .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4");
            assertThat(meters.writes("error")).isEqualTo(5);
        }
    }

    @Test
    void successfulShadowWritesListNothing() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            backend.proxy().put("k", "v");
            backend.proxy().append("k", "e");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("b")).isEmpty();
            assertThat(divergences).isEmpty();
        }
    }

    @Test
    void aWriteWithoutAKeyIsToldToTheListenerButNotListed() {
        IllegalStateException failure = new IllegalStateException("secondary down");
        Audit failing = entry -> {
            throw failure;
        };
        try (MirroringBackend<Audit> backend = MirroringBackend.builder(Audit.class)
                .name("repair").primary("a", entry -> { }).secondary("b", failing)
                .divergenceListener(divergences::add).meterRegistry(registry).build()) {
            backend.proxy().record("entry");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("b")).isEmpty();
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "b", "record", null, Divergence.Reason.ERROR, failure));
        }
    }

    @Test
    void aThrowingDivergenceListenerNeverReachesTheCallerAndIsCounted() {
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("repair").primary("a", primary).secondary("b", secondary)
                .executor(executor).maxPending(1)
                .divergenceListener(d -> {
                    throw new IllegalStateException("listener bug");
                })
                .divergenceListener(divergences::add)
                .meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();
            store.put("queued", "1");
            store.put("rejected", "2"); // rejected on this thread; the listeners run on the executor

            assertThat(primary.get("rejected")).isEqualTo("2");
            assertThat(backend.keysToRepair("b")).containsExactly("rejected");
            executor.runAll();
            assertThat(divergences).as("later listeners still told").hasSize(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "divergence-listener")).isEqualTo(1);
        }
    }

    @Test
    void keysToRepairOfAnUnknownStoreIsAnErrorNamingIt() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            assertThatThrownBy(() -> backend.keysToRepair("unknown"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
            assertThatThrownBy(() -> backend.markRepaired("unknown", "k"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
        }
    }

    private MirroringBackend.Builder<KeyValueStore> builder() {
        return MirroringBackend.builder(KeyValueStore.class)
                .name("repair")
                .primary("a", primary)
                .secondary("b", secondary)
                .divergenceListener(d -> {
                    divergences.add(d);
                    listenerThreads.add(Thread.currentThread());
                })
                .meterRegistry(registry);
    }

    /** An append-only log without a key. */
    public interface Audit {
        @Write
        void record(String entry);
    }
}
