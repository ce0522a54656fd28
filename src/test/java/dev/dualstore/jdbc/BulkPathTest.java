package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.table.RowKey;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.TableException;
import dev.dualstore.testing.RecordingDataSource;
import dev.dualstore.testing.RecordingDataSource.Recorded;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each database's write path is the one it is said to be, seen from the SQL that reaches the
 * driver; and MariaDB's key-range scan keeps to the primary key's index.
 */
class BulkPathTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static void createBulk(Server server, String name) {
        databases.execute(server, "CREATE TABLE " + name + " (a " + server.type("bigint") + " NOT NULL, b "
                + server.type("keytext") + " NOT NULL, v " + server.type("text") + ", PRIMARY KEY (a, b))");
    }

    private static List<Row> rows(int count, String value) {
        return IntStream.range(0, count).mapToObj(i -> Row.builder().set("a", i / 10).set("b", "k" + (i % 10))
                .set("v", value + i).build()).toList();
    }

    private static List<String> matching(RecordingDataSource recording, String regex) {
        return recording.sql().stream().filter(sql -> sql.matches(regex)).toList();
    }

    @Test
    void postgresCopiesStraightIntoTheTableWhileNoKeyIsThereThenThroughAStagingTable() {
        createBulk(Server.POSTGRESQL, "copied");
        RecordingDataSource recording = RecordingDataSource.recording(databases.dataSource(Server.POSTGRESQL));
        JdbcTable table = JdbcTable.builder(recording, "copied").batchRows(100).build();
        assertThat(table.bulkPath()).isEqualTo(BulkPath.POSTGRESQL_COPY);

        table.upsert(rows(250, "first "));
        // Into an empty table: COPY (pgjdbc's CopyManager, which bypasses JDBC statements) straight into it.
        assertThat(table.scan(KeyRange.all(), 1000)).hasSize(250);
        assertThat(matching(recording, ".*dualstore_stage.*")).isEmpty();

        table.upsert(rows(250, "second "));
        // Every key is there now: the direct COPY fails, is rolled back, and the rows go through the stage.
        assertThat(table.scan(KeyRange.all(), 1000)).hasSize(250).allSatisfy(r -> assertThat(r.get("v", String.class))
                .startsWith("second "));
        assertThat(matching(recording, "CREATE TEMPORARY TABLE \"dualstore_stage\" ON COMMIT DROP AS SELECT .*")).hasSize(1);
        assertThat(matching(recording, "INSERT INTO \"public\".\"copied\" .* SELECT .* FROM \"dualstore_stage\" ON CONFLICT .*"))
                .hasSize(1);
        assertThat(matching(recording, "(?i)INSERT .*VALUES.*")).isEmpty();
    }

    @Test
    void postgresDirectCopyThatMeetsOneKeyInTheMiddleReplacesItAndWritesNothingTwice() {
        createBulk(Server.POSTGRESQL, "met");
        JdbcTable table = JdbcTable.builder(databases.dataSource(Server.POSTGRESQL), "met").batchRows(100).build();
        table.upsert(List.of(Row.builder().set("a", 17).set("b", "k3").set("v", "live").build()));

        table.upsert(rows(300, "copied ")); // the 174th row (a=17, b=k3) meets the row already there, in the second COPY buffer

        List<Row> all = table.scan(KeyRange.all(), 1000);
        assertThat(all).hasSize(300).allSatisfy(r -> assertThat(r.get("v", String.class)).startsWith("copied "));
        assertThat(table.read(List.of(RowKey.of(17, "k3"))).values()).extracting(r -> r.get("v")).containsExactly("copied 173");
    }

    @Test
    void postgresWritesAfterAConflictGoStagedForAWhileThenTryTheDirectCopyAgain() {
        createBulk(Server.POSTGRESQL, "after");
        RecordingDataSource recording = RecordingDataSource.recording(databases.dataSource(Server.POSTGRESQL));
        JdbcTable table = JdbcTable.of(recording, "after");
        table.upsert(rows(10, "first "));
        table.upsert(rows(10, "second ")); // conflicts
        recording.clear();

        for (int i = 0; i < RowWriter.STAGED_AFTER_CONFLICT; i++) {
            table.upsert(List.of(Row.builder().set("a", 1000 + i).set("b", "new").set("v", "x").build()));
        }
        assertThat(matching(recording, "CREATE TEMPORARY TABLE .*")).hasSize(RowWriter.STAGED_AFTER_CONFLICT);
        recording.clear();
        table.upsert(List.of(Row.builder().set("a", 2000).set("b", "new").set("v", "x").build()));
        assertThat(matching(recording, ".*dualstore_stage.*")).isEmpty();
        assertThat(table.scan(KeyRange.all(), 1000)).hasSize(10 + RowWriter.STAGED_AFTER_CONFLICT + 1);
    }

    @Test
    void postgresDirectCopyIsRolledBackWithTheWholeWriteWhenAValueIsRejected() {
        databases.execute(Server.POSTGRESQL, "CREATE TABLE checked (a bigint PRIMARY KEY, v text CHECK (v <> 'bad'))");
        JdbcTable table = JdbcTable.of(databases.dataSource(Server.POSTGRESQL), "checked");
        List<Row> rows = IntStream.range(0, 50).mapToObj(i -> Row.builder().set("a", i).set("v", i == 40 ? "bad" : "ok")
                .build()).toList();

        assertThatThrownBy(() -> table.upsert(rows)).isInstanceOf(TableException.class).hasMessageContaining("checked");
        assertThat(table.scan(KeyRange.all(), 100)).isEmpty();
    }

    @Test
    void postgresWithoutPgjdbcsConnectionBatchesUpserts() {
        createBulk(Server.POSTGRESQL, "batched");
        RecordingDataSource recording = RecordingDataSource.hidingDriver(databases.dataSource(Server.POSTGRESQL));
        JdbcTable table = JdbcTable.of(recording, "batched");
        assertThat(table.bulkPath()).isEqualTo(BulkPath.POSTGRESQL_BATCHED_UPSERT);

        table.upsert(rows(30, "first "));
        table.upsert(rows(30, "second "));

        assertThat(table.scan(KeyRange.all(), 1000)).hasSize(30).allSatisfy(r -> assertThat(r.get("v", String.class))
                .startsWith("second "));
        assertThat(matching(recording, "INSERT INTO \"public\".\"batched\" .* VALUES \\(\\?, \\?, \\?\\) ON CONFLICT .*")).hasSize(2);
        assertThat(matching(recording, ".*dualstore_stage.*")).isEmpty();
    }

    @Test
    void mariaDbWritesManyRowsPerStatement() {
        createBulk(Server.MARIADB, "multirow");
        RecordingDataSource recording = RecordingDataSource.recording(databases.dataSource(Server.MARIADB));
        JdbcTable table = JdbcTable.builder(recording, "multirow").batchRows(100).build();
        assertThat(table.bulkPath()).isEqualTo(BulkPath.MARIADB_MULTI_ROW_UPSERT);

        table.upsert(rows(250, "first "));
        table.upsert(rows(250, "second "));

        List<String> inserts = matching(recording, "INSERT INTO `" + databases.database() + "`.`multirow` .* ON DUPLICATE KEY UPDATE .*");
        assertThat(inserts).hasSize(6);
        assertThat(inserts.stream().map(sql -> count(sql, "(?, ?, ?)")).toList()).containsExactly(100, 100, 50, 100, 100, 50);
        assertThat(table.scan(KeyRange.all(), 1000)).hasSize(250).allSatisfy(r -> assertThat(r.get("v", String.class))
                .startsWith("second "));
    }

    @Test
    void h2Merges() {
        createBulk(Server.H2, "merged");
        RecordingDataSource recording = RecordingDataSource.recording(databases.dataSource(Server.H2));
        JdbcTable table = JdbcTable.of(recording, "merged");
        assertThat(table.bulkPath()).isEqualTo(BulkPath.H2_MERGE);

        table.upsert(rows(20, "first "));
        table.upsert(rows(20, "second "));

        assertThat(matching(recording, "MERGE INTO \"PUBLIC\".\"MERGED\" .* KEY \\(\"A\", \"B\"\\) VALUES .*")).hasSize(2);
        assertThat(table.read(List.of(RowKey.of(1, "k3"))).values()).extracting(r -> r.get("v")).containsExactly("second 13");
    }

    @Test
    void mariaDbKeysetScanIsAnIndexRangeOnThePrimaryKey() throws SQLException {
        createBulk(Server.MARIADB, "explained");
        RecordingDataSource recording = RecordingDataSource.recording(databases.dataSource(Server.MARIADB));
        JdbcTable table = JdbcTable.builder(recording, "explained").batchRows(1000).build();
        table.upsert(rows(5000, "v"));
        databases.execute(Server.MARIADB, "ANALYZE TABLE explained");
        recording.clear();

        List<Row> page = table.scan(KeyRange.all().after(RowKey.of(250, "k4")).before(RowKey.of(260, "k2")), 20);
        assertThat(page).hasSize(20);
        assertThat(table.columns().keyOf(page.get(0))).isEqualTo(RowKey.of(250, "k5"));

        Recorded scan = recording.statements().stream().filter(s -> s.sql().startsWith("SELECT")).findFirst().orElseThrow();
        assertThat(scan.sql()).contains("`a` >= ? AND (`a` > ? OR (`a` = ? AND `b` > ?))");
        Map<String, String> plan = explain(Server.MARIADB, scan);
        assertThat(plan.get("key")).as("index of %s", plan).isEqualTo("PRIMARY");
        assertThat(plan.get("type")).as("access type of %s", plan).isEqualTo("range");
        assertThat(Long.parseLong(plan.get("rows"))).as("rows examined, of 5000").isLessThan(500);
    }

    @Test
    void postgresKeysetScanIsAnIndexScan() throws SQLException {
        createBulk(Server.POSTGRESQL, "explained");
        RecordingDataSource recording = RecordingDataSource.recording(databases.dataSource(Server.POSTGRESQL));
        JdbcTable table = JdbcTable.builder(recording, "explained").build();
        table.upsert(rows(5000, "v"));
        databases.execute(Server.POSTGRESQL, "ANALYZE explained");
        recording.clear();

        assertThat(table.scan(KeyRange.all().after(RowKey.of(250, "k4")), 20)).hasSize(20);

        Recorded scan = recording.statements().stream().filter(s -> s.sql().startsWith("SELECT")).findFirst().orElseThrow();
        assertThat(scan.sql()).contains("(\"a\", \"b\") > (?, ?)");
        List<String> plan = new ArrayList<>();
        try (Connection connection = databases.dataSource(Server.POSTGRESQL).getConnection();
                PreparedStatement statement = connection.prepareStatement("EXPLAIN " + scan.sql())) {
            bind(statement, scan);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        }
        assertThat(String.join("\n", plan)).contains("Index Scan using explained_pkey").contains("Index Cond: (ROW(a, b) > ROW(");
    }

    private static Map<String, String> explain(Server server, Recorded recorded) throws SQLException {
        try (Connection connection = databases.dataSource(server).getConnection();
                PreparedStatement statement = connection.prepareStatement("EXPLAIN " + recorded.sql())) {
            bind(statement, recorded);
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).isTrue();
                Map<String, String> row = new java.util.HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                return row;
            }
        }
    }

    private static void bind(PreparedStatement statement, Recorded recorded) throws SQLException {
        for (Map.Entry<Integer, Object> parameter : recorded.parameters().entrySet()) {
            statement.setObject(parameter.getKey(), parameter.getValue());
        }
    }

    private static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
