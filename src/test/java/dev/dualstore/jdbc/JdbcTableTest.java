package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.table.RowKey;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a JdbcTable does on each database: key and columns from metadata, scan, read, upsert, delete. */
class JdbcTableTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final OffsetDateTime T0 = OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 123_456_000, ZoneOffset.UTC);

    /** Key (tenant bigint, name text, at timestamptz, id uuid): a composite key of four types. */
    private static JdbcTable items(Server server, String table) {
        databases.execute(server, "CREATE TABLE " + table + " ("
                + "tenant " + server.type("bigint") + " NOT NULL, "
                + "name " + server.type("keytext") + " NOT NULL, "
                + "at " + server.type("timestamptz").replace(" NULL", " NOT NULL") + ", "
                + "id " + server.type("uuid") + " NOT NULL, "
                + "amount " + server.type("decimal") + ", "
                + "note " + server.type("text") + ", "
                + "PRIMARY KEY (tenant, name, at, id))");
        return JdbcTable.of(databases.dataSource(server), table);
    }

    private static Row item(long tenant, String name, int second, long amount, String note) {
        return Row.builder().set("tenant", tenant).set("name", name).set("at", T0.plusSeconds(second))
                .set("id", new UUID(tenant, second)).set("amount", BigDecimal.valueOf(amount, 2)).set("note", note).build();
    }

    private static RowKey keyOf(Row row) {
        return RowKey.of(row.get("tenant"), row.get("name"), row.get("at"), row.get("id"));
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keyAndColumnsComeFromTheMetadata(Server server) {
        JdbcTable table = items(server, "meta");

        assertThat(table.columns().names()).containsExactly("tenant", "name", "at", "id", "amount", "note");
        assertThat(table.columns().keyNames()).containsExactly("tenant", "name", "at", "id");
        assertThat(table.dialect()).isEqualTo(Dialect.valueOf(server.name()));
        assertThat(table.name()).isEqualTo("meta");
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void scanPagesInKeyOrderAndSeesEveryRowOnce(Server server) {
        JdbcTable table = items(server, "paged");
        List<Row> rows = new ArrayList<>();
        // Lower-case ASCII names sort the same in every collation, so Java can state the expected order.
        for (long tenant = 1; tenant <= 3; tenant++) {
            for (String name : List.of("delta", "alpha", "charlie", "bravo")) {
                for (int second = 0; second < 7; second++) {
                    rows.add(item(tenant, name, second, tenant * 100 + second, name + second));
                }
            }
        }
        java.util.Collections.shuffle(rows, new java.util.Random(7));
        table.upsert(rows);
        List<RowKey> expected = rows.stream().map(JdbcTableTest::keyOf)
                .sorted(java.util.Comparator.comparing((RowKey k) -> (Long) k.get(0)).thenComparing(k -> (String) k.get(1))
                        .thenComparing(k -> (OffsetDateTime) k.get(2)))
                .toList();

        // By hand, pages of 5 across the three tenants (84 rows: the last page is short).
        List<RowKey> seen = new ArrayList<>();
        KeyRange range = KeyRange.all();
        while (true) {
            List<Row> page = table.scan(range, 5);
            page.forEach(r -> seen.add(table.columns().keyOf(r)));
            if (page.size() < 5) {
                break;
            }
            range = range.after(table.columns().keyOf(page.get(page.size() - 1)));
        }
        assertThat(seen).hasSize(84).containsExactlyElementsOf(expected);
        assertThat(new HashSet<>(seen)).hasSize(84);
        assertThat(table.stream(KeyRange.all(), 8).map(r -> table.columns().keyOf(r)).toList())
                .containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void rangesTakeInclusiveExclusiveAndPrefixBounds(Server server) {
        JdbcTable table = items(server, "ranged");
        List<Row> rows = new ArrayList<>();
        for (long tenant = 1; tenant <= 4; tenant++) {
            for (String name : List.of("a", "b", "c")) {
                rows.add(item(tenant, name, 0, 1, null));
            }
        }
        table.upsert(rows);

        assertThat(names(table, KeyRange.all().from(RowKey.of(2)).before(RowKey.of(3)))).containsExactly("2a", "2b", "2c");
        assertThat(names(table, KeyRange.all().after(RowKey.of(2)).through(RowKey.of(3)))).containsExactly("3a", "3b", "3c");
        assertThat(names(table, KeyRange.all().from(RowKey.of(2, "b")).through(RowKey.of(3, "a"))))
                .containsExactly("2b", "2c", "3a");
        assertThat(names(table, KeyRange.all().after(RowKey.of(2, "b")).before(RowKey.of(3, "b"))))
                .containsExactly("2c", "3a");
        Row twoB = rows.get(4);
        assertThat(names(table, KeyRange.all().from(keyOf(twoB)).through(keyOf(twoB)))).containsExactly("2b");
        assertThat(names(table, KeyRange.all().after(keyOf(twoB)).before(RowKey.of(2, "c")))).isEmpty();
        assertThat(names(table, KeyRange.all().after(RowKey.of(4)))).isEmpty();
        assertThatThrownBy(() -> table.scan(KeyRange.all().from(RowKey.of(1, "a", T0, UUID.randomUUID(), 5)), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 key columns");
    }

    private static List<String> names(JdbcTable table, KeyRange range) {
        return table.scan(range, 100).stream().map(r -> r.get("tenant") + "" + r.get("name")).toList();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void readFindsRowsByKeyAndLeavesMissingKeysOut(Server server) {
        JdbcTable table = items(server, "lookup");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) { // more keys than one statement takes
            rows.add(item(i % 3, "n" + i, i, i, "note " + i));
        }
        table.upsert(rows);
        List<RowKey> wanted = new ArrayList<>();
        for (int i = 0; i < 600; i += 2) {
            wanted.add(keyOf(rows.get(i)));
        }
        RowKey missing = RowKey.of(9, "nobody", T0, new UUID(9, 9));
        wanted.add(missing);
        wanted.add(RowKey.of(0, "n0", T0.plusNanos(1_000), new UUID(0, 0))); // one microsecond off: another key

        Map<RowKey, Row> found = table.read(wanted);

        assertThat(found).hasSize(300).doesNotContainKey(missing);
        for (int i = 0; i < 600; i += 2) {
            assertThat(found.get(keyOf(rows.get(i)))).isEqualTo(rows.get(i));
        }
        assertThat(table.read(List.of())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void upsertInsertsThenReplacesAndTheLaterRowOfAKeyWins(Server server) {
        JdbcTable table = items(server, "upserted");
        Row first = item(1, "a", 0, 100, "first");
        Row second = item(1, "b", 0, 200, "second");
        table.upsert(List.of(first, second));

        Row firstAgain = first.with("note", "replaced").with("amount", new BigDecimal("-1.500000"));
        Row third = item(2, "c", 0, 300, "third");
        table.upsert(List.of(first.with("note", "overwritten in the same call"), firstAgain, third));

        Map<RowKey, Row> all = table.read(List.of(keyOf(first), keyOf(second), keyOf(third)));
        assertThat(all.get(keyOf(first))).isEqualTo(firstAgain);
        assertThat(all.get(keyOf(second))).isEqualTo(second);
        assertThat(all.get(keyOf(third))).isEqualTo(third);
        assertThat(table.scan(KeyRange.all(), 10)).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void deleteRemovesOnlyTheGivenKeys(Server server) {
        JdbcTable table = items(server, "deleted");
        List<Row> rows = List.of(item(1, "a", 0, 1, "x"), item(1, "b", 0, 2, "y"), item(2, "a", 0, 3, "z"));
        table.upsert(rows);

        table.delete(List.of(keyOf(rows.get(0)), keyOf(rows.get(2)), RowKey.of(7, "none", T0, new UUID(0, 1))));

        assertThat(table.scan(KeyRange.all(), 10)).containsExactly(rows.get(1));
        table.delete(List.of(keyOf(rows.get(0)))); // again: no error
        assertThat(table.scan(KeyRange.all(), 10)).containsExactly(rows.get(1));
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aValueThatDoesNotFitNamesItsColumnAndWritesNothing(Server server) {
        JdbcTable table = items(server, "misfit");
        Row good = item(1, "a", 0, 1, "fine");
        Row bad = item(1, "b", 0, 1, "bad").with("amount", "12.5");

        assertThatThrownBy(() -> table.upsert(List.of(good, bad))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column amount of table misfit").hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> table.upsert(List.of(Row.builder().set("tenant", 1).build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks column name");
        assertThatThrownBy(() -> table.upsert(List.of(good.with("extra", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column extra");
        assertThat(table.scan(KeyRange.all(), 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void openingFailsNamingWhatIsWrong(Server server) {
        databases.execute(server, "CREATE TABLE nokey (a " + server.type("bigint") + ", b " + server.type("text") + ")");

        assertThatThrownBy(() -> JdbcTable.of(databases.dataSource(server), "absent"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table absent not found");
        assertThatThrownBy(() -> JdbcTable.of(databases.dataSource(server), "nokey"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nokey has no primary key");
        assertThatThrownBy(() -> JdbcTable.builder(databases.dataSource(server), "nokey").keyColumns("c").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key column c");

        JdbcTable chosen = JdbcTable.builder(databases.dataSource(server), "nokey").keyColumns("a").build();
        assertThat(chosen.columns().keyNames()).containsExactly("a");
        chosen.delete(List.of(RowKey.of(1))); // works without a primary key
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void finerThanMicrosecondsIsTruncatedTheSameWayEverywhere(Server server) {
        databases.execute(server, "CREATE TABLE nanos (id " + server.type("bigint") + " PRIMARY KEY, tz "
                + server.type("timestamptz") + ", ts " + server.type("timestamp") + ")");
        JdbcTable table = JdbcTable.of(databases.dataSource(server), "nanos");
        OffsetDateTime tz = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 123_456_999, ZoneOffset.UTC);

        table.upsert(List.of(Row.builder().set("id", 1).set("tz", tz).set("ts", tz.toLocalDateTime()).build()));

        Row read = table.scan(KeyRange.all(), 1).get(0);
        assertThat(read.get("tz")).isEqualTo(tz.withNano(123_456_000));
        assertThat(read.get("ts")).isEqualTo(tz.toLocalDateTime().withNano(123_456_000));
    }

    @org.junit.jupiter.api.Test
    void aMariaDbDataSourceWithoutADatabaseIsRefused() {
        databases.dataSource(Server.MARIADB); // the server is up
        javax.sql.DataSource noDatabase = new dev.dualstore.testing.DriverDataSource("jdbc:mariadb://127.0.0.1:3306/", "root", "");

        assertThatThrownBy(() -> JdbcTable.of(noDatabase, "follows")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no database selected for table follows: name one in the JDBC URL or with "
                        + "JdbcTable.builder(...).schema(...)");
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keyValuesOfNarrowerJavaTypesFindTheirRows(Server server) {
        databases.execute(server, "CREATE TABLE narrow (id " + server.type("bigint") + " PRIMARY KEY, v "
                + server.type("int") + ")");
        JdbcTable table = JdbcTable.of(databases.dataSource(server), "narrow");
        table.upsert(List.of(Row.builder().set("id", 5).set("v", (short) 7).build()));

        Set<Object> values = table.read(List.of(RowKey.of(5))).values().stream().map(r -> r.get("v")).collect(Collectors.toSet());

        assertThat(values).containsExactly(7L);
    }
}
