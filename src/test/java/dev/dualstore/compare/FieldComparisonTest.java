package dev.dualstore.compare;

import static dev.dualstore.compare.Clinic.NOON;
import static dev.dualstore.compare.Clinic.visits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.MismatchKind;
import dev.dualstore.ResultComparator;
import dev.dualstore.compare.Clinic.JdbcPet;
import dev.dualstore.compare.Clinic.Owner;
import dev.dualstore.compare.Clinic.Pet;
import dev.dualstore.compare.Clinic.Visit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Objects of classes without {@code equals} compared field by field, as entities are. */
class FieldComparisonTest {

    private static Diagnosis diagnose(Object primary, Object secondary) {
        return ResultComparator.deepEquals().diagnose(primary, secondary);
    }

    @Test
    void identicalEntityGraphsWithoutEqualsMatch() {
        List<Visit> primary = visits();
        List<Visit> secondary = visits();
        assertThat(primary.get(0)).isNotEqualTo(secondary.get(0));   // no equals: identity

        assertThat(DeepEquality.equal(primary, secondary)).isTrue();
        assertThat(ResultComparator.deepEquals().equivalent(primary, secondary)).isTrue();
        assertThat(DeepEquality.equal(primary.get(1).pet.owner, secondary.get(1).pet.owner)).isTrue();
    }

    @Test
    void oneFieldThatDiffersIsNamedByItsPathAndBothSidesTypes() {
        List<Visit> primary = visits();
        List<Visit> secondary = visits();
        secondary.get(1).pet.name = "Basil II";

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        Diagnosis d = diagnose(primary, secondary);
        assertThat(d.kind()).isEqualTo(MismatchKind.VALUE);
        assertThat(d.path()).isEqualTo("[1].pet.name");
        assertThat(d.difference()).isEqualTo("1 of the primary's 2 elements differs from the secondary's"
                + " (1 unmatched of 2); first difference at [1].pet.name: String vs String");
    }

    @Test
    void anOwnerTheSecondaryLeavesNullIsNamedWithBothSides() {
        List<Visit> primary = visits();
        List<Visit> secondary = visits();
        secondary.get(0).pet.owner = null;

        Diagnosis d = diagnose(primary, secondary);
        assertThat(d.path()).isEqualTo("[0].pet.owner");
        assertThat(d.difference()).endsWith("; first difference at [0].pet.owner: Owner vs null")
                .doesNotContain("George").doesNotContain("Leo");
        assertThat(diagnose(secondary, primary).difference()).endsWith("[0].pet.owner: null vs Owner");
    }

    @Test
    void aSingleEntityNamesItsFieldsThatDiffer() {
        Owner primary = new Owner(1L, "George");
        Owner secondary = new Owner(1L, "Georg");
        secondary.pets = null;

        Diagnosis d = diagnose(primary, secondary);
        assertThat(d.difference()).isEqualTo("Owner differs in name, pets (ArrayList of 0 vs null)");
        assertThat(d.path()).isEqualTo("name");

        Pet leo = visits().get(0).pet;
        Pet orphan = visits().get(0).pet;
        orphan.owner = null;
        assertThat(diagnose(leo, orphan)).isEqualTo(new Diagnosis(MismatchKind.VALUE, "Pet differs in owner (Owner vs null)", "owner"));
        Pet renamed = visits().get(0).pet;
        renamed.name = "Leon";
        // Its owner's pets hold it: the owner differs through it too.
        assertThat(diagnose(leo, renamed).difference()).isEqualTo("Pet differs in name, owner");
    }

    @Test
    void backReferencesEndAndAreComparedAsTheyStand() {
        Owner a = visits().get(0).pet.owner;
        Owner b = visits().get(0).pet.owner;
        assertThat(a.pets.get(0).owner).isSameAs(a);

        assertThat(DeepEquality.equal(a, b)).isTrue();
        assertThat(DeepEquality.hash(a)).isEqualTo(DeepEquality.hash(b));

        b.pets.get(1).name = "Maxine";
        assertThat(DeepEquality.equal(a, b)).isFalse();
        assertThat(diagnose(a, b).difference()).isEqualTo("Owner differs in pets; first difference at pets[1].name: String vs String");

        // A back-reference to another owner with the same fields is still a difference when that owner differs.
        Owner c = visits().get(0).pet.owner;
        Owner impostor = new Owner(1L, "Impostor");
        c.pets.get(0).owner = impostor;
        assertThat(DeepEquality.equal(a.pets.get(0), c.pets.get(0))).isFalse();
        assertThat(diagnose(List.of(visits().get(0).pet), List.of(c.pets.get(0))).path()).isEqualTo("[0].owner.name");
    }

