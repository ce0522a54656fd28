package dev.dualstore.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.SchemaChangedException;
import dev.dualstore.table.Table;
import dev.dualstore.table.TableException;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

/** Incremental catch-up copies what changed since its mark, pages through ties, resumes, and runs on. */
class CatchUpTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    /** A table keyed by (tenant, id) whose updated_at is indexed; {@code deleted} is a soft-delete flag. */
    private static JdbcTable items(Server server, boolean withDeleted) {
        String name = "items" + TABLES.incrementAndGet();
        databases.execute(server, "CREATE TABLE " + name + " (tenant " + server.type("keytext") + " NOT NULL, id "
                + server.type("bigint") + " NOT NULL, note " + server.type("text") + ", updated_at " + server.type("timestamptz")
                + (withDeleted ? ", deleted " + server.type("boolean") : "") + ", PRIMARY KEY (tenant, id))",
                "CREATE INDEX " + name + "_updated ON " + name + " (updated_at)");
        return JdbcTable.of(databases.dataSource(server), name);
    }

    /** Row {@code i}: ten rows share each second, so pages end inside runs of equal timestamps. */
    private static Row item(long i, OffsetDateTime updatedAt, String note) {
        return Row.builder().set("tenant", "t" + (i % 3)).set("id", i).set("note", note).set("updated_at", updatedAt).build();
    }

    private static List<Row> rows(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> item(i, T0.plusSeconds(i / 10).plusNanos(i % 10 * 1000), "v1 " + i))
                .toList();
    }

    private static List<Row> all(Table table) {
        return table.stream(KeyRange.all(), 1000).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"MARIADB, POSTGRESQL", "POSTGRESQL, MARIADB", "H2, H2"})
    void copiesWhatChangedSinceItsMarkThenStartsTheNextPassThereLessTheOverlap(Server from, Server to) {
        JdbcTable source = items(from, false);
        JdbcTable target = items(to, false);
        source.upsert(rows(0, 300));
        Checkpoints checkpoints = JdbcCheckpoints.in(databases.dataSource(to), "catchup_checkpoints");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        CatchUpResult first = CatchUp.from(source).to(target).changedAt("updated_at").since(T0.plusSeconds(10).toInstant())
                .overlap(Duration.ofSeconds(5)).pageRows(7).checkpoints(checkpoints).meterRegistry(registry).runOnce();

        assertThat(first.rowsCopied()).isEqualTo(200); // rows 100..299, changed at 10 s and later
        assertThat(first.pages()).isEqualTo(29); // 28 full pages of 7 and a short one of 4
        assertThat(first.highWaterMark()).contains(T0.plusSeconds(29).plusNanos(9000).toInstant());
        assertThat(all(target)).containsExactlyInAnyOrderElementsOf(rows(100, 300));
        assertThat(registry.get("dualstore.catchup.rows").tag("result", "copied").counter().count()).isEqualTo(200);

        List<Row> changes = List.of(
                item(5, T0.plusSeconds(40), "v2 5"),          // an old row written again
                item(150, T0.plusSeconds(41), "v2 150"),      // a copied row written again
                item(301, T0.plusSeconds(26), "late 301"),    // committed late, inside the overlap
                item(302, T0.plusSeconds(20), "too late 302")); // committed later than the overlap covers
        source.upsert(changes);
        CatchUpResult second = CatchUp.from(source).to(target).changedAt("updated_at").overlap(Duration.ofSeconds(5))
                .pageRows(7).checkpoints(JdbcCheckpoints.in(databases.dataSource(to), "catchup_checkpoints")).runOnce();

        assertThat(second.from()).isEqualTo(T0.plusSeconds(29).plusNanos(9000).minusSeconds(5).toInstant());
        // Rows 249..299 changed in the overlap window (at 24 s + 9 µs and later), plus rows 5, 150 and 301.
        assertThat(second.rowsCopied()).isEqualTo(51 + 3);
        assertThat(second.highWaterMark()).contains(T0.plusSeconds(41).toInstant());
        List<Row> expected = new ArrayList<>(rows(100, 300));
        expected.removeIf(r -> r.get("id").equals(150L));
        expected.addAll(changes.subList(0, 3));
        assertThat(all(target)).as("row 302 is for the check to find").containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void softDeletedRowsAreDeletedFromATargetThatHasNoFlag() {
        JdbcTable source = items(Server.POSTGRESQL, true);
        JdbcTable target = items(Server.H2, false);
        source.upsert(IntStream.range(0, 40).mapToObj(i -> Row.builder().set("tenant", "t").set("id", (long) i)
                .set("note", "n").set("updated_at", T0.plusSeconds(i)).set("deleted", i % 4 == 0 ? Boolean.TRUE : i % 4 == 1 ? null : Boolean.FALSE)
                .build()).toList());
        // A row the backfill copied before the old store soft-deleted it.
        target.upsert(List.of(Row.builder().set("tenant", "t").set("id", 4L).set("note", "stale").set("updated_at", T0).build()));

        CatchUpResult result = CatchUp.from(source).to(target).changedAt("updated_at").softDeletes("deleted")
                .mapping(RowMapping.builder().drop("deleted").build()).since(T0.toInstant()).pageRows(6).runOnce();

        assertThat(result.rowsDeleted()).isEqualTo(10);
        assertThat(result.rowsCopied()).isEqualTo(30);
        assertThat(all(target)).extracting(r -> r.get("id")).hasSize(30).doesNotContain(0L, 4L, 8L, 36L).contains(1L, 2L, 3L);
    }

    @Test
    void aSoftDeleteFlagItCannotReadNamesTheColumn() {
        JdbcTable source = items(Server.H2, false);
        JdbcTable target = items(Server.H2, false);
        source.upsert(rows(0, 3));
        assertThatThrownBy(() -> CatchUp.from(source).to(target).changedAt("updated_at").softDeletes("note")
                .since(T0.toInstant()).runOnce())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("soft-delete column note")
                .hasMessageContaining("softDeletes(row -> ...)");
        assertThat(all(target)).isEmpty();
    }

    @Test
    void aPassThatFailsMidwayResumesFromItsLastPage() {
        JdbcTable source = items(Server.MARIADB, false);
        JdbcTable real = items(Server.POSTGRESQL, false);
        source.upsert(rows(0, 100));
        Checkpoints checkpoints = JdbcCheckpoints.in(databases.dataSource(Server.POSTGRESQL), "catchup_checkpoints");
        AtomicInteger upserts = new AtomicInteger();
        Table failsOnThirdPage = new BackfillTest.Wrapped(real, () -> {
            if (upserts.incrementAndGet() == 3) {
                throw new TableException(real.name(), "the target went away", null);
            }
        });

        assertThatThrownBy(() -> CatchUp.from(source).to(failsOnThirdPage).changedAt("updated_at").job("items")
                .since(T0.toInstant()).overlap(Duration.ZERO).pageRows(15).checkpoints(checkpoints).runOnce())
                .isInstanceOf(TableException.class).hasMessageContaining("the target went away");
        assertThat(checkpoints.position("items")).contains(T0.plusSeconds(2).plusNanos(9000).toInstant().toString());

        CatchUpResult resumed = CatchUp.from(source).to(real).changedAt("updated_at").job("items")
                .overlap(Duration.ZERO).pageRows(15).checkpoints(checkpoints).runOnce();

        assertThat(resumed.from()).isEqualTo(T0.plusSeconds(2).plusNanos(9000).toInstant());
        assertThat(resumed.rowsCopied()).as("rows 29..99: the last row of the second page again, then the rest").isEqualTo(71);
        assertThat(all(real)).containsExactlyInAnyOrderElementsOf(rows(0, 100));
    }

    @Test
    void runsAPassEveryIntervalOrWhenAskedUntilStopped() throws Exception {
        JdbcTable source = items(Server.H2, false);
        JdbcTable target = items(Server.H2, false);
        source.upsert(rows(0, 20));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Clock clock = Clock.fixed(T0.plusSeconds(61).toInstant(), ZoneOffset.UTC);

        CatchUp running = CatchUp.from(source).to(target).changedAt("updated_at").since(T0.toInstant()).job("live")
                .every(Duration.ofHours(1)).clock(clock).meterRegistry(registry).start();
        try {
            CatchUpResult asked = running.awaitNextPass(Duration.ofSeconds(30));
            assertThat(asked.highWaterMark()).contains(T0.plusSeconds(1).plusNanos(9000).toInstant());
            assertThat(all(target)).hasSize(20);
            assertThat(registry.get("dualstore.catchup.lag").tag("job", "live").gauge().value()).isEqualTo(59.999);

            source.upsert(List.of(item(100, T0.plusSeconds(60), "new")));
            CatchUpResult next = running.awaitNextPass(Duration.ofSeconds(30));
            assertThat(next.from()).isEqualTo(T0.plusSeconds(1).plusNanos(9000).minusSeconds(30).toInstant());
            assertThat(all(target)).hasSize(21).contains(item(100, T0.plusSeconds(60), "new"));
            assertThat(running.lastPass()).contains(next);
            assertThat(running.isRunning()).isTrue();
        } finally {
            running.stop();
        }
        assertThat(running.isRunning()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("dualstore-catchup-live"));
        assertThat(registry.find("dualstore.catchup.lag").gauges()).as("removed with the catch-up").isEmpty();
        assertThatThrownBy(() -> running.awaitNextPass(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("live has stopped");
    }

    @Test
    void aFailedStoreIsTriedAgainNextPassButASchemaChangeStopsIt() throws Exception {
        JdbcTable source = items(Server.POSTGRESQL, false);
        JdbcTable real = items(Server.POSTGRESQL, false);
        source.upsert(rows(0, 10));
        AtomicBoolean down = new AtomicBoolean(true);
        Table flaky = new BackfillTest.Wrapped(real, () -> {
            if (down.get()) {
                throw new TableException(real.name(), "connection refused", null);
            }
        });
        CatchUp running = CatchUp.from(source).to(flaky).changedAt("updated_at").since(T0.toInstant()).job("flaky")
                .every(Duration.ofHours(1)).start();
        try {
            assertThatThrownBy(() -> running.awaitNextPass(Duration.ofSeconds(30))).isInstanceOf(TableException.class)
                    .hasMessageContaining("connection refused");
            assertThat(logs.warnings("dev.dualstore.backfill")).anySatisfy(CapturedLogs.mentioning("flaky", "connection refused"));
            assertThat(running.isRunning()).isTrue();

            down.set(false);
            assertThat(running.awaitNextPass(Duration.ofSeconds(30)).rowsCopied()).isEqualTo(10);

            databases.execute(Server.POSTGRESQL, "ALTER TABLE " + source.name() + " ADD COLUMN extra integer");
            assertThatThrownBy(() -> running.awaitNextPass(Duration.ofSeconds(30))).isInstanceOf(SchemaChangedException.class)
                    .hasMessageContaining("extra");
            assertThat(logs.events(Level.ERROR, "dev.dualstore.backfill")).anySatisfy(CapturedLogs.mentioning("flaky", "stopped"));
            assertThatThrownBy(() -> running.awaitNextPass(Duration.ofSeconds(30))).isInstanceOf(IllegalStateException.class)
                    .hasCauseInstanceOf(SchemaChangedException.class);
        } finally {
            running.stop();
        }
        assertThat(all(real)).containsExactlyInAnyOrderElementsOf(rows(0, 10));
    }

    @Test
    void badSettingsAreRefusedNamingTheCulprit() {
        JdbcTable source = items(Server.H2, false);
        JdbcTable target = items(Server.H2, false);
        assertThatThrownBy(() -> CatchUp.from(source).to(target).since(T0.toInstant()).runOnce())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("changedAt(column)");
        assertThatThrownBy(() -> CatchUp.from(source).to(target).changedAt("modified").since(T0.toInstant()).runOnce())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column modified");
        assertThatThrownBy(() -> CatchUp.from(source).to(target).changedAt("id").since(T0.toInstant()).runOnce())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column id").hasMessageContaining("not a timestamp");
        assertThatThrownBy(() -> CatchUp.from(source).to(target).changedAt("updated_at").softDeletes("gone").since(T0.toInstant()).runOnce())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("soft-delete column gone");
        assertThatThrownBy(() -> CatchUp.from(source).to(target).changedAt("updated_at").job("fresh").runOnce())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fresh").hasMessageContaining("since(...)");
        assertThatThrownBy(() -> CatchUp.from(source).to(target).changedAt("updated_at").job("fresh").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("since(...)");
        assertThatThrownBy(() -> CatchUp.from(new BackfillTest.Wrapped(source, () -> { })).to(target).changedAt("updated_at").since(T0.toInstant())
                .runOnce()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ChangeScanning");
        assertThatThrownBy(() -> CatchUp.from(source).overlap(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> CatchUp.from(source).pageRows(5).pageRows(6)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pageRows");
    }
}
