package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.FakeTicker;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.ScriptedKeyValueStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deadlines run on the backend's ticker, and no listener can stall or kill them. */
class DeadlineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void aDeadlineFiresWhenTheTickerPassesItNotWhenRealTimeDoes() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptedKeyValueStore slow = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate held = slow.holdBefore("put", "k");
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", slow)
                .timeout(Duration.ofMillis(10)).ticker(ticker).meterRegistry(registry).build()) {
            backend.proxy().put("k", "v");
            assertThat(held.awaitArrival(WAIT)).isTrue();

            // Real time passes well beyond the 10 ms timeout; the ticker does not, so no timeout.
            assertThat(backend.drain(Duration.ofMillis(200))).isFalse();
            assertThat(meters.writes("timeout")).isZero();

            ticker.advance(Duration.ofMillis(10));
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.writes("timeout")).isEqualTo(1);
            assertThat(backend.keysToRepair("new")).containsExactly("k");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).singleElement()
                    .satisfies(mentioning("'new'", "put", "(timeout)", "keysToRepair(\"new\")"));
        }
    }

    @Test
    void duringItsWarmUpAStoreGetsTheLongerTimeoutAndItsTimeoutsAreCountedApart() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptedKeyValueStore cold = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate firstRead = cold.holdBefore("get", "a");
        ScriptedKeyValueStore.Gate firstWrite = cold.holdBefore("put", "w");
        ScriptedKeyValueStore.Gate laterRead = cold.holdBefore("get", "b");
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", cold)
                .timeout(Duration.ofMillis(100))
                .warmUp("new", Duration.ofSeconds(60), Duration.ofSeconds(5))
                .ticker(ticker).meterRegistry(registry).build()) {
            backend.proxy().get("a"); // starts the warm-up: 5 s timeout until 60 s from now
            assertThat(firstRead.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofSeconds(1)); // past the normal timeout, within the warm-up's
            assertThat(backend.drain(Duration.ofMillis(200))).isFalse();
            assertThat(meters.comparisons("timeout") + meters.comparisons("warmup")).isZero();

            ticker.advance(Duration.ofSeconds(4));
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("warmup")).isOne();

            backend.proxy().put("w", "v"); // still warming up: timed out apart, and listed
            assertThat(firstWrite.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofSeconds(5));
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.writes("warmup")).isOne();
            assertThat(meters.writes("timeout")).isZero();
            assertThat(backend.keysToRepair("new")).containsExactly("w");

            ticker.advance(Duration.ofSeconds(60)); // warm: the backend's timeout again
            backend.proxy().get("b");
            assertThat(laterRead.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofMillis(100));
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("timeout")).isOne();
            assertThat(meters.comparisons("warmup")).isOne();
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("'new'", "put", "(timeout)"));
        }
    }

    @Test
    void aWarmUpForAnUnknownStoreFailsAtBuild() {
        assertThatThrownBy(() -> MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", new InMemoryKeyValueStore())
                .warmUp("neww", Duration.ofSeconds(1), Duration.ofSeconds(1)).meterRegistry(registry).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warmUp(...) names unknown store 'neww'");
        assertThatThrownBy(() -> MirroringBackend.builder(KeyValueStore.class)
                .warmUp("new", Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("warm-up period must be positive");
    }

    @Test
    void aListenerThrowingAnErrorOnATimeoutLeavesLaterDeadlinesWorking() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptedKeyValueStore slow = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate first = slow.holdBefore("put", "first");
        ScriptedKeyValueStore.Gate second = slow.holdBefore("put", "second");
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", slow)
                .timeout(Duration.ofSeconds(1)).ticker(ticker).meterRegistry(registry)
                .divergenceListener(d -> {
                    throw new StackOverflowError("listener bug");
                })
                .build()) {
            backend.proxy().put("first", "v");
            assertThat(first.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofSeconds(1));
            assertThat(backend.drain(WAIT)).isTrue();

            backend.proxy().put("second", "v");
            assertThat(second.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofSeconds(1));
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("timeout")).isEqualTo(2);
            assertThat(meters.count("dualstore.callback.errors", "callback", "divergence-listener")).isEqualTo(2);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("divergence-listener threw java.lang.StackOverflowError"));
        }
    }

    @Test
    void aListenerBlockedOnOneTimeoutDoesNotDelayTheNextDeadline() throws Exception {
        FakeTicker ticker = new FakeTicker();
        ScriptedKeyValueStore slow = new ScriptedKeyValueStore();
        ScriptedKeyValueStore.Gate first = slow.holdBefore("put", "first");
        ScriptedKeyValueStore.Gate second = slow.holdBefore("put", "second");
        CountDownLatch listenerMayReturn = new CountDownLatch(1);
        List<String> told = new CopyOnWriteArrayList<>();
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new InMemoryKeyValueStore()).secondary("new", slow)
                .timeout(Duration.ofSeconds(1)).ticker(ticker).meterRegistry(registry).threads(3)
                .divergenceListener(d -> {
                    told.add((String) d.key());
                    if (d.key().equals("first")) {
                        try {
                            listenerMayReturn.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .build()) {
            backend.proxy().put("first", "v");
            assertThat(first.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofSeconds(1));
            await().atMost(WAIT).until(() -> told.contains("first")); // the listener now blocks

            backend.proxy().put("second", "v");
            assertThat(second.awaitArrival(WAIT)).isTrue();
            ticker.advance(Duration.ofSeconds(1));

            // The second deadline fires and is counted while the listener still blocks.
            await().atMost(WAIT).until(() -> meters.writes("timeout") == 2);
            assertThat(backend.keysToRepair("new")).containsExactlyInAnyOrder("first", "second");
            listenerMayReturn.countDown();
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(told).containsExactly("first", "second");
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("(timeout)"));
        }
    }
}
