package dev.dualstore.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.dualstore.ResultComparator;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceConfiguration;
import org.hibernate.Hibernate;
import org.hibernate.LazyInitializationException;
import org.hibernate.proxy.HibernateProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lazy values of a real Hibernate (on H2 in memory): a detached entity's uninitialised
 * {@code @OneToMany} bag and {@code @ManyToOne} proxy are recognised, never loaded, and reported as
 * not compared; the JDBC store's side of the same rows is the same classes, built by hand.
 */
class HibernateLazyValuesTest {

    @Entity(name = "Owner")
    @Table(name = "owners")
    public static class Owner {
        @Id
        Long id;
        String name;
        @OneToMany(mappedBy = "owner", fetch = FetchType.LAZY)
        List<Pet> pets = new ArrayList<>();

        protected Owner() {}

        Owner(Long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    @Entity(name = "Pet")
    @Table(name = "pets")
    public static class Pet {
        @Id
        Long id;
        String name;
        @ManyToOne(fetch = FetchType.LAZY)
        Owner owner;

        protected Pet() {}

        Pet(Long id, String name, Owner owner) {
            this.id = id;
            this.name = name;
            this.owner = owner;
            if (owner != null) {
                owner.pets.add(this);
            }
        }

        public Owner getOwner() {
            return owner;
        }
    }

    // JPA's own API: javac never needs Hibernate's SessionFactory, whose supertypes are in a JDK
    // module the dev.dualstore module (which the tests are compiled into) does not read.
    private static EntityManagerFactory sessions;

    @BeforeAll
    static void database() {
        sessions = new PersistenceConfiguration("lazy")
                .managedClass(Owner.class)
                .managedClass(Pet.class)
                .property(PersistenceConfiguration.JDBC_URL, "jdbc:h2:mem:lazy;DB_CLOSE_DELAY=-1")
                .property(PersistenceConfiguration.JDBC_USER, "sa")
                .property(PersistenceConfiguration.SCHEMAGEN_DATABASE_ACTION, "drop-and-create")
                .createEntityManagerFactory();
        sessions.runInTransaction(s -> {
            Owner george = new Owner(1L, "George");
            s.persist(george);
            s.persist(new Pet(10L, "Leo", george));
            s.persist(new Pet(11L, "Max", george));
        });
    }

    @AfterAll
    static void close() {
        sessions.close();
    }

    /** What the JDBC store returns for owner 1: the same classes, every association loaded. */
    private static Owner jdbcGeorge() {
        Owner george = new Owner(1L, "George");
        new Pet(10L, "Leo", george);
        new Pet(11L, "Max", george);
        return george;
    }

    private static Owner detachedOwner() {
        return sessions.callInTransaction(s -> s.find(Owner.class, 1L));
    }

    private static Pet detachedPet() {
        return sessions.callInTransaction(s -> s.find(Pet.class, 10L));
    }

    @Test
    void theFixtureIsReallyLazyAndDetached() {
        Owner owner = detachedOwner();
        Pet pet = detachedPet();

        assertThat(Hibernate.isInitialized(owner.pets)).isFalse();
        assertThat(pet.owner).isInstanceOf(HibernateProxy.class);
        assertThat(Hibernate.isInitialized(pet.owner)).isFalse();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> owner.pets.size()))
                .isInstanceOf(LazyInitializationException.class);
    }

    @Test
    void anUnloadedCollectionIsNeverTouchedAndReportedAsNotCompared() {
        Owner jpa = detachedOwner();
        Owner jdbc = jdbcGeorge();
        DeepComparator comparator = ResultComparator.deep();

        assertThatCode(() -> assertThat(comparator.equivalent(jdbc, jpa)).isTrue()).doesNotThrowAnyException();
        assertThat(comparator.equivalent(jpa, jdbc)).isTrue();
        assertThat(DeepEquality.hash(jpa)).isEqualTo(DeepEquality.hash(jdbc));
        assertThat(comparator.notCompared(jdbc, jpa)).containsExactly("pets");
        assertThat(Hibernate.isInitialized(jpa.pets)).isFalse();
    }

