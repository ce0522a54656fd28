package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When close() returns, every write the primary applied has reached each secondary or is
 * counted as rejected (or timed out) and listed for repair, and no dualstore thread calls a
 * store again.
 */
class CloseAccountsForEveryWriteTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    /** Counts calls, and those made once the test said the backend was closed. */
    static final class CountingStore extends InMemoryKeyValueStore {
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger callsAfterClose = new AtomicInteger();
        final Set<String> applied = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final CountDownLatch slowStarted = new CountDownLatch(1);

        @Override
        public void put(String key, String value) {
            if (closed.get()) {
                callsAfterClose.incrementAndGet();
            }
            slowStarted.countDown();
            try {
                TimeUnit.MILLISECONDS.sleep(1); // a real store's latency; not a wait for work
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            super.put(key, value);
            applied.add(key);
        }
    }

    @Test
    void everyWriteStillQueuedInARunningLaneIsCountedAndListedAndNoStoreIsCalledAfterClose() throws Exception {
        CountingStore slow = new CountingStore();
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), slow)
                .name("close-accounting").threads(1).promoteTimeout(Duration.ofMillis(20)).build();
        KeyValueStore store = backend.proxy();
        int writes = 300;
        for (int i = 0; i < writes; i++) {
            store.put("k" + i, "v");
        }
        assertThat(slow.slowStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        backend.close();
        slow.closed.set(true);

        Set<String> accounted = new HashSet<>(slow.applied);
        accounted.addAll(backend.keysToRepair("new").stream().map(String.class::cast).toList());
        assertThat(accounted).as("applied or listed").hasSize(writes);
        double counted = meters.writes("success") + meters.writes("rejected") + meters.writes("timeout");
        assertThat(counted).isEqualTo(writes);
        assertThat(meters.writes("rejected")).as("close() was short: most were still queued").isPositive();
        assertThat(slow.callsAfterClose).as("no store call after close() returned").hasValue(0);
        // The pool has terminated when close() returns; its threads finish exiting a moment later.
        await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("dualstore-close-accounting-")));
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("close-accounting", "pending"));
    }

    @Test
    void writesQueuedBehindAHungCallAreListedAndTheHungCallIsInterruptedAndCountedAsATimeout() {
        ScriptedKeyValueStore hung = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate never = hung.holdBefore("put", "a");
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", hung)
                .threads(1).timeout(Duration.ofDays(1)).promoteTimeout(Duration.ofMillis(50))
                .meterRegistry(registry).build();
        KeyValueStore store = backend.proxy();
        store.put("a", "1");
        store.put("a", "2");
        store.put("b", "1");

        backend.close();

        assertThat(never.arrived()).isTrue();
        assertThat(backend.keysToRepair("new")).containsExactlyInAnyOrder("a", "b");
        assertThat(meters.writes("timeout")).isEqualTo(1);
        assertThat(meters.writes("rejected")).isEqualTo(2);
        assertThat(hung.calls("put")).hasSize(1);
        never.open();
    }

    @Test
    void closeRemovesEveryMeterItRegisteredAndFreesItsName() {
        MirroringBackend<KeyValueStore> first = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .meterRegistry(registry).build();
        assertThat(registry.getMeters()).isNotEmpty();

        first.close();

        assertThat(registry.getMeters()).isEmpty();
        try (MirroringBackend<KeyValueStore> again = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .meterRegistry(registry).build()) {
            assertThat(again.name()).isEqualTo(first.name());
        }
    }
}
