package dev.dualstore.realdao;

import static dev.dualstore.realdao.ClinicStores.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.Divergence;
import dev.dualstore.Mismatch;
import dev.dualstore.MirroringBackend;
import dev.dualstore.MismatchKind;
import dev.dualstore.ResultComparator;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The clinic's service tests, run through dualstore on H2, PostgreSQL and MariaDB: the JDBC
 * repositories answer, the JPA ones are mirrored to, and the service's {@code @Transactional} is
 * bound to the JDBC store's transaction manager.
 */
class ClinicServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestDatabases OLD = new TestDatabases();
    @RegisterExtension
    static final TestDatabases NEW = new TestDatabases();
    private static final Map<Server, ClinicStores> STORES = new EnumMap<>(Server.class);

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final List<Mismatch> mismatches = new CopyOnWriteArrayList<>();
    private final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    private ClinicMirror mirror;

    private static synchronized ClinicStores stores(Server server) {
        ClinicStores stores = STORES.computeIfAbsent(server, s -> ClinicStores.open(s, OLD, NEW));
        stores.clear();
        return stores;
    }

    @AfterAll
    static void closeStores() throws Exception {
        for (ClinicStores stores : STORES.values()) {
            stores.close();
        }
        STORES.clear();
    }

    @AfterEach
    void closeMirror() {
        if (mirror != null) {
            mirror.close();
        }
    }

    private ClinicService service(ClinicStores stores, ClinicRepositories jdbc, ClinicRepositories jpa,
            Consumer<MirroringBackend.Builder<?>> more) {
        mirror = ClinicMirror.wrap(jdbc, jpa, registry, settings -> {
            settings.mismatchListener(mismatches::add).divergenceListener(divergences::add);
            more.accept(settings);
        });
        return mirror.service(stores.transactions);
    }

    private ClinicService service(ClinicStores stores) {
        return service(stores, stores.old(), stores.current(), settings -> { });
    }

    private void drain() {
        assertThat(mirror.group.drain(WAIT)).as("drained; so far %s %s", resultsOtherThan("dualstore.comparisons", "match"),
                resultsOtherThan("dualstore.writes", "success")).isTrue();
    }

    /** Every comparison and shadow write result other than the given ones, with its count. */
    private Map<String, Double> resultsOtherThan(String meter, String... expected) {
        Map<String, Double> others = new java.util.TreeMap<>();
        for (Meter m : registry.getMeters()) {
            String result = m.getId().getTag("result");
            if (m.getId().getName().equals(meter) && !List.of(expected).contains(result)) {
                double count = m instanceof io.micrometer.core.instrument.Counter c ? c.count() : 0;
                if (count > 0) {
                    others.merge(m.getId().getTag("method") + "{" + result + "}", count, Double::sum);
                }
            }
        }
        return others;
    }

    private List<String> describe() {
        return mismatches.stream().map(m -> m.backend() + "." + m.method() + " " + m.kind() + " " + m.difference()).toList();
    }

    /** Two owners with pets and visits, a rename and a move, then every read the service has. */
    private static void dayAtTheClinic(ClinicService clinic, Runnable settle) {
        Owner george = clinic.registerOwner(new Owner("George", "Franklin", "Madison"),
                List.of(new Pet("Leo", "cat", day(-900)), new Pet("Basil", "hamster", day(-400))));
        Owner betty = clinic.registerOwner(new Owner("Betty", "Davis", "Sun Prairie"), List.of(new Pet("Rosy", "dog", day(-700))));
        settle.run();
        Pet leo = clinic.petsOf(george.getId()).get(1);
        clinic.addVisit(leo.getId(), day(3), "rabies shot");
        clinic.addVisit(leo.getId(), day(1), "neutered");
        clinic.addVisit(betty.getPets().get(0).getId(), day(2), "spayed");
        clinic.renameOwner(betty.getId(), "Davis-Franklin");
        clinic.moveOwner(george.getId(), "Monona");
        settle.run();
        clinic.owner(george.getId()).orElseThrow();
        clinic.owner(betty.getId()).orElseThrow();
        clinic.ownersNamed("Franklin");
        clinic.petsOf(george.getId());
        clinic.petsOf(betty.getId());
        clinic.visitsOf(leo.getId());
        clinic.allVisits();
        clinic.vets();
        clinic.ownerCount();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void theServiceThroughTheMirrorGivesNoFalseMismatchAndNoFailedShadowWrite(Server server) {
        ClinicStores stores = stores(server);
        ClinicService clinic = service(stores);

        dayAtTheClinic(clinic, this::drain);
        drain();

        assertThat(resultsOtherThan("dualstore.writes", "success")).as("shadow writes %s", divergences).isEmpty();
        assertThat(resultsOtherThan("dualstore.comparisons", "match")).as("comparisons %s", describe()).isEmpty();
        assertThat(meters.comparisons("match")).as("5 reads while writing, 9 after").isEqualTo(14);
        assertThat(meters.writes("success")).as("2 owners and 3 pets inserted, 3 visits, a rename, a move").isEqualTo(10);
        assertThat(mismatches).isEmpty();
        assertThat(divergences).isEmpty();
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).isEmpty();
    }

    /** George with two pets, two visits of Leo's; then the mirror has settled. */
    private Owner george(ClinicService clinic) {
        Owner george = clinic.registerOwner(new Owner("George", "Franklin", "Madison"),
                List.of(new Pet("Leo", "cat", day(-900)), new Pet("Basil", "hamster", day(-400))));
        long leo = george.getPets().get(0).getId();
        clinic.addVisit(leo, day(3), "rabies shot");
        clinic.addVisit(leo, day(1), "neutered");
        drain();
        return george;
    }

    /** Waits for the mirror, then checks that nothing but {@code expected} was reported, and returns the mismatches. */
    private List<Mismatch> onlyMismatchesOf(String method) {
        drain();
        assertThat(resultsOtherThan("dualstore.writes", "success")).as("shadow writes %s", divergences).isEmpty();
        assertThat(resultsOtherThan("dualstore.comparisons", "match")).containsOnlyKeys(method + "{mismatch}");
        return mismatches;
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aFieldTheJdbcStoreLeavesNullIsReportedOnceWithItsPathAndBothSides(Server server) {
        ClinicStores stores = stores(server);
        VisitRepository withoutOwners = new JdbcVisitRepository(stores.jdbc) {
            @Override
            protected Owner ownerOf(java.sql.ResultSet rs, long id) {
                return null; // the bug: the pet's owner is never set
            }
        };
        ClinicService clinic = service(stores, stores.old().withVisits(withoutOwners), stores.current(), settings -> { });
        Owner george = george(clinic);

        clinic.visitsOf(george.getPets().get(0).getId());

        assertThat(onlyMismatchesOf("findByPetId")).singleElement().satisfies(m -> {
            assertThat(m.method()).isEqualTo("findByPetId");
            assertThat(m.path()).isEqualTo("[0].pet.owner");
            assertThat(m.difference()).isEqualTo("2 of the primary's 2 elements differ from the secondary's (2 unmatched of 2);"
                    + " first difference at [0].pet.owner: null vs Owner");
        });
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aDifferentOrderIsReportedOnceAsAnOrderMismatch(Server server) {
        ClinicStores stores = stores(server);
        VisitRepository byDescription = new JpaVisitRepository(stores.jpa) {
            @Override
            protected String order() {
                return "v.description desc, v.id"; // the bug: not the order the interface promises
            }
        };
        ClinicService clinic = service(stores, stores.old(), stores.current().withVisits(byDescription), settings -> { });
        george(clinic);

        assertThat(clinic.allVisits()).extracting(Visit::getDescription).containsExactly("neutered", "rabies shot");

        assertThat(onlyMismatchesOf("findAll")).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MismatchKind.ORDER);
            assertThat(m.path()).isEqualTo("[0]");
            assertThat(m.difference()).isEqualTo("same 2 elements in another order, first out of place at index 0");
        });
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aRowTheSecondaryLacksIsReportedOnceAsMissing(Server server) {
        ClinicStores stores = stores(server);
        ClinicService clinic = service(stores);
        Owner george = george(clinic);
        long basil = george.getPets().get(1).getId();
        stores.jpa.runInTransaction(em -> em.createQuery("delete from Pet p where p.id = :id").setParameter("id", basil)
                .executeUpdate()); // lost by the new store: a backfill that missed it, say

        clinic.owner(george.getId()).orElseThrow(); // its pets are lazy in the new store: not compared
        clinic.petsOf(george.getId());

        assertThat(onlyMismatchesOf("findByOwnerId")).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MismatchKind.MISSING);
            assertThat(m.path()).isEqualTo("[0]");
            assertThat(m.difference()).isEqualTo("secondary lacks 1 of the primary's 2 elements; first missing at [0]: JdbcPet");
        });
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aRolledBackRegistrationNeverReachesTheSecondary(Server server) {
        ClinicStores stores = stores(server);
        ClinicService clinic = service(stores);
        george(clinic);

        assertThatThrownBy(() -> clinic.registerOwner(new Owner("Jean", "Coleman", "Monona"),
                List.of(new Pet("Samantha", "cat", day(-300)), new Pet(" ", "dog", day(-30)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a pet needs a name");
        drain();

        assertThat(meters.writes("rolledback")).as("the owner's insert and Samantha's").isEqualTo(2);
        assertThat(resultsOtherThan("dualstore.writes", "success", "rolledback")).isEmpty();
        assertThat(stores.old().owners().count()).isOne();
        assertThat(stores.current().owners().count()).isOne();
        assertThat(clinic.ownersNamed("Coleman")).isEmpty();
        drain();
        assertThat(resultsOtherThan("dualstore.comparisons", "match")).isEmpty();
        assertThat(mismatches).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void anUpdateThatTouchesNothingOnTheSecondaryIsADivergenceNotASuccess(Server server) {
        ClinicStores stores = stores(server);
        ClinicService clinic = service(stores);
        Owner george = george(clinic);
        Owner betty = clinic.registerOwner(new Owner("Betty", "Davis", "Sun Prairie"), List.of());
        drain();
        stores.jpa.runInTransaction(em -> em.createQuery("delete from Owner o where o.id = :id")
                .setParameter("id", betty.getId()).executeUpdate()); // the new store never got Betty

        clinic.renameOwner(george.getId(), "Franklin-Davis");
        clinic.renameOwner(betty.getId(), "Davis-Franklin");
        drain();

        assertThat(resultsOtherThan("dualstore.writes", "success")).isEqualTo(Map.of("updateLastName{mismatch}", 1.0));
        assertThat(divergences).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(Divergence.Reason.MISMATCH);
            assertThat(d.method()).isEqualTo("updateLastName");
            assertThat(d.key()).isEqualTo(betty.getId());
        });
        assertThat(mirror.group.backends().get(0).keysToRepair("jpa")).containsExactly(betty.getId());
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(CapturedLogs.mentioning("updateLastName (mismatch)"));
    }

    /** An owners backend of its own, to read through as the service would, with or without snapshots. */
    private MirroringBackend<OwnerRepository> owners(ClinicStores stores, ManualExecutor later, SimpleMeterRegistry meters,
            boolean snapshots) {
        MirroringBackend.Builder<OwnerRepository> builder = MirroringBackend.builder(OwnerRepository.class)
                .primary("jdbc", stores.old().owners())
                .secondary("jpa", stores.current().owners())
                .classifyByName()
                .comparator(ResultComparator.deep().comparingDeclaredTypes())
                .executor(later)
                .mismatchListener(mismatches::add)
                .meterRegistry(meters);
        return (snapshots ? builder.snapshotResults() : builder).build();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aCallerThatChangesWhatItGotMakesNoMismatchWithSnapshotsAndOneWithout(Server server) {
        ClinicStores stores = stores(server);
        long george = george(service(stores)).getId();
        ManualExecutor later = new ManualExecutor(); // compares after the caller is done with the owner
        SimpleMeterRegistry withSnapshots = new SimpleMeterRegistry();
        SimpleMeterRegistry without = new SimpleMeterRegistry();
        MeterReader snapshotted = new MeterReader(withSnapshots); // before close() removes the meters
        MeterReader unsnapshotted = new MeterReader(without);

        try (MirroringBackend<OwnerRepository> snapshotting = owners(stores, later, withSnapshots, true);
                MirroringBackend<OwnerRepository> plain = owners(stores, later, without, false)) {
            for (OwnerRepository owners : List.of(snapshotting.proxy(), plain.proxy())) {
                Owner owner = owners.findById(george).orElseThrow();
                owner.setLastName("Franklin-Davis");                   // the caller's own business ...
                owner.addPet(new Pet("Stray", "cat", day(10)));        // ... before the comparison runs
                later.runAll();
            }
        }

        assertThat(snapshotted.comparisons("match")).isOne();
        assertThat(snapshotted.comparisons("mismatch")).isZero();
        assertThat(unsnapshotted.comparisons("mismatch")).isOne();
        assertThat(mismatches).singleElement().satisfies(m -> {
            assertThat(m.path()).isEqualTo("lastName");
            assertThat(m.difference()).isEqualTo("Owner differs in lastName");
        });
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void lazyCollectionsOfDetachedEntitiesAreNeverLoadedAndReportedAsNotCompared(Server server) {
        ClinicStores stores = stores(server);
        List<Owner> jpaAnswers = new CopyOnWriteArrayList<>();
        OwnerRepository recording = new JpaOwnerRepository(stores.jpa) {
            @Override
            public java.util.Optional<Owner> findById(long id) {
                java.util.Optional<Owner> owner = super.findById(id);
                owner.ifPresent(jpaAnswers::add);
                return owner;
            }
        };
        ClinicService clinic = service(stores, stores.old(), stores.current().withOwners(recording), settings -> { });
        Owner george = george(clinic);

        Owner jdbcGeorge = clinic.owner(george.getId()).orElseThrow();
        List<Pet> jdbcPets = clinic.petsOf(george.getId());
        drain();

        assertThat(resultsOtherThan("dualstore.comparisons", "match")).as("no comparison error").isEmpty();
        assertThat(meters.comparisons("match")).as("owner, pets, and addVisit's two pets").isEqualTo(4);
        Owner jpaGeorge = jpaAnswers.get(0);
        assertThat(jdbcGeorge.getPets()).hasSize(2);
        assertThat(stores.jpa.getPersistenceUnitUtil().isLoaded(jpaGeorge, "pets")).as("never loaded by the comparison").isFalse();
        assertThat(ResultComparator.deep().comparingDeclaredTypes().notCompared(jdbcGeorge, jpaGeorge)).containsExactly("pets");
        assertThat(ResultComparator.deep().comparingDeclaredTypes().notCompared(jdbcPets, stores.current().pets()
                .findByOwnerId(george.getId()))).as("each pet's owner and visits").containsExactly(
                        "[0].owner", "[0].visits", "[1].owner", "[1].visits");
    }
}
