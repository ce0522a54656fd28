package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.BlockingKeyValueStore;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.Journal;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ListJournal;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Secondaries run under a deadline and a bounded queue; neither ever reaches the caller. */
class TimeoutAndRejectionTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aSecondaryPastItsDeadlineIsCountedAsTimeoutAndInterrupted() {
        BlockingKeyValueStore slow = new BlockingKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), slow)
                .timeout(Duration.ofMillis(50))
                .build()) {
            KeyValueStore store = backend.proxy();

            assertThat(store.get("a")).isNull();
            store.put("b", "1");

            // drain waits for real completion; the deadline interrupts the blocked calls.
            assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(meters.comparisons("timeout")).isEqualTo(1);
            assertThat(meters.writes("timeout")).isEqualTo(1);
            assertThat(slow.interrupted()).containsExactlyInAnyOrder("a", "b");
            assertThat(backend.keysToRepair("new")).containsExactly("b");
            assertThat(meters.timed("dualstore.calls", "store", "new", "outcome", "error")).isEqualTo(2);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore", "new", "put"));
        }
    }

    @Test
    void aTimedOutCallLeavesNoInterruptBehindForTheNextCallOnTheSameThread() {
        BlockingKeyValueStore slow = new BlockingKeyValueStore();
        List<Boolean> interruptedAtStart = new CopyOnWriteArrayList<>();
        InMemoryKeyValueStore checking = new InMemoryKeyValueStore() {
            @Override
            public void append(String key, String value) {
                interruptedAtStart.add(Thread.currentThread().isInterrupted());
            }

            @Override
            public String get(String key) {
                return slow.get(key);
            }
        };
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), checking)
                .threads(1)
                .timeout(Duration.ofMillis(20))
                .build()) {
            backend.proxy().get("a");
            backend.proxy().append("a", "x");

            assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(meters.comparisons("timeout")).isEqualTo(1);
            assertThat(interruptedAtStart).containsExactly(false);
        }
    }

    @Test
    void aFullQueueRejectsWithoutBlockingTheCaller() throws Exception {
        BlockingKeyValueStore slow = new BlockingKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), slow)
                .maxPending(2)
                .timeout(Duration.ofSeconds(30))
                .build()) {
            KeyValueStore store = backend.proxy();
            store.put("k0", "v");
            assertThat(slow.awaitEntered(Duration.ofSeconds(5))).isTrue();

            for (int i = 1; i <= 10; i++) {
                store.put("k" + i, "v"); // each returns at once: the queue is full, never waited on
            }
            for (int i = 1; i <= 5; i++) {
                assertThat(store.get("k" + i)).isEqualTo("v");
            }

            slow.release();
            assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();
            // k0 ran, one more fitted in the queue; the other nine writes and five reads were rejected.
            assertThat(meters.writes("success")).isEqualTo(2);
            assertThat(meters.writes("rejected")).isEqualTo(9);
            assertThat(meters.comparisons("rejected")).isEqualTo(5);
            assertThat(backend.keysToRepair("new")).hasSize(9).doesNotContain("k0");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore", "new", "put"))
                    .allSatisfy(w -> assertThat(w.message()).doesNotContain("k1"));
        }
    }

    @Test
    void readsAreShedBeforeWritesSoWritesKeepHalfTheQueue() {
        ManualExecutor paused = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry)
                .executor(paused)
                .maxPending(8)
                .build()) {
            KeyValueStore store = backend.proxy();
            for (int i = 0; i < 6; i++) {
                store.get("k" + i); // only 4 (half of 8) may wait
            }
            for (int i = 0; i < 6; i++) {
                store.put("k" + i, "v"); // 4 more fit: writes may fill the queue
            }

            assertThat(meters.comparisons("rejected")).isEqualTo(2);
            assertThat(meters.writes("rejected")).isEqualTo(2);
            paused.runAll();
            assertThat(meters.comparisons("match")).isEqualTo(4);
            assertThat(meters.writes("success")).isEqualTo(4);
        }
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore", "new", "put"));
    }

    @Test
    void aFloodOfReadsNeverHoldsBackShadowWrites() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        List<String> calls = new CopyOnWriteArrayList<>();
        Journal slow = new Journal() {
            @Override
            public List<String> lines() {
                calls.add("read");
                firstReadStarted.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }

            @Override
            public void append(String line) {
                calls.add("write " + line);
            }
        };
        try (MirroringBackend<Journal> backend = Backends.of(Journal.class, registry, new ListJournal(), slow)
                .threads(1).timeout(Duration.ofMinutes(1)).build()) {
            Journal journal = backend.proxy();
            journal.lines(); // occupies the only dispatcher thread
            assertThat(firstReadStarted.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 100; i++) {
                journal.lines();
            }
            journal.append("x");

            release.countDown();
            assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();
            // The write ran as soon as the thread was free, ahead of the 100 queued reads.
            assertThat(calls).hasSize(102);
            assertThat(calls.get(1)).isEqualTo("write x");
        }
    }

    @Test
    void aRejectingInjectedExecutorIsCountedAndNeverThrown() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry)
                .executor(task -> {
                    throw new RejectedExecutionException("saturated");
                })
                .build()) {
            KeyValueStore store = backend.proxy();
            store.put("a", "1");
            store.put("a", "2");
            assertThat(store.get("a")).isEqualTo("2");

            assertThat(backend.drain(Duration.ofSeconds(1))).isTrue();
            assertThat(meters.writes("rejected")).isEqualTo(2);
            assertThat(meters.comparisons("rejected")).isEqualTo(1);
            assertThat(registry.get("dualstore.pending").tag("store", "new").gauge().value()).isZero();
            assertThat(backend.keysToRepair("new")).containsExactly("a");
            // No worker can tell the listeners or log each write; dualstore says so once.
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore", "refused"));
        }
    }
}
