package dev.dualstore.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.Mismatch;
import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import dev.dualstore.Redactor;
import dev.dualstore.testing.ConcurrentTestHarness;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MismatchSamplesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2017-02-14T12:00:00Z"), ZoneOffset.UTC);

    private static Mismatch mismatch(String method, MismatchKind kind, Object expected, Object actual) {
        return new Mismatch("kv", method, "new", "old", List.of("key-1"), Outcome.returned(expected), Outcome.returned(actual),
                kind, "values differ", "[0].name");
    }

    @Test
    void keepsTheLastFewOfEachKindNewestFirst() {
        MismatchSamples samples = MismatchSamples.keepingLast(2, Redactor.plain(), CLOCK);
        for (int i = 1; i <= 5; i++) {
            samples.onMismatch(mismatch("get", MismatchKind.VALUE, "old-" + i, "new-" + i));
        }
        samples.onMismatch(mismatch("get", MismatchKind.ORDER, "a", "b"));
        samples.onMismatch(mismatch("history", MismatchKind.VALUE, "c", "d"));

        List<MismatchSamples.Sample> recent = samples.recent("kv");
        assertThat(recent).extracting(MismatchSamples.Sample::method, MismatchSamples.Sample::kind, MismatchSamples.Sample::expected)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("history", MismatchKind.VALUE, "c"),
                        org.assertj.core.groups.Tuple.tuple("get", MismatchKind.ORDER, "a"),
                        org.assertj.core.groups.Tuple.tuple("get", MismatchKind.VALUE, "old-5"),
                        org.assertj.core.groups.Tuple.tuple("get", MismatchKind.VALUE, "old-4"));
        MismatchSamples.Sample last = recent.get(2);
        assertThat(last.at()).isEqualTo(CLOCK.instant());
        assertThat(last.arguments()).isEqualTo("(key-1)");
        assertThat(last.actual()).isEqualTo("new-5");
        assertThat(last.difference()).isEqualTo("values differ");
        assertThat(last.path()).isEqualTo("[0].name");
        assertThat(last.store()).isEqualTo("new");
        assertThat(last.primary()).isEqualTo("old");
        assertThat(samples.recent("other")).isEmpty();
    }

    @Test
    void withoutARedactorNoValueIsKept() {
        MismatchSamples samples = MismatchSamples.keepingLast(3);
        samples.onMismatch(mismatch("get", MismatchKind.VALUE, "secret-1", "secret-2"));
        MismatchSamples.Sample sample = samples.recent("kv").get(0);
        assertThat(samples.keepsValues()).isFalse();
        assertThat(sample.arguments()).isNull();
        assertThat(sample.expected()).isNull();
        assertThat(sample.actual()).isNull();
        assertThat(sample.toString()).doesNotContain("secret");
        assertThat(sample.difference()).isEqualTo("values differ");
    }

    @Test
    void anExceptionIsShownByItsClassNotItsMessage() {
        MismatchSamples samples = MismatchSamples.keepingLast(1, Redactor.plain());
        samples.onMismatch(new Mismatch("kv", "get", "new", "old", List.of(), Outcome.returned("v"),
                Outcome.threw(new IllegalStateException("row of secret-user locked")), MismatchKind.EXCEPTION, "threw"));
        assertThat(samples.recent("kv").get(0).actual()).isEqualTo("threw java.lang.IllegalStateException");
    }

    @Test
    void aRedactorThatThrowsIsRecordedNotThrown() {
        MismatchSamples samples = MismatchSamples.keepingLast(1, value -> {
            throw new UnsupportedOperationException("no");
        });
        samples.onMismatch(mismatch("get", MismatchKind.VALUE, "a", "b"));
        assertThat(samples.recent("kv").get(0).expected()).isEqualTo("(the redactor threw java.lang.UnsupportedOperationException)");
    }

    @Test
    void longValuesAreCut() {
        MismatchSamples samples = MismatchSamples.keepingLast(1, Redactor.plain());
        samples.onMismatch(mismatch("get", MismatchKind.VALUE, "x".repeat(10_000), "y"));
        String expected = samples.recent("kv").get(0).expected();
        assertThat(expected).hasSize(MismatchSamples.MAX_TEXT).endsWith("\u2026");
    }

    @Test
    void theNumberOfGroupsIsBounded() {
        MismatchSamples samples = MismatchSamples.keepingLast(1);
        for (int i = 0; i <= MismatchSamples.MAX_GROUPS; i++) {
            samples.onMismatch(mismatch("method" + i, MismatchKind.VALUE, "a", "b"));
        }
        assertThat(samples.recent("kv")).hasSize(MismatchSamples.MAX_GROUPS);
        assertThat(samples.notKept()).isEqualTo(1);
    }

    @Test
    void concurrentMismatchesKeepTheNewestOfEachGroup() throws InterruptedException {
        MismatchSamples samples = MismatchSamples.keepingLast(5, Redactor.plain());
        int threads = 8;
        int each = 2_000;
        ConcurrentTestHarness.runConcurrently(threads, thread -> {
            for (int i = 0; i < each; i++) {
                samples.onMismatch(mismatch("m" + (thread % 2), i % 2 == 0 ? MismatchKind.VALUE : MismatchKind.ORDER,
                        thread + ":" + i, "x"));
            }
        });
        List<MismatchSamples.Sample> recent = samples.recent("kv");
        assertThat(recent).hasSize(4 * 5);   // two methods by two kinds, five each
        assertThat(recent).extracting(MismatchSamples.Sample::sequence).doesNotHaveDuplicates().isSortedAccordingTo(
                java.util.Comparator.reverseOrder()).first().isEqualTo((long) threads * each);
        // Each thread's last mismatches of a group are among the newest of that group.
        assertThat(recent).extracting(MismatchSamples.Sample::expected)
                .allSatisfy(e -> assertThat(Integer.parseInt(e.substring(e.indexOf(':') + 1))).isGreaterThanOrEqualTo(each - 5 * threads));
    }

    @Test
    void perKindMustBePositive() {
        assertThatThrownBy(() -> MismatchSamples.keepingLast(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("perKind must be at least 1, was 0");
    }
}
