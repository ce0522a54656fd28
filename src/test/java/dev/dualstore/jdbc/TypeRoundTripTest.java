package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Values survive every database both ways: rows go PostgreSQL -> MariaDB -> H2 -> PostgreSQL and
 * come back equal, to the microsecond, with their decimal scale, their bytes, their emoji, and
 * NULL apart from ''.
 */
class TypeRoundTripTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final List<Row> ROWS = new ArrayList<>();

    @BeforeAll
    static void rows() {
        ROWS.add(Row.builder().set("id", 1).set("tz", OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 123_456_000, ZoneOffset.ofHours(2)))
                .set("ts", LocalDateTime.of(2024, 3, 1, 23, 59, 59, 999_999_000))
                .set("amount", new BigDecimal("12345678901234.123456"))
                .set("raw", new byte[] {0, 1, (byte) 0xff, (byte) 0x80, 0x5c, 0x0a})
                .set("label", "naïve café – 日本語 🎉👩‍👩‍👧 emoji").set("uid", UUID.fromString("0b8e5a8e-4e5f-4c52-9d9c-7d0d2f1f6a01"))
                .set("flag", true).build());
        ROWS.add(Row.builder().set("id", 2).set("tz", null).set("ts", null).set("amount", null).set("raw", null)
                .set("label", null).set("uid", null).set("flag", null).build());
        ROWS.add(Row.builder().set("id", 3).set("tz", OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 1_000, ZoneOffset.UTC))
                .set("ts", LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1_000)).set("amount", new BigDecimal("-1.500000"))
                .set("raw", new byte[0]).set("label", "").set("uid", new UUID(0, 0)).set("flag", false).build());
        ROWS.add(Row.builder().set("id", 4).set("tz", OffsetDateTime.of(2024, 10, 27, 1, 30, 0, 0, ZoneOffset.ofHours(-7)))
                .set("ts", LocalDateTime.of(2024, 10, 27, 2, 30)).set("amount", new BigDecimal("0.000001"))
                .set("raw", "\\N".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .set("label", "tab\there, new\nline, cr\r, backslash \\ and \\N, quote ' \" ` end")
                .set("uid", UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff")).set("flag", true).build());
        ROWS.add(Row.builder().set("id", 5).set("tz", OffsetDateTime.of(2038, 1, 1, 0, 0, 0, 999_999_000, ZoneOffset.UTC))
                .set("ts", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)).set("amount", new BigDecimal("0.000000"))
                .set("raw", new byte[] {0}).set("label", "\\N").set("uid", UUID.randomUUID()).set("flag", false).build());
    }

    private static JdbcTable typed(Server server, String name) {
        databases.execute(server, "CREATE TABLE " + name + " (id " + server.type("bigint") + " PRIMARY KEY, "
                + "tz " + server.type("timestamptz") + ", ts " + server.type("timestamp") + ", amount "
                + server.type("decimal") + ", raw " + server.type("bytes") + ", label " + server.type("text") + ", uid "
                + server.type("uuid") + ", flag " + server.type("boolean") + ")");
        return JdbcTable.of(databases.dataSource(server), name);
    }

    @Test
    void rowsComeBackEqualFromEveryDatabaseInTurn() {
        JdbcTable postgres = typed(Server.POSTGRESQL, "typed");
        JdbcTable mariaDb = typed(Server.MARIADB, "typed");
        JdbcTable h2 = typed(Server.H2, "typed");
        JdbcTable postgresAgain = typed(Server.POSTGRESQL, "typed_back");
        assertThat(postgres.bulkPath()).isEqualTo(BulkPath.POSTGRESQL_COPY);

        List<Row> current = ROWS;
        for (JdbcTable table : List.of(postgres, mariaDb, h2, postgresAgain)) {
            table.upsert(current);
            current = table.scan(KeyRange.all(), 100);
            assertThat(current).as("rows read back from %s", table.dialect()).containsExactlyElementsOf(ROWS);
            assertExactValues(current, table.dialect().name());
        }
    }

    /** Row equality compares decimals by value; here the scale and the other values are checked as they are. */
    private static void assertExactValues(List<Row> read, String where) {
        for (int i = 0; i < ROWS.size(); i++) {
            Row expected = ROWS.get(i);
            Row actual = read.get(i);
            if (expected.get("amount") != null) {
                assertThat(actual.get("amount", BigDecimal.class).scale()).as("scale on %s", where).isEqualTo(6);
                assertThat(actual.get("amount").toString()).isEqualTo(expected.get("amount").toString());
            }
            assertThat(actual.get("tz")).as("tz on %s", where).isEqualTo(expected.get("tz")); // OffsetDateTime at UTC, to the micro
            assertThat(actual.get("ts")).as("ts on %s", where).isEqualTo(expected.get("ts"));
            assertThat(actual.get("label")).as("label on %s", where).isEqualTo(expected.get("label"));
            assertThat(actual.get("raw")).as("raw on %s", where).isEqualTo(expected.get("raw"));
            assertThat(actual.get("uid")).as("uid on %s", where).isEqualTo(expected.get("uid"));
        }
    }

    @Test
    void mariaDbTimestampsHoldTheInstantNotTheWallClock() throws SQLException {
        JdbcTable mariaDb = typed(Server.MARIADB, "instants");
        mariaDb.upsert(ROWS);

        try (Connection connection = databases.dataSource(Server.MARIADB).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '-05:00'"); // a client in another zone sees the same instants
            try (ResultSet rs = statement.executeQuery("SELECT id, UNIX_TIMESTAMP(tz), @@session.time_zone FROM instants "
                    + "WHERE tz IS NOT NULL ORDER BY id")) {
                for (Row row : ROWS) {
                    if (row.get("tz") == null) {
                        continue;
                    }
                    assertThat(rs.next()).isTrue();
                    OffsetDateTime expected = row.get("tz", OffsetDateTime.class);
                    assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(
                            BigDecimal.valueOf(expected.toEpochSecond()).add(BigDecimal.valueOf(expected.getNano(), 9)));
                    assertThat(rs.getString(3)).isEqualTo("-05:00");
                }
            }
        }
    }

    @Test
    void postgresTimestampsHoldTheInstant() throws SQLException {
        JdbcTable postgres = typed(Server.POSTGRESQL, "instants");
        postgres.upsert(ROWS);

        try (Connection connection = databases.dataSource(Server.POSTGRESQL).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT extract(epoch from tz), label IS NULL, label = '' FROM instants "
                        + "WHERE id = 1 OR id = 2 OR id = 3 ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            OffsetDateTime first = ROWS.get(0).get("tz", OffsetDateTime.class);
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(BigDecimal.valueOf(first.toEpochSecond())
                    .add(BigDecimal.valueOf(first.getNano(), 9)));
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(2)).as("NULL label is NULL").isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(2)).as("'' label is not NULL").isFalse();
            assertThat(rs.getBoolean(3)).as("'' label is ''").isTrue();
        }
    }
}
