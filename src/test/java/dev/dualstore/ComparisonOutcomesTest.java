package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.compare.Normalizer;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** How a secondary's answer is judged, counted and delivered as a {@link Mismatch}. */
class ComparisonOutcomesTest {

    record Follow(String from, String to, OffsetDateTime at) {}

    interface Follows {
        @Read
        List<Follow> followers(String channel);

        @Read(expected = NoSuchElementException.class)
        Follow find(String from, String to);
    }

    /** Answers whatever the test sets, or throws what it sets. */
    static final class Scripted implements Follows {
        volatile List<Follow> followers = List.of();
        volatile Follow found;
        volatile RuntimeException failure;

        @Override
        public List<Follow> followers(String channel) {
            if (failure != null) {
                throw failure;
            }
            return followers;
        }

        @Override
        public Follow find(String from, String to) {
            if (failure != null) {
                throw failure;
            }
            return found;
        }
    }

    private static final OffsetDateTime NOON_UTC = OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final Follow A = new Follow("alice", "chan", NOON_UTC);
    private static final Follow B = new Follow("bob", "chan", NOON_UTC);
    private static final Follow C = new Follow("carol", "chan", NOON_UTC);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final List<Mismatch> mismatches = new CopyOnWriteArrayList<>();
    private final Scripted primary = new Scripted();
    private final Scripted secondary = new Scripted();

    private MirroringBackend<Follows> backend(ResultComparator followersComparator) {
        MirroringBackend.Builder<Follows> b = Backends.of(Follows.class, registry, primary, secondary).name("follows")
                .mismatchListener(mismatches::add).logMismatches(false);
        if (followersComparator != null) {
            b.comparator("followers", followersComparator);
        }
        return b.build();
    }

    /** Asks once and waits, so the scripted secondary answers before the script changes. */
    private static void settle(MirroringBackend<Follows> backend, Follows store) {
        store.followers("chan");
        assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
    }

    private double mismatchesOfKind(String kind) {
        return meters.count("dualstore.comparisons", "result", "mismatch", "kind", kind);
    }

    @Test
    void eachKindOfDifferenceIsCountedUnderItsKindTag() {
        try (MirroringBackend<Follows> backend = backend(null)) {
            Follows store = backend.proxy();
            primary.followers = List.of(A, B, C);

            secondary.followers = List.of(C, B, A);
            settle(backend, store);
            secondary.followers = List.of(A, B);
            settle(backend, store);
            secondary.followers = List.of(A, B, C, new Follow("dave", "chan", NOON_UTC));
            settle(backend, store);
            secondary.followers = List.of(A, B, new Follow("erin", "chan", NOON_UTC));
            settle(backend, store);
            secondary.followers = null;
            settle(backend, store);
            secondary.followers = List.of(A, B, C);
            settle(backend, store);

            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(mismatchesOfKind("order")).isEqualTo(1);
            assertThat(mismatchesOfKind("missing")).isEqualTo(1);
            assertThat(mismatchesOfKind("extra")).isEqualTo(1);
            assertThat(mismatchesOfKind("value")).isEqualTo(1);
            assertThat(mismatchesOfKind("null")).isEqualTo(1);
            assertThat(meters.comparisons("match")).isEqualTo(1);
        }
    }

    @Test
    void aMismatchCarriesTheCallBothAnswersAndAValueFreeDifference() {
        try (MirroringBackend<Follows> backend = backend(null)) {
            primary.followers = List.of(A, B);
            secondary.followers = List.of(B, A);
            backend.proxy().followers("chan");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();

            assertThat(mismatches).singleElement().satisfies(m -> {
                assertThat(m.backend()).isEqualTo("follows");
                assertThat(m.method()).isEqualTo("followers");
                assertThat(m.store()).isEqualTo("new");
                assertThat(m.primary()).isEqualTo("old");
                assertThat(m.arguments()).containsExactly("chan");
                assertThat(m.expected().value()).isEqualTo(List.of(A, B));
                assertThat(m.actual().value()).isEqualTo(List.of(B, A));
                assertThat(m.kind()).isEqualTo(MismatchKind.ORDER);
                assertThat(m.difference()).contains("index 0").doesNotContain("alice").doesNotContain("bob");
            });
        }
    }

    @Test
    void anUnorderedComparatorAfterATimeZoneNormaliserAcceptsWhatTwitchHit() {
        Follow bShifted = new Follow("bob", "chan", NOON_UTC.withOffsetSameInstant(ZoneOffset.ofHours(-7)));
        try (MirroringBackend<Follows> backend =
                backend(ResultComparator.unordered().after(Normalizer.timestampsToUtc()))) {
            primary.followers = List.of(A, B, C);
            secondary.followers = List.of(C, bShifted, A);
            backend.proxy().followers("chan");
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void bothStoresThrowingTheSameTypeIsAMatchAndTheSecondaryAloneIsAnError() {
        try (MirroringBackend<Follows> backend = backend(null)) {
            Follows store = backend.proxy();
            primary.failure = new IllegalStateException("p");
            secondary.failure = new IllegalStateException("s");
            try {
                store.followers("chan");
            } catch (IllegalStateException expected) {
                // the primary's
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            primary.failure = null;
            secondary.failure = new UnsupportedOperationException("down");
            store.followers("chan");

            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(meters.comparisons("match")).isEqualTo(1);
            assertThat(meters.comparisons("error")).isEqualTo(1);
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    void anExpectedExceptionIsComparedLikeAValue() {
        try (MirroringBackend<Follows> backend = backend(null)) {
            Follows store = backend.proxy();
            primary.found = A;
            secondary.failure = new NoSuchElementException("not found");
            store.find("alice", "chan");

            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(meters.comparisons("error")).isZero();
            assertThat(mismatchesOfKind("exception")).isEqualTo(1);
            assertThat(mismatches).singleElement().satisfies(m -> {
                assertThat(m.actual().threw()).isTrue();
                assertThat(m.actual().exception()).isInstanceOf(NoSuchElementException.class);
            });
        }
    }

    @Test
    void thePrimaryThrowingAloneIsAMismatchOfKindException() {
        try (MirroringBackend<Follows> backend = backend(null)) {
            primary.failure = new IllegalStateException("p");
            secondary.followers = List.of(A);
            try {
                backend.proxy().followers("chan");
            } catch (IllegalStateException expected) {
                // the primary's
            }
            assertThat(backend.drain(Duration.ofSeconds(5))).isTrue();
            assertThat(mismatchesOfKind("exception")).isEqualTo(1);
        }
    }
}
