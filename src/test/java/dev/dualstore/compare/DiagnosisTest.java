package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.MismatchKind;
import dev.dualstore.Outcome;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DiagnosisTest {

    static final String SECRET = "secret-42";
    static final Instant AT = Instant.parse("2024-03-10T12:34:56Z");

    record Follower(String user, String channel, OffsetDateTime followedAt) {}

    record Account(String owner, long balance, byte[] token) {}

    // ---- lists and arrays

    @Test
    void sameElementsInAnotherOrderIsOrderAndNamesTheFirstIndexOutOfPlace() {
        Diagnosis d = Diagnosis.of(List.of("a", "b", "c", "d"), List.of("a", "b", "d", "c"));

        assertThat(d.kind()).isEqualTo(MismatchKind.ORDER);
        assertThat(d.difference()).contains("4 elements").contains("index 2");
    }

    @Test
    void arraysInAnotherOrderAreOrderToo() {
        Diagnosis d = Diagnosis.of(new int[] {1, 2, 3}, new int[] {3, 2, 1});

        assertThat(d.kind()).isEqualTo(MismatchKind.ORDER);
        assertThat(d.difference()).contains("index 0");
    }

    @Test
    void secondaryLackingElementsIsMissing() {
        Diagnosis d = Diagnosis.of(List.of("a", "b", "c"), List.of("c", "a"));

        assertThat(d.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(d.difference()).contains("lacks 1").contains("3 elements");
    }

    /** A row the secondary dropped from a list of entities: the path names the primary's position of it. */
    @Test
    void aListLackingElementsNamesTheFirstMissingPositionAsItsPath() {
        List<Clinic.Owner> primary = Clinic.visits().stream().map(v -> v.pet.owner).toList();
        List<Follower> rows = List.of(new Follower("a", "c", null), new Follower("b", "c", null),
                new Follower("d", "c", null));

        Diagnosis d = Diagnosis.of(rows, List.of(rows.get(0), rows.get(2)));
        Diagnosis equalElementsOnce = Diagnosis.of(List.of("x", "y", "x"), List.of("y", "x"));
        Diagnosis ofEntities = Diagnosis.of(primary, primary.subList(1, primary.size()));

        assertThat(d.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(d.path()).isEqualTo("[1]");
        assertThat(d.difference()).isEqualTo("secondary lacks 1 of the primary's 3 elements; first missing at [1]: Follower");
        assertThat(equalElementsOnce.path()).as("one of two equal elements is missing: the first of them").isEqualTo("[0]");
        assertThat(ofEntities.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(ofEntities.path()).isEqualTo("[0]");
    }

    @Test
    void anotherOrderNamesTheFirstPositionOutOfPlaceAsItsPath() {
        assertThat(Diagnosis.of(List.of("a", "b", "c", "d"), List.of("a", "b", "d", "c")).path()).isEqualTo("[2]");
    }

    @Test
    void aSetLackingElementsOrAListWithExtraOnesHasNoPathOfThePrimarys() {
        Diagnosis set = Diagnosis.of(new LinkedHashSet<>(List.of("a", "b")), Set.of("b"));
        Diagnosis extra = Diagnosis.of(List.of("a", "b"), List.of("a", "new", "b"));

        assertThat(set.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(set.path()).isEmpty();
        assertThat(set.difference()).doesNotContain("first missing");
        assertThat(extra.kind()).isEqualTo(MismatchKind.EXTRA);
        assertThat(extra.path()).isEmpty();
        assertThat(extra.difference()).endsWith("; first extra at the secondary's [1]: String");
    }

    @Test
    void secondaryWithMoreElementsIsExtra() {
        Diagnosis d = Diagnosis.of(List.of("a", "b"), List.of("a", "b", "deleted", "deleted"));

        assertThat(d.kind()).isEqualTo(MismatchKind.EXTRA);
        assertThat(d.difference()).contains("has 2").contains("4 vs 2");
    }

    @Test
    void elementsBothMissingAndExtraIsValue() {
        Diagnosis d = Diagnosis.of(List.of("a", "b", "c"), List.of("a", "x", "y", "c"));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("1 of the primary's 3").contains("2 unmatched of 4");
    }

    @Test
    void duplicatesCountWhenDiagnosing() {
        Diagnosis d = Diagnosis.of(List.of("a", "a", "b"), List.of("a", "b", "b"));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(Diagnosis.of(List.of("a", "b"), List.of("a", "b", "b")).kind()).isEqualTo(MismatchKind.EXTRA);
        assertThat(Diagnosis.of(List.of("a", "a", "b"), List.of("a", "b")).kind()).isEqualTo(MismatchKind.MISSING);
    }

    @Test
    void elementsAreComparedDeeplyWhenDiagnosing() {
        Diagnosis d = Diagnosis.of(
                List.of(new int[] {1}, new int[] {2}), List.of(new int[] {2}, new int[] {1}));

        assertThat(d.kind()).isEqualTo(MismatchKind.ORDER);
    }

    @Test
    void setsAreNeverOutOfOrder() {
        Set<String> primary = new LinkedHashSet<>(List.of("a", "b", "c"));

        assertThat(Diagnosis.of(primary, new LinkedHashSet<>(List.of("c", "a"))).kind())
                .isEqualTo(MismatchKind.MISSING);
        assertThat(Diagnosis.of(primary, new LinkedHashSet<>(List.of("c", "b", "a", "d"))).kind())
                .isEqualTo(MismatchKind.EXTRA);
    }

    @Test
    void aListAndAnArrayWithTheSameElementsDifferInType() {
        Diagnosis d = Diagnosis.of(List.of("a", "b"), new String[] {"a", "b"});

        assertThat(d.kind()).isEqualTo(MismatchKind.TYPE);
        assertThat(d.difference()).contains("List").contains("String[]");
    }

    @Test
    void aListAndASetWithTheSameElementsDifferInType() {
        Diagnosis d = Diagnosis.of(new ArrayList<>(List.of("a", "b")), new LinkedHashSet<>(List.of("b", "a")));

        assertThat(d.kind()).isEqualTo(MismatchKind.TYPE);
        assertThat(d.difference()).contains("ArrayList").contains("LinkedHashSet");
    }

    @Test
    void aListAndAnArrayInAnotherOrderDifferInTypeNotOrder() {
        assertThat(Diagnosis.of(List.of("a", "b"), new String[] {"b", "a"}).kind()).isEqualTo(MismatchKind.TYPE);
    }

    @Test
    void containersOfDifferentKindsWithOtherElementsAreDiagnosedByElements() {
        assertThat(Diagnosis.of(List.of("a", "b"), new String[] {"a"}).kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(Diagnosis.of(List.of("a"), Set.of("a", "b")).kind()).isEqualTo(MismatchKind.EXTRA);
    }

    @Test
    void primitiveArraysOfAnotherComponentTypeDifferInType() {
        Diagnosis d = Diagnosis.of(new int[] {1, 2}, new long[] {1, 2});

        assertThat(d.kind()).isEqualTo(MismatchKind.TYPE);
        assertThat(d.difference()).contains("int[]").contains("long[]");
    }

    // ---- null, type, equal

    @Test
    void nullOnOneSideIsNull() {
        Diagnosis secondaryNull = Diagnosis.of(List.of("a"), null);
        Diagnosis primaryNull = Diagnosis.of(null, "a");

        assertThat(secondaryNull.kind()).isEqualTo(MismatchKind.NULL);
        assertThat(secondaryNull.difference()).contains("secondary null");
        assertThat(primaryNull.kind()).isEqualTo(MismatchKind.NULL);
        assertThat(primaryNull.difference()).contains("primary returned null");
    }

    @Test
    void bothNullIsDiagnosedWithoutThrowing() {
        // A custom comparator may call two nulls different; the diagnosis must still answer.
        Diagnosis d = Diagnosis.of((Object) null, (Object) null);

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("null").contains("comparator disagreed");
    }

    @Test
    void differentTypesIsType() {
        Diagnosis d = Diagnosis.of(1, 1L);

        assertThat(d.kind()).isEqualTo(MismatchKind.TYPE);
        assertThat(d.difference()).contains("Integer").contains("Long");
        assertThat(Diagnosis.of("a", Optional.of("a")).kind()).isEqualTo(MismatchKind.TYPE);
        assertThat(Diagnosis.of(new Follower("a", "b", null), List.of()).kind()).isEqualTo(MismatchKind.TYPE);
    }

    @Test
    void differentScalarsAreValue() {
        Diagnosis d = Diagnosis.of("a", "b");

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("String");
    }

    @Test
    void structurallyEqualAnswersSayTheComparatorDisagreed() {
        assertThat(Diagnosis.of("a", "a").difference()).contains("comparator disagreed");
        assertThat(Diagnosis.of(List.of("a"), List.of("a")).kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(Diagnosis.of(List.of("a"), List.of("a")).difference()).contains("comparator disagreed");
        assertThat(Diagnosis.of(Map.of("k", 1), Map.of("k", 1)).difference()).contains("comparator disagreed");
        assertThat(Diagnosis.of(new Follower("a", "b", null), new Follower("a", "b", null)).difference())
                .contains("comparator disagreed");
    }

    // ---- exceptions

    @Test
    void oneSideThrowingIsException() {
        Diagnosis d = Diagnosis.of(Outcome.returned(List.of("a")), Outcome.threw(new IllegalStateException(SECRET)));

        assertThat(d.kind()).isEqualTo(MismatchKind.EXCEPTION);
        assertThat(d.difference())
                .contains("primary returned a")
                .contains("secondary threw java.lang.IllegalStateException")
                .doesNotContain(SECRET);
    }

    @Test
    void primaryThrowingAloneIsException() {
        Diagnosis d = Diagnosis.of(Outcome.threw(new IOException(SECRET)), Outcome.returned(null));

        assertThat(d.kind()).isEqualTo(MismatchKind.EXCEPTION);
        assertThat(d.difference())
                .contains("primary threw java.io.IOException")
                .contains("secondary returned null")
                .doesNotContain(SECRET);
    }

    @Test
    void differentExceptionTypesAreException() {
        Diagnosis d = Diagnosis.of(
                Outcome.threw(new IllegalArgumentException(SECRET)), Outcome.threw(new IOException(SECRET)));

        assertThat(d.kind()).isEqualTo(MismatchKind.EXCEPTION);
        assertThat(d.difference()).contains("IllegalArgumentException").contains("IOException").doesNotContain(SECRET);
    }

    @Test
    void twoReturnedOutcomesAreDiagnosedByTheirValues() {
        Diagnosis d = Diagnosis.of(Outcome.returned(List.of("a", "b")), Outcome.returned(List.of("b", "a")));

        assertThat(d.kind()).isEqualTo(MismatchKind.ORDER);
        assertThat(Diagnosis.of(Outcome.returned("a"), Outcome.returned(null)).kind()).isEqualTo(MismatchKind.NULL);
    }

    // ---- Optional

    @Test
    void presentThenEmptyOptionalIsMissing() {
        Diagnosis d = Diagnosis.of(Optional.of("a"), Optional.empty());

        assertThat(d.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(d.difference()).contains("empty Optional");
    }

    @Test
    void emptyThenPresentOptionalIsExtra() {
        assertThat(Diagnosis.of(Optional.empty(), Optional.of("a")).kind()).isEqualTo(MismatchKind.EXTRA);
    }

    @Test
    void twoPresentOptionalsAreDiagnosedByTheirContents() {
        Diagnosis d = Diagnosis.of(
                Optional.of(new Follower("u", "c", null)), Optional.of(new Follower("u", "other", null)));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("channel");
        assertThat(Diagnosis.of(Optional.of(List.of(1, 2)), Optional.of(List.of(2, 1))).kind())
                .isEqualTo(MismatchKind.ORDER);
    }

    @Test
    void twoEmptyOptionalsAreDiagnosedWithoutThrowing() {
        Diagnosis d = Diagnosis.of(Optional.empty(), Optional.empty());

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("comparator disagreed");
    }

    @Test
    void anOptionalAgainstNullIsNull() {
        assertThat(Diagnosis.of(Optional.of("a"), null).kind()).isEqualTo(MismatchKind.NULL);
    }

    // ---- maps

    @Test
    void mapLackingKeysIsMissing() {
        Diagnosis d = Diagnosis.of(Map.of("a", 1, "b", 2, "c", 3), Map.of("a", 1));

        assertThat(d.kind()).isEqualTo(MismatchKind.MISSING);
        assertThat(d.difference()).contains("lacks 2 of 3 keys");
    }

    @Test
    void mapWithMoreKeysIsExtra() {
        Diagnosis d = Diagnosis.of(Map.of("a", 1), Map.of("a", 1, "b", 2));

        assertThat(d.kind()).isEqualTo(MismatchKind.EXTRA);
        assertThat(d.difference()).contains("1 keys the primary lacks");
    }

    @Test
    void mapWithDifferingValuesIsValue() {
        Diagnosis d = Diagnosis.of(Map.of("a", 1, "b", 2), Map.of("a", 1, "b", 3));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("1 of 2 keys").contains("0 missing").contains("0 extra");
    }

    @Test
    void mapValuesAreComparedDeeply() {
        Map<String, Object> primary = new HashMap<>(Map.of("a", new int[] {1}, "b", new int[] {2}));
        Map<String, Object> secondary = new LinkedHashMap<>(Map.of("a", new int[] {1}, "b", new int[] {9}));

        assertThat(Diagnosis.of(primary, secondary).difference()).contains("values differ for 1 of 2 keys");
    }

    @Test
    void mapWithKeysBothMissingAndExtraIsValue() {
        Diagnosis d = Diagnosis.of(Map.of("a", 1, "b", 2), Map.of("a", 1, "c", 2));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("1 missing").contains("1 extra");
    }

    // ---- records

    @Test
    void recordsNameTheDifferingComponents() {
        Diagnosis d = Diagnosis.of(
                new Follower("u", "c", AT.atOffset(ZoneOffset.UTC)),
                new Follower("u", "c2", AT.plusSeconds(1).atOffset(ZoneOffset.UTC)));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference())
                .contains("Follower")
                .contains("channel")
                .contains("followedAt")
                .doesNotContain("user")
                .doesNotContain("time zone");
    }

    @Test
    void recordsCompareArrayComponentsByContent() {
        Diagnosis d = Diagnosis.of(
                new Account("o", 1, new byte[] {1, 2}), new Account("o", 2, new byte[] {1, 2}));

        assertThat(d.difference()).contains("balance").doesNotContain("token");
    }

    @Test
    void recordsSayWhenATimestampIsTheSameInstantInAnotherTimeZone() {
        Diagnosis d = Diagnosis.of(
                new Follower("u", "c", AT.atOffset(ZoneOffset.UTC)),
                new Follower("u", "c", AT.atOffset(ZoneOffset.ofHours(2))));

        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.difference()).contains("followedAt (same instant, another time zone)");
    }

    @Test
    void topLevelTimestampsSayWhenTheyAreTheSameInstantInAnotherTimeZone() {
        assertThat(Diagnosis.of(AT.atOffset(ZoneOffset.UTC), AT.atOffset(ZoneOffset.ofHours(-3))).difference())
                .contains("same instant");
        assertThat(Diagnosis.of(AT.atZone(ZoneId.of("Europe/Paris")), AT.atZone(ZoneId.of("Asia/Tokyo"))).difference())
                .contains("same instant");
        assertThat(Diagnosis.of(AT.atOffset(ZoneOffset.UTC), AT.plusSeconds(1).atOffset(ZoneOffset.UTC)).difference())
                .doesNotContain("same instant");
    }

    // ---- no user values in the text

    record Secretive(String name, String email, List<String> tags, Map<String, String> attributes) {}

    static Secretive secretive(String suffix) {
        return new Secretive("name-" + SECRET + suffix, SECRET + "@example.com" + suffix,
                List.of(SECRET + suffix), Map.of(SECRET, SECRET + suffix));
    }

    static Stream<Arguments> differingAnswers() {
        return Stream.of(
                Arguments.of(SECRET, SECRET + "x"),
                Arguments.of(SECRET, null),
                Arguments.of(null, SECRET),
                Arguments.of(SECRET, 42),
                Arguments.of(secretive(""), secretive("x")),
                Arguments.of(List.of(secretive("")), List.of(secretive("x"))),
                Arguments.of(List.of(SECRET, SECRET + "2"), List.of(SECRET + "2", SECRET)),
                Arguments.of(List.of(SECRET), List.of(SECRET, SECRET)),
                Arguments.of(List.of(SECRET, SECRET), List.of(SECRET)),
                Arguments.of(new String[] {SECRET}, new String[] {SECRET + "x"}),
                Arguments.of(Set.of(SECRET), Set.of(SECRET + "x")),
                Arguments.of(Map.of(SECRET, SECRET), Map.of(SECRET, SECRET + "x")),
                Arguments.of(Map.of(SECRET, SECRET), Map.of(SECRET + "k", SECRET)),
                Arguments.of(Map.of(SECRET, 1), Map.of()),
                Arguments.of(Optional.of(SECRET), Optional.empty()),
                Arguments.of(Optional.of(secretive("")), Optional.of(secretive("x"))),
                Arguments.of(Arrays.asList(SECRET, null), Arrays.asList(null, SECRET)),
                Arguments.of(List.of(SECRET), new String[] {SECRET}));
    }

    @ParameterizedTest
    @MethodSource("differingAnswers")
    void differenceNeverContainsValues(Object primary, Object secondary) {
        Diagnosis d = Diagnosis.of(primary, secondary);

        assertThat(d.difference()).isNotBlank().doesNotContain(SECRET).doesNotContain("example.com");
        assertThat(Diagnosis.of(Outcome.returned(primary), Outcome.returned(secondary))).isEqualTo(d);
    }

    @Test
    void differenceNeverContainsExceptionMessages() {
        Diagnosis d = Diagnosis.of(
                Outcome.threw(new IllegalStateException(SECRET, new RuntimeException(SECRET))),
                Outcome.returned(secretive("")));

        assertThat(d.difference()).doesNotContain(SECRET);
    }

    // ---- the value type

    @Test
    void diagnosisRejectsNulls() {
        assertThatThrownBy(() -> new Diagnosis(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Diagnosis(MismatchKind.VALUE, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void kindsHaveLowerCaseTags() {
        assertThat(MismatchKind.ORDER.tag()).isEqualTo("order");
        assertThat(MismatchKind.MISSING.tag()).isEqualTo("missing");
        assertThat(MismatchKind.EXTRA.tag()).isEqualTo("extra");
        assertThat(MismatchKind.VALUE.tag()).isEqualTo("value");
        assertThat(MismatchKind.EXCEPTION.tag()).isEqualTo("exception");
        assertThat(MismatchKind.NULL.tag()).isEqualTo("null");
        assertThat(MismatchKind.TYPE.tag()).isEqualTo("type");
    }
}
