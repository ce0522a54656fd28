package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.table.RowKey;
import dev.dualstore.table.Row;
import dev.dualstore.testing.DriverDataSource;
import dev.dualstore.testing.PlainDataSource;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MariaDB's TIMESTAMP depends on the session time zone: a table keeps instants right whatever zone
 * the session is in, and gives the session back in the zone it found it.
 */
class MariaDbTimeZoneTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    @Test
    void instantsSurviveASessionInAnotherZoneAndTheZoneIsPutBack() throws SQLException {
        databases.execute(Server.MARIADB, "CREATE TABLE events (id bigint PRIMARY KEY, at timestamp(6) NULL)");
        DriverDataSource direct = (DriverDataSource) databases.dataSource(Server.MARIADB);
        try (Connection shared = direct.getConnection()) {
            try (Statement statement = shared.createStatement()) {
                statement.execute("SET time_zone = '+09:00'"); // as a pool configured for Tokyo would leave it
            }
            JdbcTable table = JdbcTable.of(pooledOne(shared), "events");
            OffsetDateTime at = OffsetDateTime.of(2024, 6, 30, 23, 30, 0, 654_321_000, ZoneOffset.ofHours(-4));

            table.upsert(List.of(Row.builder().set("id", 1).set("at", at).build()));

            assertThat(table.read(List.of(RowKey.of(1))).get(RowKey.of(1)).get("at"))
                    .isEqualTo(at.withOffsetSameInstant(ZoneOffset.UTC));
            try (Statement statement = shared.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT @@session.time_zone, UNIX_TIMESTAMP(at), "
                            + "CAST(at AS CHAR) FROM events")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("+09:00");
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("1719804600.654321");
                assertThat(rs.getString(3)).isEqualTo("2024-07-01 12:30:00.654321"); // shown in the session's zone
            }
        }
    }

    /** A data source that lends one connection again and again, and never closes it. */
    private static DataSource pooledOne(Connection connection) {
        Connection lent = (Connection) Proxy.newProxyInstance(MariaDbTimeZoneTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new PlainDataSource() {
            @Override
            public Connection getConnection() {
                return lent;
            }
        };
    }
}
