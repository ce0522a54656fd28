package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Edge cases hostile testing found in the engine, each pinned down. */
class EngineEdgeCasesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    interface Unkeyed {
        @Read
        String scan(String filter);

        @Write
        void put(@Key String key, String value);
    }

    static final class UnkeyedStore implements Unkeyed {
        final ScriptedKeyValueStore data = new ScriptedKeyValueStore();

        @Override
        public String scan(String filter) {
            return data.get(filter);
        }

        @Override
        public void put(String key, String value) {
            data.put(key, value);
        }
    }

    @Test
    void promoteWaitsOnlyForWritesQueuedBeforeItNotForReadsThatKeepArriving() {
        UnkeyedStore secondary = new UnkeyedStore();
        ScriptedKeyValueStore.Gate readsHeld = secondary.data.holdBefore("get", null);
        try (MirroringBackend<Unkeyed> backend = MirroringBackend.builder(Unkeyed.class)
                .primary("old", new UnkeyedStore()).secondary("new", secondary)
                .threads(8).promoteTimeout(Duration.ofSeconds(5)).meterRegistry(registry).build()) {
            Unkeyed store = backend.proxy();
            store.put("k", "v");
            assertThat(backend.drain(WAIT)).isTrue();
            for (int i = 0; i < 20; i++) {
                store.scan("k"); // each holds a worker until the gate opens: pending never reaches 0
            }

            backend.promote("new");

            assertThat(backend.primaryName()).isEqualTo("new");
            readsHeld.open();
        }
    }

    interface Futures {
        @Read
        CompletableFuture<String> find(@Key String key);
    }

    @Test
    void aReadAnsweringWithAFutureIsComparedOnItsCompletedValue() {
        CompletableFuture<String> later = new CompletableFuture<>();
        Futures primary = key -> CompletableFuture.completedFuture("v-" + key);
        Futures same = key -> CompletableFuture.supplyAsync(() -> "v-" + key);
        Futures failing = key -> key.equals("late") ? later : CompletableFuture.failedFuture(new IllegalStateException("down"));
        try (MirroringBackend<Futures> backend = MirroringBackend.builder(Futures.class)
                .primary("old", primary).secondary("same", same).secondary("failing", failing)
                .logMismatches(false).meterRegistry(registry).build()) {
            assertThat(backend.proxy().find("k").join()).isEqualTo("v-k");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.count("dualstore.comparisons", "store", "same", "result", "match")).isEqualTo(1);
            assertThat(meters.count("dualstore.comparisons", "store", "failing", "result", "error")).isEqualTo(1);
        }
    }

    interface Tagged {
        @Write
        void tag(@Key String... ids);
    }

    @Test
    void anArrayKeyIsOneKeyByContentForSamplingAndRepair() {
        List<List<String>> mirrored = new CopyOnWriteArrayList<>();
        Tagged secondary = ids -> {
            mirrored.add(List.of(ids));
            throw new IllegalStateException("down");
        };
        try (MirroringBackend<Tagged> backend = MirroringBackend.builder(Tagged.class)
                .primary("old", ids -> { }).secondary("new", secondary).sampleRate(50)
                .meterRegistry(registry).build()) {
            for (int i = 0; i < 200; i++) {
                backend.proxy().tag("a", "b"); // a new array every call, always the same content
            }
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(mirrored.size()).as("one key is always in or always out").isIn(0, 200);

            backend.sampleRate(100); // whichever it was: now in, so its failed write gets listed
            backend.proxy().tag("a", "b");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(backend.keysToRepair("new")).containsExactly(List.of("a", "b"));
            assertThat(backend.markRepaired("new", new String[] {"a", "b"})).isTrue();
            assertThat(backend.keysToRepair("new")).isEmpty();
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).isNotEmpty()
                    .allSatisfy(mentioning("'new'", "tag", "keysToRepair"));
        }
    }

    @Test
    void aFailedWriteWhoseKeyIsNullIsCountedAsNotListed() {
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        secondary.failOn("put", null, new IllegalStateException("down"));
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                // accepts a null key, as some stores do
            }
        };
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary).secondary("new", secondary).meterRegistry(registry).build()) {
            backend.proxy().put(null, "v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("error")).isEqualTo(1);
            assertThat(backend.keysToRepair("new")).isEmpty();
            assertThat(backend.writesNotListed("new")).isEqualTo(1);
            assertThat(registry.get("dualstore.repairs").tag("store", "new").gauge().value()).isEqualTo(1);

            backend.markAllRepaired("new");
            assertThat(backend.writesNotListed("new")).isZero();
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                    .satisfies(mentioning("'new'", "put", "has no key", "writesNotListed(\"new\")"))
                    .satisfies(w -> assertThat(w.message()).doesNotContain("keysToRepair"));
        }
    }

    @Test
    void thePendingGaugeNeverReadsAboveTheBound() throws Exception {
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate held = secondary.holdBefore("put", null);
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", secondary)
                .maxPending(200).meterRegistry(registry).build()) {
            for (int i = 0; i < 500; i++) {
                backend.proxy().put("k" + i, "v");
            }
            assertThat(held.awaitArrival(WAIT)).isTrue();

            assertThat(registry.get("dualstore.pending").tag("store", "new").gauge().value()).isEqualTo(200);
            assertThat(meters.writes("rejected")).isEqualTo(300);
            held.open();
            assertThat(backend.drain(WAIT)).isTrue();
            // One line a second at most, and the next one counts what it left out.
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).isNotEmpty().hasSizeLessThan(300);
        }
    }
}
