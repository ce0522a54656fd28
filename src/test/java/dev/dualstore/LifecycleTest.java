package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Roles, drain and close. */
class LifecycleTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore old = new InMemoryKeyValueStore();
    private final InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();

    private MirroringBackend.Builder<KeyValueStore> builder() {
        return MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", old).secondary("new", fresh).meterRegistry(registry);
    }

    @Test
    void promoteSwapsRolesAndPromotingBackRollsBack() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            old.put("only-old", "x");
            KeyValueStore store = backend.proxy();

            backend.promote("new");
            assertThat(backend.primaryName()).isEqualTo("new");
            assertThat(backend.secondaryNames()).containsExactly("old");
            assertThat(store.get("only-old")).isNull(); // answered by the new primary
            store.put("k", "v");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(old.get("k")).isEqualTo("v"); // the old store stays a secondary, kept in step

            backend.promote("old");
            assertThat(backend.primaryName()).isEqualTo("old");
            assertThat(store.get("only-old")).isEqualTo("x");
            assertThat(backend.stage("new")).isEqualTo(Stage.SHADOW);
        }
    }

    @Test
    void promotingTheCurrentPrimaryDoesNothingAndAnUnknownNameIsNamed() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            backend.promote("old");
            assertThat(backend.primaryName()).isEqualTo("old");
            assertThatThrownBy(() -> backend.promote("dynamo"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'dynamo'").hasMessageContaining("old").hasMessageContaining("new");
        }
    }

    @Test
    void drainSaysWhetherQueuedWorkFinished() {
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = builder().executor(executor).build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.drain(Duration.ofMillis(10))).isFalse();
            assertThat(fresh.get("k")).isNull();

            executor.runAll();

            assertThat(backend.drain(Duration.ZERO)).isTrue();
            assertThat(fresh.get("k")).isEqualTo("v");
        }
    }

    @Test
    void afterCloseTheProxyAnswersFromThePrimaryWithoutMirroring() {
        MirroringBackend<KeyValueStore> backend = builder().build();
        KeyValueStore store = backend.proxy();
        store.put("before", "1");
        backend.close();

        store.put("after", "2");
        assertThat(store.get("after")).isEqualTo("2");
        assertThat(old.get("after")).isEqualTo("2");
        assertThat(fresh.get("before")).isEqualTo("1"); // close drained it
        assertThat(fresh.get("after")).isNull();
        assertThat(meters.comparisons("match") + meters.comparisons("rejected")).isZero();

        backend.close(); // idempotent
        assertThatThrownBy(() -> backend.promote("new")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closeStopsTheThreadsTheBackendStarted() throws Exception {
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("closing")
                .primary("old", old).secondary("new", fresh).meterRegistry(registry).build();
        backend.proxy().put("k", "v");
        assertThat(threadsNamed("dualstore-closing-")).isNotEmpty();

        backend.close();

        for (Thread t : threadsNamed("dualstore-closing-")) {
            t.join(5_000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
    }

    @Test
    void closeLeavesAnInjectedExecutorRunning() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            MirroringBackend<KeyValueStore> backend = builder().executor(executor).build();
            backend.proxy().put("k", "v");
            backend.close();
            assertThat(executor.isShutdown()).isFalse();
            assertThat(fresh.get("k")).isEqualTo("v");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aSameThreadExecutorMirrorsBeforeTheCallReturns() {
        try (MirroringBackend<KeyValueStore> backend = builder().executor(Runnable::run).build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "v");
            assertThat(fresh.get("k")).isEqualTo("v");
            assertThat(store.get("k")).isEqualTo("v");
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.timed("dualstore.calls", "role", "primary")).isEqualTo(2);

            backend.promote("new");
            store.put("k", "w");
            assertThat(old.get("k")).isEqualTo("w");
        }
    }

    @Test
    void promotingAStoreThatReceivesNoWritesIsRefused() {
        try (MirroringBackend<KeyValueStore> backend = builder().stage("new", Stage.OFF).build()) {
            assertThatThrownBy(() -> backend.promote("new"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'new' is OFF");
            assertThat(backend.primaryName()).isEqualTo("old");
        }
    }

    @Test
    void closeCountsQueuedWorkItDropsAsRejectedAndListsItsKeys() throws Exception {
        TimeoutAndRejectionTest.BlockingStore slow = new TimeoutAndRejectionTest.BlockingStore();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", old).secondary("new", slow).threads(1)
                .timeout(Duration.ofMinutes(1)).promoteTimeout(Duration.ofMillis(100))
                .meterRegistry(registry).build();
        KeyValueStore store = backend.proxy();
        store.put("a", "1"); // occupies the only thread until interrupted
        assertThat(slow.entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        store.put("b", "1"); // queued behind it
        store.put("b", "2");
        // close() removes the backend's meters from the registry; the meter objects still count.
        Counter rejected = registry.get("dualstore.writes").tags("result", "rejected").counter();

        backend.close();

        assertThat(rejected.count()).isEqualTo(2);
        assertThat(backend.keysToRepair("new")).contains("b");
        // close() interrupts the running call on its way out; the worker notices a moment later.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(slow.interrupted).containsExactly("a"));
    }

    @Test
    void closeNeverThrowsEvenWhileAWriteIsStuckInThePrimary() throws Exception {
        java.util.concurrent.CountDownLatch inPrimary = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        InMemoryKeyValueStore stuck = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                inPrimary.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.put(key, value);
            }
        };
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", stuck).secondary("new", fresh).promoteTimeout(Duration.ofMillis(50))
                .meterRegistry(registry).build();
        Thread writer = new Thread(() -> backend.proxy().put("k", "v"));
        writer.start();
        assertThat(inPrimary.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        backend.close(); // returns although the writer holds the key's lock

        release.countDown();
        writer.join(5_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(stuck.get("k")).isEqualTo("v");
        assertThat(backend.proxy().get("k")).isEqualTo("v");
    }

    /** No @Key: one ordered lane per secondary. */
    interface Journal {
        @Write
        void append(String line);

        @Read
        List<String> lines();
    }

    static final class ListJournal implements Journal {
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void append(String line) {
            lines.add(line);
        }

        @Override
        public synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }

    @Test
    void aBurstOfTenThousandWritesFromOneThreadArrivesInFullAndInOrder() {
        ListJournal primary = new ListJournal();
        ListJournal secondary = new ListJournal();
        try (MirroringBackend<Journal> backend = MirroringBackend.builder(Journal.class)
                .primary("old", primary).secondary("new", secondary).meterRegistry(registry).build()) {
            Journal journal = backend.proxy();
            for (int i = 0; i < 10_000; i++) {
                journal.append("line-" + i);
            }

            assertThat(backend.drain(Duration.ofSeconds(30))).isTrue();
            assertThat(secondary.lines()).hasSize(10_000).isEqualTo(primary.lines());
            assertThat(meters.writes("success")).isEqualTo(10_000);
            assertThat(meters.writes("rejected")).isZero();
        }
    }

    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                found.add(t);
            }
        }
        return found;
    }
}
