package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nothing done for a secondary changes what the caller sees: value, exception, thread. */
class CallerSeesOnlyThePrimaryTest {

    /** A DAO with checked exceptions, as real ones have. */
    interface Accounts {
        String owner(String id) throws IOException;

        List<String> ids() throws IOException;

        void rename(String id, String owner) throws IOException;
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();
    private MirroringBackend<Accounts> backend;

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
        // Whatever dualstore logged here (mismatches, failures), no account's owner was in it.
        assertThat(logs.messages()).noneMatch(m -> m.contains("alice") || m.contains("bob") || m.contains("carol"));
    }

    private Accounts wrap(Accounts primary, Accounts secondary) {
        backend = accounts(primary, secondary).timeout(Duration.ofSeconds(5)).build();
        return backend.proxy();
    }

    /** The shared fixture over Accounts, named and classified. */
    private MirroringBackend.Builder<Accounts> accounts(Accounts primary, Accounts secondary) {
        return Backends.of(Accounts.class, registry, primary, secondary)
                .name("accounts").reads("owner", "ids").writes("rename");
    }

    @Test
    void returnsThePrimarysValueWhateverTheSecondaryAnswers() throws Exception {
        Accounts store = wrap(new FixedAccounts("alice"), new FixedAccounts("bob"));

        assertThat(store.owner("1")).isEqualTo("alice");
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(meters.comparisons("mismatch")).isEqualTo(1);
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("accounts", "owner", "new", "old", "value"));
    }

    @Test
    void rethrowsThePrimarysOwnCheckedExceptionInstance() {
        IOException failure = new IOException("disk on fire");
        Accounts store = wrap(new ThrowingAccounts(failure), new FixedAccounts("bob"));

        Throwable thrown = catchThrowable(() -> store.owner("1"));

        assertThat(thrown).isSameAs(failure);
        // The secondary's answer against the primary's exception: a mismatch, logged.
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("accounts", "owner", "new", "old", "exception"));
    }

    @Test
    void rethrowsThePrimarysOwnRuntimeExceptionAndErrorInstances() {
        IllegalStateException runtime = new IllegalStateException("bad state");
        Accounts store = wrap(new ThrowingAccounts(runtime), new FixedAccounts("bob"));
        assertThat(catchThrowable(() -> store.owner("1"))).isSameAs(runtime);
        assertThat(catchThrowable(() -> store.rename("1", "x"))).isSameAs(runtime);
        backend.close();
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("accounts", "owner", "new", "old", "exception"));

        StackOverflowError error = new StackOverflowError("deep");
        Accounts errorStore = wrap(new ThrowingAccounts(error), new FixedAccounts("bob"));
        assertThat(catchThrowable(() -> errorStore.ids())).isSameAs(error);
    }

    @Test
    void aThrowingSecondaryNeverReachesTheCaller() throws Exception {
        Accounts store = wrap(new FixedAccounts("alice"), new ThrowingAccounts(new IOException("secondary down")));

        assertThat(store.owner("1")).isEqualTo("alice");
        store.rename("1", "carol");
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

        assertThat(meters.comparisons("error")).isEqualTo(1);
        assertThat(meters.writes("error")).isEqualTo(1);
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("accounts", "new", "rename"));
    }

    @Test
    void slowSecondaryNeverDelaysTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondaryStarted = new CountDownLatch(1);
        Accounts slow = new FixedAccounts("alice") {
            @Override
            public String owner(String id) {
                secondaryStarted.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "alice";
            }
        };
        Accounts store = wrap(new FixedAccounts("alice"), slow);

        // The secondary cannot answer until the test releases it, so returning at all proves
        // the caller did not wait for it.
        assertThat(store.owner("1")).isEqualTo("alice");
        assertThat(secondaryStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(backend.drain(Duration.ofMillis(1))).isFalse();

        release.countDown();
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
        assertThat(meters.comparisons("match")).isEqualTo(1);
    }

    @Test
    void secondaryRunsOnANamedDaemonThreadOfTheBackend() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Accounts recording = new FixedAccounts("alice") {
            @Override
            public String owner(String id) {
                ranOn.set(Thread.currentThread());
                return "alice";
            }
        };
        Accounts store = wrap(new FixedAccounts("alice"), recording);

        store.owner("1");
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
        // The dispatcher every backend shares: a pool on JDK 17, virtual threads on JDK 21 and later.
        assertThat(ranOn.get().getName()).matches("dualstore-(virtual-)?\\d+");
        assertThat(ranOn.get().isDaemon()).isTrue();
    }

    @Test
    void aFailingPrimaryWriteIsNotShadowed() throws Exception {
        IOException failure = new IOException("constraint");
        RecordingAccounts secondary = new RecordingAccounts();
        Accounts store = wrap(new ThrowingAccounts(failure), secondary);

        assertThatThrownBy(() -> store.rename("1", "x")).isSameAs(failure);
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

        assertThat(secondary.renames).isEmpty();
        assertThat(meters.writes("success") + meters.writes("error")).isZero();
    }

    @Test
    void throwingCallbacksAreCountedNotThrown() throws Exception {
        IllegalStateException comparatorBug = new IllegalStateException("broken comparator");
        IllegalStateException listenerBug = new IllegalStateException("broken listener");
        backend = accounts(new FixedAccounts("alice"), new FixedAccounts("bob"))
                .comparator("ids", (p, s) -> {
                    throw comparatorBug;
                })
                .mismatchListener(m -> {
                    throw listenerBug;
                })
                .logMismatches(false)
                .build();
        Accounts store = backend.proxy();

        assertThat(store.owner("1")).isEqualTo("alice");
        assertThat(store.ids()).containsExactly("alice");
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

        assertThat(meters.count("dualstore.callback.errors", "callback", "comparator")).isEqualTo(1);
        assertThat(meters.count("dualstore.callback.errors", "callback", "mismatch-listener")).isEqualTo(1);
        assertThat(meters.comparisons("error")).isEqualTo(1);
        assertThat(meters.comparisons("mismatch")).isEqualTo(1);
        // Logged with the callback's exception (which of the two depends on the thread that ran first
        // and the log's rate limit).
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(w -> {
            assertThat(w.message()).contains("accounts");
            assertThat(w.identifies(comparatorBug) || w.identifies(listenerBug))
                    .as("identifies the callback's exception").isTrue();
        });
    }

    @Test
    void passthroughIsAnsweredByThePrimaryAlone() throws Exception {
        RecordingAccounts secondary = new RecordingAccounts();
        backend = Backends.of(Accounts.class, registry, new FixedAccounts("alice"), secondary)
                .reads("owner")
                .passthrough("ids")
                .writes("rename")
                .build();

        assertThat(backend.proxy().ids()).containsExactly("alice");
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

        assertThat(secondary.calls).isZero();
        assertThat(registry.find("dualstore.calls").tag("method", "ids").timers())
                .allSatisfy(t -> assertThat(t.count()).isZero());
    }

    static class FixedAccounts implements Accounts {
        private final String owner;

        FixedAccounts(String owner) {
            this.owner = owner;
        }

        @Override
        public String owner(String id) throws IOException {
            return owner;
        }

        @Override
        public List<String> ids() throws IOException {
            return List.of(owner);
        }

        @Override
        public void rename(String id, String owner) throws IOException {}
    }

    static final class ThrowingAccounts implements Accounts {
        private final Throwable failure;

        ThrowingAccounts(Throwable failure) {
            this.failure = failure;
        }

        private IOException fail() {
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return (IOException) failure;
        }

        @Override
        public String owner(String id) throws IOException {
            throw fail();
        }

        @Override
        public List<String> ids() throws IOException {
            throw fail();
        }

        @Override
        public void rename(String id, String owner) throws IOException {
            throw fail();
        }
    }

    static final class RecordingAccounts extends FixedAccounts {
        final List<String> renames = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int calls;

        RecordingAccounts() {
            super("alice");
        }

        @Override
        public List<String> ids() throws IOException {
            calls++;
            return super.ids();
        }

        @Override
        public void rename(String id, String owner) {
            renames.add(id + "=" + owner);
        }
    }
}
