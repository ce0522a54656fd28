package dev.dualstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.compare.Diagnosis;
import dev.dualstore.compare.Normalizer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

class ResultComparatorTest {

    static final Instant AT = Instant.parse("2024-03-10T12:34:56.789123Z");

    record Follow(String from, String to, OffsetDateTime at) {}

    record Row(String id, long version, Instant updatedAt, byte[] payload) {}

    record Page(List<Row> rows, Map<String, Row> byId) {}

    // ---- deepEquals

    @Test
    void deepEqualsComparesArraysRecordsAndCollectionsByContent() {
        ResultComparator deep = ResultComparator.deepEquals();

        assertThat(deep.equivalent(new Row("a", 1, AT, new byte[] {1}), new Row("a", 1, AT, new byte[] {1}))).isTrue();
        assertThat(deep.equivalent(List.of(1, 2), new LinkedList<>(List.of(1, 2)))).isTrue();
        assertThat(deep.equivalent(List.of(1, 2), List.of(2, 1))).isFalse();
        assertThat(deep.equivalent(Optional.of(new int[] {1}), Optional.of(new int[] {1}))).isTrue();
        assertThat(deep.equivalent(null, null)).isTrue();
        assertThat(deep.equivalent(null, List.of())).isFalse();
    }

    // ---- unordered

    @Test
    void unorderedIgnoresOrder() {
        assertThat(ResultComparator.unordered().equivalent(List.of("a", "b", "c"), List.of("c", "a", "b"))).isTrue();
    }

    @Test
    void unorderedCountsDuplicates() {
        ResultComparator unordered = ResultComparator.unordered();

        assertThat(unordered.equivalent(List.of("a", "a", "b"), List.of("a", "b", "b"))).isFalse();
        assertThat(unordered.equivalent(List.of("a", "a", "b"), List.of("a", "b", "a"))).isTrue();
        assertThat(unordered.equivalent(List.of("a", "b"), List.of("a", "b", "b"))).isFalse();
        assertThat(unordered.equivalent(List.of("a", "b", "b"), List.of("a", "b"))).isFalse();
    }

    @Test
    void unorderedComparesArraysAsMultisets() {
        ResultComparator unordered = ResultComparator.unordered();

        assertThat(unordered.equivalent(new int[] {3, 1, 2}, new int[] {1, 2, 3})).isTrue();
        assertThat(unordered.equivalent(new int[] {1, 1, 2}, new int[] {1, 2, 2})).isFalse();
        assertThat(unordered.equivalent(new String[] {"b", "a"}, new String[] {"a", "b"})).isTrue();
    }

    @Test
    void unorderedComparesElementsDeeply() {
        ResultComparator unordered = ResultComparator.unordered();
        List<Row> primary = List.of(new Row("a", 1, AT, new byte[] {1}), new Row("b", 1, AT, new byte[] {2}));
        List<Row> secondary = List.of(new Row("b", 1, AT, new byte[] {2}), new Row("a", 1, AT, new byte[] {1}));
        List<Row> changed = List.of(new Row("b", 1, AT, new byte[] {2}), new Row("a", 1, AT, new byte[] {9}));

        assertThat(unordered.equivalent(primary, secondary)).isTrue();
        assertThat(unordered.equivalent(primary, changed)).isFalse();
    }

    @Test
    void unorderedKeepsNestedListsOrdered() {
        assertThat(ResultComparator.unordered().equivalent(List.of(List.of(1, 2)), List.of(List.of(2, 1)))).isFalse();
    }

    @Test
    void unorderedComparesNonCollectionsStructurally() {
        ResultComparator unordered = ResultComparator.unordered();

        assertThat(unordered.equivalent("a", "a")).isTrue();
        assertThat(unordered.equivalent("a", "b")).isFalse();
        assertThat(unordered.equivalent(null, null)).isTrue();
        assertThat(unordered.equivalent(null, List.of())).isFalse();
        assertThat(unordered.equivalent(List.of(), null)).isFalse();
        assertThat(unordered.equivalent(new Row("a", 1, AT, new byte[] {1}), new Row("a", 1, AT, new byte[] {1})))
                .isTrue();
        assertThat(unordered.equivalent(Map.of("a", List.of(1)), Map.of("a", List.of(1)))).isTrue();
        assertThat(unordered.equivalent(Optional.of("a"), Optional.empty())).isFalse();
    }

