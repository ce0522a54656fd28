package dev.dualstore.demo;

import static dev.dualstore.testing.CapturedLogs.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.Divergence;
import dev.dualstore.DualWriteException;
import dev.dualstore.DualWriteFailure;
import dev.dualstore.Key;
import dev.dualstore.MirroringBackend;
import dev.dualstore.MirroringGroup;
import dev.dualstore.Mismatch;
import dev.dualstore.MismatchKind;
import dev.dualstore.Read;
import dev.dualstore.Redactor;
import dev.dualstore.ResultComparator;
import dev.dualstore.Stage;
import dev.dualstore.Write;
import dev.dualstore.backfill.Backfill;
import dev.dualstore.backfill.BackfillResult;
import dev.dualstore.backfill.CatchUp;
import dev.dualstore.backfill.CatchUpResult;
import dev.dualstore.backfill.LiveWrites;
import dev.dualstore.check.Check;
import dev.dualstore.check.CheckResult;
import dev.dualstore.check.Repair;
import dev.dualstore.compare.Clinic;
import dev.dualstore.compare.DeepComparator;
import dev.dualstore.compare.Diagnosis;
import dev.dualstore.compare.Normalizer;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.journal.JdbcJournal;
import dev.dualstore.journal.KafkaJournal;
import dev.dualstore.journal.Replayer;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.spring.SpringTransactions;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.DriverDataSource;
import dev.dualstore.testing.EmbeddedKafka;
import dev.dualstore.testing.ManualExecutor;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every code example of README.md and docs/guide.md, compiled and run. When an example changes
 * here, change the docs with it (and the other way round).
 */
class GuideExamplesTest {
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final OffsetDateTime AT = OffsetDateTime.parse("2017-02-14T12:00:00Z");

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final List<MirroringBackend<?>> backends = new CopyOnWriteArrayList<>();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();
    /** The broker of guide 18's Kafka example, started when that test first asks for it. */
    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @AfterEach
    void closeBackends() {
        backends.forEach(MirroringBackend::close);
    }

    private <T> MirroringBackend<T> track(MirroringBackend<T> backend) {
        backends.add(backend);
        return backend;
    }

    // ------------------------------------------------------------------ README quick start

    @Test
    void readmeQuickStart() {
        OldFollowStore oldStore = new OldFollowStore();
        NewFollowStore newStore = NewFollowStore.fixed();
        // README: begin
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", oldStore)                 // answers every call
                .secondary("new", newStore)               // mirrored to, off the caller's thread
                .reads("getAssoc", "followers")           // compared
                .writes("follow", "unfollow")             // old first, then new, off the caller's thread
                .comparator(ResultComparator.unordered().after(Normalizer.timestampsToUtc()))
                .meterRegistry(registry)
                .build();

        FollowStore follows = backend.proxy();            // use it where you used oldStore
        follows.follow("alice", "channel-1", OffsetDateTime.now(ZoneOffset.UTC));
        follows.followers("channel-1", 100);              // answered by old, compared with new

        backend.promote("new");                           // cutover: new answers, old is mirrored to
        backend.promote("old");                           // rollback
        backend.close();
        // README: end

        assertThat(backend.primaryName()).isEqualTo("old");
        assertThat(newStore.followers("channel-1", 100)).extracting(Follow::from).containsExactly("alice");
        assertThat(meters.comparisons("match")).isEqualTo(1);
        assertThat(meters.comparisons("mismatch")).isZero();
    }

    // ------------------------------------------------------------------ wrapping a DAO

