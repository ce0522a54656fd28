package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Call;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Stage#DUAL_WRITE}: the secondary is written on the caller's thread before the call
 * returns, and {@link DualWriteFailure} decides what its failure does to the caller. A
 * {@link ManualExecutor} that the tests never run proves nothing happened off-thread.
 */
class DualWriteTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final ManualExecutor executor = new ManualExecutor();
    private final ScriptedKeyValueStore primary = new ScriptedKeyValueStore();
    private final ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
    private final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void dualWriteSecondaryIsWrittenOnTheCallersThreadBeforeTheCallReturns() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            KeyValueStore store = backend.proxy();

            store.put("k", "v");
            store.append("k", "e");

            assertThat(executor.queued()).as("nothing handed to the dispatcher").isZero();
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot()).isNotEmpty();
            assertThat(secondary.calls()).extracting(Call::thread).containsOnly(Thread.currentThread());
            assertThat(meters.writes("success")).isEqualTo(2);
        }
    }

    @Test
    void dualWriteSecondaryIsWrittenAfterThePrimary() {
        List<String> order = new CopyOnWriteArrayList<>();
        KeyValueStore first = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                order.add("primary");
                super.put(key, value);
            }
        };
        KeyValueStore second = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                order.add("secondary");
                super.put(key, value);
            }
        };
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, first, second)
                .name("dual").stage("new", Stage.DUAL_WRITE).executor(executor).build()) {
            backend.proxy().put("k", "v");
        }
        assertThat(order).containsExactly("primary", "secondary");
    }

    @Test
    void dualWriteSecondaryStillHasItsReadsComparedOffTheCallersThread() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "v");

            assertThat(store.get("k")).isEqualTo("v");
            assertThat(secondary.calls("get")).as("not read on the caller's thread").isEmpty();
            executor.runAll();

            assertThat(secondary.calls("get")).hasSize(1);
            assertThat(meters.comparisons("match")).isEqualTo(1);
        }
    }

    @Test
    void failingDualWriteUnderCountPolicyReturnsNormallyAndIsCountedAndListedForRepair() {
        IllegalStateException failure = new IllegalStateException("secondary down");
        secondary.failOn("put", "k", failure);
        try (MirroringBackend<KeyValueStore> backend = builder().dualWriteFailure(DualWriteFailure.COUNT).build()) {
            backend.proxy().put("k", "v");

            assertThat(primary.snapshot()).containsEntry("value:k", "v");
            assertThat(meters.writes("error")).isEqualTo(1);
            assertThat(meters.writes("success")).isZero();
            assertThat(backend.keysToRepair("new")).containsExactly("k");
            assertThat(divergences).as("listeners never run on the caller's thread").isEmpty();
            executor.runAll();
            assertThat(divergences).singleElement().satisfies(d -> {
                assertThat(d.store()).isEqualTo("new");
                assertThat(d.method()).isEqualTo("put");
                assertThat(d.key()).isEqualTo("k");
                assertThat(d.reason()).isEqualTo(Divergence.Reason.ERROR);
                assertThat(d.cause()).isSameAs(failure);
            });
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("dual", "new", "put"));
        }
    }

    @Test
    void countIsTheDefaultPolicy() {
        secondary.failOn("put", "k", new IllegalStateException("secondary down"));
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            backend.proxy().put("k", "v");
            assertThat(meters.writes("error")).isEqualTo(1);
            executor.runAll();
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("dual", "new", "put"));
        }
    }

    @Test
    void failingDualWriteUnderFailPolicyThrowsDualWriteExceptionCausedByTheSecondarysException() {
        IllegalStateException failure = new IllegalStateException("secondary down");
        secondary.failOn("put", "k", failure);
        try (MirroringBackend<KeyValueStore> backend = builder().dualWriteFailure(DualWriteFailure.FAIL).build()) {
            Throwable thrown = catchThrowable(() -> backend.proxy().put("k", "v"));

            assertThat(thrown).isInstanceOfSatisfying(DualWriteException.class, e -> {
                assertThat(e.store()).isEqualTo("new");
                assertThat(e.method()).isEqualTo("put");
                assertThat(e).hasMessageContaining("'new'").hasMessageContaining("put");
            });
            assertThat(thrown.getCause()).isSameAs(failure);
            assertThat(primary.snapshot()).as("the primary already applied the write").containsEntry("value:k", "v");
            assertThat(meters.writes("error")).isEqualTo(1);
            assertThat(backend.keysToRepair("new")).containsExactly("k");
            executor.runAll();
            assertThat(divergences).extracting(Divergence::reason).containsExactly(Divergence.Reason.ERROR);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("dual", "new", "put"));
        }
    }

    @Test
    void failPolicyLeavesSuccessfulDualWritesAlone() {
        try (MirroringBackend<KeyValueStore> backend = builder().dualWriteFailure(DualWriteFailure.FAIL).build()) {
            backend.proxy().put("k", "v");
            assertThat(secondary.snapshot()).isEqualTo(primary.snapshot());
            assertThat(backend.keysToRepair("new")).isEmpty();
        }
    }

    @Test
    void aWriteThePrimaryFailsIsNotDualWrittenAndTheCallerGetsThePrimarysException() {
        IllegalArgumentException failure = new IllegalArgumentException("primary refuses");
        primary.failOn("put", "k", failure);
        try (MirroringBackend<KeyValueStore> backend = builder().dualWriteFailure(DualWriteFailure.FAIL).build()) {
            Throwable thrown = catchThrowable(() -> backend.proxy().put("k", "v"));

            assertThat(thrown).isSameAs(failure);
            assertThat(secondary.calls()).isEmpty();
            assertThat(meters.count("dualstore.writes")).isZero();
        }
    }

    @Test
    void shadowSecondariesBesideADualWriteSecondaryStillGetTheWriteOffThread() {
        InMemoryKeyValueStore shadow = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, primary, secondary)
                .secondary("shadow", shadow).name("dual").stage("new", Stage.DUAL_WRITE).executor(executor).build()) {
            backend.proxy().put("k", "v");

            assertThat(secondary.snapshot()).containsEntry("value:k", "v");
            assertThat(shadow.snapshot()).as("shadow gets it off-thread").isEmpty();
            executor.runAll();
            assertThat(shadow.snapshot()).isEqualTo(primary.snapshot());
        }
    }

    /** The shared fixture with 'new' in dual write, telling this test of every divergence and its thread. */
    private MirroringBackend.Builder<KeyValueStore> builder() {
        return Backends.keyValue(registry, primary, secondary)
                .name("dual")
                .stage("new", Stage.DUAL_WRITE)
                .executor(executor)
                .divergenceListener(divergences::add);
    }
}
