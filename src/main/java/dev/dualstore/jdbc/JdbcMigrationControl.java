package dev.dualstore.jdbc;

import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.ControlUnavailableException;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.spi.MigrationControl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link MigrationControl} in one table of PostgreSQL, MariaDB/MySQL or H2, created if absent,
 * shared by every instance of a service: {@code JdbcMigrationControl.in(dataSource,
 * "dualstore_control")}.
 *
 * <p>One row per backend holds the fleet's step (its {@code instance} column empty): {@code
 * version}, {@code step}, {@code step_name}, {@code primary_store}, {@code stages} as {@code
 * store=STAGE,...} and {@code rollout}. One row per instance holds its acknowledgement: the
 * {@code version} and {@code step} it applied and its lease, {@code expires_millis} in epoch
 * milliseconds. A change of the step is an {@code UPDATE ... WHERE version = ?} (the first one an
 * {@code INSERT} on the primary key), so of two concurrent moves from one version exactly one
 * lands, on every database, without holding a lock between reading and writing.
 *
 * <p>Leases are dated by the clock of the process that writes them and judged by the clock of
 * the one that reads them (the system clock unless one is given): machines sharing a control need
 * clocks that agree to well within a lease. Each call borrows one connection and gives it back; a
 * {@link SQLException} becomes a {@link ControlUnavailableException}. Immutable and threadsafe.
 */
public final class JdbcMigrationControl implements MigrationControl {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String FLEET = "";

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;
    private final Duration lease;
    private final Duration followInterval;

    private JdbcMigrationControl(DataSource dataSource, String table, Clock clock, Duration lease, Duration followInterval) {
        this.dataSource = dataSource;
        this.table = table;
        this.clock = clock;
        this.lease = lease;
        this.followInterval = followInterval;
    }