    @Test
    void aSnapshotKeepsUnloadedValuesUnloadedAndComparesAsTheEntity() {
        Owner jpa = detachedOwner();
        Pet leo = detachedPet(); // its owner is a proxy never loaded
        Object owner = DeepComparator.snapshot(jpa);
        Object pet = DeepComparator.snapshot(leo);
        DeepComparator comparator = ResultComparator.deep();

        assertThat(Hibernate.isInitialized(jpa.pets)).isFalse();
        assertThat(Hibernate.isInitialized(leo.owner)).isFalse();
        assertThat(comparator.equivalent(owner, DeepComparator.snapshot(jdbcGeorge()))).isTrue();
        assertThat(comparator.notCompared(owner, DeepComparator.snapshot(jdbcGeorge()))).containsExactly("pets");
        assertThat(comparator.equivalent(pet, DeepComparator.snapshot(jdbcGeorge().pets.get(0)))).isTrue();
        assertThat(comparator.notCompared(pet, DeepComparator.snapshot(jdbcGeorge().pets.get(0)))).containsExactly("owner");
        assertThat(Hibernate.isInitialized(leo.owner)).isFalse();
    }

    @Test
    void anUnloadedProxyIsNeverTouchedAndReportedAsNotCompared() {
        Pet jpa = detachedPet();
        Pet jdbc = jdbcGeorge().pets.get(0);
        DeepComparator comparator = ResultComparator.deep();

        assertThat(comparator.equivalent(List.of(jdbc), List.of(jpa))).isTrue();
        assertThat(comparator.notCompared(List.of(jdbc), List.of(jpa))).containsExactly("[0].owner");
        assertThat(Hibernate.isInitialized(jpa.owner)).isFalse();
    }

    @Test
    void aDifferenceBesideUnloadedValuesIsDiagnosedWithoutLoadingThem() {
        Owner jpa = detachedOwner();
        Owner jdbc = jdbcGeorge();
        jdbc.name = "Georg";
        Pet jpaPet = detachedPet();
        Pet jdbcPet = jdbcGeorge().pets.get(0);
        jdbcPet.name = "Leon";

        assertThat(DeepEquality.equal(jdbc, jpa)).isFalse();
        assertThat(Diagnosis.of(jdbc, jpa).difference()).isEqualTo("Owner differs in name");
        // The holder's proxy is met before the difference, so the diagnosis lists it; the pet's
        // own proxy comes after its name, where the comparison stopped.
        Diagnosis d = Diagnosis.of(List.of(new Holder(jdbcPet.owner, jdbcPet)), List.of(new Holder(jpaPet.owner, jpaPet)));
        assertThat(d.path()).isEqualTo("[0].pet.name");
        assertThat(d.difference()).contains("first difference at [0].pet.name: String vs String")
                .endsWith("; not compared (never loaded): [0].owner");
        assertThat(Hibernate.isInitialized(jpa.pets)).isFalse();
        assertThat(Hibernate.isInitialized(jpaPet.owner)).isFalse();
    }

    /** An answer holding an owner before the pet, so the owner is met first. */
    static final class Holder {
        final Owner owner;
        final Pet pet;

        Holder(Owner owner, Pet pet) {
            this.owner = owner;
            this.pet = pet;
        }
    }

    @Test
    void anUnloadedValueAgainstNullIsADifferenceNamedWithoutLoadingIt() {
        Pet jpa = detachedPet();
        Pet orphan = new Pet(10L, "Leo", null);

        assertThat(DeepEquality.equal(jpa, orphan)).isFalse();
        Diagnosis d = Diagnosis.of(List.of(jpa), List.of(orphan));
        assertThat(d.path()).isEqualTo("[0].owner");
        assertThat(d.difference()).endsWith("first difference at [0].owner: Owner (not loaded) vs null");
        assertThat(Hibernate.isInitialized(jpa.owner)).isFalse();
    }