    @Test
    void wrappingTheFollowStore() {
        MeterRegistry meterRegistry = registry;
        // guide: wrap
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .name("follows")                          // the `backend` tag; default "FollowStore"
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(meterRegistry)             // default: Metrics.globalRegistry
                .build();
        FollowStore follows = backend.proxy();
        // guide: end
        track(backend);

        follows.follow("alice", "channel-1", AT);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.count(MeterNames.WRITES, "backend", "follows", "store", "new", "result", "success")).isEqualTo(1);
        assertThat(backend.primaryName()).isEqualTo("old");
        assertThat(backend.secondaryNames()).containsExactly("new");
    }

    /** An interface the service cannot annotate: classified with the builder. */
    public interface Inventory {
        int stock(String sku);

        void restock(String sku, int count);

        boolean ping();

        default boolean inStock(String sku) {
            return stock(sku) > 0;
        }
    }

    static final class MapInventory implements Inventory {
        private final Map<String, Integer> stock = new ConcurrentHashMap<>();

        @Override
        public int stock(String sku) {
            return stock.getOrDefault(sku, 0);
        }

        @Override
        public void restock(String sku, int count) {
            stock.merge(sku, count, Integer::sum);
        }

        @Override
        public boolean ping() {
            return true;
        }
    }

    @Test
    void classifyingWithTheBuilder() {
        Inventory mysqlInventory = new MapInventory();
        Inventory dynamoInventory = new MapInventory();
        // guide: builder
        MirroringBackend<Inventory> backend = MirroringBackend.builder(Inventory.class)
                .primary("mysql", mysqlInventory)
                .secondary("dynamo", dynamoInventory)
                .reads("stock")
                .writes("restock")
                .passthrough("ping")
                .key("stock", 0)                          // parameter 0, the sku, is the key
                .key("restock", 0)
                .meterRegistry(registry)
                .build();
        // guide: end
        track(backend);
        Inventory inventory = backend.proxy();

        inventory.restock("sku-1", 3);
        assertThat(inventory.ping()).isTrue();
        assertThat(inventory.inStock("sku-1")).isTrue();  // a default method: runs on the proxy, stock() is mirrored
        assertThat(backend.drain(DRAIN)).isTrue();

        assertThat(dynamoInventory.stock("sku-1")).isEqualTo(3);
        assertThat(meters.count(MeterNames.COMPARISONS, "method", "stock", "result", "match")).isEqualTo(1);
        assertThat(registry.find(MeterNames.CALLS).tag("method", "ping").meters()).isEmpty();
        assertThat(registry.find(MeterNames.CALLS).tag("method", "inStock").meters()).isEmpty();
    }

    @Test
    void anUnclassifiedMethodFailsTheBuild() {
        Inventory mysqlInventory = new MapInventory();
        assertThatThrownBy(() -> MirroringBackend.builder(Inventory.class)
                .primary("mysql", mysqlInventory)
                .reads("stock")
                .passthrough("ping")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unclassified methods of Inventory: [restock]; classify each with reads(...), writes(...)"
                        + " or passthrough(...), or annotate it with @Read, @Write or @Passthrough");
        assertThatThrownBy(() -> MirroringBackend.builder(Inventory.class)
                .primary("mysql", mysqlInventory)
                .reads("stock", "stok")
                .writes("restock")
                .passthrough("ping")
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown methods in reads(...), writes(...) or passthrough(...): [stok]");
    }

    @Test
    void objectMethodsAreAnsweredByTheProxy() {
        MirroringBackend<FollowStore> backend = track(MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(registry)
                .build());
        FollowStore follows = backend.proxy();
        assertThat(follows).isEqualTo(follows).isNotEqualTo(new OldFollowStore());
        assertThat(follows.hashCode()).isEqualTo(System.identityHashCode(follows));
        assertThat(follows.toString()).contains("follows", "old");
    }

    // ------------------------------------------------------------------ real repositories

    /** A Spring Data style repository: no annotations, ids assigned by the database. */
    public interface OwnerRepository {
        Optional<Owner> findById(long id);

        Owner save(Owner owner);

        int updateCity(long id, String city);
    }

    /** A mutable entity without equals, as JPA's are. */
    public static final class Owner {
        Long id;
        String city;

        Owner(Long id, String city) {
            this.id = id;
            this.city = city;
        }

        public Long getId() {
            return id;
        }

        public String getCity() {
            return city;
        }
    }

    /** An owners table in memory; its sequence assigns ids, as the database's would. */
    static final class MapOwners implements OwnerRepository {
        final Map<Long, String> cities = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong sequence;

        MapOwners(long firstId) {
            sequence = new java.util.concurrent.atomic.AtomicLong(firstId);
        }

        @Override
        public Optional<Owner> findById(long id) {
            return Optional.ofNullable(cities.get(id)).map(city -> new Owner(id, city));
        }

        @Override
        public Owner save(Owner owner) {
            if (owner.id == null) {
                owner.id = sequence.getAndIncrement();
            }
            cities.put(owner.id, owner.city);
            return owner;
        }

        @Override
        public int updateCity(long id, String city) {
            return cities.replace(id, city) != null ? 1 : 0;
        }
    }

    @Test
    void aRealRepositoryNeedsItsKeysAndNothingElse() {
        MapOwners jdbcOwners = new MapOwners(1);
        MapOwners jpaOwners = new MapOwners(9_000); // its own sequence: it must store the ids it is given
        MirroringBackend<OwnerRepository> backend = track(MirroringBackend.builder(OwnerRepository.class)
                .primary("jdbc", jdbcOwners)
                .secondary("jpa", jpaOwners)
                .classifyByName()                                          // findById reads; save, updateCity write
                .key("findById", args -> args[0])
                .key("save", args -> ((Owner) args[0]).getId())            // an existing owner's id ...
                .keyFromResult("save", saved -> ((Owner) saved).getId())   // ... or the one the primary assigned
                .key("updateCity", args -> args[0])
                .secondaryArguments("save", (args, saved) -> new Object[] {
                        new Owner(((Owner) saved).getId(), ((Owner) saved).getCity())}) // its own copy
                .compareWriteResults("updateCity")                         // 0 rows where jdbc changed 1: a divergence
                .meterRegistry(registry)
                .build());

        OwnerRepository owners = backend.proxy();
        Owner owner = owners.save(new Owner(null, "Madison"));
        owners.updateCity(owner.getId(), "Monona");
        owners.findById(owner.getId());
        assertThat(backend.drain(DRAIN)).isTrue();

        assertThat(jpaOwners.cities).isEqualTo(Map.of(1L, "Monona"));
        assertThat(meters.writes("success")).isEqualTo(2);
        assertThat(meters.comparisons("match")).as("Owner has no equals: compared field by field").isOne();
    }

    @Test
    void readmeRealRepository() {
        MapOwners jdbcOwners = new MapOwners(1);
        MapOwners jpaOwners = new MapOwners(9_000);
        MirroringBackend<OwnerRepository> owners = MirroringBackend.builder(OwnerRepository.class)
                .primary("jdbc", jdbcOwners)
                .secondary("jpa", jpaOwners)
                .classifyByName()                                          // find* read; save, update* write
                .key("findById", args -> args[0])
                .key("updateCity", args -> args[0])
                .keyFromResult("save", saved -> ((Owner) saved).getId())   // the id the primary assigned
                .transactions(SpringTransactions.hook())                   // shadow writes after the commit
                .snapshotResults()                                         // callers may change what they got
                .meterRegistry(registry)
                .build();
        track(owners);
        Owner saved = owners.proxy().save(new Owner(null, "Madison"));
        owners.proxy().findById(saved.getId()).orElseThrow().city = "changed by the caller";
        assertThat(owners.drain(DRAIN)).isTrue();
        assertThat(jpaOwners.cities).isEqualTo(Map.of(1L, "Madison"));
        assertThat(meters.comparisons("match")).isOne();
        assertThat(meters.writes("success")).isOne();
    }

    @Test
    void snapshotsLetCallersChangeWhatTheyGot() {
        MapOwners jdbcOwners = new MapOwners(1);
        MapOwners jpaOwners = new MapOwners(1);
        jdbcOwners.cities.put(1L, "Madison");
        jpaOwners.cities.put(1L, "Madison");
        ManualExecutor later = new ManualExecutor();   // compares after the caller has changed the owner
        MirroringBackend<OwnerRepository> backend = track(MirroringBackend.builder(OwnerRepository.class)
                .primary("jdbc", jdbcOwners)
                .secondary("jpa", jpaOwners)
                .classifyByName()
                .snapshotResults("findById")                // or snapshotResults() for every read
                .executor(later)
                .meterRegistry(registry)
                .build());
        Owner owner = backend.proxy().findById(1L).orElseThrow();
        owner.city = "Monona";                              // the caller's own business
        later.runAll();
        assertThat(meters.comparisons("match")).isOne();
        assertThat(meters.comparisons("mismatch")).isZero();
    }

    @Test
    void aGroupWrapsSeveralRepositoriesWithOneSetOfSettings() {
        MapOwners jdbcOwners = new MapOwners(1);
        MapOwners jpaOwners = new MapOwners(1);
        Inventory jdbcInventory = new MapInventory();
        Inventory jpaInventory = new MapInventory();
        MirroringGroup group = MirroringGroup.of("jdbc", "jpa", settings -> settings
                .timeout(Duration.ofMillis(500))
                .transactions(SpringTransactions.hook())
                .meterRegistry(registry));
        OwnerRepository owners = group.wrap(OwnerRepository.class, jdbcOwners, jpaOwners, own -> own
                .classifyByName()
                .keyFromResult("save", saved -> ((Owner) saved).getId())).proxy();
        Inventory inventory = group.wrap(Inventory.class, jdbcInventory, jpaInventory, own -> own
                .reads("stock").writes("restock").passthrough("ping")).proxy();
        // ...
        group.promote("jpa");                  // every repository: cutover; promote("jdbc") rolls back
        group.close();
        // ...
        assertThat(group.backends()).hasSize(2).extracting(MirroringBackend::primaryName).containsOnly("jpa");
        assertThat(owners).isNotNull();
        assertThat(inventory).isNotNull();
    }

    @Test
    void transactionsMakeMirroredWorkWaitForTheCommit() {
        MapOwners jdbcOwners = new MapOwners(1);
        MapOwners jpaOwners = new MapOwners(1);
        MirroringBackend<OwnerRepository> backend = track(MirroringBackend.builder(OwnerRepository.class)
                .primary("jdbc", jdbcOwners)
                .secondary("jpa", jpaOwners)
                .classifyByName()
                .transactions(SpringTransactions.hook())   // after the commit; dropped on rollback
                .meterRegistry(registry)
                .build());

        backend.proxy().save(new Owner(null, "Verona")); // no Spring transaction here: mirrored at once
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(jpaOwners.cities).isEqualTo(jdbcOwners.cities).isNotEmpty();
    }

    // ------------------------------------------------------------------ comparators and normalisers

    @Test
    void comparatorsForTheFollowStore() {
        // guide: comparators
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                // every read: the same instant in another zone is the same answer
                .comparator(ResultComparator.normalizing(Normalizer.timestampsToUtc()))
                // followers() promises no order: compare as a multiset, after the same normaliser
                .comparator("followers", ResultComparator.unordered().after(Normalizer.timestampsToUtc()))
                .meterRegistry(registry)
                .build();
        // guide: end
        track(backend);
        FollowStore follows = backend.proxy();
        follows.follow("bob", "channel-1", AT);
        follows.follow("alice", "channel-1", AT.plusMinutes(1));
        follows.followers("channel-1", 100);
        follows.getAssoc("bob", FollowStore.FOLLOWS, "channel-1");
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.comparisons("match")).isEqualTo(2);
        assertThat(meters.comparisons("mismatch")).isZero();
    }

    @Test
    void theOtherComparatorFactories() {
        Follow utc = new Follow("alice", "channel-1", OffsetDateTime.parse("2017-02-14T12:00:00.123456Z"));
        Follow pacific = new Follow("Alice", "channel-1", OffsetDateTime.parse("2017-02-14T04:00:00.123Z")
                .withOffsetSameInstant(ZoneOffset.ofHours(-8)));
        // guide: factories
        ResultComparator ignoringTime = ResultComparator.ignoringFields("followedAt");
        ResultComparator sameUser = ResultComparator.of(Follow.class,
                (a, b) -> a.from().equalsIgnoreCase(b.from()) && a.followedAt().isEqual(b.followedAt()));
        Normalizer lowerCaseUsers = Normalizer.deep(Follow.class,
                f -> new Follow(f.from().toLowerCase(Locale.ROOT), f.to(), f.followedAt()));
        ResultComparator tolerant = ResultComparator.unordered().after(lowerCaseUsers
                .andThen(Normalizer.timestampsToUtc())
                .andThen(Normalizer.truncatingTimestamps(ChronoUnit.MILLIS)));
        // guide: end
        Follow pacificUpper = new Follow("Alice", "channel-1", utc.followedAt().truncatedTo(ChronoUnit.MILLIS)
                .withOffsetSameInstant(ZoneOffset.ofHours(-8)));

        assertThat(ignoringTime.equivalent(new Follow("alice", "c", AT), new Follow("alice", "c", AT.plusDays(1)))).isTrue();
        assertThat(ignoringTime.equivalent(new Follow("alice", "c", AT), new Follow("bob", "c", AT))).isFalse();
        assertThat(sameUser.equivalent(utc, new Follow("ALICE", "x", utc.followedAt()))).isTrue();
        assertThat(sameUser.equivalent(utc, pacific)).isFalse();  // 123456 us vs 123 ms
        assertThat(tolerant.equivalent(List.of(utc, new Follow("bob", "channel-1", AT)),
                List.of(new Follow("bob", "channel-1", AT), pacificUpper))).isTrue();
        assertThat(ResultComparator.deepEquals().equivalent(utc, pacificUpper)).isFalse();
        assertThat(tolerant.diagnose(List.of(utc), List.of()).kind()).isEqualTo(MismatchKind.MISSING);
    }

    @Test
    void entitiesWithoutEquals() {
        // guide: entities
        DeepComparator entities = ResultComparator.deep()
                .ignoringFields("version", "Owner.pets", "[*].createdAt")   // by name, Type.field, path
                .ignoringFieldsOfTypes(Instant.class)                        // fields of these types
                .comparingDeclaredTypes();                                   // a JdbcPet equals a Pet with its fields
        // guide: end
        List<Clinic.Visit> primary = Clinic.visits();
        List<Clinic.Visit> secondary = Clinic.visits();
        assertThat(ResultComparator.deepEquals().equivalent(primary, secondary)).isTrue();
        assertThat(entities.equivalent(List.of(new Clinic.JdbcPet(1L, "Leo", 3)), List.of(new Clinic.Pet(1L, "Leo"))))
                .isTrue();
        secondary.get(1).getPet().setOwner(null);
        Diagnosis d = entities.diagnose(primary, secondary);
        assertThat(d.path()).isEqualTo("[1].pet.owner");
        assertThat(d.difference()).isEqualTo("1 of the primary's 2 elements differs from the secondary's"
                + " (1 unmatched of 2); first difference at [1].pet.owner: Owner vs null");
        assertThat(entities.notCompared(primary, primary)).isEmpty();
    }

    // ------------------------------------------------------------------ expected exceptions

    /** Thrown when a user has no profile: a normal answer, not a failure. */
    public static final class ProfileNotFound extends Exception {
        private static final long serialVersionUID = 1L;

        public ProfileNotFound(long userId) {
            super("no profile for user " + userId);
        }
    }

    // guide: expected
    public interface ProfileStore {
        @Read(expected = ProfileNotFound.class)
        String displayName(@Key long userId) throws ProfileNotFound;
    }
    // guide: end

    static ProfileStore profiles(Map<Long, String> names) {
        return userId -> {
            String name = names.get(userId);
            if (name == null) {
                throw new ProfileNotFound(userId);
            }
            return name;
        };
    }

    @Test
    void expectedExceptionsAreComparedLikeValues() throws ProfileNotFound {
        MirroringBackend<ProfileStore> backend = track(MirroringBackend.builder(ProfileStore.class)
                .primary("old", profiles(Map.of(2L, "Bob")))
                .secondary("new", profiles(Map.of()))
                .meterRegistry(registry)
                .logMismatches(false)
                .build());
        ProfileStore store = backend.proxy();

        assertThatThrownBy(() -> store.displayName(1L)).isInstanceOf(ProfileNotFound.class); // both throw: match
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.comparisons("match")).isEqualTo(1);

        assertThat(store.displayName(2L)).isEqualTo("Bob"); // only 'new' throws: a mismatch, not an error
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.count(MeterNames.COMPARISONS, "result", "mismatch", "kind", "exception")).isEqualTo(1);
        assertThat(meters.comparisons("error")).isZero();
    }

    @Test
    void expectedExceptionsByTheBuilder() throws ProfileNotFound {
        interface PlainProfileStore {
            String displayName(long userId) throws ProfileNotFound;
        }
        PlainProfileStore primary = profiles(Map.of(2L, "Bob"))::displayName;
        PlainProfileStore secondary = profiles(Map.of())::displayName;
        MirroringBackend<PlainProfileStore> backend = track(MirroringBackend.builder(PlainProfileStore.class)
                .primary("old", primary)
                .secondary("new", secondary)
                .reads("displayName")
                .key("displayName", 0)
                // guide: expected-builder
                .expected("displayName", ProfileNotFound.class)
                // guide: end
                .meterRegistry(registry)
                .logMismatches(false)
                .build());
        assertThatThrownBy(() -> backend.proxy().displayName(1L)).isInstanceOf(ProfileNotFound.class);
        backend.proxy().displayName(2L);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.comparisons("match")).isEqualTo(1);
        assertThat(meters.count(MeterNames.COMPARISONS, "result", "mismatch", "kind", "exception")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ listening to mismatches

    @Test
    void mismatchListenerAndRedactedLog() {
        List<Mismatch> seen = new CopyOnWriteArrayList<>();
        // guide: listener
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.asShipped())
                .mismatchListener(m -> seen.add(m))                          // on a dualstore thread
                .logValues(value -> value == null ? "null" : value.getClass().getSimpleName())   // types, never data
                .meterRegistry(registry)
                .build();
        // guide: end
        track(backend);
        FollowStore follows = backend.proxy();
        follows.follow("alice", "channel-1", AT);
        follows.getAssoc("alice", FollowStore.FOLLOWS, "channel-1");
        assertThat(backend.drain(DRAIN)).isTrue();

        assertThat(seen).singleElement().satisfies(m -> {
            assertThat(m.method()).isEqualTo("getAssoc");
            assertThat(m.store()).isEqualTo("new");
            assertThat(m.kind()).isEqualTo(MismatchKind.VALUE);
            assertThat(m.difference()).isEqualTo("Follow differs in followedAt (same instant, another time zone)");
            assertThat(m.arguments()).containsExactly("alice", "follows", "channel-1");
        });
        assertThat(Redactor.plain().redact(42)).isEqualTo("42");
        // The default log still runs beside the listener, and shows the values only as the redactor renders them.
        assertThat(logs.warnings(CapturedLogs.MISMATCHES))
                .anySatisfy(mentioning("FollowStore", "getAssoc", "new", "old", "value", "String", "Optional"))
                .allSatisfy(w -> assertThat(w.message()).doesNotContain("alice", "channel-1"));
    }

    // ------------------------------------------------------------------ sampling

    @Test
    void samplingIsStablePerKey() {
        // guide: sampling
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .comparator(ResultComparator.unordered().after(Normalizer.timestampsToUtc()))
                .sampleRate(1)                   // 1% of channels at first
                .meterRegistry(registry)
                .build();
        backend.sampleRate(10);                  // later, at runtime: 10% of channels
        backend.sampleRate("getAssoc", 5);       // one method at its own rate
        // guide: end
        track(backend);
        FollowStore follows = backend.proxy();

        Set<String> sampled = sampledChannels(backend, follows);
        assertThat(sampled).hasSizeBetween(50, 150);      // ~10% of 1,000 channels
        assertThat(sampledChannels(backend, follows)).isEqualTo(sampled); // the same channels again
        backend.sampleRate(50);
        assertThat(sampledChannels(backend, follows)).containsAll(sampled).hasSizeBetween(400, 600);
    }

    /** Calls followers() once per channel and returns the channels whose call was compared. */
    private Set<String> sampledChannels(MirroringBackend<FollowStore> backend, FollowStore follows) {
        Set<String> compared = new HashSet<>();
        for (int c = 0; c < 1_000; c++) {
            double before = meters.comparisons("match");
            follows.followers("channel-" + c, 10);
            assertThat(backend.drain(DRAIN)).isTrue();
            if (meters.comparisons("match") > before) {
                compared.add("channel-" + c);
            }
        }
        return compared;
    }

    // ------------------------------------------------------------------ stages

    @Test
    void stagesAtBuildAndAtRuntime() {
        // guide: stages
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .stage("new", Stage.SHADOW_WRITES)       // writes only, at first
                .meterRegistry(registry)
                .build();
        // ... once the new store holds the data:
        backend.stage("new", Stage.SHADOW);              // compare reads too
        // guide: end
        track(backend);
        assertThat(backend.stage("new")).isEqualTo(Stage.SHADOW);
        backend.stage("new", Stage.SHADOW_WRITES);
        FollowStore follows = backend.proxy();
        follows.follow("alice", "channel-1", AT);
        follows.followers("channel-1", 10);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.writes("success")).isEqualTo(1);
        assertThat(meters.count(MeterNames.COMPARISONS)).isZero();

        backend.stage("new", Stage.OFF);
        follows.follow("bob", "channel-1", AT);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.writes("success")).isEqualTo(1);
    }

    /** A new store whose follows of one channel fail while it is down. */
    static final class FailingForChannel implements FollowStore {
        private final FollowStore delegate = NewFollowStore.fixed();
        private final String failing;
        volatile boolean down = true;

        FailingForChannel(String failing) {
            this.failing = failing;
        }

        @Override
        public Optional<Follow> getAssoc(String from, String type, String to) {
            return delegate.getAssoc(from, type, to);
        }

        @Override
        public List<Follow> followers(String channel, int limit) {
            return delegate.followers(channel, limit);
        }

        @Override
        public void follow(String from, String to, OffsetDateTime at) {
            if (down && to.equals(failing)) {
                throw new IllegalStateException("new store unavailable for " + to);
            }
            delegate.follow(from, to, at);
        }

        @Override
        public void unfollow(String from, String to) {
            delegate.unfollow(from, to);
        }
    }

    @Test
    void dualWriteThatFailsTheCall() {
        OldFollowStore oldStore = new OldFollowStore();
        FollowStore newStore = new FailingForChannel("channel-9");
        // guide: dual-write
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", oldStore)
                .secondary("new", newStore)
                .stage("new", Stage.DUAL_WRITE)              // the caller waits for both stores
                .dualWriteFailure(DualWriteFailure.FAIL)     // and gets an exception if 'new' fails
                .meterRegistry(registry)
                .build();
        // guide: end
        track(backend);
        FollowStore follows = backend.proxy();

        follows.follow("alice", "channel-1", AT);
        assertThatThrownBy(() -> follows.follow("alice", "channel-9", AT))
                .isInstanceOf(DualWriteException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(oldStore.getAssoc("alice", FollowStore.FOLLOWS, "channel-9")).isPresent(); // primary applied it
        assertThat(backend.keysToRepair("new")).containsExactly("channel-9");
        assertThat(backend.drain(DRAIN)).isTrue(); // the WARN is written on a dualstore thread
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("FollowStore", "new", "follow"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("alice") || m.contains("channel-9"));
    }

    // ------------------------------------------------------------------ keys to repair

    @Test
    void keysToRepair() throws Exception {
        OldFollowStore oldStore = new OldFollowStore();
        FailingForChannel newStore = new FailingForChannel("channel-9");
        List<Divergence> told = new CopyOnWriteArrayList<>();
        // guide: repair-listener
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", oldStore)
                .secondary("new", newStore)
                .divergenceListener(d -> told.add(d))   // on a dualstore thread, never the caller's
                .meterRegistry(registry)
                .build();
        // guide: end
        track(backend);
        backend.proxy().follow("alice", "channel-9", AT);
        backend.proxy().follow("alice", "channel-1", AT);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(told).singleElement().satisfies(d -> {
            assertThat(d.store()).isEqualTo("new");
            assertThat(d.method()).isEqualTo("follow");
            assertThat(d.key()).isEqualTo("channel-9");
            assertThat(d.reason()).isEqualTo(Divergence.Reason.ERROR);
        });
        assertThat(newStore.getAssoc("alice", FollowStore.FOLLOWS, "channel-9")).isEmpty();
        newStore.down = false;

        // guide: repair
        for (Object key : backend.keysToRepair("new")) {
            String channel = (String) key;
            backend.repair("new", channel, () -> {
                // Straight from store to store, never through the proxy (its key fence is held).
                for (Follow f : oldStore.followers(channel, Integer.MAX_VALUE)) {
                    newStore.follow(f.from(), f.to(), f.followedAt());
                }
                return null;
            });
        }
        // guide: end

        assertThat(newStore.getAssoc("alice", FollowStore.FOLLOWS, "channel-9")).isPresent();
        assertThat(backend.keysToRepair("new")).isEmpty();
        assertThat(meters.writes("error")).isEqualTo(1);
        assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(mentioning("FollowStore", "new", "follow"));
        assertThat(logs.messages()).noneMatch(m -> m.contains("alice") || m.contains("channel-9"));
    }

    // ------------------------------------------------------------------ cutover and rollback

    @Test
    void promoteAndRollBack() {
        MirroringBackend<FollowStore> backend = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(registry)
                .build());
        // guide: promote
        try {
            backend.promote("new");
        } catch (IllegalStateException e) {
            // 'new' still had queued work after promoteTimeout: nothing changed, writes resumed.
            // Find out why (dualstore.pending, timeouts), then call promote again.
        }
        String primary = backend.primaryName();          // "new" if it worked
        // guide: end
        assertThat(primary).isEqualTo("new");
        assertThat(backend.secondaryNames()).containsExactly("old");
        assertThat(backend.stage("old")).isEqualTo(Stage.SHADOW);
        backend.proxy().follow("alice", "channel-1", AT);
        backend.promote("old");
        assertThat(backend.primaryName()).isEqualTo("old");
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.count(MeterNames.WRITES, "store", "old", "result", "success")).isEqualTo(1);
        assertThatThrownBy(() -> backend.promote("dynamo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamo");
    }

    @Test
    void promoteThatCannotDrainChangesNothing() {
        ManualExecutor executor = new ManualExecutor();      // runs nothing until told to
        MirroringBackend<FollowStore> backend = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .executor(executor)
                .promoteTimeout(Duration.ofMillis(50))
                .meterRegistry(registry)
                .build());
        backend.proxy().follow("alice", "channel-1", AT);     // queued for 'new', never run

        assertThatThrownBy(() -> backend.promote("new"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("roles unchanged");
        assertThat(backend.primaryName()).isEqualTo("old");
        backend.proxy().follow("bob", "channel-1", AT);       // writes resumed

        executor.runAll();
        backend.promote("new");
        assertThat(backend.primaryName()).isEqualTo("new");
    }

    // ------------------------------------------------------------------ threads and bounds

    @Test
    void threadsAndBounds() {
        // guide: bounds
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .maxConcurrency(128)                     // calls at once per store; default 256
                .maxPending(50_000)                      // queued or running per secondary; default 65,536
                .maxPendingBytes(64L << 20)              // their estimated memory; default: a shared 1/16 of the heap
                .timeout(Duration.ofMillis(200))         // per secondary call; default 1 s
                .promoteTimeout(Duration.ofSeconds(2))   // longest write pause of promote/stage/close; default 5 s
                .meterRegistry(registry)
                .build();
        // guide: end
        track(backend);
        backend.proxy().follow("alice", "channel-1", AT);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(meters.writes("success")).isEqualTo(1);
    }

    @Test
    void yourOwnExecutor() throws InterruptedException {
        // guide: executor
        ExecutorService executor = Executors.newFixedThreadPool(4);   // yours: you shut it down
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .executor(executor)                      // instead of threads(...)
                .meterRegistry(registry)
                .build();
        // guide: end
        try {
            backend.proxy().follow("alice", "channel-1", AT);
            assertThat(backend.drain(DRAIN)).isTrue();
            assertThat(meters.writes("success")).isEqualTo(1);
            backend.close();
            assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdown();
        }
        assertThatThrownBy(() -> MirroringBackend.builder(FollowStore.class).executor(Runnable::run).threads(2))
                .isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void percentilesAreTheApplicationsChoice() {
        MeterRegistry meterRegistry = registry;
        // guide: percentiles
        meterRegistry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(MeterNames.CALLS)) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)      // buckets, for Prometheus' histogram_quantile
                        .percentiles(0.5, 0.99)          // or percentiles computed in the process
                        .build()
                        .merge(config);
            }
        });
        // guide: end
        MirroringBackend<FollowStore> backend = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(meterRegistry)
                .build());
        backend.proxy().followers("channel-1", 10);
        assertThat(backend.drain(DRAIN)).isTrue();
        var timer = registry.find(MeterNames.CALLS).tags("method", "followers", "role", "secondary", "outcome", "success").timer();
        assertThat(timer).isNotNull();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.takeSnapshot().percentileValues()).hasSize(2);
    }

    @Test
    void withoutAFilterNoPercentiles() {
        MirroringBackend<FollowStore> backend = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(registry)
                .build());
        backend.proxy().followers("channel-1", 10);
        assertThat(backend.drain(DRAIN)).isTrue();
        var timer = registry.find(MeterNames.CALLS).tags("method", "followers", "role", "secondary").timer();
        assertThat(timer.takeSnapshot().histogramCounts()).isEmpty();
        assertThat(timer.takeSnapshot().percentileValues()).isEmpty();
    }

    @Test
    void seriesPerBackendAsDocumentedInMetricsMd() {
        MirroringBackend<FollowStore> backend = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", new OldFollowStore())
                .secondary("new", NewFollowStore.fixed())
                .meterRegistry(registry)
                .build());
        // At build: a pending and a repairs gauge per store, nothing else.
        assertThat(registry.getMeters()).hasSize(2 * 2);
        assertThat(registry.find(MeterNames.PENDING).gauges()).hasSize(2);
        assertThat(registry.find(MeterNames.REPAIRS).gauges()).hasSize(2);

        backend.proxy().follow("alice", "channel-1", AT);
        backend.proxy().followers("channel-1", 10);
        assertThat(backend.drain(DRAIN)).isTrue();

        // Then each series the first time it counts: per method, a primary and a secondary timer
        // and the one result seen (a write's success; the read's mismatch of kind value, as the
        // stores answer in different time zones).
        assertThat(registry.find(MeterNames.CALLS).timers()).hasSize(2 * 2);
        assertThat(registry.find(MeterNames.COMPARISONS).counters()).singleElement()
                .satisfies(c -> assertThat(c.getId().getTag(MeterNames.KIND)).isEqualTo("value"));
        assertThat(registry.find(MeterNames.WRITES).counters()).singleElement()
                .satisfies(c -> assertThat(c.getId().getTag(MeterNames.RESULT)).isEqualTo("success"));
        assertThat(registry.find(MeterNames.CALLBACK_ERRORS).meters()).isEmpty();
        assertThat(registry.getMeters()).hasSize(2 * 2 + 2 * 2 + 1 + 1);
    }

    // ------------------------------------------------------------------ copying what exists (compiled, run in BackfillTest)

    @SuppressWarnings("unused")
    private static void copyingWhatExists(FollowStore oldStore, FollowStore newStore, javax.sql.DataSource oldDataSource,
            javax.sql.DataSource newDataSource, MeterRegistry registry) {
        LiveWrites live = LiveWrites.keyedBy(key -> RowKey.of(key));   // the DAO call's key -> the table's key
        MirroringBackend<FollowStore> backend = MirroringBackend.builder(FollowStore.class)
                .primary("old", oldStore).secondary("new", newStore)
                .writeObserver("backfill", live)
                .build();
        JdbcTable oldFollows = JdbcTable.of(oldDataSource, "follows");
        JdbcTable newFollows = JdbcTable.of(newDataSource, "follows");
        BackfillResult copied = Backfill.from(oldFollows).to(newFollows)
                .threads(4)
                .chunkRows(10_000)
                .maxRowsPerSecond(50_000)
                .pauseWhen(() -> java.time.LocalTime.now().getHour() == 20)
                .checkpoints(JdbcCheckpoints.in(newDataSource, "dualstore_checkpoints"))
                .liveWrites(backend, "new", live)
                .meterRegistry(registry)
                .run();
        System.out.println(copied.rowsCopied() + " rows, " + copied.keysToCheck().size() + " keys to check");
    }

    // ------------------------------------------------------------------ guide 3: reader and writer parts

    /** Twitch's split: the code that reads gets a reader, the code that writes a writer. */
    interface FollowReader {
        @Read
        List<Follow> followers(@Key String channel, int limit);
    }

    interface FollowWriter {
        @Write
        void follow(String from, @Key String to, OffsetDateTime at);
    }

    interface FollowParts extends FollowReader, FollowWriter {}

    /** One store's two parts over one map of followers by channel. */
    private static Object[] parts(Map<String, List<Follow>> rows) {
        FollowReader reader = (channel, limit) -> rows.getOrDefault(channel, List.of()).stream().limit(limit).toList();
        FollowWriter writer = (from, to, at) -> rows.merge(to, List.of(new Follow(from, to, at)),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        return new Object[] {reader, writer};
    }

    @Test
    void readerAndWriterParts() {
        Map<String, List<Follow>> oldRows = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, List<Follow>> newRows = new java.util.concurrent.ConcurrentHashMap<>();
        Object[] oldParts = parts(oldRows);
        Object[] newParts = parts(newRows);
        Object oldReader = oldParts[0];
        Object oldWriter = oldParts[1];
        Object newReader = newParts[0];
        Object newWriter = newParts[1];
        MirroringBackend<FollowParts> backend = MirroringBackend.builder(FollowParts.class)
                .primary("old", oldReader, oldWriter)     // each method runs on the part that implements its interface
                .secondary("new", newReader, newWriter)
                .meterRegistry(registry)
                .build();
        FollowReader reader = backend.proxy(FollowReader.class);   // for the code that reads
        FollowWriter writer = backend.proxy(FollowWriter.class);   // for the code that writes
        track(backend);
        writer.follow("alice", "channel-1", AT);
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(reader.followers("channel-1", 10)).extracting(Follow::from).containsExactly("alice");
        backend.promote("new");                                    // one switch for both
        assertThat(backend.drain(DRAIN)).isTrue();
        assertThat(newRows).isEqualTo(oldRows);
        assertThat(meters.comparisons("match")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ guide 16: catching up by updated-at

    @Test
    void catchingUpByUpdatedAt() throws Exception {
        String run = Long.toHexString(System.nanoTime());
        javax.sql.DataSource oldDataSource = new DriverDataSource("jdbc:h2:mem:guide_catchup_old_" + run + ";DB_CLOSE_DELAY=-1", "sa", "");
        javax.sql.DataSource newDataSource = new DriverDataSource("jdbc:h2:mem:guide_catchup_new_" + run + ";DB_CLOSE_DELAY=-1", "sa", "");
        for (javax.sql.DataSource dataSource : List.of(oldDataSource, newDataSource)) {
            try (java.sql.Connection connection = dataSource.getConnection();
                    java.sql.Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE follows (from_user varchar(100), to_user varchar(100), "
                        + "updated_at timestamp(6) with time zone, PRIMARY KEY (from_user, to_user))");
                statement.execute("CREATE INDEX follows_updated_at ON follows (updated_at)");
            }
        }
        try (java.sql.Connection connection = oldDataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE follows ADD COLUMN deleted boolean DEFAULT false");
        }
        JdbcTable oldFollows = JdbcTable.of(oldDataSource, "follows");
        JdbcTable newFollows = JdbcTable.of(newDataSource, "follows");
        java.time.Instant backfillStartedAt = AT.toInstant();
        oldFollows.upsert(List.of(
                Row.builder().set("from_user", "alice").set("to_user", "c1").set("updated_at", AT.plusMinutes(1)).set("deleted", false).build(),
                Row.builder().set("from_user", "bob").set("to_user", "c1").set("updated_at", AT.plusMinutes(2)).set("deleted", true).build()));
        newFollows.upsert(List.of(Row.builder().set("from_user", "bob").set("to_user", "c1").set("updated_at", AT).build()));

        CatchUp catchUp = CatchUp.from(oldFollows).to(newFollows)
                .changedAt("updated_at")                       // set by every write; indexed
                .softDeletes("deleted")                        // a flagged row is deleted in the new table
                .mapping(RowMapping.builder().drop("deleted").build())   // which has no flag
                .since(backfillStartedAt.minus(Duration.ofMinutes(5)))   // the first pass only
                .overlap(Duration.ofSeconds(30))               // each pass starts 30 s before the mark
                .checkpoints(JdbcCheckpoints.in(newDataSource, "dualstore_checkpoints"))
                .every(Duration.ofSeconds(10))                 // between passes
                .meterRegistry(registry)
                .start();                                      // or runOnce() from a scheduler of yours
        CatchUpResult pass = catchUp.awaitNextPass(Duration.ofMinutes(1));   // a pass now, and its result
        System.out.println(pass.rowsCopied() + " copied, " + pass.rowsDeleted() + " deleted, up to " + pass.highWaterMark());
        catchUp.stop();
        // The first pass may have started before awaitNextPass, which then waits for the next one:
        // the mark holds either way, and so does the new table.
        assertThat(pass.highWaterMark()).contains(AT.plusMinutes(2).toInstant());
        assertThat(newFollows.stream(dev.dualstore.table.KeyRange.all(), 10).toList()).extracting(r -> r.get("from_user"))
                .containsExactly("alice");
    }

    // ------------------------------------------------------------------ guide 17: proving the stores equal

    private static JdbcTable followsTable(String database, int rows) throws java.sql.SQLException {
        javax.sql.DataSource dataSource = new DriverDataSource("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1", "sa", "");
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE follows (from_user varchar(100), to_user varchar(100), "
                    + "created_at timestamp(6) with time zone, PRIMARY KEY (from_user, to_user))");
        }
        JdbcTable table = JdbcTable.of(dataSource, "follows");
        List<Row> follows = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            follows.add(Row.builder().set("from_user", "user" + i).set("to_user", "channel" + i % 7)
                    .set("created_at", AT.minusDays(i)).build());
        }
        table.upsert(follows);
        return table;
    }

    @Test
    void provingTheStoresEqual() throws Exception {
        String run = Long.toHexString(System.nanoTime());
        JdbcTable oldFollows = followsTable("guide_old_" + run, 1_000);
        JdbcTable newFollows = followsTable("guide_new_" + run, 990);

        CheckResult diff = Check.between(oldFollows, newFollows)
                .repair(Repair.COPY_FROM_SOURCE)               // or Repair.NONE: report only
                .run();
        diff.rowsCompared(); diff.missing(); diff.extra(); diff.different(); diff.repaired();   // longs
        assertThat(diff.missing()).isEqualTo(10);
        assertThat(diff.repaired()).isEqualTo(10);

        Path report = Files.createTempFile("follows-check", ".json");
        CheckResult nightly = Check.between(oldFollows, newFollows)
                .name("follows")                               // meter tag `check`; default: the target's name
                .threads(4)                                    // chunks compared in parallel
                .chunkRows(10_000)                             // source rows per chunk, hashed in each database
                .maxRowsPerSecond(50_000)                      // 0: unthrottled
                .skipChangedWithin(Duration.ofSeconds(30), "created_at")   // in flight: not compared
                .meterRegistry(registry)
                .run();
        System.out.println(nightly.summary());                 // plain text for a person
        Files.writeString(report, nightly.toJson());           // the same for tooling
        assertThat(nightly.equal()).isTrue();
        assertThat(nightly.hashed()).isTrue();
        assertThat(Files.readString(report)).contains("\"check\":\"follows\"", "\"missing\":0");
        Files.delete(report);
    }

    // ------------------------------------------------------------------ guide 18: journal and replay

    @Test
    void journalAndReplay() {
        javax.sql.DataSource dataSource = new DriverDataSource("jdbc:h2:mem:guide_journal_"
                + Long.toHexString(System.nanoTime()) + ";DB_CLOSE_DELAY=-1", "sa", "");
        OldFollowStore oldStore = new OldFollowStore();
        NewFollowStore newStore = NewFollowStore.fixed();
        // 1. Journal on: the old store answers, every write it applied is journaled.
        JdbcJournal journal = JdbcJournal.in(dataSource, "dualstore_journal");
        MirroringBackend<FollowStore> recording = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", oldStore)
                .journal(journal)                       // every write the primary applied, durably, off the caller's thread
                .meterRegistry(registry)
                .build());
        recording.proxy().follow("alice", "channel-1", AT);
        recording.proxy().follow("bob", "channel-1", AT.plusSeconds(1));
        recording.proxy().unfollow("alice", "channel-1");
        assertThat(recording.drain(DRAIN)).isTrue();

        // 3. Replay to catch up, from a checkpoint.
        long applied = Replayer.from(journal)
                .to(newStore)                           // replays the operation on a FollowStore
                .checkpoints(JdbcCheckpoints.in(dataSource, "dualstore_replay"))
                .meterRegistry(registry)
                .runUntilCaughtUp();                    // blocks until no entry is left
        assertThat(applied).isEqualTo(3);
        assertThat(edges(newStore, "channel-1")).isEqualTo(edges(oldStore, "channel-1"));

        // Rebuild after a fix: an empty new store, the whole journal again.
        NewFollowStore rebuilt = NewFollowStore.fixed();
        Replayer.from(journal).to(rebuilt)
                .checkpoints(JdbcCheckpoints.in(dataSource, "dualstore_replay"))
                .fromBeginning()                        // forget the checkpoint
                .meterRegistry(registry)
                .runUntilCaughtUp();
        assertThat(edges(rebuilt, "channel-1")).isEqualTo(edges(oldStore, "channel-1"));

        // A continuous replayer while the fleet keeps writing.
        Replayer live = Replayer.from(journal).to(newStore)
                .name("follows")                        // meter tag `replay`, thread dualstore-replay-follows
                .checkpoints(JdbcCheckpoints.in(dataSource, "dualstore_replay"))
                .meterRegistry(registry)
                .start();
        recording.proxy().follow("carol", "channel-2", AT);
        assertThat(recording.drain(DRAIN)).isTrue();
        try {
            assertThat(live.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        live.close();
        assertThat(edges(newStore, "channel-2")).isEqualTo(edges(oldStore, "channel-2"));
        recording.close();
        journal.close();
    }

    @Test
    void kafkaJournalAndReplay() throws Exception {
        String bootstrapServers = kafka.bootstrapServers();
        OldFollowStore oldStore = new OldFollowStore();
        NewFollowStore newStore = NewFollowStore.fixed();
        Map<String, Object> kafkaConfig = Map.of("bootstrap.servers", bootstrapServers);
        KafkaJournal kafkaJournal = KafkaJournal.builder(kafkaConfig, "follows-journal")
                .partitions(12)                         // creates the topic if it is absent
                .meterRegistry(registry)
                .build();
        MirroringBackend<FollowStore> instance = track(MirroringBackend.builder(FollowStore.class)
                .primary("old", oldStore)
                .journal(kafkaJournal)                  // each instance of the service appends with its own producer
                .meterRegistry(registry)
                .build());
        instance.proxy().follow("alice", "channel-1", AT);
        instance.proxy().follow("bob", "channel-2", AT);
        instance.proxy().unfollow("alice", "channel-1");
        assertThat(instance.drain(DRAIN)).isTrue();

        Replayer replayer = Replayer.from(kafkaJournal).to(newStore)
                .name("follows")                        // consumer group dualstore-replay-follows
                .meterRegistry(registry)
                .start();                               // one per host: the group splits the partitions among them
        assertThat(replayer.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        replayer.close();
        assertThat(edges(newStore, "channel-1")).isEqualTo(edges(oldStore, "channel-1")).isEmpty();
        assertThat(edges(newStore, "channel-2")).isEqualTo(edges(oldStore, "channel-2")).hasSize(1);
        instance.close();
        kafkaJournal.close();
    }

    /** A channel's followers and when they followed, as instants (the new store answers in its own zone). */
    private static List<String> edges(FollowStore store, String channel) {
        return store.followers(channel, 10).stream().map(f -> f.from() + "@" + f.followedAt().toInstant()).sorted()
                .toList();
    }

    // ------------------------------------------------------------------ the docs quote this file

    /**
     * Every {@code java} block of README.md and docs/*.md must appear here, in the demo's
     * sources or in the clinic's (package {@code realdao}), line for line (indentation aside; a line {@code // ...} skips any lines), so the
     * docs cannot drift from code that compiles and runs.
     */
    @Test
    void everyJavaBlockInTheDocsIsCompiledHere() throws java.io.IOException {
        Path demo = Path.of("src/test/java/dev/dualstore/demo");
        List<List<String>> sources = new java.util.ArrayList<>();
        for (String file : List.of("GuideExamplesTest.java", "FleetGuideExamplesTest.java", "StatusPageGuideExamplesTest.java",
                "FollowStore.java", "Follow.java")) {
            sources.add(significantLines(Files.readString(demo.resolve(file))));
        }
        // The clinic of chapter 19, run by ClinicServiceTest on H2, PostgreSQL and MariaDB.
        Path clinic = Path.of("src/test/java/dev/dualstore/realdao");
        for (String file : List.of("ClinicMirror.java", "ClinicService.java", "ClinicStores.java", "JpaArguments.java")) {
            sources.add(significantLines(Files.readString(clinic.resolve(file))));
        }
        // The crash-window repair of chapter 18, run by JournalProcessesTest after a kill -9.
        sources.add(significantLines(Files.readString(Path.of("src/test/java/dev/dualstore/journal/JournalProcessesTest.java"))));
        List<Path> docs = List.of(Path.of("README.md"), Path.of("docs/guide.md"), Path.of("docs/metrics.md"));
        int blocks = 0;
        for (Path doc : docs) {
            Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(doc));
            while (m.find()) {
                blocks++;
                List<String> block = significantLines(m.group(1));
                assertThat(sources.stream().anyMatch(source -> quotes(source, block)))
                        .as("%s quotes code found nowhere in GuideExamplesTest, the demo or the clinic:%n%s", doc, m.group(1))
                        .isTrue();
            }
        }
        assertThat(blocks).isGreaterThan(10);
    }

    private static List<String> significantLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Whether {@code block}'s lines appear in {@code source} in order, contiguous between {@code // ...} lines. */
    private static boolean quotes(List<String> source, List<String> block) {
        int from = 0;
        List<String> segment = new java.util.ArrayList<>();
        for (int i = 0; i <= block.size(); i++) {
            if (i == block.size() || block.get(i).equals("// ...")) {
                if (!segment.isEmpty()) {
                    int at = indexOf(source, segment, from);
                    if (at < 0) {
                        return false;
                    }
                    from = at + segment.size();
                    segment.clear();
                }
            } else {
                segment.add(block.get(i));
            }
        }
        return true;
    }

    private static int indexOf(List<String> source, List<String> segment, int from) {
        for (int i = from; i + segment.size() <= source.size(); i++) {
            if (source.subList(i, i + segment.size()).equals(segment)) {
                return i;
            }
        }
        return -1;
    }
}
