package dev.dualstore;

import static dev.dualstore.testing.ConcurrentTestHarness.runConcurrently;
import static dev.dualstore.testing.StoreAssertions.assertInProgramOrder;
import static dev.dualstore.testing.StoreAssertions.assertSameSequence;
import static dev.dualstore.testing.StoreAssertions.assertSameSnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.Journal;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ListJournal;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.Pacer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many threads on a few hot keys: every secondary ends with exactly the primary's per-key
 * history (appends are order-sensitive), and reads racing the writes are never mismatches. Sized
 * to finish in seconds on two cores while still running thousands of interleaved calls, and
 * below the default capacity (65,536 calls per store) so that no call can be rejected however
 * the threads are scheduled.
 */
class PerKeyOrderingStressTest {
    private static final int THREADS = 8;
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);

    @Test
    void manyThreadsAppendingToFewHotKeysLeaveEverySecondaryWithThePrimarysExactHistory() throws Exception {
        int appendsPerThread = 1_500;
        String[] hotKeys = {"hot-0", "hot-1", "hot-2"};
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore b = new InMemoryKeyValueStore();
        InMemoryKeyValueStore c = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("hot-appends").primary("a", primary).secondary("b", b).secondary("c", c)
                .meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();

            runConcurrently(THREADS, t -> {
                SplittableRandom random = new SplittableRandom(t);
                for (int i = 0; i < appendsPerThread; i++) {
                    store.append(hotKeys[random.nextInt(hotKeys.length)], t + ":" + i);
                }
            });

            assertThat(backend.drain(DRAIN)).isTrue();
            assertThat(meters.writes("rejected") + meters.writes("error") + meters.writes("timeout")).isZero();
            int total = 0;
            for (String key : hotKeys) {
                List<String> history = primary.history(key);
                assertSameSequence("b's history of " + key, b.history(key), history);
                assertSameSequence("c's history of " + key, c.history(key), history);
                assertInProgramOrder(history);
                total += history.size();
            }
            assertThat(total).isEqualTo(THREADS * appendsPerThread);
            assertThat(meters.writes("success")).isEqualTo(2.0 * THREADS * appendsPerThread);
        }
    }

    @Test
    void keyedReadsRacingWritesOnHotKeysAreNeverCountedAsMismatches() throws Exception {
        int opsPerThread = 2_000;
        String[] hotKeys = {"hot-0", "hot-1"};
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("hot-reads").primary("a", primary).secondary("b", secondary)
                .weigher((method, arguments, answer) -> 0) // about races, not memory: never shed a read
                .meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();

            runConcurrently(THREADS, t -> {
                SplittableRandom random = new SplittableRandom(t);
                for (int i = 0; i < opsPerThread; i++) {
                    String key = hotKeys[random.nextInt(hotKeys.length)];
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            store.append(key, t + ":" + i);
                            writes.incrementAndGet();
                        }
                        case 1 -> {
                            store.put(key, t + ":" + i);
                            writes.incrementAndGet();
                        }
                        case 2 -> {
                            store.get(key);
                            reads.incrementAndGet();
                        }
                        default -> {
                            store.history(key);
                            reads.incrementAndGet();
                        }
                    }
                }
            });

            assertThat(backend.drain(DRAIN)).isTrue();
            assertThat(meters.writes("rejected")).isZero();
            assertSameSnapshot("b's", secondary.snapshot(), primary.snapshot());
            assertThat(meters.comparisons("mismatch")).isZero();
            // Every read was either compared and matched, or set aside because a write overlapped it.
            assertThat(meters.comparisons("match") + meters.comparisons("raced"))
                    .as("match %s raced %s rejected %s error %s timeout %s", meters.comparisons("match"), meters.comparisons("raced"),
                            meters.comparisons("rejected"), meters.comparisons("error"), meters.comparisons("timeout"))
                    .isEqualTo(reads.get());
            assertThat(meters.comparisons("match")).isPositive();
            assertThat(meters.writes("success")).isEqualTo(writes.get());
        }
    }

    /**
     * Without a key there is one ordered lane per secondary: each caller's writes arrive in the
     * order it made them, and none is lost. (Writes of different threads may arrive in another
     * interleaving than the primary's: unkeyed writes share the gate in read mode, so the primary
     * call and the hand-off are not atomic across threads. Order across threads needs a key.)
     */
    @Test
    void writesWithoutAKeyReachEachSecondaryInEachCallersOrder() throws Exception {
        int recordsPerThread = 1_500;
        ListJournal primary = new ListJournal();
        ListJournal b = new ListJournal();
        ListJournal c = new ListJournal();
        try (MirroringBackend<Journal> backend = MirroringBackend.builder(Journal.class)
                .name("journal").primary("a", primary).secondary("b", b).secondary("c", c)
                .meterRegistry(registry).build()) {
            Journal journal = backend.proxy();

            runConcurrently(THREADS, t -> {
                for (int i = 0; i < recordsPerThread; i++) {
                    journal.append(t + ":" + i);
                }
            });

            assertThat(backend.drain(DRAIN)).isTrue();
            List<String> entries = primary.lines();
            assertThat(entries).hasSize(THREADS * recordsPerThread);
            for (Journal secondary : List.of(b, c)) {
                assertThat(secondary.lines()).containsExactlyInAnyOrderElementsOf(entries);
                assertInProgramOrder(secondary.lines());
            }
            assertThat(meters.writes("success")).isEqualTo(2.0 * THREADS * recordsPerThread);
            assertThat(meters.writes("rejected")).isZero();
        }
    }

    @Test
    void stageChangesUnderLoadKeepTheSecondarysHistoriesInPrimaryOrderAndReadsFreeOfMismatches() throws Exception {
        int callsPerThread = 2_000;
        Stage[] cycle = {Stage.DUAL_WRITE, Stage.SHADOW_WRITES, Stage.SHADOW, Stage.DUAL_WRITE, Stage.SHADOW};
        int changes = 10;
        String[] hotKeys = {"hot-0", "hot-1", "hot-2", "hot-3"};
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        Pacer pacer = new Pacer(500);
        List<Stage> applied = new ArrayList<>();
        AtomicInteger appends = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("stage-changes").primary("a", primary).secondary("b", secondary)
                .weigher((method, arguments, answer) -> 0) // about order and races, not memory: never shed a read
                .meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();

            runConcurrently(THREADS + 1, t -> {
                if (t == THREADS) {
                    pacer.runActions(changes, i -> {
                        backend.stage("b", cycle[i % cycle.length]);
                        applied.add(backend.stage("b"));
                    });
                    return;
                }
                SplittableRandom random = new SplittableRandom(t);
                for (int i = 0; i < callsPerThread; i++) {
                    pacer.beforeCall();
                    String key = hotKeys[random.nextInt(hotKeys.length)];
                    if (random.nextInt(4) == 0) {
                        store.history(key);
                        reads.incrementAndGet();
                    } else {
                        store.append(key, t + ":" + i);
                        appends.incrementAndGet();
                    }
                    pacer.afterCall();
                }
            });

            assertThat(applied).containsExactly(cycle[0], cycle[1], cycle[2], cycle[3], cycle[4],
                    cycle[0], cycle[1], cycle[2], cycle[3], cycle[4]);
            assertThat(backend.drain(DRAIN)).isTrue();
            assertThat(meters.writes("rejected") + meters.writes("error") + meters.writes("timeout")).isZero();
            int total = 0;
            for (String key : hotKeys) {
                List<String> history = primary.history(key);
                assertSameSequence("b's history of " + key, secondary.history(key), history);
                assertInProgramOrder(history);
                total += history.size();
            }
            assertThat(total).isEqualTo(appends.get());
            // Reads made while b was in SHADOW_WRITES are not compared; the rest match or raced a write.
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(meters.comparisons("match") + meters.comparisons("raced")).isPositive().isLessThanOrEqualTo(reads.get());
            assertThat(meters.comparisons("error") + meters.comparisons("timeout") + meters.comparisons("rejected")).isZero();
        }
    }
}
