package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.EventSink;
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
import org.junit.jupiter.api.extension.RegisterExtension;

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
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aFailingShadowWriteListsItsKeyAndTellsTheListener() {
        IllegalStateException failure = new IllegalStateException("secondary down");
        secondary.failOn("put", "k", failure);
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "v");
            store.put("fine", "v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("new")).containsExactly("k");
            assertThat(backend.keysToRepair("old")).isEmpty();
            assertThat(meters.writes("error")).isEqualTo(1);
            assertThat(meters.writes("success")).isEqualTo(1);
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "new", "put", "k", Divergence.Reason.ERROR, failure));
            assertThat(listenerThreads).singleElement().satisfies(t -> assertThat(t.getName()).startsWith("dualstore-"));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "put"));
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

            assertThat(backend.keysToRepair("new")).containsExactly("slow");
            assertThat(meters.writes("timeout")).isEqualTo(1);
            assertThat(meters.writes("error") + meters.writes("success")).isZero();
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "new", "put", "slow", Divergence.Reason.TIMEOUT, null));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "put"));
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

            assertThat(backend.keysToRepair("new")).containsExactly("rejected");
            assertThat(meters.writes("rejected")).isEqualTo(1);
            assertThat(divergences).as("never told on the caller's thread").isEmpty();

            executor.runAll();
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "new", "put", "rejected", Divergence.Reason.REJECTED, null));
            assertThat(secondary.snapshot()).containsOnlyKeys("value:queued");
            assertThat(primary.snapshot()).containsOnlyKeys("value:queued", "value:rejected");
        }
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "put"));
    }

    @Test
    void markRepairedForgetsAKeyOnce() {
        secondary.failOn("put", null, new IllegalStateException("secondary down"));
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            backend.proxy().put("k1", "v");
            backend.proxy().put("k2", "v");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(backend.keysToRepair("new")).containsExactlyInAnyOrder("k1", "k2");

            assertThat(backend.markRepaired("new", "k1")).isTrue();
            assertThat(backend.markRepaired("new", "k1")).isFalse();
            assertThat(backend.markRepaired("new", "never-listed")).isFalse();
            assertThat(backend.keysToRepair("new")).containsExactly("k2");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "put"));
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

            assertThat(backend.keysToRepair("new")).containsExactly("k");
            assertThat(divergences).hasSize(3).extracting(Divergence::key).containsOnly("k");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "append"));
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

            assertThat(backend.keysToRepair("new")).hasSize(2).isSubsetOf("k0", "k1", "k2", "k3", "k4");
            assertThat(divergences).extracting(Divergence::key)
                    .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4");
            assertThat(meters.writes("error")).isEqualTo(5);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "put"));
        }
    }

    @Test
    void successfulShadowWritesListNothing() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            backend.proxy().put("k", "v");
            backend.proxy().append("k", "e");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("new")).isEmpty();
            assertThat(divergences).isEmpty();
        }
    }

    @Test
    void aWriteWithoutAKeyIsToldToTheListenerButNotListed() {
        IllegalStateException failure = new IllegalStateException("secondary down");
        EventSink failing = entry -> {
            throw failure;
        };
        try (MirroringBackend<EventSink> backend = Backends.of(EventSink.class, registry, entry -> { }, failing)
                .name("repair").divergenceListener(divergences::add).build()) {
            backend.proxy().record("entry");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("new")).isEmpty();
            assertThat(divergences).singleElement().isEqualTo(
                    new Divergence("repair", "new", "record", null, Divergence.Reason.ERROR, failure));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("repair", "new", "record"));
        }
    }

    @Test
    void aThrowingDivergenceListenerNeverReachesTheCallerAndIsCounted() {
        ManualExecutor executor = new ManualExecutor();
        IllegalStateException bug = new IllegalStateException("listener bug");
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, secondary)
                .name("repair").executor(executor).maxPending(1)
                .divergenceListener(d -> {
                    throw bug;
                })
                .divergenceListener(divergences::add)
                .build()) {
            KeyValueStore store = backend.proxy();
            store.put("queued", "1");
            store.put("rejected", "2"); // rejected on this thread; the listeners run on the executor

            assertThat(primary.get("rejected")).isEqualTo("2");
            assertThat(backend.keysToRepair("new")).containsExactly("rejected");
            executor.runAll();
            assertThat(divergences).as("later listeners still told").hasSize(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "divergence-listener")).isEqualTo(1);
        }
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(w -> {
            assertThat(w.message()).contains("repair");
            assertThat(w.identifies(bug)).as("identifies %s", bug).isTrue();
        });
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

    /** The shared fixture, telling this test of every divergence and the thread that told it. */
    private MirroringBackend.Builder<KeyValueStore> builder() {
        return Backends.keyValue(registry, primary, secondary)
                .name("repair")
                .divergenceListener(d -> {
                    divergences.add(d);
                    listenerThreads.add(Thread.currentThread());
                });
    }
}
