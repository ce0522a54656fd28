package dev.dualstore;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The builder options for repositories as real services write them: keys that are a field of an
 * argument, classification by method name, arguments of the secondary's own, and write results
 * (affected rows) that must agree.
 */
class RealDaoOptionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    /** A mutable entity without equals, as JPA's are; the primary assigns its id. */
    public static class Owner {
        Long id;
        String name;

        Owner(Long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** A Spring Data style repository: nothing annotated. */
    public interface OwnerRepository {
        Optional<String> findNameById(long id);

        long countAll();

        boolean existsById(long id);

        Owner save(Owner owner);

        int updateName(long id, String name);

        void deleteById(long id);
    }

    /** An in-memory repository that assigns ids from its own sequence, as a database would. */
    static class Owners implements OwnerRepository {
        final Map<Long, String> names = new ConcurrentHashMap<>();
        final List<Long> savedIds = new CopyOnWriteArrayList<>();
        final AtomicLong sequence;

        Owners(long firstId) {
            sequence = new AtomicLong(firstId);
        }

        @Override
        public Optional<String> findNameById(long id) {
            return Optional.ofNullable(names.get(id));
        }

        @Override
        public long countAll() {
            return names.size();
        }

        @Override
        public boolean existsById(long id) {
            return names.containsKey(id);
        }

        @Override
        public Owner save(Owner owner) {
            if (owner.id == null) {
                owner.id = sequence.getAndIncrement(); // written into the caller's object, as JPA does
            }
            names.put(owner.id, owner.name);
            savedIds.add(owner.id);
            return owner;
        }

        @Override
        public int updateName(long id, String name) {
            return names.replace(id, name) != null ? 1 : 0;
        }

        @Override
        public void deleteById(long id) {
            names.remove(id);
        }
    }

    private MirroringBackend.Builder<OwnerRepository> builder(Owners primary, Owners secondary) {
        return Backends.of(OwnerRepository.class, registry, primary, secondary)
                .classifyByName()
                .divergenceListener(divergences::add);
    }

    @Test
    void classifyByNameMakesReadsAndWritesOfASpringDataRepositoryWithoutListingThem() {
        Owners primary = new Owners(1);
        Owners secondary = new Owners(1);
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary).build()) {
            OwnerRepository owners = backend.proxy();
            Owner alice = owners.save(new Owner(null, "alice"));
            assertThat(owners.updateName(alice.id, "alicia")).isOne();
            // Without keys, reads are not ordered behind writes: let the writes land first.
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(owners.findNameById(alice.id)).contains("alicia");
            assertThat(owners.countAll()).isOne();
            assertThat(owners.existsById(alice.id)).isTrue();
            assertThat(backend.drain(WAIT)).isTrue(); // the reads reach the secondary before the delete
            owners.deleteById(alice.id);
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("success")).as("save, updateName, deleteById").isEqualTo(3);
            assertThat(meters.comparisons("match")).as("findNameById, countAll, existsById").isEqualTo(3);
            assertThat(secondary.names).isEqualTo(primary.names).isEmpty();
        }
    }

    /** Names classifyByName does not read as a verb, and one it would that an annotation overrides. */
    public interface OddNames {
        String finder(String key);

        String getaway(String key);

        @Passthrough
        String getHealth();
    }

    /** Answers each key with itself, and its health with what it was given. */
    record EchoingOddNames(String health) implements OddNames {
        @Override
        public String finder(String key) {
            return key;
        }

        @Override
        public String getaway(String key) {
            return key;
        }

        @Override
        public String getHealth() {
            return health;
        }
    }

    @Test
    void classifyByNameLeavesOtherNamesToTheBuilderAndAnnotationsWin() {
        OddNames same = new EchoingOddNames("ok");
        OddNames other = new EchoingOddNames("secondary must never be asked");
        assertThatThrownBy(() -> Backends.of(OddNames.class, registry, same, other).classifyByName().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unclassified methods of OddNames: [finder, getaway]");

        try (MirroringBackend<OddNames> backend = Backends.of(OddNames.class, registry, same, other).classifyByName()
                .reads("finder").passthrough("getaway").build()) {
            assertThat(backend.proxy().getHealth()).isEqualTo("ok");
            assertThat(backend.proxy().finder("k")).isEqualTo("k");
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.comparisons("match")).as("finder only: getHealth is a passthrough").isOne();
        }
    }

    @Test
    void aKeyTakenFromAnArgumentsFieldOrdersFencesAndListsTheWrite() throws Exception {
        Owners primary = new Owners(100);
        Owners failing = new Owners(100) {
            @Override
            public int updateName(long id, String name) {
                throw new IllegalStateException("secondary down");
            }
        };
        try (MirroringBackend<OwnerRepository> backend = builder(primary, failing)
                .key("updateName", args -> args[0])
                .key("save", args -> ((Owner) args[0]).id)
                .build()) {
            OwnerRepository owners = backend.proxy();
            owners.save(new Owner(7L, "seven"));
            owners.updateName(7L, "SEVEN");
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("new")).containsExactly(7L);
            assertThat(backend.writesNotListed("new")).isZero();
            // The key's write fence is the one repair() takes: it runs after the key's queued writes.
            String repaired = backend.repair("new", 7L, () -> {
                failing.names.put(7L, primary.names.get(7L));
                return "done";
            });
            assertThat(repaired).isEqualTo("done");
            assertThat(failing.names).isEqualTo(primary.names);
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("new", "updateName", "keysToRepair"));
        }
    }

    @Test
    void stress_writesToANewRecordReachTheSecondaryAfterTheWriteThatCreatedIt() throws Exception {
        Owners primary = new Owners(1);
        Owners secondary = new Owners(1);
        int threads = 4;
        int ownersEach = 400;
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary)
                .key("save", args -> ((Owner) args[0]).id)         // null for a new owner ...
                .keyFromResult("save", saved -> ((Owner) saved).id) // ... then the id the primary assigned
                .key("updateName", 0)
                .secondaryArguments("save", (args, saved) -> new Object[] {new Owner(((Owner) saved).id, ((Owner) saved).name)})
                .build()) {
            OwnerRepository owners = backend.proxy();
            ConcurrentTestHarness.runConcurrently(threads, t -> {
                for (int i = 0; i < ownersEach; i++) {
                    Owner created = owners.save(new Owner(null, t + "-" + i));
                    owners.updateName(created.id, t + "-" + i + "-renamed");
                    owners.save(new Owner(created.id, t + "-" + i + "-final")); // an update through save: fenced
                }
            });
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("success")).isEqualTo(3.0 * threads * ownersEach);
            assertThat(primary.names).hasSize(threads * ownersEach);
            assertThat(secondary.names).as("every update landed after its insert").isEqualTo(primary.names);
        }
    }

    @Test
    void aNewRecordWhoseShadowWriteFailsIsListedUnderTheKeyThePrimaryAssigned() {
        Owners primary = new Owners(40);
        Owners failing = new Owners(1) {
            @Override
            public Owner save(Owner owner) {
                throw new IllegalStateException("secondary down");
            }
        };
        try (MirroringBackend<OwnerRepository> backend = builder(primary, failing)
                .keyFromResult("save", saved -> ((Owner) saved).id).build()) {
            backend.proxy().save(new Owner(null, "frank"));
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(backend.keysToRepair("new")).containsExactly(40L);
            assertThat(backend.writesNotListed("new")).isZero();
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("save (error", "keysToRepair"));
        }
    }

    @Test
    void aKeyFunctionThatThrowsLeavesTheCallUnkeyedAndCounted() {
        Owners primary = new Owners(1);
        Owners secondary = new Owners(1);
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary)
                .key("save", args -> ((Owner) args[0]).id.longValue()) // a new owner has no id yet
                .build()) {
            Owner saved = backend.proxy().save(new Owner(null, "bob"));

            assertThat(saved.id).isEqualTo(1L);
            assertThat(backend.drain(WAIT)).isTrue();
            assertThat(meters.writes("success")).isOne();
            assertThat(meters.count("dualstore.callback.errors", "callback", "key")).isOne();
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("key threw"));
        }
    }

    @Test
    void theSecondaryStoresTheIdThePrimaryAssignedOnceSecondaryArgumentsHandsItOver() {
        Owners primary = new Owners(1_000);
        Owners secondary = new Owners(1); // its own sequence would give other ids
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary)
                .secondaryArguments("save", (args, saved) -> new Object[] {new Owner(((Owner) saved).id, ((Owner) args[0]).name)})
                .build()) {
            OwnerRepository owners = backend.proxy();
            Owner carol = owners.save(new Owner(null, "carol"));
            owners.save(new Owner(null, "dave"));
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(carol.id).isEqualTo(1_000L);
            assertThat(secondary.savedIds).containsExactly(1_000L, 1_001L);
            assertThat(secondary.names).isEqualTo(primary.names);
            assertThat(meters.writes("success")).isEqualTo(2);
        }
    }

    @Test
    void aDualWriteStoreGetsItsOwnArgumentsToo() {
        Owners primary = new Owners(1_000);
        Owners secondary = new Owners(1);
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary)
                .stage("new", Stage.DUAL_WRITE)
                .secondaryArguments("save", (args, saved) -> new Object[] {new Owner(((Owner) saved).id, "copy")})
                .build()) {
            backend.proxy().save(new Owner(null, "gina"));

            assertThat(secondary.names).as("written before the call returned").containsExactly(Map.entry(1_000L, "copy"));
            assertThat(meters.writes("success")).isOne();
        }
    }

    @Test
    void secondaryArgumentsThatThrowOrAnswerTheWrongNumberAreCountedAndTheKeyListed() {
        Owners primary = new Owners(1);
        Owners secondary = new Owners(1);
        List<String> seen = new ArrayList<>();
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary)
                .key("updateName", 0)
                .key("deleteById", 0)
                .secondaryArguments("updateName", (args, rows) -> {
                    throw new IllegalStateException("adapter bug");
                })
                .secondaryArguments("deleteById", (args, nothing) -> new Object[0])
                .build()) {
            backend.proxy().updateName(3L, "x");
            backend.proxy().deleteById(4L);
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("error")).isEqualTo(2);
            assertThat(backend.keysToRepair("new")).containsExactlyInAnyOrder(3L, 4L);
            assertThat(meters.count("dualstore.callback.errors", "callback", "arguments")).isEqualTo(2);
            divergences.forEach(d -> seen.add(d.cause().getMessage()));
            assertThat(seen).anySatisfy(m -> assertThat(m).isEqualTo("adapter bug"))
                    .anySatisfy(m -> assertThat(m).contains("deleteById", "returned 0 arguments", "takes 1"));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("arguments threw"));
        }
    }

    @Test
    void anUpdateThatChangesNoRowOnTheSecondaryIsADivergenceNotASuccess() {
        Owners primary = new Owners(1);
        Owners secondary = new Owners(1);
        primary.names.put(5L, "erin"); // the secondary never got erin: a backfill is missing
        try (MirroringBackend<OwnerRepository> backend = builder(primary, secondary)
                .key("updateName", 0)
                .compareWriteResults("updateName")
                .build()) {
            assertThat(backend.proxy().updateName(5L, "Erin")).isOne();
            assertThat(backend.proxy().updateName(6L, "nobody")).as("0 rows on both: agreed").isZero();
            assertThat(backend.drain(WAIT)).isTrue();

            assertThat(meters.writes("mismatch")).isOne();
            assertThat(meters.writes("success")).isOne();
            assertThat(backend.keysToRepair("new")).containsExactly(5L);
            assertThat(divergences).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo(Divergence.Reason.MISMATCH);
                assertThat(d.key()).isEqualTo(5L);
            });
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("updateName (mismatch)"));
        }
    }

    @Test
    void optionsForMethodsThatCannotTakeThemFailAtBuild() {
        Owners a = new Owners(1);
        Owners b = new Owners(1);
        assertThatThrownBy(() -> builder(a, b).compareWriteResults("countAll").build())
                .hasMessageContaining("compareWriteResults(\"countAll\") is set, but countAll is not a write");
        assertThatThrownBy(() -> builder(a, b).secondaryArguments("nope", (args, r) -> args).build())
                .hasMessageContaining("unknown methods in secondaryArguments(...): [nope]");
        assertThatThrownBy(() -> builder(a, b).key("save", 0).key("save", args -> args[0]))
                .isInstanceOf(IllegalStateException.class).hasMessage("key of 'save' was already set");
        assertThatThrownBy(() -> builder(a, b).keyFromResult("findNameById", r -> r).build())
                .hasMessageContaining("keyFromResult(\"findNameById\", ...) is set, but findNameById is not a write");
        assertThatThrownBy(() -> builder(a, b).classifyByName())
                .isInstanceOf(IllegalStateException.class).hasMessage("classifyByName was already set");
        assertThatThrownBy(() -> builder(a, b).compareWriteResults("save", "save"))
                .isInstanceOf(IllegalStateException.class);
    }
}