    @Test
    void aSubclassDiffersFromItsDeclaredTypeUnlessDeclaredTypesAreCompared() {
        Pet plain = new Pet(10L, "Leo");
        JdbcPet ofTheJdbcStore = new JdbcPet(10L, "Leo", 7);

        assertThat(DeepEquality.equal(ofTheJdbcStore, plain)).isFalse();
        assertThat(diagnose(ofTheJdbcStore, plain)).isEqualTo(new Diagnosis(MismatchKind.TYPE,
                "primary returned a JdbcPet, secondary a Pet"));

        DeepComparator declared = ResultComparator.deep().comparingDeclaredTypes();
        assertThat(declared.equivalent(ofTheJdbcStore, plain)).isTrue();
        assertThat(declared.equivalent(List.of(ofTheJdbcStore), List.of(plain))).isTrue();
        assertThat(declared.equivalent(new JdbcPet(10L, "Leon", 7), plain)).isFalse();
        assertThat(declared.diagnose(new JdbcPet(10L, "Leon", 7), plain).difference()).isEqualTo("JdbcPet differs in name");
        assertThat(declared.equivalent(new Owner(10L, "Leo"), plain)).isFalse();   // nothing shared but Object
    }

    @Test
    void aFieldDeclaredAsTheBaseClassIgnoresTheSubclassFieldsOnBothSides() {
        Visit primary = new Visit(1L, new JdbcPet(10L, "Leo", 7), NOON, "x");
        Visit secondary = new Visit(1L, new JdbcPet(10L, "Leo", 8), NOON, "x");

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        assertThat(diagnose(primary, secondary).path()).isEqualTo("pet.rowVersion");
        assertThat(ResultComparator.deep().comparingDeclaredTypes().equivalent(primary, secondary)).isTrue();
    }

    @Test
    void fieldsAreIgnoredByNameTypeFieldPathOrType() {
        List<Visit> primary = visits();
        List<Visit> secondary = visits();
        secondary.get(0).pet.name = "Leon";
        secondary.get(0).pet.owner.name = "Georgina";
        secondary.get(1).at = NOON.plusSeconds(1);

        assertThat(ResultComparator.deep().ignoringFields("name", "at").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("name").equivalent(primary, secondary)).isFalse();
        assertThat(ResultComparator.deep().ignoringFields("Pet.name", "Owner.name", "Visit.at").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("Pet.name", "Visit.at").diagnose(primary, secondary).path())
                .isEqualTo("[0].pet.owner.name");
        assertThat(ResultComparator.deep().ignoringFields("[*].pet.name", "[0].pet.owner.name", "[1].at")
                .equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("[*].pet.name", "[1].pet.owner.name", "[1].at")
                .diagnose(primary, secondary).path()).isEqualTo("[0].pet.owner.name");
        assertThat(ResultComparator.deep().ignoringFields("[*].pet.*", "[*].at").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("name").ignoringFieldsOfTypes(java.time.Instant.class)
                .equivalent(primary, secondary)).isTrue();
        // The static factory ignores entity fields too, besides record components and map entries.
        assertThat(ResultComparator.ignoringFields("name", "at").equivalent(primary, secondary)).isTrue();
    }

