package dev.dualstore.compare;

import static dev.dualstore.compare.DeepEqualityCyclesTest.diamonds;
import static dev.dualstore.compare.DeepEqualityDepthTest.DEPTH;
import static dev.dualstore.compare.DeepEqualityDepthTest.nest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.ResultComparator;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Normalisers on cyclic and deep answers: they end on the default thread stack, cut each cycle
 * where the walk closes it (the placeholder {@link Walker#CYCLE} stands there), rebuild deep
 * answers whole, and leave their input alone.
 */
// A separate thread, so that a timeout stops work that would never end; its stack is the default size.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NormalizerCyclesAndDepthTest {

    static final Instant AT = Instant.parse("2024-03-10T12:34:56.789123456Z");
    static final OffsetDateTime AT_PLUS_TWO = AT.atOffset(ZoneOffset.ofHours(2));
    static final OffsetDateTime AT_MINUS_FIVE = AT.atOffset(ZoneOffset.ofHours(-5));
    static final OffsetDateTime AT_UTC = AT.atOffset(ZoneOffset.UTC);

    record Member(String name, OffsetDateTime joined, List<Member> friends) {}

    record Link(Link next, OffsetDateTime at) {}

    static List<Object> selfContaining(Object other) {
        List<Object> list = new ArrayList<>();
        list.add(list);
        list.add(other);
        return list;
    }

    /** a -> b -> a through the records' friend lists. */
    static Member members(String a, String b, OffsetDateTime joined) {
        Member first = new Member(a, joined, new ArrayList<>());
        Member second = new Member(b, joined, new ArrayList<>());
        first.friends().add(second);
        second.friends().add(first);
        return first;
    }

    static Link links(int length, OffsetDateTime bottom) {
        Link link = new Link(null, bottom);
        for (int i = 1; i < length; i++) {
            link = new Link(link, AT_UTC);
        }
        return link;
    }

    // ---- cycles

    @Test
    void aSelfContainingListIsRebuiltWithTheCycleCut() {
        Object normalised = Normalizer.timestampsToUtc().normalize(selfContaining(AT_PLUS_TWO));

        assertThat(normalised).isInstanceOf(List.class);
        List<?> list = (List<?>) normalised;
        assertThat(list).hasSize(2);
        assertThat(list.get(0)).isSameAs(Walker.CYCLE);
        assertThat(list.get(1)).isEqualTo(AT_UTC);
    }

    @Test
    void cyclicAnswersMatchAfterNormalisingWhenOnlyTheNormalisedPartsDiffer() {
        Normalizer utc = Normalizer.timestampsToUtc();

        assertThat(DeepEquality.equal(selfContaining(AT_PLUS_TWO), selfContaining(AT_MINUS_FIVE))).isFalse();
        assertThat(DeepEquality.equal(
                utc.normalize(selfContaining(AT_PLUS_TWO)), utc.normalize(selfContaining(AT_MINUS_FIVE)))).isTrue();
        assertThat(DeepEquality.equal(
                utc.normalize(selfContaining(AT_PLUS_TWO)), utc.normalize(selfContaining(AT_PLUS_TWO.plusSeconds(1)))))
                .isFalse();
    }

    @Test
    void mutualCyclesThroughRecordsAreRebuiltAsRecords() {
        Normalizer utc = Normalizer.timestampsToUtc();

        Object normalised = utc.normalize(members("a", "b", AT_PLUS_TWO));

        assertThat(normalised).isInstanceOf(Member.class);
        Member a = (Member) normalised;
        assertThat(a.joined()).isEqualTo(AT_UTC);
        Member b = a.friends().get(0);
        assertThat(b.name()).isEqualTo("b");
        assertThat(b.joined()).isEqualTo(AT_UTC);
        // Generics are erased: the rebuilt List<Member> holds the placeholder, as it would hold
        // a map for a nested record that lost components to ignoringFields.
        assertThat(new ArrayList<Object>(b.friends())).containsExactly(Walker.CYCLE);
    }

    @Test
    void comparatorsAfterANormaliserHandleCycles() {
        ResultComparator comparator = ResultComparator.normalizing(Normalizer.timestampsToUtc());

        assertThat(comparator.equivalent(members("a", "b", AT_PLUS_TWO), members("a", "b", AT_MINUS_FIVE))).isTrue();
        assertThat(comparator.equivalent(members("a", "b", AT_PLUS_TWO), members("a", "c", AT_MINUS_FIVE))).isFalse();
        assertThat(comparator.diagnose(members("a", "b", AT_PLUS_TWO), members("a", "c", AT_MINUS_FIVE)).difference())
                .isEqualTo("Member differs in friends; first difference at friends[0].name: String vs String");
    }

    @Test
    void ignoringFieldsHandlesAMapThatHoldsItself() {
        Map<String, Object> primary = new HashMap<>();
        primary.put("self", primary);
        primary.put("id", "a");
        primary.put("updatedAt", AT);
        Map<String, Object> secondary = new HashMap<>();
        secondary.put("self", secondary);
        secondary.put("id", "a");
        secondary.put("updatedAt", AT.plusSeconds(5));
        Normalizer ignore = Normalizer.ignoringFields("updatedAt");

        assertThat(ignore.normalize(primary)).isEqualTo(Map.of("self", Walker.CYCLE, "id", "a"));
        assertThat(DeepEquality.equal(ignore.normalize(primary), ignore.normalize(secondary))).isTrue();
    }

    @Test
    void aSetThatHoldsItselfIsRebuiltWithTheCycleCut() {
        Set<Object> set = new HashSet<>(Set.of(AT_PLUS_TWO));
        set.add(set);

        assertThat(Normalizer.timestampsToUtc().normalize(set)).isEqualTo(Set.of(AT_UTC, Walker.CYCLE));
    }

    @Test
    void normalisingLeavesACyclicInputUntouched() {
        Member a = members("a", "b", AT_PLUS_TWO);
        Member b = a.friends().get(0);

        Normalizer.timestampsToUtc().andThen(Normalizer.ignoringFields("name")).normalize(a);

        assertThat(a.joined()).isSameAs(AT_PLUS_TWO);
        assertThat(a.friends()).hasSize(1);
        assertThat(a.friends().get(0)).isSameAs(b);
        assertThat(b.friends()).hasSize(1);
        assertThat(b.friends().get(0)).isSameAs(a);
    }

    @Test
    void sharedContainersStayShared() {
        List<Object> shared = new ArrayList<>(List.of(List.of(AT_PLUS_TWO)));

        Object normalised = Normalizer.timestampsToUtc().normalize(List.of(shared, shared));

        List<?> list = (List<?>) normalised;
        assertThat(list.get(0)).isSameAs(list.get(1)).isEqualTo(List.of(List.of(AT_UTC)));
    }

    @Test
    void sharedPartsAreNormalisedInLinearTime() {
        // 2^64 paths through 64 distinct lists.
        Normalizer utc = Normalizer.timestampsToUtc();

        assertThat(DeepEquality.equal(
                utc.normalize(diamonds(64, AT_PLUS_TWO)), utc.normalize(diamonds(64, AT_MINUS_FIVE)))).isTrue();
    }

    // ---- deep

    @Test
    void deepRecordChainsAreRebuiltWhole() {
        Normalizer utc = Normalizer.timestampsToUtc();

        Object primary = utc.normalize(links(DEPTH, AT_PLUS_TWO));
        Object secondary = utc.normalize(links(DEPTH, AT_MINUS_FIVE));

        assertThat(primary).isInstanceOf(Link.class);
        Link bottom = (Link) primary;
        int length = 1;
        while (bottom.next() != null) {
            bottom = bottom.next();
            length++;
        }
        assertThat(length).isEqualTo(DEPTH);
        assertThat(bottom.at()).isEqualTo(AT_UTC);
        assertThat(DeepEquality.equal(primary, secondary)).isTrue();
        assertThat(DeepEquality.equal(primary, utc.normalize(links(DEPTH, AT_PLUS_TWO.plusNanos(1))))).isFalse();
    }

    @Test
    void deepListsAndMapsAreNormalisedAtTheBottom() {
        Normalizer utc = Normalizer.timestampsToUtc();
        Normalizer ignore = Normalizer.ignoringFields("updatedAt");

        assertThat(DeepEquality.equal(
                utc.normalize(nest(DEPTH, AT_PLUS_TWO, List::of)), utc.normalize(nest(DEPTH, AT_MINUS_FIVE, List::of))))
                .isTrue();
        assertThat(DeepEquality.equal(
                ignore.normalize(nest(DEPTH, Map.of("id", 1, "updatedAt", AT), v -> Map.of("k", v))),
                ignore.normalize(nest(DEPTH, Map.of("id", 1, "updatedAt", AT.plusSeconds(1)), v -> Map.of("k", v)))))
                .isTrue();
        assertThat(DeepEquality.equal(
                ignore.normalize(nest(DEPTH, Map.of("id", 1), v -> Map.of("k", v))),
                ignore.normalize(nest(DEPTH, Map.of("id", 2), v -> Map.of("k", v)))))
                .isFalse();
    }
}
