package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.RangeHashing.ChangedBefore;
import dev.dualstore.table.RangeHashing.RangeHash;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same rows hash the same inside PostgreSQL, MariaDB and H2, for every hashable type and its
 * edge values, and any one change (a character, NULL for '', a moved separator, a microsecond)
 * changes the hash on every database.
 */
class RangeHashingTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final List<String> COLUMNS = List.of("id", "tz", "ts", "amount", "raw", "label", "other", "uid", "flag", "born");
    private static int tables;
    private static final Map<Server, javax.sql.DataSource> POOLS = new EnumMap<>(Server.class);

    private static synchronized javax.sql.DataSource pool(Server server) {
        return POOLS.computeIfAbsent(server, s -> new dev.dualstore.testing.PooledDataSource(databases.dataSource(s)));
    }

    /** The hash of a table holding only {@code row} (it replaces whatever row the table held). */
    private static RangeHash only(JdbcTable table, Row row) {
        table.delete(all(table));
        table.upsert(List.of(row));
        return table.hash(KeyRange.all(), COLUMNS, Optional.empty());
    }

    private static List<RowKey> all(JdbcTable table) {
        return table.scan(KeyRange.all(), 100).stream().map(r -> table.columns().keyOf(r)).toList();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(row(1, OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 123_456_000, ZoneOffset.ofHours(2)),
                LocalDateTime.of(2024, 3, 1, 23, 59, 59, 999_999_000), new BigDecimal("12345678901234.123456"),
                new byte[] {0, 1, (byte) 0xff, (byte) 0x80}, "naïve café – 日本語 🎉👩‍👩‍👧", "a",
                UUID.fromString("0B8E5A8E-4E5F-4C52-9D9C-7D0D2F1F6A01"), true, LocalDate.of(2024, 2, 29)));
        rows.add(row(2, null, null, null, null, null, null, null, null, null));
        rows.add(row(3, OffsetDateTime.of(1970, 1, 1, 0, 0, 1, 1_000, ZoneOffset.UTC), LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1_000),
                new BigDecimal("-1.500000"), new byte[0], "", "", new UUID(0, 0), false, LocalDate.of(1000, 1, 1)));
        rows.add(row(4, OffsetDateTime.of(2038, 1, 18, 20, 14, 7, 999_999_000, ZoneOffset.ofHours(-7)),
                LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000), new BigDecimal("0.000000"), new byte[] {0},
                "tab\t, new\nline, \\N, quote ' \" ` end ", "bc", UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), true,
                LocalDate.of(9999, 12, 31)));
        rows.add(row(5, OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000),
                new BigDecimal("-0.000001"), "x".getBytes(StandardCharsets.UTF_8), "trailing  ", "ab", UUID.randomUUID(), false,
                LocalDate.of(1970, 1, 1)));
        return rows;
    }

    private static Row row(long id, OffsetDateTime tz, LocalDateTime ts, BigDecimal amount, byte[] raw, String label,
            String other, UUID uid, Boolean flag, LocalDate day) {
        return Row.builder().set("id", id).set("tz", tz).set("ts", ts).set("amount", amount).set("raw", raw)
                .set("label", label).set("other", other).set("uid", uid).set("flag", flag).set("born", day).build();
    }

    private static synchronized JdbcTable table(Server server, List<Row> rows) {
        String name = "h" + (tables++);
        databases.execute(server, "CREATE TABLE " + name + " (id " + server.type("bigint") + " PRIMARY KEY, tz "
                + server.type("timestamptz") + ", ts " + server.type("timestamp") + ", amount " + server.type("decimal")
                + ", raw " + server.type("bytes") + ", label " + server.type("text") + ", other " + server.type("text")
                + ", uid " + server.type("uuid") + ", flag " + server.type("boolean") + ", born date)");
        JdbcTable table = JdbcTable.of(pool(server), name);
        table.upsert(rows);
        return table;
    }

    @Test
    void theSameRowsHashTheSameOnEveryDatabase() {
        List<Row> rows = rows();
        Map<Server, JdbcTable> tables = new EnumMap<>(Server.class);
        for (Server server : Server.values()) {
            tables.put(server, table(server, rows));
        }
        for (Row row : rows) {
            RowKey key = RowKey.of(row.get("id"));
            Map<Server, RangeHash> one = new EnumMap<>(Server.class);
            tables.forEach((server, table) -> one.put(server, table.hash(KeyRange.all().from(key).through(key), COLUMNS, Optional.empty())));
            assertThat(one.values()).as("row %s on %s", key, one).allSatisfy(h -> assertThat(h).isEqualTo(one.get(Server.POSTGRESQL)));
            assertThat(one.get(Server.POSTGRESQL).rows()).isEqualTo(1);
        }
        Map<Server, RangeHash> all = new EnumMap<>(Server.class);
        tables.forEach((server, table) -> all.put(server, table.hash(KeyRange.all(), COLUMNS, Optional.empty())));
        assertThat(all.values()).as("%s", all).allSatisfy(h -> assertThat(h).isEqualTo(all.get(Server.H2)));
        assertThat(all.get(Server.H2).rows()).isEqualTo(rows.size());
    }

    @Test
    void everySmallChangeChangesTheHashOnEveryDatabase() {
        Row base = rows().get(0);
        List<Row> changed = List.of(
                base.with("label", "naïve café – 日本語 🎉👩‍👩‍👦"),
                base.with("label", "Naïve café – 日本語 🎉👩‍👩‍👧"),
                base.with("label", "naïve café – 日本語 🎉👩‍👩‍👧 "),
                base.with("other", null),
                base.with("label", "naïve café – 日本語 🎉👩‍👩‍👧a").with("other", ""),
                base.with("tz", OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 123_457_000, ZoneOffset.ofHours(2))),
                base.with("tz", OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 123_456_000, ZoneOffset.ofHours(1))),
                base.with("ts", LocalDateTime.of(2024, 3, 1, 23, 59, 59, 999_998_000)),
                base.with("amount", new BigDecimal("12345678901234.123457")),
                base.with("raw", new byte[] {0, 1, (byte) 0xff, (byte) 0x81}),
                base.with("uid", UUID.fromString("0B8E5A8E-4E5F-4C52-9D9C-7D0D2F1F6A02")),
                base.with("flag", false),
                base.with("born", LocalDate.of(2024, 3, 1)));
        Map<Server, JdbcTable> tables = new EnumMap<>(Server.class);
        Map<Server, RangeHash> original = new EnumMap<>(Server.class);
        for (Server server : Server.values()) {
            tables.put(server, table(server, List.of(base)));
            original.put(server, only(tables.get(server), base));
        }
        for (Row row : changed) {
            Map<Server, RangeHash> other = new EnumMap<>(Server.class);
            tables.forEach((server, table) -> other.put(server, only(table, row)));
            for (Server server : Server.values()) {
                assertThat(other.get(server)).as("%s on %s", row, server).isNotEqualTo(original.get(server));
                assertThat(other.get(server)).as("%s on %s", row, server).isEqualTo(other.get(Server.POSTGRESQL));
            }
        }
    }

    @Test
    void nullAndEmptyAndMovedSeparatorsHashApart() {
        Row blank = rows().get(1);
        List<Row> variants = List.of(blank, blank.with("label", ""), blank.with("other", ""),
                blank.with("label", "a").with("other", "bc"), blank.with("label", "ab").with("other", "c"));
        for (Server server : Server.values()) {
            List<RangeHash> seen = new ArrayList<>();
            JdbcTable table = table(server, List.of());
            for (Row row : variants) {
                seen.add(only(table, row));
            }
            assertThat(seen).as("on %s", server).doesNotHaveDuplicates();
        }
    }

    @Test
    void rangesKeysAndTheInFlightFilter() {
        List<Row> rows = rows();
        for (Server server : Server.values()) {
            JdbcTable table = table(server, rows);
            assertThat(table.keyAt(KeyRange.all(), 0)).contains(RowKey.of(1));
            assertThat(table.keyAt(KeyRange.all().after(RowKey.of(2)), 1)).contains(RowKey.of(4));
            assertThat(table.keyAt(KeyRange.all(), 5)).isEmpty();
            RangeHash firstTwo = table.hash(KeyRange.all().through(RowKey.of(2)), COLUMNS, Optional.empty());
            RangeHash rest = table.hash(KeyRange.all().after(RowKey.of(2)), COLUMNS, Optional.empty());
            assertThat(firstTwo.rows()).isEqualTo(2);
            assertThat(rest.rows()).isEqualTo(3);
            RangeHash all = table.hash(KeyRange.all(), COLUMNS, Optional.empty());
            assertThat(firstTwo.sum().add(rest.sum())).isEqualTo(all.sum());
            // tz: row 1 at 2024-03-01T10:00Z, 3 at 1970, 4 at 2038, 5 at 1999; row 2 NULL counts as old.
            RangeHash old = table.hash(KeyRange.all(), COLUMNS,
                    Optional.of(new ChangedBefore("tz", Instant.parse("2024-03-01T10:00:00.123456Z"))));
            assertThat(old.rows()).as("on %s", server).isEqualTo(3);
            RangeHash oldWall = table.hash(KeyRange.all(), COLUMNS,
                    Optional.of(new ChangedBefore("ts", Instant.parse("2000-01-01T00:00:00Z"))));
            assertThat(oldWall.rows()).as("on %s", server).isEqualTo(3);
            assertThat(table.unhashable(COLUMNS)).isEmpty();
            assertThatThrownBy(() -> table.hash(KeyRange.all(), List.of("nope"), Optional.empty()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
            assertThatThrownBy(() -> table.hash(KeyRange.all(), COLUMNS, Optional.of(new ChangedBefore("label", Instant.EPOCH))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label");
        }
    }

    @Test
    void floatingPointIsNotHashable() {
        for (Server server : Server.values()) {
            databases.execute(server, "CREATE TABLE fp (id " + server.type("bigint") + " PRIMARY KEY, score double precision)");
            JdbcTable table = JdbcTable.of(pool(server), "fp");
            assertThat(table.unhashable(List.of("id", "score"))).contains("score");
        }
    }
}
