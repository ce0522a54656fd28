package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** repair(store, key, action) runs in the key's write fence: it never races a live write to the key. */
class OrderedRepairTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aRepairWaitsForTheKeysQueuedWritesAndLiveWritesWaitForTheRepair() throws Exception {
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate queued = secondary.holdBefore("put", "k");
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary).secondary("new", secondary).meterRegistry(registry).build()) {
            backend.proxy().put("k", "1");
            assertThat(queued.awaitArrival(WAIT)).isTrue();
            AtomicBoolean repairRan = new AtomicBoolean();

            CompletableFuture<String> repair = CompletableFuture.supplyAsync(() -> {
                try {
                    return backend.repair("new", "k", () -> {
                        assertThat(secondary.get("k")).as("the queued write landed first").isEqualTo("1");
                        repairRan.set(true);
                        secondary.put("k", primary.get("k"));
                        return "repaired";
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(repairRan).isFalse();
            queued.open();

            assertThat(repair.get()).isEqualTo("repaired");
            assertThat(repairRan).isTrue();
        }
    }

    @Test
    void repairsRacingLiveWritesToTheSameKeysNeverLoseEither() throws Exception {
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary).secondary("new", secondary).meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();
            ConcurrentTestHarness.runConcurrently(4, thread -> {
                for (int i = 0; i < 300; i++) {
                    String key = "k" + (i % 5);
                    if (thread == 0) {
                        // The checker: copy the primary's current value, as a consistency check would.
                        backend.repair("new", key, () -> {
                            String current = primary.get(key);
                            if (current != null) {
                                secondary.put(key, current);
                            }
                            return null;
                        });
                    } else {
                        store.put(key, thread + ":" + i);
                    }
                }
            });
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
        }
    }

    @Test
    void aSuccessfulRepairForgetsTheKeyAndAFailedOneKeepsIt() throws Exception {
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        secondary.failOn("put", null, new IllegalStateException("down"));
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", secondary).meterRegistry(registry).build()) {
            backend.proxy().put("a", "1");
            backend.proxy().put("b", "1");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(backend.keysToRepair("new")).containsExactlyInAnyOrder("a", "b");

            backend.repair("new", "a", () -> null);
            assertThatThrownBy(() -> backend.repair("new", "b", () -> {
                throw new java.io.IOException("copy failed");
            })).isInstanceOf(java.io.IOException.class);

            assertThat(backend.keysToRepair("new")).containsExactly("b");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).isNotEmpty().allSatisfy(mentioning("'new'", "put", "error"));
        }
    }

    @Test
    void aRepairCalledFromAListenerFailsFast() {
        java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        MirroringBackend<?>[] self = new MirroringBackend<?>[1];
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        secondary.failOn("put", null, new IllegalStateException("down"));
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", secondary).meterRegistry(registry)
                .divergenceListener(d -> {
                    try {
                        self[0].repair("new", d.key(), () -> null);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                })
                .build()) {
            self[0] = backend;
            backend.proxy().put("k", "v");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(failures).singleElement().isInstanceOf(IllegalStateException.class);
            assertThat(backend.keysToRepair("new")).containsExactly("k");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement().satisfies(mentioning("'new'", "put"));
        }
    }
}
