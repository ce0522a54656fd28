package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * User callbacks (listeners, comparators, tickers, keys, even meters) never reach the caller:
 * whatever they throw, Errors included, is counted, and the rest of the work goes on.
 */
class CallbackIsolationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aListenerThrowingAnErrorOnARejectedWriteNeitherReachesTheCallerNorStopsTheFanOut() throws Exception {
        ScriptedKeyValueStore full = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate held = full.holdBefore("put", "first");
        InMemoryKeyValueStore later = new InMemoryKeyValueStore();
        List<Thread> listenerThreads = new CopyOnWriteArrayList<>();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("full", full).secondary("later", later)
                .maxPending(1).meterRegistry(registry)
                .divergenceListener(d -> {
                    listenerThreads.add(Thread.currentThread());
                    throw new AssertionError("listener bug");
                })
                .build()) {
            KeyValueStore store = backend.proxy();
            store.put("first", "1");
            assertThat(held.awaitArrival(WAIT)).isTrue();
            // 'later' has applied 'first' and given its only permit back.
            await().atMost(WAIT).until(() -> registry.get("dualstore.pending").tag("store", "later").gauge().value() == 0);

            store.put("second", "2"); // 'full' has no permit left: rejected on this thread

            held.open();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(later.get("second")).as("the fan-out went on to the next secondary").isEqualTo("2");
            assertThat(backend.keysToRepair("full")).containsExactly("second");
            assertThat(meters.writes("rejected")).isEqualTo(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "divergence-listener")).isEqualTo(1);
            assertThat(listenerThreads).singleElement()
                    .satisfies(t -> assertThat(t.getName()).startsWith("dualstore-"));
            assertThat(logs.warnings(CapturedLogs.LIBRARY))
                    .anySatisfy(mentioning("KeyValueStore", "'full'", "put", "rejected", "keysToRepair"))
                    .anySatisfy(mentioning("divergence-listener threw java.lang.AssertionError"))
                    .noneSatisfy(w -> assertThat(w.message()).contains("listener bug"));
        }
    }

    @Test
    void anErrorFromAMismatchListenerIsCountedAndTheNextListenersStillRun() {
        List<Mismatch> told = new CopyOnWriteArrayList<>();
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        primary.put("k", "v");
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary).secondary("new", secondary).meterRegistry(registry).logMismatches(false)
                .mismatchListener(m -> {
                    throw new OutOfMemoryError("listener bug");
                })
                .mismatchListener(told::add)
                .build()) {
            assertThat(backend.proxy().get("k")).isEqualTo("v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(told).hasSize(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "mismatch-listener")).isEqualTo(1);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                    .satisfies(mentioning("mismatch-listener threw java.lang.OutOfMemoryError"))
                    .satisfies(w -> assertThat(w.message()).doesNotContain("listener bug"));
        }
    }

    @Test
    void aComparatorThrowingAnAssertionErrorCountsTheComparisonAsAnError() {
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .comparator(ResultComparator.of(Object.class, (a, b) -> {
                    throw new AssertionError("comparator bug");
                }))
                .meterRegistry(registry).build()) {
            backend.proxy().history("k");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.comparisons("error")).isEqualTo(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "comparator")).isEqualTo(1);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("comparator threw java.lang.AssertionError"));
        }
    }

    @Test
    void aMeterThatThrowsNeverReachesTheCallerOfADualWrite() {
        SimpleMeterRegistry broken = new SimpleMeterRegistry(SimpleConfig.DEFAULT, Clock.SYSTEM) {
            @Override
            protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
                Timer timer = super.newTimer(id, config, pauseDetector);
                return new ThrowingTimer(timer);
            }
        };
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        InMemoryKeyValueStore dual = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary).secondary("new", dual).stage("new", Stage.DUAL_WRITE)
                .meterRegistry(broken).build()) {
            backend.proxy().put("k", "v");

            assertThat(primary.get("k")).isEqualTo("v");
            assertThat(dual.get("k")).isEqualTo("v");
            assertThat(new MeterReader(broken).count("dualstore.callback.errors", "callback", "meter")).isPositive();
        }
    }

    @Test
    void aTickerThatThrowsNeverFailsTheCall() {
        InMemoryKeyValueStore secondary = new InMemoryKeyValueStore();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", secondary)
                .ticker(() -> {
                    throw new IllegalStateException("clock broken");
                })
                .meterRegistry(registry).build()) {
            backend.proxy().put("k", "v");
            assertThat(backend.proxy().get("k")).isEqualTo("v");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.get("k")).isEqualTo("v");
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "ticker")).isPositive();
        }
    }

    /** A key whose hashCode throws: the call goes on, mirrored as one without a key. */
    interface ByBadKey {
        @Read
        String get(@Key BadKey key);

        @Write
        void put(@Key BadKey key, String value);
    }

    record BadKey(String id) {
        @Override
        public int hashCode() {
            throw new IllegalStateException("no hash for " + id);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BadKey k && k.id.equals(id);
        }
    }

    static final class BadKeyStore implements ByBadKey {
        final java.util.List<String> puts = new CopyOnWriteArrayList<>();

        @Override
        public String get(BadKey key) {
            return key.id();
        }

        @Override
        public void put(BadKey key, String value) {
            puts.add(key.id() + "=" + value);
        }
    }

    @Test
    void aKeyWhoseHashCodeThrowsNeverFailsTheCallAndTheWriteStillReachesTheSecondary() {
        BadKeyStore secondary = new BadKeyStore();
        try (MirroringBackend<ByBadKey> backend = MirroringBackend.builder(ByBadKey.class)
                .primary("old", new BadKeyStore()).secondary("new", secondary).meterRegistry(registry).build()) {
            backend.proxy().put(new BadKey("a"), "1");
            assertThat(backend.proxy().get(new BadKey("b"))).isEqualTo("b");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(secondary.puts).containsExactly("a=1");
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.count("dualstore.callback.errors", "callback", "key")).isEqualTo(2);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("'ByBadKey'", "key threw"))
                    .noneSatisfy(w -> assertThat(w.message()).contains("no hash for"));
        }
    }

    @Test
    void promoteOrStageCalledFromAListenerFailsFastInsteadOfWaitingForItself() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch told = new CountDownLatch(1);
        InMemoryKeyValueStore primary = new InMemoryKeyValueStore();
        primary.put("k", "v");
        MirroringBackend<?>[] self = new MirroringBackend<?>[1];
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", primary).secondary("new", new InMemoryKeyValueStore())
                .logMismatches(false).meterRegistry(registry)
                .mismatchListener(m -> {
                    for (Runnable r : List.<Runnable>of(() -> self[0].promote("new"), () -> self[0].stage("new", Stage.OFF))) {
                        try {
                            r.run();
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                    told.countDown();
                })
                .build()) {
            self[0] = backend;
            backend.proxy().get("k");
            assertThat(told.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            assertThat(failures).hasSize(2).allSatisfy(t -> assertThat(t)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("worker threads"));
            assertThat(backend.primaryName()).isEqualTo("old");
            assertThat(backend.stage("new")).isEqualTo(Stage.SHADOW);
        }
    }

    /** A timer whose record() throws, as a broken registry's might. */
    static final class ThrowingTimer implements Timer {
        private final Timer delegate;

        ThrowingTimer(Timer delegate) {
            this.delegate = delegate;
        }

        @Override
        public void record(long amount, TimeUnit unit) {
            throw new IllegalStateException("registry broken");
        }

        @Override
        public <T> T record(java.util.function.Supplier<T> f) {
            throw new IllegalStateException("registry broken");
        }

        @Override
        public <T> T recordCallable(java.util.concurrent.Callable<T> f) {
            throw new IllegalStateException("registry broken");
        }

        @Override
        public void record(Runnable f) {
            throw new IllegalStateException("registry broken");
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public double totalTime(TimeUnit unit) {
            return delegate.totalTime(unit);
        }

        @Override
        public double max(TimeUnit unit) {
            return delegate.max(unit);
        }

        @Override
        public TimeUnit baseTimeUnit() {
            return delegate.baseTimeUnit();
        }

        @Override
        public io.micrometer.core.instrument.distribution.HistogramSnapshot takeSnapshot() {
            return delegate.takeSnapshot();
        }

        @Override
        public Meter.Id getId() {
            return delegate.getId();
        }
    }
}
