package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    static final Instant AT = Instant.parse("2024-03-10T12:34:56.789123456Z");
    static final OffsetDateTime AT_PLUS_TWO = AT.atOffset(ZoneOffset.ofHours(2));
    static final OffsetDateTime AT_MINUS_FIVE = AT.atOffset(ZoneOffset.ofHours(-5));
    static final ZonedDateTime AT_PARIS = AT.atZone(ZoneId.of("Europe/Paris"));
    static final ZonedDateTime AT_NEW_YORK = AT.atZone(ZoneId.of("America/New_York"));

    record Follow(String from, String to, OffsetDateTime at) {}

    record Event(String id, ZonedDateTime at, String[] tags) {}

    record Row(String id, Instant updatedAt, long version) {}

    record OtherRow(String id, Instant updatedAt, long version) {}

    record Wrapper(List<Row> rows, Map<String, Row> byId, Optional<Row> first) {}

    /** A POJO, as many DAOs return: equals by value, no record. */
    static final class Account {
        final String id;
        final long balanceCents;
        final String etag;

        Account(String id, long balanceCents, String etag) {
            this.id = id;
            this.balanceCents = balanceCents;
            this.etag = etag;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && a.id.equals(id) && a.balanceCents == balanceCents
                    && Objects.equals(a.etag, etag);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, balanceCents, etag);
        }
    }

    // ---- timestampsToUtc

    @Test
    void timestampsToUtcMakesOffsetDateTimesAtTheSameInstantMatch() {
        Normalizer utc = Normalizer.timestampsToUtc();

        assertThat(DeepEquality.equal(AT_PLUS_TWO, AT_MINUS_FIVE)).isFalse();
        assertThat(DeepEquality.equal(utc.normalize(AT_PLUS_TWO), utc.normalize(AT_MINUS_FIVE))).isTrue();
        assertThat(utc.normalize(AT_PLUS_TWO)).isEqualTo(AT.atOffset(ZoneOffset.UTC));
    }

    @Test
    void timestampsToUtcMakesZonedDateTimesAtTheSameInstantMatch() {
        Normalizer utc = Normalizer.timestampsToUtc();

        assertThat(DeepEquality.equal(AT_PARIS, AT_NEW_YORK)).isFalse();
        assertThat(DeepEquality.equal(utc.normalize(AT_PARIS), utc.normalize(AT_NEW_YORK))).isTrue();
        // A region called UTC and the offset Z are the same zone for comparison.
        assertThat(utc.normalize(AT.atZone(ZoneId.of("UTC")))).isEqualTo(utc.normalize(AT_PARIS));
    }

    @Test
    void timestampsToUtcKeepsOtherInstantsApart() {
        Normalizer utc = Normalizer.timestampsToUtc();
        OffsetDateTime aSecondLater = AT.plusSeconds(1).atOffset(ZoneOffset.ofHours(-5));

        assertThat(DeepEquality.equal(utc.normalize(AT_PLUS_TWO), utc.normalize(aSecondLater))).isFalse();
        assertThat(DeepEquality.equal(utc.normalize(AT_PARIS), utc.normalize(AT_NEW_YORK.plusNanos(1)))).isFalse();
    }

    @Test
    void timestampsToUtcReachesTimestampsInsideEveryContainer() {
        Normalizer utc = Normalizer.timestampsToUtc();
        Object primary = Map.of(
                "follows", List.of(new Follow("a", "b", AT_PLUS_TWO)),
                "set", Set.of(AT_PLUS_TWO),
                "optional", Optional.of(AT_PARIS),
                "array", new Object[] {AT_PARIS},
                "event", new Event("e", AT_PARIS, new String[] {"t"}));
        Object secondary = Map.of(
                "follows", List.of(new Follow("a", "b", AT_MINUS_FIVE)),
                "set", Set.of(AT_MINUS_FIVE),
                "optional", Optional.of(AT_NEW_YORK),
                "array", new Object[] {AT_NEW_YORK},
                "event", new Event("e", AT_NEW_YORK, new String[] {"t"}));

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        assertThat(DeepEquality.equal(utc.normalize(primary), utc.normalize(secondary))).isTrue();
    }

    @Test
    void timestampsToUtcReachesTimestampsInQueuesAndMapValueViews() {
        Normalizer utc = Normalizer.timestampsToUtc();
        Map<String, OffsetDateTime> primary = new LinkedHashMap<>(Map.of("a", AT_PLUS_TWO));
        Map<String, OffsetDateTime> secondary = new LinkedHashMap<>(Map.of("a", AT_MINUS_FIVE));

        assertThat(DeepEquality.equal(primary.values(), secondary.values())).isFalse();
        assertThat(DeepEquality.equal(utc.normalize(primary.values()), utc.normalize(secondary.values()))).isTrue();
        assertThat(DeepEquality.equal(
                utc.normalize(new ArrayDeque<>(List.of(AT_PARIS))),
                utc.normalize(new ArrayDeque<>(List.of(AT_NEW_YORK))))).isTrue();
    }

    @Test
    void timestampsToUtcLeavesOtherValuesAlone() {
        Normalizer utc = Normalizer.timestampsToUtc();
        LocalDateTime local = LocalDateTime.of(2024, 1, 1, 10, 0);

        assertThat(utc.normalize(local)).isSameAs(local);
        assertThat(utc.normalize("text")).isEqualTo("text");
        assertThat(utc.normalize(AT)).isEqualTo(AT);
        assertThat(utc.normalize(null)).isNull();
    }

    // ---- records are rebuilt as records

    @Test
    void normalisedRecordsStayRecordsOfTheirType() {
        Normalizer utc = Normalizer.timestampsToUtc();

        Object follow = utc.normalize(new Follow("a", "b", AT_PLUS_TWO));
        assertThat(follow).isEqualTo(new Follow("a", "b", AT.atOffset(ZoneOffset.UTC)));

        Object event = utc.normalize(new Event("e", AT_PARIS, new String[] {"x", "y"}));
        assertThat(event).isInstanceOf(Event.class);
        assertThat(((Event) event).at()).isEqualTo(AT.atZone(ZoneOffset.UTC));
        assertThat(((Event) event).tags()).containsExactly("x", "y");
    }

    @Test
    void normalisedObjectArraysKeepTheirComponentType() {
        Object normalised = Normalizer.timestampsToUtc().normalize(new OffsetDateTime[] {AT_PLUS_TWO});

        assertThat(normalised).isInstanceOf(OffsetDateTime[].class);
        assertThat((OffsetDateTime[]) normalised).containsExactly(AT.atOffset(ZoneOffset.UTC));
    }

    @Test
    void anArrayWhoseRewrittenElementsNoLongerFitBecomesAnObjectArray() {
        Normalizer toBuilder = Normalizer.deep(CharSequence.class, s -> new StringBuilder(s).reverse());

        Object normalised = toBuilder.normalize(new String[] {"abc", "de"});

        assertThat(normalised).isInstanceOf(Object[].class).isNotInstanceOf(String[].class);
        assertThat((Object[]) normalised).hasSize(2).allMatch(e -> e instanceof StringBuilder);
        assertThat(Arrays.toString((Object[]) normalised)).isEqualTo("[cba, ed]");
    }

    // ---- truncatingTimestamps

    @Test
    void truncatingToMillisMakesMicrosecondPrecisionMatchMillisecondPrecision() {
        Normalizer millis = Normalizer.truncatingTimestamps(ChronoUnit.MILLIS);
        Instant micros = Instant.parse("2024-03-10T12:34:56.789123Z");
        Instant ms = Instant.parse("2024-03-10T12:34:56.789Z");

        assertThat(DeepEquality.equal(micros, ms)).isFalse();
        assertThat(millis.normalize(micros)).isEqualTo(ms);
        assertThat(millis.normalize(AT_PLUS_TWO)).isEqualTo(AT_PLUS_TWO.truncatedTo(ChronoUnit.MILLIS));
        assertThat(millis.normalize(AT_PARIS)).isEqualTo(AT_PARIS.truncatedTo(ChronoUnit.MILLIS));
        LocalDateTime local = LocalDateTime.of(2024, 1, 1, 10, 0, 0, 123_456_789);
        assertThat(millis.normalize(local)).isEqualTo(LocalDateTime.of(2024, 1, 1, 10, 0, 0, 123_000_000));
        assertThat(millis.normalize(LocalTime.of(1, 2, 3, 999_999))).isEqualTo(LocalTime.of(1, 2, 3, 0));
    }

    @Test
    void truncatingKeepsDifferencesAboveThePrecision() {
        Normalizer millis = Normalizer.truncatingTimestamps(ChronoUnit.MILLIS);

        assertThat(DeepEquality.equal(
                millis.normalize(List.of(new Row("r", AT, 1))),
                millis.normalize(List.of(new Row("r", AT.plusMillis(1), 1))))).isFalse();
        assertThat(DeepEquality.equal(
                millis.normalize(List.of(new Row("r", AT, 1))),
                millis.normalize(List.of(new Row("r", AT.truncatedTo(ChronoUnit.MILLIS), 1))))).isTrue();
    }

    @Test
    void truncatingTimestampsNeedsAUnit() {
        assertThatThrownBy(() -> Normalizer.truncatingTimestamps(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- deep

    @Test
    void deepRewritesAPojoInsideAList() {
        Normalizer withoutEtag = Normalizer.deep(Account.class, a -> new Account(a.id, a.balanceCents, null));
        List<Account> primary = List.of(new Account("a", 100, "etag-1"), new Account("b", 5, "etag-2"));
        List<Account> secondary = List.of(new Account("a", 100, "W/1"), new Account("b", 5, "W/2"));

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        assertThat(DeepEquality.equal(withoutEtag.normalize(primary), withoutEtag.normalize(secondary))).isTrue();
        assertThat(DeepEquality.equal(
                withoutEtag.normalize(primary),
                withoutEtag.normalize(List.of(new Account("a", 101, "etag-1"), new Account("b", 5, "etag-2")))))
                .isFalse();
    }

    @Test
    void deepRewritesPojosInMapsAndOptionals() {
        Normalizer withoutEtag = Normalizer.deep(Account.class, a -> new Account(a.id, a.balanceCents, null));

        assertThat(withoutEtag.normalize(Map.of("a", new Account("a", 1, "x"))))
                .isEqualTo(Map.of("a", new Account("a", 1, null)));
        assertThat(withoutEtag.normalize(Optional.of(new Account("a", 1, "x"))))
                .isEqualTo(Optional.of(new Account("a", 1, null)));
    }

    @Test
    void deepCallsTheRewriteForNonNullValuesOfTheTypeOnly() {
        AtomicInteger calls = new AtomicInteger();
        Normalizer upper = Normalizer.deep(String.class, s -> {
            assertThat(s).isNotNull();
            calls.incrementAndGet();
            return s.toUpperCase();
        });

        Object normalised = upper.normalize(Arrays.asList("a", null, 3, new Row("r", null, 1)));

        assertThat(normalised).isEqualTo(Arrays.asList("A", null, 3, new Row("R", null, 1)));
        assertThat(calls).hasValue(2);
    }

    @Test
    void deepRejectsNulls() {
        assertThatThrownBy(() -> Normalizer.deep(null, x -> x)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Normalizer.deep(String.class, null)).isInstanceOf(NullPointerException.class);
    }

    // ---- andThen

    @Test
    void andThenAppliesThisNormaliserFirst() {
        Normalizer a = Normalizer.deep(String.class, s -> s + "a");
        Normalizer b = Normalizer.deep(String.class, s -> s + "b");

        assertThat(a.andThen(b).normalize(List.of("x"))).isEqualTo(List.of("xab"));
        assertThat(b.andThen(a).normalize(List.of("x"))).isEqualTo(List.of("xba"));
    }

    @Test
    void utcThenMillisRemovesBothZoneAndPrecisionDifferences() {
        Normalizer both = Normalizer.timestampsToUtc().andThen(Normalizer.truncatingTimestamps(ChronoUnit.MILLIS));
        List<Follow> primary = List.of(new Follow("a", "b", AT_PLUS_TWO));
        List<Follow> secondary = List.of(new Follow("a", "b", AT.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.ofHours(-5))));

        assertThat(DeepEquality.equal(
                Normalizer.timestampsToUtc().normalize(primary),
                Normalizer.timestampsToUtc().normalize(secondary))).isFalse();
        assertThat(DeepEquality.equal(
                Normalizer.truncatingTimestamps(ChronoUnit.MILLIS).normalize(primary),
                Normalizer.truncatingTimestamps(ChronoUnit.MILLIS).normalize(secondary))).isFalse();
        assertThat(DeepEquality.equal(both.normalize(primary), both.normalize(secondary))).isTrue();
    }

    @Test
    void andThenRejectsNull() {
        assertThatThrownBy(() -> Normalizer.timestampsToUtc().andThen(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- ignoringFields

    @Test
    void ignoringFieldsDropsComponentsOfRecordsNestedInListsMapsAndOptionals() {
        Normalizer ignore = Normalizer.ignoringFields("updatedAt", "version");
        Wrapper primary = new Wrapper(
                List.of(new Row("a", AT, 1)), Map.of("a", new Row("a", AT, 1)), Optional.of(new Row("a", AT, 1)));
        Wrapper secondary = new Wrapper(
                List.of(new Row("a", AT.plusSeconds(9), 2)),
                Map.of("a", new Row("a", null, 7)),
                Optional.of(new Row("a", AT.minusSeconds(3), 3)));

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        assertThat(DeepEquality.equal(ignore.normalize(primary), ignore.normalize(secondary))).isTrue();
    }

    @Test
    void ignoringFieldsStillComparesTheOtherComponents() {
        Normalizer ignore = Normalizer.ignoringFields("updatedAt");

        assertThat(DeepEquality.equal(
                ignore.normalize(List.of(new Row("a", AT, 1))),
                ignore.normalize(List.of(new Row("b", AT, 1))))).isFalse();
        assertThat(DeepEquality.equal(
                ignore.normalize(List.of(new Row("a", AT, 1))),
                ignore.normalize(List.of(new Row("a", AT, 2))))).isFalse();
    }

    @Test
    void ignoringFieldsKeepsRecordTypesApart() {
        Normalizer ignore = Normalizer.ignoringFields("updatedAt");

        assertThat(DeepEquality.equal(
                ignore.normalize(new Row("a", AT, 1)), ignore.normalize(new OtherRow("a", AT, 1)))).isFalse();
    }

    @Test
    void ignoringFieldsDropsMapEntriesWithTheName() {
        Normalizer ignore = Normalizer.ignoringFields("updatedAt");

        assertThat(ignore.normalize(Map.of("id", "a", "updatedAt", AT))).isEqualTo(Map.of("id", "a"));
        assertThat(ignore.normalize(List.of(Map.of("updatedAt", 1, "n", Map.of("updatedAt", 2, "k", 3)))))
                .isEqualTo(List.of(Map.of("n", Map.of("k", 3))));
    }

    @Test
    void ignoringFieldsLeavesRecordsWithoutThoseComponentsAsRecords() {
        assertThat(Normalizer.ignoringFields("nothing").normalize(new Row("a", AT, 1))).isEqualTo(new Row("a", AT, 1));
    }

    @Test
    void ignoringFieldsNeedsAName() {
        assertThatThrownBy(Normalizer::ignoringFields)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }

    // ---- input untouched

    @Test
    void normalisersNeverModifyTheirInput() {
        List<Normalizer> normalizers = List.of(
                Normalizer.timestampsToUtc(),
                Normalizer.truncatingTimestamps(ChronoUnit.MILLIS),
                Normalizer.ignoringFields("at", "updatedAt", "k"),
                Normalizer.deep(String.class, String::toUpperCase),
                Normalizer.timestampsToUtc().andThen(Normalizer.ignoringFields("at")));

        for (Normalizer normalizer : normalizers) {
            Follow follow = new Follow("a", "b", AT_PLUS_TWO);
            List<Object> list = new ArrayList<>(List.of(follow, "s"));
            Map<String, Object> map = new HashMap<>(Map.of("k", AT_PARIS, "list", list));
            Set<Object> set = new HashSet<>(Set.of(AT_PLUS_TWO, "s"));
            Object[] array = {AT_PARIS, "s", list};
            OffsetDateTime[] typed = {AT_PLUS_TWO};
            int[] ints = {3, 1, 2};
            Wrapper wrapper = new Wrapper(new ArrayList<>(List.of(new Row("a", AT, 1))), new HashMap<>(), Optional.empty());
            List<Object> input = new ArrayList<>(Arrays.asList(list, map, set, array, typed, ints, wrapper, null));

            normalizer.normalize(input);

            assertThat(input).hasSize(8);
            assertThat(input.get(0)).isSameAs(list);
            assertThat(list).containsExactly(follow, "s");
            assertThat(list.get(0)).isSameAs(follow);
            assertThat(follow.at()).isSameAs(AT_PLUS_TWO);
            assertThat(map).containsOnlyKeys("k", "list").containsEntry("k", AT_PARIS);
            assertThat(map.get("list")).isSameAs(list);
            assertThat(set).containsExactlyInAnyOrder(AT_PLUS_TWO, "s");
            assertThat(array[0]).isSameAs(AT_PARIS);
            assertThat(array[1]).isEqualTo("s");
            assertThat(array[2]).isSameAs(list);
            assertThat(typed[0]).isSameAs(AT_PLUS_TWO);
            assertThat(ints).containsExactly(3, 1, 2);
            assertThat(wrapper.rows()).containsExactly(new Row("a", AT, 1));
        }
    }

    @Test
    void normalisersPassNullThrough() {
        assertThat(Normalizer.timestampsToUtc().normalize(null)).isNull();
        assertThat(Normalizer.ignoringFields("a").normalize(null)).isNull();
        assertThat(Normalizer.deep(String.class, s -> "x").normalize(null)).isNull();
    }
}
