package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.EventSink;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore.Call;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A percentage rollout by key: a key is always in or always out, so one user sees one behaviour,
 * and raising the rate only adds keys.
 */
class PercentageRolloutTest {
    private static final int KEYS = 2_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final ManualExecutor executor = new ManualExecutor();
    private final InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
    private final ScriptedKeyValueStore secondary = new ScriptedKeyValueStore();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aKeyIsAlwaysInOrAlwaysOutOfTheRollout() {
        try (MirroringBackend<KeyValueStore> backend = builder().sampleRate(10).build()) {
            KeyValueStore store = backend.proxy();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < KEYS; i++) {
                    store.get("user-" + i);
                }
            }
            executor.runAll();

            Map<String, Long> readsPerKey = secondary.calls("get").stream()
                    .collect(Collectors.groupingBy(Call::key, Collectors.counting()));
            assertThat(readsPerKey.values()).as("every key in the rollout mirrored in every round").containsOnly(3L);
            assertThat(readsPerKey.size()).as("about 10%% of %s keys", KEYS).isBetween(KEYS / 20, KEYS * 3 / 20);
        }
    }

    @Test
    void raisingTheRateOnlyAddsKeysAndLoweringItOnlyRemovesThem() {
        try (MirroringBackend<KeyValueStore> backend = builder().sampleRate(10).build()) {
            Set<String> at10 = keysMirroredAt(backend, 10);
            Set<String> at30 = keysMirroredAt(backend, 30);
            Set<String> at60 = keysMirroredAt(backend, 60);
            Set<String> backTo10 = keysMirroredAt(backend, 10);

            assertThat(at30).containsAll(at10).hasSizeGreaterThan(at10.size());
            assertThat(at60).containsAll(at30).hasSizeGreaterThan(at30.size());
            assertThat(at30.size()).isBetween(KEYS / 5, KEYS * 2 / 5);
            assertThat(backTo10).isEqualTo(at10);
            assertThat(keysMirroredAt(backend, 100)).hasSize(KEYS);
            assertThat(keysMirroredAt(backend, 0)).isEmpty();
        }
    }

    @Test
    void aKeyInTheRolloutHasBothItsWritesAndItsReadsMirroredAndAKeyOutHasNeither() {
        try (MirroringBackend<KeyValueStore> backend = builder().sampleRate(25).build()) {
            KeyValueStore store = backend.proxy();
            for (int i = 0; i < KEYS; i++) {
                store.put("user-" + i, "v" + i);
                store.get("user-" + i);
            }
            executor.runAll();

            Set<String> written = keys(secondary.calls("put"));
            assertThat(keys(secondary.calls("get"))).isEqualTo(written);
            assertThat(written.size()).isBetween(KEYS / 8, KEYS * 3 / 8);
            // Keys out of the rollout are missing from the secondary, but never compared.
            assertThat(meters.comparisons("mismatch")).isZero();
            assertThat(meters.comparisons("match")).isEqualTo(written.size());
        }
    }

    @Test
    void aMethodsOwnRateOverridesTheBackendsRate() {
        try (MirroringBackend<KeyValueStore> backend = builder().sampleRate("get", 0).build()) {
            KeyValueStore store = backend.proxy();
            store.put("k", "v");
            store.get("k");
            store.history("k");
            executor.runAll();
            assertThat(secondary.calls()).extracting(Call::method).containsExactly("put", "history");

            backend.sampleRate("get", 100);
            backend.sampleRate(0);
            store.put("k2", "v");
            store.get("k2");
            store.history("k2");
            executor.runAll();
            assertThat(secondary.calls()).extracting(c -> c.method() + " " + c.key())
                    .containsExactly("put k", "history k", "get k2");
        }
        // k2 was written while out of the rollout, so the secondary lacked it: a mismatch, logged without the key.
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("rollout", "get", "new", "old", "null"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("k2"));
    }

    @Test
    void writesWithoutAKeyAreMirroredWhateverTheRate() {
        List<String> mirrored = new CopyOnWriteArrayList<>();
        try (MirroringBackend<EventSink> backend = Backends.of(EventSink.class, registry, entry -> { }, mirrored::add)
                .name("rollout").sampleRate(0).executor(executor).build()) {
            for (int i = 0; i < 10; i++) {
                backend.proxy().record("e" + i);
            }
            executor.runAll();
            assertThat(mirrored).hasSize(10);
        }
    }

    @Test
    void ratesOutsideZeroToAHundredAndUnknownMethodsAreRejected() {
        try (MirroringBackend<KeyValueStore> backend = builder().build()) {
            assertThatThrownBy(() -> backend.sampleRate(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> backend.sampleRate(100.5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> backend.sampleRate("nosuch", 50))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nosuch");
        }
    }

    /** Sets the backend's rate, reads every key once, and returns the keys the secondary was asked about. */
    private Set<String> keysMirroredAt(MirroringBackend<KeyValueStore> backend, double percent) {
        backend.sampleRate(percent);
        int before = secondary.calls().size();
        for (int i = 0; i < KEYS; i++) {
            backend.proxy().get("user-" + i);
        }
        executor.runAll();
        List<Call> calls = secondary.calls();
        return keys(calls.subList(before, calls.size()));
    }

    private static Set<String> keys(List<Call> calls) {
        return calls.stream().map(Call::key).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The shared fixture; the test runs the secondary calls. */
    private MirroringBackend.Builder<KeyValueStore> builder() {
        return Backends.keyValue(registry, primary, secondary).name("rollout").executor(executor);
    }
}