    @Test
    void aPathMatchesOnlyFromTheAnswerItself() {
        Visit primary = visits().get(0);
        Visit secondary = visits().get(0);
        secondary.pet.name = "Leon";

        assertThat(ResultComparator.deep().ignoringFields("pet.name").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("[*].pet.name").equivalent(primary, secondary)).isFalse();
        assertThat(ResultComparator.deep().ignoringFields("[*].pet.name").equivalent(List.of(primary), List.of(secondary))).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("[*].pet.name").unordered()
                .equivalent(Set.of(primary), Set.of(secondary))).isTrue();
    }

    @Test
    void setsOfEntitiesMatchByFieldsThroughTheirStructuralHash() {
        Set<Pet> primary = new HashSet<>();
        Set<Pet> secondary = new HashSet<>();
        List<Pet> shuffled = new ArrayList<>();
        for (long i = 0; i < 500; i++) {
            primary.add(new Pet(i, "pet-" + i));
            shuffled.add(new Pet(i, "pet-" + i));
        }
        Collections.shuffle(shuffled, new java.util.Random(42));
        secondary.addAll(shuffled);

        assertThat(DeepEquality.hash(new Pet(1L, "a"))).isEqualTo(DeepEquality.hash(new Pet(1L, "a")))
                .isNotEqualTo(DeepEquality.hash(new Pet(2L, "a")));
        assertThat(DeepEquality.equal(primary, secondary)).isTrue();
        assertThat(ResultComparator.unordered().equivalent(new ArrayList<>(primary), shuffled)).isTrue();

        shuffled.get(17).name = "renamed";
        assertThat(ResultComparator.unordered().equivalent(new ArrayList<>(primary), shuffled)).isFalse();
        assertThat(diagnose(new ArrayList<>(primary), new ArrayList<>(new HashSet<>(shuffled))).difference())
                .startsWith("1 of the primary's 500 elements differs");
    }

    @Test
    void anIgnoredFieldDoesNotSplitEqualEntitiesInASet() {
        Set<Pet> primary = Set.of(new Pet(1L, "a"), new Pet(2L, "b"));
        Set<Pet> secondary = Set.of(new Pet(1L, "x"), new Pet(2L, "y"));

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        assertThat(ResultComparator.deep().ignoringFields("name").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("Pet.name").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFields("[*].name").equivalent(primary, secondary)).isTrue();
        assertThat(ResultComparator.deep().ignoringFieldsOfTypes(String.class).equivalent(primary, secondary)).isTrue();
    }

    @Test
    void subclassesInASetMatchTheirDeclaredTypeWhenDeclaredTypesAreCompared() {
        Set<Pet> primary = Set.of(new JdbcPet(1L, "a", 3), new JdbcPet(2L, "b", 4));
        Set<Pet> secondary = Set.of(new Pet(2L, "b"), new Pet(1L, "a"));

        assertThat(DeepEquality.equal(primary, secondary)).isFalse();
        assertThat(ResultComparator.deep().comparingDeclaredTypes().equivalent(primary, secondary)).isTrue();
    }

    @Test
    void classesWithTheirOwnEqualsAndJdkClassesKeepTheirEquals() {
        record Money(long cents) {}
        StringBuilder a = new StringBuilder("x");
        StringBuilder b = new StringBuilder("x");

        assertThat(DeepEquality.equal(a, b)).isFalse();   // a JDK class: its own (identity) equals
        assertThat(DeepEquality.equal(new WithEquals(1, "a"), new WithEquals(1, "b"))).isTrue();
        assertThat(DeepEquality.equal(new Money(1), new Money(1))).isTrue();
    }

    /** Equal by id only, as many entities are: its equals is used, not its fields. */
    static final class WithEquals {
        final int id;
        final String name;

        WithEquals(int id, String name) {
            this.id = id;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WithEquals w && w.id == id;
        }

        @Override
        public int hashCode() {
            return id;
        }
    }

    /** A linked entity without equals. */
    static final class Link {
        Link next;
        int value;
    }

    private static Link chain(int length, int last, boolean ring) {
        Link head = new Link();
        Link at = head;
        for (int i = 1; i < length; i++) {
            at.next = new Link();
            at = at.next;
        }
        at.value = last;
        if (ring) {
            at.next = head;
        }
        return head;
    }

    @Test
    void deepChainsAndLongRingsOfEntitiesUseNoThreadStack() {
        int depth = 50_000;

        assertThat(DeepEquality.equal(chain(depth, 1, false), chain(depth, 1, false))).isTrue();
        assertThat(DeepEquality.equal(chain(depth, 1, false), chain(depth, 2, false))).isFalse();
        assertThat(DeepEquality.equal(chain(depth, 1, true), chain(depth, 1, true))).isTrue();
        assertThat(DeepEquality.equal(chain(depth, 1, true), chain(depth, 2, true))).isFalse();
        assertThat(DeepEquality.hash(chain(depth, 1, true))).isEqualTo(DeepEquality.hash(chain(depth, 1, true)));
        Diagnosis d = diagnose(chain(depth, 1, false), chain(depth, 2, false));
        assertThat(d.difference()).startsWith("Link differs in next; first difference at next.next.next.next.next.next ... ")
                .endsWith(" ... next.next.next.value, 50000 levels down: Integer vs Integer");
        assertThat(d.path()).isEqualTo("next.next.next.next.next.next ... next.next.next.value, 50000 levels down");
        assertThat(diagnose(List.of(chain(20, 1, false)), List.of(chain(20, 2, false))).path())
                .isEqualTo("[0]" + ".next".repeat(19) + ".value");
    }
}
