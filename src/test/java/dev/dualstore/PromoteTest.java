package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CallerThreads;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cutover and rollback, one call at a time: what promote drains, swaps, refuses and reports. */
class PromoteTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CallerThreads callers = new CallerThreads();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void promoteSwapsTheRolesAndPromotingTheFormerPrimaryRollsBack() {
        InMemoryKeyValueStore old = new InMemoryKeyValueStore();
        InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "1");

            backend.promote("new");
            assertThat(backend.primaryName()).isEqualTo("new");
            assertThat(backend.secondaryNames()).containsExactly("old");
            assertThat(backend.stage("old")).isEqualTo(Stage.SHADOW);
            store.put("k", "2");
            assertThat(fresh.get("k")).as("the new primary is written on the caller's thread").isEqualTo("2");

            backend.promote("old");
            assertThat(backend.primaryName()).isEqualTo("old");
            assertThat(backend.secondaryNames()).containsExactly("new");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(fresh.snapshot()).isEqualTo(old.snapshot()).containsEntry("value:k", "2");
        }
    }

    @Test
    void promotingTheCurrentPrimaryChangesNothing() {
        ManualExecutor executor = new ManualExecutor();
        InMemoryKeyValueStore old = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, new InMemoryKeyValueStore())
                .executor(executor).promoteTimeout(Duration.ofMillis(50)).build()) {
            backend.proxy().put("k", "1");

            // Nothing to drain or wait for: the queued write to 'new' is no obstacle.
            backend.promote("old");

            assertThat(backend.primaryName()).isEqualTo("old");
            assertThat(backend.secondaryNames()).containsExactly("new");
            assertThat(executor.queued()).isPositive();
        }
        // close() could not finish the write nobody runs, and says so.
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("KeyValueStore"));
    }

    @Test
    void promotingAnUnknownStoreThrowsNamingIt() {
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry).build()) {
            assertThatThrownBy(() -> backend.promote("unknown"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown");
            assertThat(backend.primaryName()).isEqualTo("old");
        }
    }

    @Test
    void promoteWhoseDrainCannotFinishInTimeThrowsAndLeavesTheRolesUnchanged() {
        ManualExecutor executor = new ManualExecutor();
        InMemoryKeyValueStore old = new InMemoryKeyValueStore();
        InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh)
                .executor(executor).promoteTimeout(Duration.ofMillis(100)).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "1"); // queued for 'new', and nothing runs the executor

            assertThatThrownBy(() -> backend.promote("new"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("promote(\"new\")")
                    .hasMessageContaining("'new'");

            assertThat(backend.primaryName()).isEqualTo("old");
            assertThat(backend.secondaryNames()).containsExactly("new");
            assertThat(backend.stage("new")).isEqualTo(Stage.SHADOW);
            // Writes resumed: this would block forever if promote had kept any lock.
            assertTimeoutPreemptively(WAIT, () -> store.append("k", "2"));
            assertThat(old.history("k")).containsExactly("1", "2");

            // Once the queue drains, calling again is safe and the order holds across the swap.
            executor.runAll();
            backend.promote("new");
            assertThat(backend.primaryName()).isEqualTo("new");
            store.append("k", "3");
            executor.runAll();
            assertThat(fresh.history("k")).containsExactly("1", "2", "3");
            assertThat(old.history("k")).containsExactly("1", "2", "3");
        }
    }

    @Test
    void promoteBlockedByAStuckPrimaryWriteThrowsAndLeavesTheRolesUnchanged() throws Exception {
        ScriptedKeyValueStore old = new ScriptedKeyValueStore();
        InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();
        Gate stuck = old.holdBefore("put", "k");
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh)
                .promoteTimeout(Duration.ofMillis(100)).build()) {
            KeyValueStore store = backend.proxy();
            Future<?> write = callers.submit(() -> store.put("k", "1"));
            assertThat(stuck.awaitArrival(WAIT)).isTrue();

            assertThatThrownBy(() -> backend.promote("new")).isInstanceOf(IllegalStateException.class);
            assertThat(backend.primaryName()).isEqualTo("old");

            stuck.open();
            write.get(10, TimeUnit.SECONDS);
            backend.promote("new");
            assertThat(backend.primaryName()).isEqualTo("new");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(fresh.snapshot()).isEqualTo(old.snapshot()).containsEntry("value:k", "1");
        }
    }

    @Test
    void promoteAppliesTheShadowWritesQueuedForTheNewPrimaryBeforeItTakesNewWrites() throws Exception {
        InMemoryKeyValueStore old = new InMemoryKeyValueStore();
        ScriptedKeyValueStore fresh = new ScriptedKeyValueStore();
        Gate slow = fresh.holdBefore("append", "k");
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh)
                .timeout(Duration.ofMinutes(1)).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "1");
            assertThat(slow.awaitArrival(WAIT)).isTrue();
            store.append("k", "2"); // queued behind "1"

            Thread promoter = new Thread(() -> backend.promote("new"), "promoter");
            promoter.start();
            // promote now holds every write lock and waits for the queue of 'new' to drain.
            await().atMost(WAIT).until(() -> promoter.getState() == Thread.State.TIMED_WAITING);
            Thread writer = new Thread(() -> store.append("k", "3"), "writer");
            writer.start();
            await().atMost(WAIT).until(() -> writer.getState() == Thread.State.WAITING
                    || writer.getState() == Thread.State.TERMINATED);
            assertThat(backend.primaryName()).isEqualTo("old");

            slow.open();
            promoter.join(TimeUnit.SECONDS.toMillis(10));
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(promoter.isAlive() || writer.isAlive()).isFalse();

            assertThat(backend.primaryName()).isEqualTo("new");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(fresh.history("k")).containsExactly("1", "2", "3");
            assertThat(old.history("k")).containsExactly("1", "2", "3");
            assertThat(meters.writes("success")).isEqualTo(3);
        }
    }

    @Test
    void promoteWaitsOnlyForTheStoresItSwapsSoAStuckThirdSecondaryStillGetsEveryWriteInOrder() throws Exception {
        InMemoryKeyValueStore old = new InMemoryKeyValueStore();
        InMemoryKeyValueStore fresh = new InMemoryKeyValueStore();
        ScriptedKeyValueStore third = new ScriptedKeyValueStore();
        Gate stuck = third.holdBefore("append", "k");
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, old, fresh).secondary("third", third)
                .timeout(Duration.ofMinutes(1)).promoteTimeout(WAIT).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "0");
            assertThat(stuck.awaitArrival(WAIT)).isTrue();
            for (int round = 1; round <= 6; round++) {
                store.append("k", "x" + round);
                store.append("k", "y" + round);
                backend.promote(round % 2 == 1 ? "new" : "old");
            }
            assertThat(backend.primaryName()).isEqualTo("old");
            assertThat(stuck.arrived()).isTrue();

            stuck.open();
            assertThat(backend.drain(WAIT)).isTrue();
            List<String> expected = old.history("k");
            assertThat(expected).hasSize(13);
            assertThat(fresh.history("k")).isEqualTo(expected);
            assertThat(third.snapshot()).isEqualTo(old.snapshot());
        }
    }
}
