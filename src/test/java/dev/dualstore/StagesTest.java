package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Call;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a secondary receives in each {@link Stage} (except {@link Stage#DUAL_WRITE}, see
 * {@link DualWriteTest}), and changing stages at runtime.
 */
class StagesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
    private final ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();

    @Test
    void aSecondaryIsInShadowUnlessConfiguredOtherwise() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            assertThat(backend.stage("new")).isEqualTo(Stage.SHADOW);
        }
    }

    @Test
    void offSecondaryReceivesNothing() {
        try (MirroringBackend<KeyValueStore> backend = builder().stage("new", Stage.OFF).build()) {
            callEveryMethod(backend.proxy());
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.calls()).isEmpty();
            assertThat(meters.count("dualstore.comparisons")).isZero();
            assertThat(meters.count("dualstore.writes")).isZero();
        }
    }

    @Test
    void shadowWritesSecondaryReceivesWritesButNoReadsAreCompared() {
        try (MirroringBackend<KeyValueStore> backend = builder().stage("new", Stage.SHADOW_WRITES).build()) {
            callEveryMethod(backend.proxy());
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.calls()).extracting(Call::method).containsExactly("put", "append");
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
            assertThat(meters.writes("success")).isEqualTo(2);
            assertThat(meters.count("dualstore.comparisons")).isZero();
        }
    }

    @Test
    void shadowSecondaryReceivesWritesAndReadsOffTheCallersThreadAndComparesTheReads() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            callEveryMethod(backend.proxy());
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.calls()).extracting(Call::method).containsExactly("put", "append", "get", "history");
            assertThat(secondary.calls()).extracting(c -> c.thread().getName())
                    .allMatch(name -> name.startsWith("dualstore-"));
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
            assertThat(meters.writes("success")).isEqualTo(2);
            assertThat(meters.comparisons("match")).isEqualTo(2);
            assertThat(meters.count("dualstore.comparisons")).isEqualTo(2);
        }
    }

    @Test
    void stageChangesAtRuntimeApplyToTheNextCall() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            KeyValueStore store = backend.proxy();

            backend.stage("new", Stage.OFF);
            assertThat(backend.stage("new")).isEqualTo(Stage.OFF);
            store.put("off", "1");
            store.get("off");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.calls()).isEmpty();

            backend.stage("new", Stage.SHADOW_WRITES);
            store.put("shadow-writes", "2");
            store.get("shadow-writes");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.calls()).extracting(c -> c.method() + " " + c.key())
                    .containsExactly("put shadow-writes");
            assertThat(meters.count("dualstore.comparisons")).isZero();

            backend.stage("new", Stage.SHADOW);
            store.put("shadow", "3");
            store.get("shadow");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.calls()).extracting(c -> c.method() + " " + c.key())
                    .containsExactly("put shadow-writes", "put shadow", "get shadow");
            assertThat(meters.comparisons("match")).isEqualTo(1);

            backend.stage("new", Stage.DUAL_WRITE);
            Thread caller = Thread.currentThread();
            store.put("dual", "4");
            assertThat(secondary.calls("put")).last().satisfies(c -> {
                assertThat(c.key()).isEqualTo("dual");
                assertThat(c.thread()).isSameAs(caller);
            });

            // Back to off: nothing more arrives.
            backend.stage("new", Stage.OFF);
            int before = secondary.calls().size();
            store.put("off-again", "5");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.calls()).hasSize(before);
        }
    }

    @Test
    void settingTheStageItAlreadyHasChangesNothing() {
        try (MirroringBackend<KeyValueStore> backend = builder().stage("new", Stage.SHADOW_WRITES).build()) {
            backend.stage("new", Stage.SHADOW_WRITES);
            assertThat(backend.stage("new")).isEqualTo(Stage.SHADOW_WRITES);
        }
    }

    @Test
    void theStageOfThePrimaryCannotBeReadOrSet() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            assertThatThrownBy(() -> backend.stage("old", Stage.OFF))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'old'");
            assertThatThrownBy(() -> backend.stage("old"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'old'");
        }
    }

    @Test
    void theStageOfAnUnknownStoreIsAnErrorNamingIt() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            assertThatThrownBy(() -> backend.stage("unknown", Stage.OFF))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
            assertThatThrownBy(() -> backend.stage("unknown"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
        }
    }

    @Test
    void aStageForAnUnknownStoreOrThePrimaryFailsTheBuildNamingIt() {
        assertThatThrownBy(() -> builder().stage("unknown", Stage.OFF).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
        assertThatThrownBy(() -> Backends.keyValue(registry, primary, secondary).stage("old", Stage.OFF).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'old'");
    }

    @Test
    void switchingToDualWriteAppliesTheQueuedShadowWritesFirst() throws Exception {
        Gate slow = secondary.holdBefore("append", "k");
        try (MirroringBackend<KeyValueStore> backend = builder().timeout(Duration.ofMinutes(1)).build()) {
            KeyValueStore store = backend.proxy();
            store.append("k", "1");
            assertThat(slow.awaitArrival(WAIT)).isTrue();
            store.append("k", "2"); // queued behind "1"

            Thread switcher = new Thread(() -> backend.stage("new", Stage.DUAL_WRITE), "switcher");
            switcher.start();
            // The switch holds every write lock while it waits for b's queue to drain.
            await().atMost(WAIT).until(() -> switcher.getState() == Thread.State.TIMED_WAITING);
            Thread writer = new Thread(() -> store.append("k", "3"), "writer");
            writer.start();
            await().atMost(WAIT).until(() -> writer.getState() == Thread.State.WAITING
                    || writer.getState() == Thread.State.TERMINATED);

            slow.open();
            switcher.join(TimeUnit.SECONDS.toMillis(10));
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(switcher.isAlive() || writer.isAlive()).isFalse();

            assertThat(backend.stage("new")).isEqualTo(Stage.DUAL_WRITE);
            assertThat(secondary.snapshot()).containsEntry("history:k", List.of("1", "2", "3"));
            assertThat(secondary.calls("append")).last().satisfies(c -> assertThat(c.thread()).isSameAs(writer));
        }
    }

    /** The shared fixture, named for the dispatcher threads' names. */
    private MirroringBackend.Builder<KeyValueStore> builder() {
        return Backends.keyValue(registry, primary, secondary).name("stages");
    }

    /** Two writes then two reads of what they wrote. */
    private static void callEveryMethod(KeyValueStore store) {
        store.put("k", "v");
        store.append("k", "e");
        assertThat(store.get("k")).isEqualTo("v");
        assertThat(store.history("k")).containsExactly("e");
    }
}
