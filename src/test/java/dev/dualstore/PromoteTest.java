package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cutover and rollback, one call at a time: what promote drains, swaps, refuses and reports. */
class PromoteTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() throws InterruptedException {
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void promoteSwapsTheRolesAndPromotingTheFormerPrimaryRollsBack() {
        InMemoryKeyValueStore a = new InMemoryKeyValueStore();
        InMemoryKeyValueStore b = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = builder(a, b).build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "1");

            backend.promote("b");
            assertThat(backend.primaryName()).isEqualTo("b");
            assertThat(backend.secondaryNames()).containsExactly("a");
            assertThat(backend.stage("a")).isEqualTo(Stage.SHADOW);
            store.put("k", "2");
            assertThat(b.get("k")).as("the new primary is written on the caller's thread").isEqualTo("2");

            backend.promote("a");
            assertThat(backend.primaryName()).isEqualTo("a");
            assertThat(backend.secondaryNames()).containsExactly("b");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(b.snapshot()).isEqualTo(a.snapshot()).containsEntry("value:k", "2");
        }
    }

    @Test
    void promotingTheCurrentPrimaryChangesNothing() {
        ManualExecutor executor = new ManualExecutor();
        InMemoryKeyValueStore a = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = builder(a, new InMemoryKeyValueStore())
                .executor(executor).promoteTimeout(Duration.ofMillis(50)).build()) {
            backend.proxy().put("k", "1");

            // Nothing to drain or wait for: the queued write to b is no obstacle.
            backend.promote("a");

            assertThat(backend.primaryName()).isEqualTo("a");
            assertThat(backend.secondaryNames()).containsExactly("b");
            assertThat(executor.queued()).isPositive();
        }
    }

    @Test
    void promotingAnUnknownStoreThrowsNamingIt() {
        try (MirroringBackend<KeyValueStore> backend = builder(new InMemoryKeyValueStore(), new InMemoryKeyValueStore()).build()) {
            assertThatThrownBy(() -> backend.promote("unknown"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown");
            assertThat(backend.primaryName()).isEqualTo("a");
        }
    }

    @Test
    void promoteWhoseDrainCannotFinishInTimeThrowsAndLeavesTheRolesUnchanged() {
        ManualExecutor executor = new ManualExecutor();
        InMemoryKeyValueStore a = new InMemoryKeyValueStore();
        InMemoryKeyValueStore b = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = builder(a, b)
                .executor(executor).promoteTimeout(Duration.ofMillis(100)).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "1"); // queued for b, and nothing runs the executor

            assertThatThrownBy(() -> backend.promote("b"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("promote(\"b\")")
                    .hasMessageContaining("'b'");

            assertThat(backend.primaryName()).isEqualTo("a");
            assertThat(backend.secondaryNames()).containsExactly("b");
            assertThat(backend.stage("b")).isEqualTo(Stage.SHADOW);
            // Writes resumed: this would block forever if promote had kept any lock.
            assertTimeoutPreemptively(WAIT, () -> store.append("k", "2"));
            assertThat(a.history("k")).containsExactly("1", "2");

            // Once the queue drains, calling again is safe and the order holds across the swap.
            executor.runAll();
            backend.promote("b");
            assertThat(backend.primaryName()).isEqualTo("b");
            store.append("k", "3");
            executor.runAll();
            assertThat(b.history("k")).containsExactly("1", "2", "3");
            assertThat(a.history("k")).containsExactly("1", "2", "3");
        }
    }

    @Test
    void promoteBlockedByAStuckPrimaryWriteThrowsAndLeavesTheRolesUnchanged() throws Exception {
        ScriptedKeyValueStore a = new ScriptedKeyValueStore();
        InMemoryKeyValueStore b = new InMemoryKeyValueStore();
        Gate stuck = a.holdBefore("put", "k");
        try (MirroringBackend<KeyValueStore> backend = builder(a, b).promoteTimeout(Duration.ofMillis(100)).build()) {
            KeyValueStore store = backend.proxy();
            Future<?> write = callers.submit(() -> store.put("k", "1"));
            assertThat(stuck.awaitArrival(WAIT)).isTrue();

            assertThatThrownBy(() -> backend.promote("b")).isInstanceOf(IllegalStateException.class);
            assertThat(backend.primaryName()).isEqualTo("a");

            stuck.open();
            write.get(10, TimeUnit.SECONDS);
            backend.promote("b");
            assertThat(backend.primaryName()).isEqualTo("b");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(b.snapshot()).isEqualTo(a.snapshot()).containsEntry("value:k", "1");
        }
    }

    @Test
    void promoteAppliesTheShadowWritesQueuedForTheNewPrimaryBeforeItTakesNewWrites() throws Exception {
        InMemoryKeyValueStore a = new InMemoryKeyValueStore();
        ScriptedKeyValueStore b = new ScriptedKeyValueStore();
        Gate slow = b.holdBefore("append", "k");
        try (MirroringBackend<KeyValueStore> backend = builder(a, b).timeout(Duration.ofMinutes(1)).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "1");
            assertThat(slow.awaitArrival(WAIT)).isTrue();
            store.append("k", "2"); // queued behind "1"

            Thread promoter = new Thread(() -> backend.promote("b"), "promoter");
            promoter.start();
            // promote now holds every write lock and waits for b's queue to drain.
            await().atMost(WAIT).until(() -> promoter.getState() == Thread.State.TIMED_WAITING);
            Thread writer = new Thread(() -> store.append("k", "3"), "writer");
            writer.start();
            await().atMost(WAIT).until(() -> writer.getState() == Thread.State.WAITING
                    || writer.getState() == Thread.State.TERMINATED);
            assertThat(backend.primaryName()).isEqualTo("a");

            slow.open();
            promoter.join(TimeUnit.SECONDS.toMillis(10));
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(promoter.isAlive() || writer.isAlive()).isFalse();

            assertThat(backend.primaryName()).isEqualTo("b");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(b.history("k")).containsExactly("1", "2", "3");
            assertThat(a.history("k")).containsExactly("1", "2", "3");
            assertThat(meters.writes("success")).isEqualTo(3);
        }
    }

    @Test
    void promoteWaitsOnlyForTheStoresItSwapsSoAStuckThirdSecondaryStillGetsEveryWriteInOrder() throws Exception {
        InMemoryKeyValueStore a = new InMemoryKeyValueStore();
        InMemoryKeyValueStore b = new InMemoryKeyValueStore();
        ScriptedKeyValueStore c = new ScriptedKeyValueStore();
        Gate stuck = c.holdBefore("append", "k");
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("promote").primary("a", a).secondary("b", b).secondary("c", c)
                .timeout(Duration.ofMinutes(1)).promoteTimeout(WAIT).meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "0");
            assertThat(stuck.awaitArrival(WAIT)).isTrue();
            for (int round = 1; round <= 6; round++) {
                store.append("k", "x" + round);
                store.append("k", "y" + round);
                backend.promote(round % 2 == 1 ? "b" : "a");
            }
            assertThat(backend.primaryName()).isEqualTo("a");
            assertThat(stuck.arrived()).isTrue();

            stuck.open();
            assertThat(backend.drain(WAIT)).isTrue();
            List<String> expected = a.history("k");
            assertThat(expected).hasSize(13);
            assertThat(b.history("k")).isEqualTo(expected);
            assertThat(c.snapshot()).isEqualTo(a.snapshot());
        }
    }

    private MirroringBackend.Builder<KeyValueStore> builder(KeyValueStore a, KeyValueStore b) {
        return MirroringBackend.builder(KeyValueStore.class)
                .name("promote")
                .primary("a", a)
                .secondary("b", b)
                .meterRegistry(registry);
    }
}