    @Test
    void unorderedTreatsSetsAndListsAsMultisets() {
        ResultComparator unordered = ResultComparator.unordered();

        assertThat(unordered.equivalent(Set.of("a", "b"), List.of("b", "a"))).isTrue();
        assertThat(unordered.equivalent(Set.of("a", "b"), List.of("b", "a", "a"))).isFalse();
    }

    @Test
    void unorderedMismatchIsDiagnosedAsMissingOrExtraNeverOrder() {
        ResultComparator unordered = ResultComparator.unordered();

        assertThat(unordered.diagnose(List.of("a", "b", "c"), List.of("c", "a")).kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(unordered.diagnose(List.of("a", "b"), List.of("b", "a", "b")).kind()).isEqualTo(MismatchKind.EXTRA);
    }

    // ---- ignoringFields

    @Test
    void ignoringFieldsIgnoresComponentsOfRecordsNestedInListsAndMaps() {
        ResultComparator comparator = ResultComparator.ignoringFields("version", "updatedAt");
        Page primary = new Page(
                List.of(new Row("a", 1, AT, new byte[] {1})), Map.of("a", new Row("a", 1, AT, new byte[] {1})));
        Page secondary = new Page(
                List.of(new Row("a", 2, AT.plusSeconds(5), new byte[] {1})),
                Map.of("a", new Row("a", 3, null, new byte[] {1})));

        assertThat(ResultComparator.deepEquals().equivalent(primary, secondary)).isFalse();
        assertThat(comparator.equivalent(primary, secondary)).isTrue();
        assertThat(comparator.equivalent(List.of(primary), List.of(secondary))).isTrue();
        assertThat(comparator.equivalent(Map.of("p", primary), Map.of("p", secondary))).isTrue();
    }

    @Test
    void ignoringFieldsStillComparesTheRest() {
        ResultComparator comparator = ResultComparator.ignoringFields("version");

        assertThat(comparator.equivalent(
                List.of(new Row("a", 1, AT, new byte[] {1})), List.of(new Row("a", 2, AT, new byte[] {2})))).isFalse();
        assertThat(comparator.equivalent(
                List.of(new Row("a", 1, AT, new byte[] {1})), List.of(new Row("b", 1, AT, new byte[] {1})))).isFalse();
        assertThat(comparator.equivalent(
                List.of(new Row("a", 1, AT, new byte[] {1})), List.of(new Row("a", 7, AT, new byte[] {1})))).isTrue();
    }

    @Test
    void ignoringFieldsNeedsAtLeastOneName() {
        assertThatThrownBy(ResultComparator::ignoringFields).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- normalizing and after

    @Test
    void normalizingTimestampsToUtcMatchesTheSameInstantInAnotherZone() {
        ResultComparator utc = ResultComparator.normalizing(Normalizer.timestampsToUtc());
        List<Follow> primary = List.of(new Follow("a", "b", AT.atOffset(ZoneOffset.UTC)));
        List<Follow> secondary = List.of(new Follow("a", "b", AT.atOffset(ZoneOffset.ofHours(9))));
        ZonedDateTime paris = AT.atZone(ZoneId.of("Europe/Paris"));
        ZonedDateTime tokyo = AT.atZone(ZoneId.of("Asia/Tokyo"));

        assertThat(ResultComparator.deepEquals().equivalent(primary, secondary)).isFalse();
        assertThat(utc.equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deepEquals().equivalent(paris, tokyo)).isFalse();
        assertThat(utc.equivalent(paris, tokyo)).isTrue();
        assertThat(utc.equivalent(paris, tokyo.plusSeconds(1))).isFalse();
    }

    @Test
    void normalizingTruncatedTimestampsMatchesAcrossPrecisions() {
        ResultComparator millis = ResultComparator.normalizing(Normalizer.truncatingTimestamps(ChronoUnit.MILLIS));
        Row micros = new Row("a", 1, AT, new byte[0]);
        Row ms = new Row("a", 1, AT.truncatedTo(ChronoUnit.MILLIS), new byte[0]);

        assertThat(ResultComparator.deepEquals().equivalent(micros, ms)).isFalse();
        assertThat(millis.equivalent(micros, ms)).isTrue();
        assertThat(millis.equivalent(micros, new Row("a", 1, AT.plusMillis(1), new byte[0]))).isFalse();
    }

    @Test
    void unorderedAfterNormalizerCombinesBoth() {
        ResultComparator comparator = ResultComparator.unordered().after(
                Normalizer.timestampsToUtc().andThen(Normalizer.truncatingTimestamps(ChronoUnit.MILLIS)));
        List<Follow> primary = List.of(
                new Follow("a", "b", AT.atOffset(ZoneOffset.UTC)), new Follow("a", "c", AT.atOffset(ZoneOffset.UTC)));
        List<Follow> secondary = List.of(
                new Follow("a", "c", AT.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.ofHours(-4))),
                new Follow("a", "b", AT.atOffset(ZoneOffset.ofHours(3))));

        assertThat(comparator.equivalent(primary, secondary)).isTrue();
        assertThat(comparator.equivalent(primary, secondary.subList(0, 1))).isFalse();
    }

    @Test
    void afterAppliesTheNormalizerToBothAnswers() {
        AtomicReference<Object> seenPrimary = new AtomicReference<>();
        AtomicReference<Object> seenSecondary = new AtomicReference<>();
        ResultComparator recording = (p, s) -> {
            seenPrimary.set(p);
            seenSecondary.set(s);
            return true;
        };

        recording.after(Normalizer.deep(String.class, String::toUpperCase)).equivalent(List.of("a"), List.of("b"));

        assertThat(seenPrimary.get()).isEqualTo(List.of("A"));
        assertThat(seenSecondary.get()).isEqualTo(List.of("B"));
    }

    @Test
    void afterAppliesTheNormalizerToDiagnoseToo() {
        ResultComparator lowerCase = ResultComparator.normalizing(Normalizer.deep(String.class, String::toLowerCase));
        List<String> primary = List.of("A", "B");
        List<String> secondary = List.of("b", "a");

        // Without the normaliser the elements differ; with it, only their order does.
        assertThat(ResultComparator.deepEquals().diagnose(primary, secondary).kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(lowerCase.equivalent(primary, secondary)).isFalse();
        assertThat(lowerCase.diagnose(primary, secondary).kind()).isEqualTo(MismatchKind.ORDER);
    }

    @Test
    void afterHandsNormalisedAnswersToACustomDiagnose() {
        AtomicReference<List<Object>> diagnosed = new AtomicReference<>();
        ResultComparator custom = new ResultComparator() {
            @Override
            public boolean equivalent(Object primary, Object secondary) {
                return false;
            }

            @Override
            public Diagnosis diagnose(Object primary, Object secondary) {
                diagnosed.set(Arrays.asList(primary, secondary));
                return new Diagnosis(MismatchKind.TYPE, "custom");
            }
        };

        Diagnosis d = custom.after(Normalizer.timestampsToUtc())
                .diagnose(AT.atOffset(ZoneOffset.ofHours(2)), AT.atOffset(ZoneOffset.ofHours(5)));

        assertThat(d).isEqualTo(new Diagnosis(MismatchKind.TYPE, "custom"));
        assertThat(diagnosed.get()).containsExactly(AT.atOffset(ZoneOffset.UTC), AT.atOffset(ZoneOffset.UTC));
    }

    @Test
    void afterComposesInOrderOfApplication() {
        ResultComparator comparator = ResultComparator.deepEquals()
                .after(Normalizer.deep(String.class, s -> s + "1"))
                .after(Normalizer.deep(String.class, s -> s + "2"));
        AtomicReference<Object> seen = new AtomicReference<>();
        ResultComparator recording = ((ResultComparator) (p, s) -> {
            seen.set(p);
            return true;
        }).after(Normalizer.deep(String.class, s -> s + "1")).after(Normalizer.deep(String.class, s -> s + "2"));

        recording.equivalent("x", "y");

        // The outer after runs first: x -> x2 -> x21.
        assertThat(seen.get()).isEqualTo("x21");
        assertThat(comparator.equivalent("x", "x")).isTrue();
        assertThat(comparator.equivalent("x", "y")).isFalse();
    }

    @Test
    void afterNeverModifiesTheAnswers() {
        List<Follow> primary = new ArrayList<>(List.of(new Follow("a", "b", AT.atOffset(ZoneOffset.ofHours(2)))));
        List<Follow> snapshot = List.copyOf(primary);

        ResultComparator.normalizing(Normalizer.timestampsToUtc()).equivalent(primary, primary);
        ResultComparator.normalizing(Normalizer.timestampsToUtc()).diagnose(primary, List.of());

        assertThat(primary).containsExactlyElementsOf(snapshot);
        assertThat(primary.get(0)).isSameAs(snapshot.get(0));
    }

    @Test
    void afterRejectsANullNormalizer() {
        assertThatThrownBy(() -> ResultComparator.deepEquals().after(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- of

    @Test
    void ofAppliesThePredicateToAnswersOfTheType() {
        ResultComparator ignoreCase = ResultComparator.of(String.class, String::equalsIgnoreCase);

        assertThat(ignoreCase.equivalent("abc", "ABC")).isTrue();
        assertThat(ignoreCase.equivalent("abc", "abd")).isFalse();
    }

    @Test
    void ofComparesOtherAnswersStructurallyWithoutCallingThePredicate() {
        // A counting lambda, not a mock: Mockito cannot instrument JDK 25's own interfaces yet.
        AtomicInteger calls = new AtomicInteger();
        BiPredicate<String, String> predicate = (a, b) -> calls.incrementAndGet() > 0;
        ResultComparator comparator = ResultComparator.of(String.class, predicate);

        assertThat(comparator.equivalent(new int[] {1}, new int[] {1})).isTrue();
        assertThat(comparator.equivalent(null, null)).isTrue();
        assertThat(comparator.equivalent("a", null)).isFalse();
        assertThat(comparator.equivalent(null, "a")).isFalse();
        assertThat(comparator.equivalent("a", 1)).isFalse();
        assertThat(calls).hasValue(0);
    }

    @Test
    void ofWorksWithRecordTypes() {
        ResultComparator sameId = ResultComparator.of(Row.class, (a, b) -> a.id().equals(b.id()));

        assertThat(sameId.equivalent(new Row("a", 1, AT, null), new Row("a", 9, null, new byte[] {1}))).isTrue();
        assertThat(sameId.equivalent(new Row("a", 1, AT, null), new Row("b", 1, AT, null))).isFalse();
    }

    @Test
    void ofRejectsNulls() {
        assertThatThrownBy(() -> ResultComparator.of(null, (a, b) -> true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ResultComparator.of(String.class, null)).isInstanceOf(NullPointerException.class);
    }

    // ---- default diagnose

    @Test
    void aLambdaComparatorDiagnosesWithTheStructuralDiagnosis() {
        ResultComparator never = (p, s) -> false;

        assertThat(never.diagnose(List.of(1, 2), List.of(2, 1))).isEqualTo(Diagnosis.of(List.of(1, 2), List.of(2, 1)));
        assertThat(never.diagnose(List.of(1, 2), List.of(2, 1)).kind()).isEqualTo(MismatchKind.ORDER);
        assertThat(never.diagnose(null, null).kind()).isEqualTo(MismatchKind.VALUE);
    }
}
