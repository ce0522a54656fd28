package dev.dualstore.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own on each server, for one test class: the PostgreSQL 15 and MariaDB 10.11
 * that the machine runs (127.0.0.1, {@code postgres} with trust auth, {@code root} with no password;
 * {@code .ci/run} starts them), and an in-memory H2. Each database is named {@code
 * dualstore_t_<random hex>}, created on first use and dropped after the class; nothing else on the
 * servers is touched. A server that cannot be reached fails the test with a message saying so, it
 * never skips it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestDatabases databases = new TestDatabases();
 *
 * @ParameterizedTest
 * @EnumSource(TestDatabases.Server.class)
 * void something(TestDatabases.Server server) {
 *     databases.execute(server, "CREATE TABLE t (id " + server.type("bigint") + " PRIMARY KEY)");
 *     JdbcTable table = JdbcTable.of(databases.dataSource(server), "t");
 * }
 * }</pre>
 *
 * Threadsafe.
 */
public final class TestDatabases implements AfterAllCallback {
    /** The three databases every JDBC behaviour is tested on. */
    public enum Server {
        POSTGRESQL("PostgreSQL at 127.0.0.1:5432 (user postgres)"),
        MARIADB("MariaDB at 127.0.0.1:3306 (user root)"),
        H2("H2 in memory");

        private final String where;

        Server(String where) {
            this.where = where;
        }

        /**
         * This server's SQL type for a logical one: {@code bigint}, {@code int}, {@code boolean},
         * {@code text} (long, not a key), {@code keytext} (text that can be a key), {@code decimal}
         * (20,6), {@code bytes}, {@code uuid}, {@code timestamptz} and {@code timestamp} (microseconds).
         */
        public String type(String logical) {
            switch (logical) {
                case "bigint":
                    return "bigint";
                case "int":
                    return "integer";
                case "boolean":
                    return "boolean";
                case "text":
                    return this == POSTGRESQL ? "text" : this == MARIADB ? "text" : "varchar(10000)";
                case "keytext":
                    return this == POSTGRESQL ? "text" : "varchar(100)";
                case "decimal":
                    return "decimal(20,6)";
                case "bytes":
                    return this == POSTGRESQL ? "bytea" : "varbinary(1000)";
                case "uuid":
                    return "uuid";
                case "timestamptz":
                    return this == POSTGRESQL ? "timestamptz(6)" : this == MARIADB ? "timestamp(6) NULL"
                            : "timestamp(6) with time zone";
                case "timestamp":
                    return this == MARIADB ? "datetime(6)" : "timestamp(6)";
                default:
                    throw new IllegalArgumentException("no logical type " + logical);
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String database = "dualstore_t_" + randomHex();
    private final Map<Server, DataSource> created = new EnumMap<>(Server.class);

    private static String randomHex() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The name of this class's database on every server. */
    public String database() {
        return database;
    }

    /** A data source on this class's database of {@code server}, created on first use. */
    public synchronized DataSource dataSource(Server server) {
        return created.computeIfAbsent(server, this::create);
    }

    /** Runs statements (DDL, setup) on {@code server}'s database, one connection, autocommit. */
    public void execute(Server server, String... statements) {
        try (Connection connection = dataSource(server).getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on " + server + ": " + e.getMessage(), e);
        }
    }

    private DataSource create(Server server) {
        try {
            switch (server) {
                case POSTGRESQL: {
                    try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                            Statement statement = admin.createStatement()) {
                        statement.execute("CREATE DATABASE " + database + " ENCODING 'UTF8' TEMPLATE template0");
                    }
                    return new DriverDataSource("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "");
                }
                case MARIADB: {
                    try (Connection admin = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
                            Statement statement = admin.createStatement()) {
                        statement.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
                    }
                    return new DriverDataSource("jdbc:mariadb://127.0.0.1:3306/" + database, "root", "");
                }
                default: {
                    return new DriverDataSource("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1", "sa", "");
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(server.where + " cannot be reached or refused to create database " + database
                    + ": " + e.getMessage() + ". The JDBC tests need it running; .ci/run starts it.", e);
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        SQLException failure = null;
        for (Server server : created.keySet()) {
            try {
                drop(server);
            } catch (SQLException e) {
                failure = e;
            }
        }
        created.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private void drop(Server server) throws SQLException {
        switch (server) {
            case POSTGRESQL:
                try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                        Statement statement = admin.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
                return;
            case MARIADB:
                try (Connection admin = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
                        Statement statement = admin.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + database);
                }
                return;
            default:
                try (Connection connection = created.get(server).getConnection(); Statement statement = connection.createStatement()) {
                    statement.execute("SHUTDOWN");
                }
        }
    }
}
