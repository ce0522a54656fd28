package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How the engine behaves under real load: who waits for whom, memory, threads and meters. */
class EngineUnderLoadTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aWriteHeldInThePrimaryNeverHoldsUpWritesToOtherKeys() throws Exception {
        ScriptedKeyValueStore primary = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate held = primary.holdBefore("put", "held");
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, secondary).build()) {
            KeyValueStore store = backend.proxy();
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> store.put("held", "v"), callers);
            assertThat(held.awaitArrival(WAIT)).isTrue();

            // 1,000 other keys cover every fence stripe the engine ever had: none may wait for "held".
            CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1_000; i++) {
                    store.put("other-" + i, "v");
                }
            }, callers);
            others.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(holder).isNotDone();

            held.open();
            holder.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aSecondWriteToTheSameKeyWaitsForTheFirstAsARowLockWould() throws Exception {
        ScriptedKeyValueStore primary = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate held = primary.holdBefore("put", "k");
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, new InMemoryKeyValueStore())
                .build()) {
            KeyValueStore store = backend.proxy();
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> store.put("k", "1"), callers);
            assertThat(held.awaitArrival(WAIT)).isTrue();
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> store.append("k", "2"), callers);

            assertThat(second).as("waits while the first write to k is in the primary")
                    .failsWithin(Duration.ofMillis(100)).withThrowableThat().isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(primary.calls("append")).isEmpty();

            held.open();
            first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void pendingCallsAreBoundedByTheirEstimatedMemoryAndTheOverflowIsCountedAsRejected() throws Exception {
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate held = secondary.holdBefore("history", null);
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        for (int i = 0; i < 1_000; i++) {
            primary.append("big", "row-" + i + "-with-some-text");
        }
        long oneAnswer = Weigher.estimating().weigh(null, new Object[] {"big"}, primary.history("big"));
        assertThat(oneAnswer).as("a thousand short strings").isBetween(40_000L, 120_000L);
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, secondary)
                .maxPendingBytes(10 * oneAnswer).build()) {
            for (int i = 0; i < 20; i++) {
                backend.proxy().history("big");
            }
            assertThat(held.awaitArrival(WAIT)).isTrue();

            // Reads may take half of the bound: five pending, fifteen shed.
            assertThat(meters.comparisons("rejected")).isEqualTo(15);
            held.open();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("mismatch")).as("the five pending were compared (the secondary is empty)").isEqualTo(5);
        }
    }

    /** Reads without a key: each one runs in no particular order on any worker. */
    interface Lookup {
        @Read
        String describe(String item);
    }

    @Test
    void unkeyedReadsFromManyThreadsAreEachComparedOrShedAndLeaveNoPermitOrByteHeld() throws Exception {
        Lookup oldLookup = item -> "item " + item;
        Lookup newLookup = item -> "item " + item;
        int threads = 4;
        int callsEach = 25_000;
        try (MirroringBackend<Lookup> backend = Backends.of(Lookup.class, registry, oldLookup, newLookup)
                .threads(2).maxPending(256).build()) {
            Lookup lookup = backend.proxy();
            ConcurrentTestHarness.runConcurrently(threads, t -> {
                for (int i = 0; i < callsEach; i++) {
                    lookup.describe(t + "-" + (i & 63));
                }
            });
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.comparisons("match") + meters.comparisons("rejected"))
                    .as("every read compared or shed, none lost").isEqualTo(threads * callsEach);
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(registry.get("dualstore.pending").tag("store", "new").gauge().value())
                    .as("drained: every permit given back").isZero();

            // Permits and bytes are given back in runs of calls: a second round finds them all free.
            double shedBefore = meters.comparisons("rejected");
            for (int i = 0; i < 100; i++) {
                lookup.describe("again-" + i);
                assertThat(backend.drain(WAIT)).isTrue();
            }
            assertThat(meters.comparisons("rejected")).as("nothing held back from the first round").isEqualTo(shedBefore);
        }
    }

    @Test
    void aWeigherThatThrowsIsCountedAndTheCallIsWeighedByTheDefault() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry)
                .weigher((method, arguments, answer) -> {
                    throw new IllegalStateException("weigher bug");
                })
                .build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.proxy().get("k")).isEqualTo("v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("success")).isEqualTo(1);
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "weigher")).isEqualTo(2);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(CapturedLogs.mentioning("weigher threw"));
        }
    }

    @Test
    void manyBackendsShareOneDispatcherAndRegisterOnlyTheSeriesTheyUse() {
        List<MirroringBackend<KeyValueStore>> backends = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).name("repo-" + i).build();
                backends.add(backend);
                backend.proxy().put("k", "v");
                backend.proxy().get("k");
            }
            for (MirroringBackend<KeyValueStore> backend : backends) {
                assertThat(backend.drain(WAIT)).isTrue();
            }
            Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("dualstore-")).collect(Collectors.toSet());
            assertThat(threads).as("no thread of its own per backend").noneMatch(n -> n.startsWith("dualstore-repo-"));
            // Per backend: 2 gauges per store, a primary and a secondary timer per method, one result each.
            assertThat(registry.getMeters()).hasSize(20 * (2 * 2 + 2 * 2 + 2));
        } finally {
            backends.forEach(MirroringBackend::close);
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void onJdk21AndLaterSecondaryCallsRunOnVirtualThreads() {
        List<Thread> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore() {
            @Override
            public String get(String key) {
                ran.add(Thread.currentThread());
                return super.get(key);
            }
        };
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), secondary)
                .build()) {
            backend.proxy().get("k");
            assertThat(backend.drain(WAIT)).isTrue();
        }
        boolean virtualThreadsExist = Runtime.version().feature() >= 21;
        assertThat(ran).singleElement().satisfies(t -> assertThat(t.toString().contains("VirtualThread")
                || t.getName().startsWith("dualstore-virtual-")).isEqualTo(virtualThreadsExist));
    }

    @Test
    void maxConcurrencyMustLeaveRoomBeyondTheLanes() {
        assertThatThrownBy(() -> Backends.keyValue(registry).maxConcurrency(64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 65");
        assertThatThrownBy(() -> Backends.keyValue(registry).maxPendingBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPendingBytes");
    }
}
