package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.ResultComparator;
import dev.dualstore.compare.Clinic.Owner;
import dev.dualstore.compare.Clinic.Pet;
import dev.dualstore.compare.Clinic.Visit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a snapshot freezes, what it keeps, and that it runs no code of the answer's. */
class SnapshotTest {
    private final DeepComparator deep = ResultComparator.deep();

    @Test
    void aChangedAnswerNoLongerMatchesItsSnapshotAndTheSnapshotStillMatchesAFreshCopy() {
        List<Visit> answer = Clinic.visits();
        Object snapshot = DeepComparator.snapshot(answer);
        answer.get(0).getPet().getOwner().adopt(new Pet(12L, "Kitty"));
        answer.get(1).getPet().setOwner(null);

        assertThat(deep.equivalent(snapshot, DeepComparator.snapshot(answer))).isFalse();
        assertThat(deep.equivalent(snapshot, DeepComparator.snapshot(Clinic.visits()))).isTrue();
        assertThat(deep.equivalent(snapshot, Clinic.visits())).as("a snapshot against the live graph").isTrue();
        assertThat(deep.diagnose(snapshot, DeepComparator.snapshot(answer)).path())
                .contains("[0].pet.owner.pets");
    }

    @Test
    void cyclesAndSharedPartsStayAsTheyWere() {
        Owner george = new Owner(1L, "George");
        Pet leo = george.adopt(new Pet(10L, "Leo"));
        List<Object> answer = new ArrayList<>(List.of(george, leo, leo));
        @SuppressWarnings("unchecked")
        List<Object> snapshot = (List<Object>) DeepComparator.snapshot(answer);

        assertThat(snapshot.get(1)).isSameAs(snapshot.get(2));
        Snapshot.Node owner = (Snapshot.Node) snapshot.get(0);
        Snapshot.Node pet = (Snapshot.Node) snapshot.get(1);
        assertThat(owner.type).isEqualTo(Owner.class);
        @SuppressWarnings("unchecked")
        List<Object> pets = (List<Object>) owner.values[2];
        assertThat(pets).singleElement().isSameAs(pet);
        assertThat(pet.values[2]).as("leo.owner closes the cycle").isSameAs(owner);
        assertThat(deep.equivalent(snapshot, DeepComparator.snapshot(new ArrayList<>(answer)))).isTrue();
    }

    @Test
    void containersAreCopiedAndLeavesKept() {
        Date when = new Date(1_000);
        int[] counts = {1, 2};
        Map<String, Object> map = new HashMap<>(Map.of("k", new ArrayList<>(List.of("v"))));
        Object[] answer = {when, counts, map, Optional.of(new ArrayList<>(List.of(1))), Set.of("s"), "text", 7L};
        Object[] snapshot = (Object[]) DeepComparator.snapshot(answer);
        when.setTime(2_000);
        counts[0] = 9;
        map.put("other", 1);

        assertThat(((Date) snapshot[0]).getTime()).isEqualTo(1_000);
        assertThat((int[]) snapshot[1]).containsExactly(1, 2);
        assertThat(new ArrayList<Object>(((Map<?, ?>) snapshot[2]).keySet())).containsExactly("k");
        assertThat(snapshot[5]).isSameAs(answer[5]);
        assertThat(snapshot[6]).isSameAs(answer[6]);
        assertThat(snapshot).isNotSameAs(answer);
        assertThat(deep.equivalent(snapshot, new Object[] {new Date(1_000), new int[] {1, 2}, Map.of("k", List.of("v")),
                Optional.of(List.of(1)), Set.of("s"), "text", 7L})).isTrue();
    }

    /** A record whose accessor and compact constructor would fail if run. */
    record Guarded(String value) {
        Guarded {
            if (value.equals("bad")) {
                throw new IllegalArgumentException("constructor ran");
            }
        }

        @Override
        public String value() {
            throw new IllegalStateException("accessor ran");
        }
    }

    /** An entity whose getter would fail if run. */
    static final class Entity {
        final List<Guarded> values = new ArrayList<>(List.of(new Guarded("a")));

        public List<Guarded> getValues() {
            throw new IllegalStateException("getter ran");
        }
    }

    @Test
    void noGetterAccessorOrConstructorOfTheAnswersRuns() {
        Entity entity = new Entity();
        Object snapshot = DeepComparator.snapshot(entity);
        entity.values.clear();

        Object fresh = DeepComparator.snapshot(new Entity());
        assertThat(deep.equivalent(snapshot, fresh)).isTrue();
        assertThat(deep.equivalent(snapshot, DeepComparator.snapshot(entity))).isFalse();
    }

    @Test
    void aCollectionHoldingItselfEndsInACycleMarker() {
        List<Object> loop = new ArrayList<>();
        loop.add("a");
        loop.add(loop);
        List<?> snapshot = (List<?>) DeepComparator.snapshot(loop);
        assertThat(snapshot.get(1)).isSameAs(Walker.CYCLE);
    }
}