    @Test
    void anUnloadedProxyAnsweredWholeMatchesAndIsNotLoaded() {
        Owner reference = sessions.callInTransaction(s -> s.getReference(Owner.class, 1L));
        assertThat(Hibernate.isInitialized(reference)).isFalse();

        assertThat(ResultComparator.deepEquals().equivalent(jdbcGeorge(), reference)).isTrue();
        assertThat(ResultComparator.unordered().equivalent(List.of(jdbcGeorge()), List.of(reference))).isTrue();
        assertThat(DeepEquality.equal(Set.of(jdbcGeorge()), Set.of(reference))).isTrue();
        assertThat(DeepEquality.equal(Set.of(jdbcGeorge(), new Owner(2L, "Betty")), Set.of(reference))).isFalse();
        assertThatCode(() -> Diagnosis.of(jdbcGeorge(), reference)).doesNotThrowAnyException();
        assertThat(Diagnosis.of(null, reference).difference()).isEqualTo("primary returned null, secondary a Owner (not loaded)");
        assertThat(Hibernate.isInitialized(reference)).isFalse();
    }

    @Test
    void inASetAnUnloadedElementMatchesWhatTheOtherSideHasLeftOver() {
        Owner reference = sessions.callInTransaction(s -> s.getReference(Owner.class, 1L));
        Owner betty = new Owner(2L, "Betty");
        Set<Object> jdbc = new HashSet<>(List.of(jdbcGeorge(), betty));
        Set<Object> jpa = new HashSet<>(List.of(reference, new Owner(2L, "Betty")));

        assertThat(DeepEquality.equal(jdbc, jpa)).isTrue();
        assertThat(DeepEquality.equal(jpa, jdbc)).isTrue();
        jpa = new HashSet<>(List.of(reference, new Owner(3L, "Carol")));
        assertThat(DeepEquality.equal(jdbc, jpa)).isFalse();
        assertThat(Diagnosis.of(jdbc, jpa).difference()).startsWith("1 of the primary's 2 elements differs");
        assertThat(Hibernate.isInitialized(reference)).isFalse();
    }

    @Test
    void anInitialisedProxyIsComparedAsTheEntityItStandsFor() {
        Owner loaded = sessions.callInTransaction(s -> {
            Owner reference = s.getReference(Owner.class, 1L);
            Hibernate.initialize(reference);
            // The proxy's own fields are never set: the entity it stands for holds the bag.
            Hibernate.initialize(((Owner) Hibernate.unproxy(reference)).pets);
            return reference;
        });
        assertThat(loaded).isInstanceOf(HibernateProxy.class);
        assertThat(Hibernate.isInitialized(loaded)).isTrue();

        assertThat(DeepEquality.equal(jdbcGeorge(), loaded)).isTrue();
        Owner other = jdbcGeorge();
        other.pets.get(1).name = "Maxine";
        assertThat(DeepEquality.equal(other, loaded)).isFalse();
        assertThat(Diagnosis.of(other, loaded).difference())
                .isEqualTo("Owner differs in pets; first difference at pets[1].name: String vs String");
    }

    @Test
    void unorderedComparatorsAndNormalisersLeaveUnloadedValuesAlone() {
        Owner jpa = detachedOwner();
        Pet jpaPet = detachedPet();
        Owner jdbc = jdbcGeorge();

        assertThat(ResultComparator.unordered().equivalent(jdbc.pets, jpa.pets)).isTrue();
        assertThat(ResultComparator.unordered().equivalent(null, jpa.pets)).isFalse();
        assertThat(ResultComparator.normalizing(Normalizer.timestampsToUtc())
                .equivalent(List.of(jdbc, jdbc.pets, jdbc.pets.get(0)), List.of(jpa, jpa.pets, jpaPet))).isTrue();
        assertThat(ResultComparator.ignoringFields("name").equivalent(List.of(jdbc.pets), List.of(jpa.pets))).isTrue();
        assertThat(Hibernate.isInitialized(jpa.pets)).isFalse();
        assertThat(Hibernate.isInitialized(jpaPet.owner)).isFalse();
    }
}
