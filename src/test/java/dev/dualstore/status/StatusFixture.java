package dev.dualstore.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Redactor;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The backend the status page tests look at: {@code KeyValueStore} backend "kv", primary "old"
 * (in memory), secondary "new" (scripted), and traffic with known results: three reads, one of
 * which mismatches by value ({@code get("k2")}: "old-2" vs "new-2"), and one shadow write that
 * fails on "new" ({@code put("broken", ...)}), so one key is listed to repair.
 */
final class StatusFixture implements AutoCloseable {
    static final String TOKEN = "correct-horse-battery-staple";
    static final Duration DRAIN = Duration.ofSeconds(10);

    final InMemoryKeyValueStore oldStore = new InMemoryKeyValueStore();
    final ScriptedKeyValueStore newStore = new ScriptedKeyValueStore();
    final MismatchSamples samples = MismatchSamples.keepingLast(3, Redactor.plain());
    final MirroringBackend<KeyValueStore> backend;

    StatusFixture(MeterRegistry registry) {
        backend = Backends.keyValue(registry, oldStore, newStore).name("kv").mismatchListener(samples).build();
    }

    /** The known traffic; returns when the secondary's work is counted. */
    StatusFixture traffic() {
        KeyValueStore kv = backend.proxy();
        kv.put("k1", "v1");
        oldStore.put("k2", "old-2");   // the stores disagree on k2, behind the proxy's back
        newStore.put("k2", "new-2");
        newStore.failOn("put", "broken", new IllegalStateException("new store is read-only for this key"));
        kv.put("broken", "x");
        // Writes first, drained, so no read races a write to its key (it would count as `raced`).
        assertThat(backend.drain(DRAIN)).as("writes drained").isTrue();
        assertThat(kv.get("k1")).isEqualTo("v1");
        assertThat(kv.get("k2")).isEqualTo("old-2");
        assertThat(kv.get("k3")).isNull();
        assertThat(backend.drain(DRAIN)).as("drained").isTrue();
        return this;
    }

    @Override
    public void close() {
        backend.close();
    }
}
