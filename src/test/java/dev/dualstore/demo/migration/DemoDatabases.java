package dev.dualstore.demo.migration;

import dev.dualstore.testing.DriverDataSource;
import dev.dualstore.testing.PooledDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * The demo's two databases, each created for one run under a fresh name ({@code dualstore_demo_<hex>})
 * and dropped by {@link #close()}: the old one holds {@code follows} (and the journal), the new one
 * {@code associations}. Embedded H2 in memory by default; PostgreSQL 15 on 127.0.0.1:5432 (user
 * {@code postgres}) to MariaDB 10.11 on 127.0.0.1:3306 (user {@code root}) with {@link
 * Engines#POSTGRES_TO_MARIADB}. A server that cannot be reached fails with a message naming it.
 * Threadsafe.
 */
final class DemoDatabases implements AutoCloseable {
    /** Where the old and the new store live. */
    enum Engines {
        /** Both in embedded, in-memory H2: no server needed. */
        H2("H2 (embedded, in memory)", "H2 (embedded, in memory)"),
        /** The old store in PostgreSQL, the new one in MariaDB, both on 127.0.0.1. */
        POSTGRES_TO_MARIADB("PostgreSQL at 127.0.0.1:5432", "MariaDB at 127.0.0.1:3306");

        final String oldWhere;
        final String newWhere;

        Engines(String oldWhere, String newWhere) {
            this.oldWhere = oldWhere;
            this.newWhere = newWhere;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Engines engines;
    private final String name;
    private final PooledDataSource oldDataSource;
    private final PooledDataSource newDataSource;
    private boolean closed;

    private DemoDatabases(Engines engines, String name, PooledDataSource oldDataSource, PooledDataSource newDataSource) {
        this.engines = engines;
        this.name = name;
        this.oldDataSource = oldDataSource;
        this.newDataSource = newDataSource;
    }

    /** Creates both databases and their tables, empty. */
    static DemoDatabases create(Engines engines) {
        String name = "dualstore_demo_" + randomHex();
        if (engines == Engines.H2) {
            DemoDatabases created = new DemoDatabases(engines, name,
                    new PooledDataSource(new DriverDataSource("jdbc:h2:mem:" + name + "_old;DB_CLOSE_DELAY=-1", "sa", "")),
                    new PooledDataSource(new DriverDataSource("jdbc:h2:mem:" + name + "_new;DB_CLOSE_DELAY=-1", "sa", "")));
            created.createTables("TIMESTAMP(6)", "TIMESTAMP(6)");
            return created;
        }
        admin(engines.oldWhere, "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                "CREATE DATABASE " + name + " ENCODING 'UTF8' TEMPLATE template0");
        try {
            admin(engines.newWhere, "jdbc:mariadb://127.0.0.1:3306/", "root", "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
        } catch (RuntimeException e) {
            dropQuietly(engines.oldWhere, "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                    "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", e);
            throw e;
        }
        DemoDatabases created = new DemoDatabases(engines, name,
                new PooledDataSource(new DriverDataSource("jdbc:postgresql://127.0.0.1:5432/" + name, "postgres", "")),
                new PooledDataSource(new DriverDataSource("jdbc:mariadb://127.0.0.1:3306/" + name, "root", "")));
        try {
            created.createTables("TIMESTAMP(6)", "DATETIME(6)");
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        return created;
    }

    Engines engines() {
        return engines;
    }

    /** The old store's database: {@code follows}, the journal, the replay's checkpoints. */
    DataSource oldDataSource() {
        return oldDataSource;
    }

    /** The new store's database: {@code associations}, the backfill's checkpoints. */
    DataSource newDataSource() {
        return newDataSource;
    }

    /** Runs one statement on the new store's database (the demo's damage). */
    void executeOnNew(String sql) {
        execute(newDataSource, engines.newWhere, sql);
    }

    private void createTables(String oldTimestamp, String newTimestamp) {
        execute(oldDataSource, engines.oldWhere, "CREATE TABLE follows (follower_id BIGINT NOT NULL, followed_id BIGINT NOT NULL,"
                + " created_at " + oldTimestamp + " NOT NULL, updated_at " + oldTimestamp + " NOT NULL,"
                + " PRIMARY KEY (follower_id, followed_id))");
        execute(newDataSource, engines.newWhere, "CREATE TABLE associations (id1 BIGINT NOT NULL, assoc_type VARCHAR(32) NOT NULL,"
                + " id2 BIGINT NOT NULL, time_ms BIGINT NOT NULL, data VARCHAR(200), updated_at " + newTimestamp + " NOT NULL,"
                + " PRIMARY KEY (id1, assoc_type, id2))");
    }

    private static void execute(DataSource dataSource, String where, String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("on " + where + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    private static void admin(String where, String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(where + " cannot be reached or refused '" + sql + "': " + e.getMessage()
                    + ". The --postgres-to-mariadb demo needs both servers running (bash .ci/run starts them).", e);
        }
    }

    private static void dropQuietly(String where, String url, String user, String sql, RuntimeException cause) {
        try {
            admin(where, url, user, sql);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Closes the pools and drops both databases. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (PooledDataSource pool : new PooledDataSource[] {oldDataSource, newDataSource}) {
            try {
                pool.close();
            } catch (SQLException e) {
                failure = failure == null ? new IllegalStateException("closing a pool: " + e.getMessage(), e) : failure;
            }
        }
        try {
            if (engines == Engines.H2) {
                for (String db : new String[] {"_old", "_new"}) {
                    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:" + name + db, "sa", "");
                            Statement s = c.createStatement()) {
                        s.execute("SHUTDOWN");
                    }
                }
            } else {
                admin(engines.oldWhere, "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                        "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                admin(engines.newWhere, "jdbc:mariadb://127.0.0.1:3306/", "root", "DROP DATABASE IF EXISTS " + name);
            }
        } catch (SQLException | RuntimeException e) {
            failure = failure == null ? new IllegalStateException("dropping the demo's databases " + name + ": "
                    + e.getMessage(), e) : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static String randomHex() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return engines.oldWhere + " -> " + engines.newWhere + " (" + name + ")";
    }
}