    /**
     * The control in table {@code table} of the data source's current schema, created if absent;
     * leases of 15 s, instances looking every second, the system clock.
     *
     * @throws IllegalArgumentException    if the name is not a plain SQL identifier, or the database
     *                                     is not one of PostgreSQL, MariaDB, MySQL, H2
     * @throws ControlUnavailableException if the table cannot be created or the database reached
     */
    public static JdbcMigrationControl in(DataSource dataSource, String table) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(table, "table");
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("control table name '" + table
                    + "' must be letters, digits and underscores, starting with a letter or underscore, at most 63");
        }
        create(dataSource, table);
        return new JdbcMigrationControl(dataSource, table, Clock.systemUTC(), Duration.ofSeconds(15), Duration.ofSeconds(1));
    }

    /**
     * @param lease          how long an acknowledgement holds
     * @param followInterval how often each instance looks at the control
     * @return this control with those times
     * @throws IllegalArgumentException if the lease is not longer than twice the interval
     */
    public JdbcMigrationControl withLease(Duration lease, Duration followInterval) {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(followInterval, "followInterval");
        MigrationControl.requireLease(lease, followInterval);
        return new JdbcMigrationControl(dataSource, table, clock, lease, followInterval);
    }

    /**
     * @param clock dates acknowledgements and judges leases
     * @return this control with that clock
     */
    public JdbcMigrationControl withClock(Clock clock) {
        return new JdbcMigrationControl(dataSource, table, Objects.requireNonNull(clock, "clock"), lease, followInterval);
    }

    private static void create(DataSource dataSource, String table) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            Dialect.of(connection.getMetaData());
            try {
                statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (backend varchar(200) NOT NULL, instance varchar(200)"
                        + " NOT NULL, version bigint NOT NULL, step integer NOT NULL, step_name varchar(200), primary_store"
                        + " varchar(200), stages varchar(2000), rollout double precision, expires_millis bigint NOT NULL,"
                        + " updated_millis bigint NOT NULL, PRIMARY KEY (backend, instance))");
            } catch (SQLException e) {
                // Two processes creating it at once: PostgreSQL may fail the second CREATE ... IF NOT
                // EXISTS on its catalog's unique index. The table is there if it can be read.
                try (ResultSet ignored = statement.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0")) {
                    return;
                } catch (SQLException notThere) {
                    e.addSuppressed(notThere);
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new ControlUnavailableException("cannot create or open control table " + table + ": " + e.getMessage(), e);
        }
    }

    /** @return the table's name */
    public String table() {
        return table;
    }

    @Override
    public Optional<ControlState> current(String backend) {
        return run("read the step of " + backend, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT version, step, step_name, primary_store, stages,"
                    + " rollout FROM " + table + " WHERE backend = ? AND instance = ?")) {
                select.setString(1, backend);
                select.setString(2, FLEET);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ControlState(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            ControlState.parseStages(rs.getString(5)), rs.getDouble(6)));
                }
            }
        });
    }

    @Override
    public boolean change(String backend, long expectedVersion, ControlState next) {
        if (next.version() != expectedVersion + 1) {
            throw new IllegalArgumentException("next version must be " + (expectedVersion + 1) + ", was " + next.version());
        }
        return run("move " + backend + " to " + next, connection -> {
            long now = clock.millis();
            if (expectedVersion == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (backend, instance, version,"
                        + " step, step_name, primary_store, stages, rollout, expires_millis, updated_millis)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
                    bind(insert, backend, next, now);
                    insert.executeUpdate();
                    return true;
                } catch (SQLException e) {
                    if (isDuplicateKey(e)) {
                        return false; // another move started the plan first
                    }
                    throw e;
                }
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET version = ?, step = ?,"
                    + " step_name = ?, primary_store = ?, stages = ?, rollout = ?, updated_millis = ?"
                    + " WHERE backend = ? AND instance = ? AND version = ?")) {
                update.setLong(1, next.version());
                update.setInt(2, next.step());
                update.setString(3, next.stepName());
                update.setString(4, next.primary());
                update.setString(5, next.stagesText());
                update.setDouble(6, next.rolloutPercent());
                update.setLong(7, now);
                update.setString(8, backend);
                update.setString(9, FLEET);
                update.setLong(10, expectedVersion);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static void bind(PreparedStatement insert, String backend, ControlState next, long now) throws SQLException {
        insert.setString(1, backend);
        insert.setString(2, FLEET);
        insert.setLong(3, next.version());
        insert.setInt(4, next.step());
        insert.setString(5, next.stepName());
        insert.setString(6, next.primary());
        insert.setString(7, next.stagesText());
        insert.setDouble(8, next.rolloutPercent());
        insert.setLong(9, now);
    }

    @Override
    public void acknowledge(String backend, String instance, long version, int step) {
        requireInstance(instance);
        run("acknowledge version " + version + " of " + backend + " for " + instance, connection -> {
            long now = clock.millis();
            long expires = now + lease.toMillis();
            if (updateAck(connection, backend, instance, version, step, expires, now)) {
                return null;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (backend, instance, version,"
                    + " step, expires_millis, updated_millis) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, backend);
                insert.setString(2, instance);
                insert.setLong(3, version);
                insert.setInt(4, step);
                insert.setLong(5, expires);
                insert.setLong(6, now);
                insert.executeUpdate();
            } catch (SQLException e) {
                if (!isDuplicateKey(e) || !updateAck(connection, backend, instance, version, step, expires, now)) {
                    throw e;
                }
            }
            return null;
        });
    }

    private boolean updateAck(Connection connection, String backend, String instance, long version, int step, long expires,
            long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET version = ?, step = ?,"
                + " expires_millis = ?, updated_millis = ? WHERE backend = ? AND instance = ?")) {
            update.setLong(1, version);
            update.setInt(2, step);
            update.setLong(3, expires);
            update.setLong(4, now);
            update.setString(5, backend);
            update.setString(6, instance);
            return update.executeUpdate() == 1;
        }
    }

    @Override
    public List<InstanceAck> liveInstances(String backend) {
        return run("list the instances of " + backend, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT instance, version, step, expires_millis FROM "
                    + table + " WHERE backend = ? AND instance <> ? AND expires_millis > ? ORDER BY instance")) {
                select.setString(1, backend);
                select.setString(2, FLEET);
                select.setLong(3, clock.millis());
                List<InstanceAck> live = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        live.add(new InstanceAck(rs.getString(1), rs.getLong(2), rs.getInt(3), Instant.ofEpochMilli(rs.getLong(4))));
                    }
                }
                return live;
            }
        });
    }

    @Override
    public void leave(String backend, String instance) {
        requireInstance(instance);
        run("remove " + instance + " of " + backend, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                    + " WHERE backend = ? AND instance = ?")) {
                delete.setString(1, backend);
                delete.setString(2, instance);
                delete.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public Duration followInterval() {
        return followInterval;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "JdbcMigrationControl[" + table + "]";
    }

    private static void requireInstance(String instance) {
        Objects.requireNonNull(instance, "instance");
        if (instance.isEmpty()) {
            throw new IllegalArgumentException("an instance's name must not be empty (the empty name is the fleet's row)");
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    private interface Work<V> {
        V run(Connection connection) throws SQLException;
    }

    private <V> V run(String what, Work<V> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean auto = connection.getAutoCommit();
            if (!auto) {
                connection.setAutoCommit(true);
            }
            try {
                return work.run(connection);
            } finally {
                if (!auto) {
                    connection.setAutoCommit(false);
                }
            }
        } catch (SQLException e) {
            throw new ControlUnavailableException(this + " could not " + what + ": " + e.getMessage(), e);
        }
    }
}
