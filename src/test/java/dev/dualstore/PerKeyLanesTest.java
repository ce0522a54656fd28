package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CallerThreads;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Call;
import dev.dualstore.testing.ScriptedKeyValueStore.Gate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deterministic checks of the per-key guarantees: a slow key does not hold back other keys, a
 * key's reads are compared at the same point of its history on both stores, and a read that
 * overlaps a write to its key is counted {@code raced}, never {@code mismatch}. Races are forced
 * with gates in a {@link ScriptedKeyValueStore}, never with sleeps.
 */
class PerKeyLanesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Long enough that a store held at a gate is never cancelled by dualstore's deadline. */
    private static final Duration NO_TIMEOUT = Duration.ofMinutes(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CallerThreads callers = new CallerThreads();

    @Test
    void aSecondaryStuckOnOneKeyDoesNotHoldBackShadowWritesToOtherKeys() throws Exception {
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        Gate stuck = secondary.holdBefore("put", "A");
        try (MirroringBackend<KeyValueStore> backend = backend(primary, secondary).build()) {
            KeyValueStore store = backend.proxy();

            store.put("A", "a");
            assertThat(stuck.awaitArrival(WAIT)).isTrue();
            for (int i = 0; i < 20; i++) {
                store.put("other-" + i, "v" + i);
            }

            // Keys sharing A's lane wait behind it; the rest (nearly all of 20 among 64 lanes) must
            // arrive while A is still stuck.
            await().atMost(WAIT).until(() -> otherKeysArrived(secondary) >= 15);
            assertThat(stuck.arrived()).isTrue();
            assertThat(secondary.calls("put")).extracting(Call::key).doesNotHaveDuplicates();

            stuck.open();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot()).hasSize(21);
        }
    }

    @Test
    void aPrimaryWriteStuckOnOneKeyDoesNotBlockCallersWritingOtherKeys() throws Exception {
        ScriptedKeyValueStore primary = new ScriptedKeyValueStore();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        Gate stuck = primary.holdBefore("put", "A");
        try (MirroringBackend<KeyValueStore> backend = backend(primary, secondary).build()) {
            KeyValueStore store = backend.proxy();

            Future<?> stuckWrite = callers.submit(() -> store.put("A", "a"));
            assertThat(stuck.awaitArrival(WAIT)).isTrue();
            List<Future<?>> others = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String key = "other-" + i;
                others.add(callers.submit(() -> store.put(key, "v")));
            }

            // Keys sharing A's lock stripe wait for it; the rest (nearly all of 20 among 256
            // stripes) must complete while A's writer is still inside the primary.
            await().atMost(WAIT).until(() -> others.stream().filter(Future::isDone).count() >= 15);
            assertThat(stuckWrite.isDone()).isFalse();

            stuck.open();
            stuckWrite.get(10, TimeUnit.SECONDS);
            for (Future<?> f : others) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot()).hasSize(21);
        }
    }

    @Test
    void aReadQueuedBehindASlowSecondaryIsComparedAtTheSamePointOfItsKeysHistory() throws Exception {
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
        Gate slow = secondary.holdBefore("put", "k");
        try (MirroringBackend<KeyValueStore> backend = backend(primary, secondary).build()) {
            KeyValueStore store = backend.proxy();

            store.put("k", "v1");
            assertThat(slow.awaitArrival(WAIT)).isTrue();
            // The secondary has not applied v1 yet; the primary already holds it and moves on to v2.
            assertThat(store.get("k")).isEqualTo("v1");
            store.put("k", "v2");
            assertThat(primary.get("k")).isEqualTo("v2");
            slow.open();
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.calls()).extracting(c -> c.method() + ":" + c.value())
                    .containsExactly("put:v1", "get:null", "put:v2");
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(meters.comparisons("raced")).isZero();
        }
    }

    @Test
    void aReadWhosePrimaryCallOverlapsAWriteToItsKeyIsCountedRacedNeverMismatch() throws Exception {
        ScriptedKeyValueStore primary = new ScriptedKeyValueStore();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = backend(primary, secondary).build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "v1");
            assertThat(backend.drain(WAIT)).isTrue();

            // The primary reads v1 and is held before returning it; meanwhile v2 is written and
            // shadowed, so the secondary, asked afterwards, would answer v2.
            Gate held = primary.holdAfter("get", "k");
            Future<String> read = callers.submit(() -> store.get("k"));
            assertThat(held.awaitArrival(WAIT)).isTrue();
            store.put("k", "v2");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(secondary.get("k")).isEqualTo("v2");
            held.open();

            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("raced")).isEqualTo(1);
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(meters.comparisons("match")).isZero();
            // The raced read was not compared, but the primary's latency still counts.
            assertThat(meters.timed("dualstore.calls", "method", "get", "role", "primary")).isEqualTo(1);
        }
    }

    @Test
    void aReadRacingADualWriteToItsKeyIsNeverCountedAsMismatch() {
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        ManualExecutor executor = new ManualExecutor();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, secondary)
                .name("lanes").stage("new", Stage.DUAL_WRITE).executor(executor).build()) {
            KeyValueStore store = backend.proxy();

            store.put("k", "v1");
            // The comparison of this read is queued for a dispatcher thread...
            assertThat(store.get("k")).isEqualTo("v1");
            // ...and before it runs, the caller writes v2 to both stores on its own thread.
            store.put("k", "v2");
            executor.runAll();

            // Both stores agree (v2): the read raced a write, it is not a divergence.
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(meters.comparisons("match") + meters.comparisons("raced")).isEqualTo(1);
        }
    }

    /** The shared fixture, with a deadline no gate outlasts. */
    private MirroringBackend.Builder<KeyValueStore> backend(KeyValueStore primary, KeyValueStore secondary) {
        return Backends.keyValue(registry, primary, secondary).name("lanes").timeout(NO_TIMEOUT);
    }

    private static long otherKeysArrived(ScriptedKeyValueStore store) {
        return store.calls("put").stream().filter(c -> !c.key().equals("A")).count();
    }
}
