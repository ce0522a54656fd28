package dev.dualstore.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.metrics.MeterNames;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A check finds every planted difference of every kind and column type across PostgreSQL,
 * MariaDB and H2, repairs them, and a second run finds none; with hashing, streaming, a column
 * subset, a mapping, an in-flight window and checkpoints.
 */
class CheckTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();
    /** Each check logs a sample of its differences at WARN: captured, and asserted where it matters. */
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static final OffsetDateTime BASE = OffsetDateTime.of(2024, 5, 1, 8, 30, 0, 123_456_000, ZoneOffset.UTC);
    private static int tables;
    private static final java.util.Map<Server, javax.sql.DataSource> POOLS = new java.util.EnumMap<>(Server.class);

    /** One pool per server for the class, so the check's many short calls do not each connect. */
    static synchronized javax.sql.DataSource pool(Server server) {
        return POOLS.computeIfAbsent(server, s -> new dev.dualstore.testing.PooledDataSource(databases.dataSource(s)));
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    static synchronized JdbcTable typed(Server server) {
        String name = "c" + (tables++);
        databases.execute(server, "CREATE TABLE " + name + " (id " + server.type("bigint") + " PRIMARY KEY, label "
                + server.type("text") + ", amount " + server.type("decimal") + ", raw " + server.type("bytes") + ", uid "
                + server.type("uuid") + ", tz " + server.type("timestamptz") + ", ts " + server.type("timestamp") + ", flag "
                + server.type("boolean") + ", born date, changed " + server.type("timestamptz") + ")");
        return JdbcTable.of(pool(server), name);
    }

    static Row row(long id) {
        return Row.builder().set("id", id).set("label", id % 7 == 0 ? null : id % 11 == 0 ? "" : "row " + id + " é🎉")
                .set("amount", BigDecimal.valueOf(id * 1_000_001L, 6)).set("raw", new byte[] {(byte) id, (byte) (id >> 8), 0})
                .set("uid", new UUID(id, -id)).set("tz", BASE.plusSeconds(id)).set("ts", BASE.toLocalDateTime().minusDays(id))
                .set("flag", id % 2 == 0).set("born", LocalDate.of(2000, 1, 1).plusDays(id))
                .set("changed", BASE.minusDays(30)).build();
    }

    static List<Row> rows(long from, long to) {
        List<Row> rows = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            rows.add(row(id));
        }
        return rows;
    }

    static List<Row> all(JdbcTable table) {
        try (Stream<Row> rows = table.stream(KeyRange.all(), 2_000)) {
            return rows.collect(Collectors.toList());
        }
    }

    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Server.POSTGRESQL, Server.MARIADB), Arguments.of(Server.MARIADB, Server.POSTGRESQL),
                Arguments.of(Server.H2, Server.POSTGRESQL));
    }

    /** One change per non-key column, each in its own row: the column a difference must name. */
    private static final Map<String, UnaryOperator<Row>> CHANGES = Map.of(
            "label", r -> r.with("label", r.get("label") == null ? "" : r.get("label") + "!"),
            "amount", r -> r.with("amount", ((BigDecimal) r.get("amount")).add(new BigDecimal("0.000001"))),
            "raw", r -> r.with("raw", new byte[] {1, 2, 3}),
            "uid", r -> r.with("uid", UUID.randomUUID()),
            "tz", r -> r.with("tz", ((OffsetDateTime) r.get("tz")).plusNanos(1_000)),
            "ts", r -> r.with("ts", ((LocalDateTime) r.get("ts")).minusNanos(1_000)),
            "flag", r -> r.with("flag", !(Boolean) r.get("flag")),
            "born", r -> r.with("born", ((LocalDate) r.get("born")).plusDays(1)));

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void everyPlantedDifferenceIsFoundAndRepairedAndASecondRunFindsNone(Server from, Server to) {
        JdbcTable source = typed(from);
        JdbcTable target = typed(to);
        source.upsert(rows(1, 6_000));
        target.upsert(rows(1, 6_000));
        List<RowKey> missing = List.of(RowKey.of(1), RowKey.of(2_500), RowKey.of(2_501), RowKey.of(6_000));
        target.delete(missing);
        target.upsert(List.of(row(0), row(6_001), row(90_000)).stream().map(r -> r.with("label", "extra")).toList());
        Map<Long, String> changed = new java.util.TreeMap<>();
        long id = 7;
        for (String column : CHANGES.keySet()) {
            for (int i = 0; i < 3; i++, id += 241) {
                target.upsert(List.of(CHANGES.get(column).apply(row(id))));
                changed.put(id, column);
            }
        }
        target.upsert(List.of(row(77).with("label", ""))); // NULL in the source, '' in the target
        changed.put(77L, "label");

        CheckResult first = Check.between(source, target).repair(Repair.COPY_FROM_SOURCE).chunkRows(2_000).threads(2)
                .sampleSize(100).meterRegistry(registry).run();

        assertThat(first.hashed()).isTrue();
        assertThat(first.missing()).isEqualTo(4);
        assertThat(first.extra()).isEqualTo(3);
        assertThat(first.different()).isEqualTo(changed.size());
        assertThat(first.repaired()).isEqualTo(4 + 3 + changed.size());
        assertThat(first.rowsCompared()).isEqualTo(6_000);
        assertThat(first.chunks()).isEqualTo(4); // three of 2,000 source rows, then the open end after them
        assertThat(first.sample()).filteredOn(d -> d.kind() == Difference.Kind.DIFFERENT)
                .allSatisfy(d -> assertThat(d.columns()).containsExactly(changed.get((Long) d.key().get(0))))
                .hasSize(changed.size());
        assertThat(first.sample()).filteredOn(d -> d.kind() == Difference.Kind.MISSING).extracting(Difference::key)
                .containsExactlyInAnyOrderElementsOf(missing);
        assertThat(first.sample()).filteredOn(d -> d.kind() == Difference.Kind.EXTRA).extracting(Difference::key)
                .containsExactlyInAnyOrder(RowKey.of(0), RowKey.of(6_001), RowKey.of(90_000));
        assertThat(registry.get(MeterNames.CHECK_ROWS).tag(MeterNames.RESULT, "missing").counter().count()).isEqualTo(4);
        assertThat(registry.get(MeterNames.CHECK_REPAIRS).tag(MeterNames.KIND, "extra").counter().count()).isEqualTo(3);
        assertThat(all(target)).containsExactlyElementsOf(all(source));

        CheckResult second = Check.between(source, target).repair(Repair.COPY_FROM_SOURCE).chunkRows(2_000).run();
        assertThat(second.equal()).isTrue();
        assertThat(second.rowsCompared()).isEqualTo(6_000);
        assertThat(second.missing() + second.extra() + second.different() + second.repaired()).isZero();
        assertThat(second.chunksDiffering()).isZero();
    }

    @Test
    void reportOnlyWritesNothingAndTheReportsSayWhatDiffers() {
        JdbcTable source = typed(Server.POSTGRESQL);
        JdbcTable target = typed(Server.MARIADB);
        source.upsert(rows(1, 300));
        target.upsert(rows(2, 300));
        target.upsert(List.of(row(5).with("label", "Row 5 é🎉")));
        List<Row> before = all(target);

        CheckResult result = Check.between(source, target).name("follows-check").chunkRows(100).run();

        assertThat(result.missing()).isEqualTo(1);
        assertThat(result.different()).isEqualTo(1);
        assertThat(result.repaired()).isZero();
        assertThat(all(target)).containsExactlyElementsOf(before);
        assertThat(result.summary()).contains("check follows-check", "300 rows compared", "1 missing, 0 extra, 1 different",
                "different RowKey(5) [label]").doesNotContain("Row 5");
        assertThat(result.toJson()).startsWith("{\"check\":\"follows-check\",").contains("\"rowsCompared\":300,\"missing\":1,",
                "{\"kind\":\"different\",\"key\":[\"5\"],\"columns\":[\"label\"]}").doesNotContain("Row 5");
        assertThat(logs.warnings("dev.dualstore.check.Check"))
                .anySatisfy(CapturedLogs.mentioning("check follows-check", "different RowKey(5) [label]"))
                .noneSatisfy(CapturedLogs.mentioning("Row 5"));
    }

    @Test
    void textKeysSortedByAnotherCollationAreNeitherMissingNorExtra() {
        // MariaDB's utf8mb4 collation ignores case; PostgreSQL's database here sorts by code point or locale.
        databases.execute(Server.POSTGRESQL, "CREATE TABLE words (w text COLLATE \"C\" PRIMARY KEY, n bigint)");
        databases.execute(Server.MARIADB, "CREATE TABLE words (w varchar(100) PRIMARY KEY, n bigint)");
        JdbcTable source = JdbcTable.of(pool(Server.POSTGRESQL), "words");
        JdbcTable target = JdbcTable.of(pool(Server.MARIADB), "words");
        List<Row> words = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String word = (i % 2 == 0 ? "a" : "B") + (char) ('a' + i % 26) + (i % 3 == 0 ? "Z" : "y") + i;
            words.add(Row.builder().set("w", word).set("n", i).build());
        }
        source.upsert(words);
        target.upsert(words);
        CheckResult equal = Check.between(source, target).chunkRows(16).run();
        assertThat(equal.equal()).as(equal.summary()).isTrue();
        assertThat(equal.rowsCompared()).isEqualTo(300);
        assertThat(equal.chunksDiffering()).isPositive(); // the ranges hold other rows in the other order

        target.delete(List.of(RowKey.of(words.get(10).get("w"))));
        target.upsert(List.of(words.get(11).with("n", -1L), Row.builder().set("w", "Zz-extra").set("n", 0).build()));
        CheckResult found = Check.between(source, target).chunkRows(16).repair(Repair.COPY_FROM_SOURCE).run();
        assertThat(List.of(found.missing(), found.extra(), found.different())).containsExactly(1L, 1L, 1L);
        assertThat(Check.between(source, target).chunkRows(16).run().equal()).isTrue();
    }

    @Test
    void aMappingAcrossASchemaChangeStreamsRowsAndComparesThem() {
        databases.execute(Server.MARIADB, "CREATE TABLE people (id bigint PRIMARY KEY, name varchar(100), score double)");
        databases.execute(Server.POSTGRESQL, "CREATE TABLE people2 (id bigint PRIMARY KEY, full_name text, score double precision)");
        JdbcTable source = JdbcTable.of(pool(Server.MARIADB), "people");
        JdbcTable target = JdbcTable.of(pool(Server.POSTGRESQL), "people2");
        List<Row> people = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            people.add(Row.builder().set("id", i).set("name", "p" + i).set("score", i / 3.0).build());
        }
        source.upsert(people);
        RowMapping rename = RowMapping.builder().rename("name", "full_name").build();
        target.upsert(people.stream().map(rename::map).toList());
        target.upsert(List.of(rename.map(people.get(99)).with("score", 0.5)));

        CheckResult result = Check.between(source, target).mapping(rename).chunkRows(64).repair(Repair.COPY_FROM_SOURCE).run();

        assertThat(result.hashed()).isFalse();
        assertThat(result.chunks()).isEqualTo(4);
        assertThat(result.different()).isEqualTo(1);
        assertThat(result.sample()).singleElement().satisfies(d -> assertThat(d.columns()).containsExactly("score"));
        assertThat(Check.between(source, target).mapping(rename).run().equal()).isTrue();
        // Without the mapping the columns do not line up, and the check says which.
        assertThatThrownBy(() -> Check.between(source, target).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("full_name");
    }

    @Test
    void aColumnSubsetIgnoresTheOtherColumns() {
        JdbcTable source = typed(Server.H2);
        JdbcTable target = typed(Server.MARIADB);
        source.upsert(rows(1, 100));
        target.upsert(rows(1, 100).stream().map(r -> r.with("raw", new byte[] {9})).toList());
        assertThat(Check.between(source, target).columns("label", "amount").run().equal()).isTrue();
        assertThat(Check.between(source, target).columns("label", "raw").run().different()).isEqualTo(100);
    }

    @Test
    void rowsChangedWithinTheWindowAreLeftOutOnEitherSide() {
        JdbcTable source = typed(Server.POSTGRESQL);
        JdbcTable target = typed(Server.MARIADB);
        Instant now = Instant.parse("2024-06-01T00:00:00Z");
        source.upsert(rows(1, 500));
        target.upsert(rows(1, 500));
        OffsetDateTime recent = now.minusSeconds(5).atOffset(ZoneOffset.UTC);
        source.upsert(List.of(row(10).with("label", "new").with("changed", recent))); // in flight to the target
        target.upsert(List.of(row(20).with("label", "newer").with("changed", recent))); // changed in the target only
        target.upsert(List.of(row(30).with("label", "stale")));                           // a real difference

        CheckResult result = Check.between(source, target).skipChangedWithin(java.time.Duration.ofMinutes(1), "changed")
                .clock(Clock.fixed(now, ZoneOffset.UTC)).chunkRows(200).run();

        assertThat(result.different()).isEqualTo(1);
        assertThat(result.sample()).singleElement().satisfies(d -> assertThat(d.key()).isEqualTo(RowKey.of(30)));
        assertThat(result.skippedInFlight()).isEqualTo(2);
        assertThat(result.rowsCompared()).isEqualTo(498);
    }

    @Test
    void aStoppedRunResumesAfterItsCheckpointAndTheNextRunStartsOver() {
        JdbcTable source = typed(Server.POSTGRESQL);
        JdbcTable target = typed(Server.H2);
        source.upsert(rows(1, 1_000));
        target.upsert(rows(1, 1_000));
        target.delete(List.of(RowKey.of(100), RowKey.of(900)));
        CheckCheckpoints checkpoints = CheckCheckpoints.inMemory();
        checkpoints.checked("nightly", RowKey.of(500)); // a run that stopped after key 500

        CheckResult resumed = Check.between(source, target).checkpoints(checkpoints, "nightly").chunkRows(100).run();

        assertThat(resumed.rowsCompared()).isEqualTo(500);
        assertThat(resumed.sample()).extracting(Difference::key).containsExactly(RowKey.of(900));
        assertThat(checkpoints.checkedThrough("nightly")).isEmpty();
        List<RowKey> marks = new java.util.concurrent.CopyOnWriteArrayList<>();
        CheckCheckpoints recording = new CheckCheckpoints() {
            @Override
            public java.util.Optional<RowKey> checkedThrough(String run) {
                return java.util.Optional.empty();
            }

            @Override
            public void checked(String run, RowKey key) {
                marks.add(key);
            }

            @Override
            public void finished(String run) {
                marks.add(RowKey.of(-1));
            }
        };
        CheckResult inOrder = Check.between(source, target).checkpoints(recording, "nightly").chunkRows(100).threads(1).run();
        assertThat(inOrder.missing()).isEqualTo(2);
        // One thread: every chunk but the open-ended last one moves the mark past its last key.
        assertThat(marks).hasSizeGreaterThan(5).endsWith(RowKey.of(-1));
        assertThat(marks.subList(0, marks.size() - 1)).isSortedAccordingTo(java.util.Comparator.comparing(k -> (Long) k.get(0)))
                .allSatisfy(k -> assertThat((Long) k.get(0) % 100).isZero());

        marks.clear();
        CheckResult parallel = Check.between(source, target).checkpoints(recording, "nightly").chunkRows(100).threads(4).run();
        assertThat(parallel.missing()).isEqualTo(2);
        // Chunks finish out of order; a mark is a chunk's last key with every chunk before it done, so
        // marks only ever move forward (there may be none before the end if the first chunk ends last).
        assertThat(marks).endsWith(RowKey.of(-1));
        assertThat(marks.subList(0, marks.size() - 1)).isSortedAccordingTo(java.util.Comparator.comparing(k -> (Long) k.get(0)))
                .doesNotHaveDuplicates().allSatisfy(k -> assertThat((Long) k.get(0) % 100).isZero());
    }

    @Test
    void aRunStoppedPartWayResumesFromCheckpointsKeptInTheDatabase() {
        JdbcTable source = typed(Server.MARIADB);
        JdbcTable target = typed(Server.POSTGRESQL);
        source.upsert(rows(1, 600));
        target.upsert(rows(1, 600));
        target.delete(List.of(RowKey.of(50), RowKey.of(550)));
        javax.sql.DataSource checkpointsDb = databases.dataSource(Server.POSTGRESQL);
        // A run that stopped after key 300: its watermark is in the table, whoever reads it next.
        CheckCheckpoints.in(JdbcCheckpoints.in(checkpointsDb, "check_checkpoints")).checked("nightly", RowKey.of(300));

        CheckCheckpoints afterRestart = CheckCheckpoints.in(JdbcCheckpoints.in(checkpointsDb, "check_checkpoints"));
        assertThat(afterRestart.checkedThrough("nightly")).contains(RowKey.of(300));
        CheckResult resumed = Check.between(source, target).checkpoints(afterRestart, "nightly").chunkRows(100).run();

        assertThat(resumed.rowsCompared()).isEqualTo(300);
        assertThat(resumed.sample()).extracting(Difference::key).containsExactly(RowKey.of(550));
        assertThat(CheckCheckpoints.in(JdbcCheckpoints.in(checkpointsDb, "check_checkpoints")).checkedThrough("nightly"))
                .as("a finished run starts over next time").isEmpty();
    }

    @Test
    void aTargetFullOfExtraRowsIsStreamedAndEmptied() {
        JdbcTable source = typed(Server.MARIADB);
        JdbcTable target = typed(Server.POSTGRESQL);
        source.upsert(rows(1, 10));
        target.upsert(rows(1, 3_000));
        CheckResult result = Check.between(source, target).chunkRows(800).repair(Repair.COPY_FROM_SOURCE).run();
        assertThat(result.extra()).isEqualTo(2_990);
        assertThat(result.chunks()).isEqualTo(1); // all ten source rows fit the first chunk, which runs open-ended
        assertThat(all(target)).containsExactlyElementsOf(all(source));
    }

    @Test
    void optionsAreCheckedAtTheDoorAndSetOnce() {
        JdbcTable source = typed(Server.H2);
        JdbcTable target = typed(Server.H2);
        assertThatThrownBy(() -> Check.between(source, target).threads(2).threads(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> Check.between(source, target).repair(Repair.NONE).repair(Repair.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("repair");
        assertThatThrownBy(() -> Check.between(source, target).chunkRows(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunkRows");
        assertThatThrownBy(() -> Check.between(source, target).columns("nope").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> Check.between(source, source)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Check.between(source, target).skipChangedWithin(java.time.Duration.ZERO, "changed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("skipChangedWithin");
    }
}
