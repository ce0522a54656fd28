package dev.dualstore.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.Chunk;
import dev.dualstore.table.Columns;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.SchemaChangedException;
import dev.dualstore.table.Table;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

/** Backfill copies what exists, in chunks, resumably, and fails closed. */
class BackfillTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static final AtomicInteger TABLES = new AtomicInteger();

    /** A follows-like table (composite text key, timestamp, text with NULLs and '') with {@code rows} rows. */
    static JdbcTable follows(Server server, String name, int rows) {
        return follows(databases, server, name, rows);
    }

    static JdbcTable follows(TestDatabases databases, Server server, String name, int rows) {
        databases.execute(server, "CREATE TABLE " + name + " (from_user " + server.type("keytext") + " NOT NULL, to_user "
                + server.type("keytext") + " NOT NULL, created_at " + server.type("timestamptz") + ", note "
                + server.type("text") + ", PRIMARY KEY (from_user, to_user))");
        JdbcTable table = JdbcTable.of(databases.dataSource(server), name);
        if (rows > 0) {
            OffsetDateTime t0 = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
            table.upsert(IntStream.range(0, rows).mapToObj(i -> Row.builder().set("from_user", "user-" + (i % 37))
                    .set("to_user", "channel-" + i).set("created_at", t0.plusSeconds(i).plusNanos(i % 1000 * 1000))
                    .set("note", i % 5 == 0 ? null : i % 7 == 0 ? "" : "note " + i).build()).toList());
        }
        return table;
    }

    static String name(String prefix) {
        return prefix + TABLES.incrementAndGet();
    }

    static List<Row> all(Table table) {
        return table.stream(KeyRange.all(), 1000).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"MARIADB, POSTGRESQL", "POSTGRESQL, MARIADB", "H2, H2"})
    void copiesEveryRowInChunksOnSeveralThreads(Server from, Server to) {
        JdbcTable source = follows(from, name("src"), 500);
        JdbcTable target = follows(to, name("dst"), 0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        BackfillResult result = Backfill.from(source).to(target).threads(3).chunkRows(60)
                .checkpoints(JdbcCheckpoints.in(databases.dataSource(to), "dualstore_checkpoints"))
                .meterRegistry(registry).run();

        assertThat(all(target)).containsExactlyElementsOf(all(source));
        assertThat(result.rowsCopied()).isEqualTo(500);
        assertThat(result.chunksCopied()).isEqualTo(9);
        assertThat(result.chunksTotal()).isEqualTo(9);
        assertThat(result.chunksSkipped()).isZero();
        assertThat(registry.get("dualstore.backfill.rows").tag("job", result.job()).counter().count()).isEqualTo(500);
        assertThat(registry.get("dualstore.backfill.chunks").tag("result", "copied").counter().count()).isEqualTo(9);
    }

    @Test
    void aRunThatFailedResumesWithoutCopyingAFinishedChunkAgain() {
        JdbcTable source = follows(Server.POSTGRESQL, name("src"), 300);
        JdbcTable target = follows(Server.POSTGRESQL, name("dst"), 0);
        JdbcCheckpoints checkpoints = JdbcCheckpoints.in(databases.dataSource(Server.POSTGRESQL), "resume_checkpoints");
        AtomicInteger scans = new AtomicInteger();
        Table failing = new Wrapped(source, () -> {
            if (scans.incrementAndGet() == 4) {
                throw new IllegalStateException("source went away");
            }
        });
        assertThatThrownBy(() -> Backfill.from(failing).to(target).chunkRows(50).job("resume").checkpoints(checkpoints).run())
                .hasMessage("source went away");
        assertThat(logs.events(Level.ERROR, "dev.dualstore.backfill"))
                .anySatisfy(CapturedLogs.mentioning("backfill resume stopped after 150 rows", "source went away"));
        assertThat(checkpoints.chunks("resume")).hasSize(3).allMatch(Chunk::done);

        Table counted = new Wrapped(source, scans::incrementAndGet);
        scans.set(0);
        BackfillResult resumed = Backfill.from(counted).to(target).chunkRows(50).job("resume").checkpoints(checkpoints).run();

        assertThat(resumed.chunksSkipped()).isEqualTo(3);
        assertThat(resumed.chunksCopied()).isEqualTo(3);
        assertThat(resumed.rowsCopied()).isEqualTo(150);
        assertThat(scans.get()).as("scans: 3 chunks and the one that finds the end").isEqualTo(4);
        assertThat(checkpoints.chunks("resume")).hasSize(6).allMatch(c -> c.done() && c.completions() == 1);
        assertThat(all(target)).containsExactlyElementsOf(all(source));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRESQL", "MARIADB"})
    void aSchemaChangeMidRunStopsTheBackfillNamingTheColumn(Server server) {
        JdbcTable source = follows(server, name("src"), 200);
        String targetName = name("dst");
        JdbcTable target = follows(server, targetName, 0);
        AtomicInteger writes = new AtomicInteger();
        Table altered = new Wrapped(target, () -> { }) {
            @Override
            public void upsert(List<Row> rows) {
                if (writes.incrementAndGet() == 2) {
                    databases.execute(server, "ALTER TABLE " + targetName + " ADD COLUMN extra integer");
                }
                super.upsert(rows);
            }
        };
        Checkpoints checkpoints = Checkpoints.inMemory();

        assertThatThrownBy(() -> Backfill.from(source).to(altered).chunkRows(20).checkpoints(checkpoints).job("schema").run())
                .isInstanceOfSatisfying(SchemaChangedException.class, e -> assertThat(e.column()).isEqualTo("extra"))
                .hasMessageContaining("column extra");
        assertThat(checkpoints.chunks("schema")).filteredOn(Chunk::done).hasSize(1);
        assertThat(logs.events(Level.ERROR, "dev.dualstore.backfill"))
                .anySatisfy(CapturedLogs.mentioning("backfill schema stopped", "column extra was added"));
    }

    @Test
    @Timeout(60)
    void aWorkerWithNothingLeftWakesWhenItsRunRecordsTheLastChunk() throws Exception {
        JdbcTable source = follows(Server.H2, name("src"), 50);
        JdbcTable target = follows(Server.H2, name("dst"), 0);
        AtomicInteger upserts = new AtomicInteger();
        CountDownLatch lastHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Table holdingTheLastChunk = new Wrapped(target, () -> {
            if (upserts.incrementAndGet() == 5) { // 50 rows in chunks of 10: the fifth write is the last
                lastHeld.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Backfill.Builder builder = Backfill.from(source).to(holdingTheLastChunk).threads(2).chunkRows(10);
        // A worker that slept out its poll interval would hold the run for an hour (and time the test out).
        builder.pollEvery = Duration.ofHours(1);
        CompletableFuture<BackfillResult> run = CompletableFuture.supplyAsync(builder::run);
        lastHeld.await();
        // The other worker has found nothing to take and waits; only then is the last chunk let go.
        await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().matches("dualstore-backfill-\\d+-\\d+")
                        && t.getState() == Thread.State.TIMED_WAITING));
        release.countDown();

        BackfillResult result = run.get(30, TimeUnit.SECONDS);
        assertThat(result.rowsCopied()).isEqualTo(50);
        assertThat(result.chunksCopied()).isEqualTo(5);
    }

    @Test
    void aRenewalThatMeetsAChunkJustRecordedIsNotALostLease() throws Exception {
        JdbcTable source = follows(Server.H2, name("src"), 30);
        JdbcTable target = follows(Server.H2, name("dst"), 0);
        Checkpoints memory = Checkpoints.inMemory();
        CountDownLatch renewalRefused = new CountDownLatch(1);
        // Each chunk's record returns only after a renewal of it was refused (it is done): the
        // heartbeat then sees the chunk still in the worker's hands, as it can in a real run.
        Checkpoints slowToReturn = (Checkpoints) Proxy.newProxyInstance(Checkpoints.class.getClassLoader(),
                new Class<?>[] {Checkpoints.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("renew") && !(Boolean) result) {
                        renewalRefused.countDown();
                    }
                    if (method.getName().equals("complete") && (Boolean) result) {
                        assertThat(renewalRefused.await(30, TimeUnit.SECONDS)).isTrue();
                    }
                    return result;
                });

        BackfillResult result = Backfill.from(source).to(target).chunkRows(10).leaseTime(Duration.ofMillis(150))
                .checkpoints(slowToReturn).run();

        assertThat(result.rowsCopied()).isEqualTo(30);
        assertThat(renewalRefused.getCount()).isZero();
        assertThat(logs.events(Level.WARN, "dev.dualstore.backfill")).isEmpty();
    }

    @Test
    void aMappingCopiesIntoAnotherSchema() {
        JdbcTable source = follows(Server.H2, name("src"), 40);
        String assoc = name("assoc");
        databases.execute(Server.H2, "CREATE TABLE " + assoc + " (id1 varchar(100) NOT NULL, id2 varchar(100) NOT NULL, "
                + "type varchar(20), created_at timestamp(6) with time zone, note varchar(1000), PRIMARY KEY (id1, id2))");
        JdbcTable target = JdbcTable.of(databases.dataSource(Server.H2), assoc);
        RowMapping mapping = RowMapping.builder().rename("from_user", "id1").rename("to_user", "id2")
                .derive("type", row -> "follows").build();

        BackfillResult result = Backfill.from(source).to(target).chunkRows(16).mapping(mapping).run();

        assertThat(result.rowsCopied()).isEqualTo(40);
        assertThat(all(target)).containsExactlyElementsOf(all(source).stream().map(mapping::map).toList());
    }

    @Test
    void pauseWhenIsAskedBeforeEachChunkAndHoldsTheWorkers() {
        JdbcTable source = follows(Server.H2, name("src"), 50);
        JdbcTable target = follows(Server.H2, name("dst"), 0);
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean copiedWhilePaused = new AtomicBoolean();
        AtomicBoolean pausedNow = new AtomicBoolean();
        Table watched = new Wrapped(target, () -> copiedWhilePaused.compareAndSet(false, pausedNow.get()));
        BackfillResult result = Backfill.from(source).to(watched).chunkRows(10)
                .pauseWhen(() -> {
                    boolean pause = asked.incrementAndGet() == 3;
                    pausedNow.set(pause);
                    return pause;
                }).run();

        assertThat(result.rowsCopied()).isEqualTo(50);
        assertThat(asked.get()).as("once per chunk, once for the end, once more after the pause").isEqualTo(7);
        assertThat(copiedWhilePaused).isFalse();
    }

    @Test
    void maxRowsPerSecondLimitsTheRate() {
        JdbcTable source = follows(Server.H2, name("src"), 400);
        JdbcTable target = follows(Server.H2, name("dst"), 0);

        BackfillResult result = Backfill.from(source).to(target).threads(2).chunkRows(50).maxRowsPerSecond(1_000).run();

        // 400 rows at 1,000/s: the first page goes at once, the other 350 rows take 0.35 s at least.
        assertThat(result.duration().toMillis()).isGreaterThanOrEqualTo(350);
        assertThat(all(target)).hasSize(400);
    }

    @Test
    void badConfigurationFailsNamingTheCulprit() {
        JdbcTable source = follows(Server.H2, name("src"), 0);
        String other = name("other");
        databases.execute(Server.H2, "CREATE TABLE " + other + " (from_user varchar(100) NOT NULL, to_user varchar(100) "
                + "NOT NULL, created_at timestamp(6) with time zone, PRIMARY KEY (from_user, to_user))");
        JdbcTable narrower = JdbcTable.of(databases.dataSource(Server.H2), other);

        assertThatThrownBy(() -> Backfill.from(source).run()).hasMessageContaining("call to(table)");
        assertThatThrownBy(() -> Backfill.from(source).threads(2).threads(3)).isInstanceOf(IllegalStateException.class)
                .hasMessage("threads is already set");
        assertThatThrownBy(() -> Backfill.from(source).chunkRows(0)).hasMessageContaining("chunkRows");
        assertThatThrownBy(() -> Backfill.from(source).maxRowsPerSecond(-1)).hasMessageContaining("maxRowsPerSecond");
        assertThatThrownBy(() -> Backfill.from(source).to(narrower).run()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no column note");
    }

    @Test
    void rowKeysSurviveTheirTextForm() {
        RowKey key = RowKey.of(5L, "a,b %c:d", OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 123_000, ZoneOffset.UTC),
                new java.math.BigDecimal("1.50"), new byte[] {1, 2, -1}, java.util.UUID.randomUUID(), true);
        assertThat(RowKey.decode(key.encode())).isEqualTo(key);
        assertThatThrownBy(() -> RowKey.decode("x:1")).hasMessageContaining("not an encoded key");
    }

    /** A table that runs a hook before each scan (or each write, for a target) and otherwise delegates. */
    static class Wrapped implements Table {
        private final Table table;
        private final Runnable hook;

        Wrapped(Table table, Runnable hook) {
            this.table = table;
            this.hook = hook;
        }

        @Override
        public String name() {
            return table.name();
        }

        @Override
        public Columns columns() {
            return table.columns();
        }

        @Override
        public List<Row> scan(KeyRange range, int limit) {
            hook.run();
            return table.scan(range, limit);
        }

        @Override
        public Map<RowKey, Row> read(Collection<RowKey> keys) {
            return table.read(keys);
        }

        @Override
        public void upsert(List<Row> rows) {
            hook.run();
            table.upsert(rows);
        }

        @Override
        public void delete(Collection<RowKey> keys) {
            table.delete(keys);
        }
    }
}
