package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.BlockingKeyValueStore;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.Journal;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ListJournal;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Roles, drain and close. */
class LifecycleTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore old = new InMemoryKeyValueStore();
    private final InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void promoteSwapsRolesAndPromotingBackRollsBack() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).build()) {
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
        // Asked about "only-old" while promoted, 'old' answered "x" and 'new' null: logged without either.
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("KeyValueStore", "get", "old", "new", "null"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("only-old"));
    }

    @Test
    void promotingTheCurrentPrimaryDoesNothingAndAnUnknownNameIsNamed() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).build()) {
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
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).executor(executor).build()) {
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
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).build();
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
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).name("closing").threads(2).build();
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
            MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).executor(executor).build();
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
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).executor(Runnable::run).build()) {
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
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).stage("new", Stage.OFF).build()) {
            assertThatThrownBy(() -> backend.promote("new"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'new' is OFF");
            assertThat(backend.primaryName()).isEqualTo("old");
        }
    }

    @Test
    void closeCountsQueuedWorkItDropsAsRejectedAndListsItsKeys() throws Exception {
        BlockingKeyValueStore slow = new BlockingKeyValueStore();
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, slow).threads(1)
                .timeout(Duration.ofMinutes(1)).promoteTimeout(Duration.ofMillis(100)).build();
        KeyValueStore store = backend.proxy();
        store.put("a", "1"); // occupies the only thread until interrupted
        assertThat(slow.awaitEntered(Duration.ofSeconds(5))).isTrue();
        store.put("b", "1"); // queued behind it
        store.put("b", "2");

        backend.close();

        assertThat(meters.writes("rejected")).isEqualTo(2); // counted by close(), read after it removed the meters
        assertThat(backend.keysToRepair("new")).contains("b");
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore", "new", "put"));
        // close() interrupts the running call on its way out; the worker notices a moment later.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(slow.interrupted()).containsExactly("a"));
    }

    @Test
    void closeNeverThrowsEvenWhileAWriteIsStuckInThePrimary() throws Exception {
        ScriptedKeyValueStore stuck = new ScriptedKeyValueStore();
        Gate inPrimary = stuck.holdBefore("put", "k");
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, stuck, fresh)
                .promoteTimeout(Duration.ofMillis(50)).build();
        Thread writer = new Thread(() -> backend.proxy().put("k", "v"));
        writer.start();
        assertThat(inPrimary.awaitArrival(Duration.ofSeconds(5))).isTrue();

        backend.close(); // returns although the writer holds the key's lock
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore"));

        inPrimary.open();
        writer.join(5_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(stuck.get("k")).isEqualTo("v");
        assertThat(backend.proxy().get("k")).isEqualTo("v");
        // The write the primary applied after close() never reaches the secondary: a worker
        // rejects it, lists its key and says so in a WARN.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(backend.keysToRepair("new")).contains("k");
            assertThat(logs.warnings(CapturedLogs.LIBRARY))
                    .anySatisfy(mentioning("KeyValueStore", "new", "put (rejected)", "keysToRepair"));
        });
        assertThat(fresh.get("k")).isNull();
    }

    @Test
    void aBurstOfTenThousandWritesFromOneThreadArrivesInFullAndInOrder() {
        ListJournal primary = new ListJournal();
        ListJournal secondary = new ListJournal();
        try (MirroringBackend<Journal> backend = Backends.of(Journal.class, registry, primary, secondary).build()) {
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
