package dev.dualstore.jdbc;

import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.Chunk;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.TableException;
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
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@link Checkpoints} in a table of PostgreSQL, MariaDB/MySQL or H2, created if absent, so that
 * every worker of every process that shares the table shares the jobs in it: a backfill's chunks,
 * later a check's chunks and a replayer's position. {@code JdbcCheckpoints.in(dataSource,
 * "dualstore_checkpoints")}.
 *
 * <p>One row per chunk, keyed by {@code (job, part)}: its bounds ({@code lower_key}, exclusive,
 * {@code upper_key}, inclusive, as {@link RowKey#encode()} text), {@code done}, the lease that
 * holds it ({@code lease}, {@code lease_until} in epoch milliseconds), {@code row_count} and
 * {@code completions}, the number of times it was recorded done. The row {@code part = -1} is the
 * job's: its frontier in {@code lower_key}, {@code done = 1} once the key space was walked to its
 * end, the number of chunks defined in {@code row_count}, and the job's {@code position}.
 *
 * <p>Concurrency: on PostgreSQL and MariaDB/MySQL a free chunk is found with {@code SELECT ... FOR
 * UPDATE SKIP LOCKED}, so workers never queue behind each other's candidates; H2 has no {@code
 * SKIP LOCKED}, so there a worker reads the candidates and takes one with a conditional update
 * (a compare-and-set on the lease), which is as safe and only slower under contention. Defining
 * the next chunk holds the job row with {@code SELECT ... FOR UPDATE} on every database while the
 * splitter runs, so one definer at a time walks the frontier. Every transition is also a
 * compare-and-set on the lease, so a worker whose lease expired cannot record a chunk it no
 * longer holds.
 *
 * <p>On PostgreSQL, leases and chunk marks commit with {@code synchronous_commit} off: a mark that
 * a server crash loses means copying that chunk again, never a row lost, and the wait for each
 * mark's {@code fsync} goes. Positions ({@link #savePosition}) commit synchronously.
 *
 * <p>Leases are timed by the clock of the process that takes them (the system clock unless one is
 * given): machines sharing a job need clocks that agree to well within a lease. Each call borrows
 * one connection from the data source and gives it back. Threadsafe.
 */
public final class JdbcCheckpoints implements Checkpoints {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final long JOB_ROW = -1;

    private final DataSource dataSource;
    private final String table;
    private final Dialect dialect;
    private final Clock clock;

    private JdbcCheckpoints(DataSource dataSource, String table, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("checkpoint table name '" + table
                    + "' must be letters, digits and underscores, starting with a letter or underscore, at most 63");
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            this.dialect = Dialect.of(connection.getMetaData());
            String text = dialect == Dialect.H2 ? "varchar(100000)" : "text";
            String flag = "smallint";
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (job varchar(200) NOT NULL, part bigint NOT NULL, "
                    + "lower_key " + text + ", upper_key " + text + ", done " + flag + " NOT NULL, lease varchar(64), "
                    + "lease_until bigint, row_count bigint NOT NULL, completions integer NOT NULL, position " + text + ", "
                    + "updated_millis bigint NOT NULL, PRIMARY KEY (job, part))");
        } catch (SQLException e) {
            throw new TableException(table, "cannot create or open checkpoint table " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoints in table {@code table} of the data source's current schema, created if absent.
     *
     * @throws IllegalArgumentException if the name is not a plain SQL identifier, or the database is
     *     not one of PostgreSQL, MariaDB, MySQL, H2
     * @throws TableException if the table cannot be created or the database cannot be reached
     */
    public static JdbcCheckpoints in(DataSource dataSource, String table) {
        return new JdbcCheckpoints(dataSource, table, Clock.systemUTC());
    }

    /** As {@link #in(DataSource, String)}, with leases timed by {@code clock}. */
    public static JdbcCheckpoints in(DataSource dataSource, String table, Clock clock) {
        return new JdbcCheckpoints(dataSource, table, clock);
    }

    /** The checkpoint table's name. */
    public String table() {
        return table;
    }

    @Override
    public Optional<Chunk> leaseUnfinished(String job, Duration leaseTime) {
        checkJob(job);
        String lock = dialect == Dialect.H2 ? "" : " FOR UPDATE SKIP LOCKED";
        return inTransaction("lease a chunk of " + job, connection -> {
            long now = clock.millis();
            List<Chunk> candidates = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT part, lower_key, upper_key, completions FROM "
                    + table + " WHERE job = ? AND part >= 0 AND done = 0 AND (lease_until IS NULL OR lease_until < ?) "
                    + "ORDER BY part" + (dialect == Dialect.H2 ? " LIMIT 8" : " LIMIT 1" + lock))) {
                select.setString(1, job);
                select.setLong(2, now);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(new Chunk(job, rs.getLong(1), decode(rs.getString(2)), decode(rs.getString(3)),
                                false, null, null, 0, rs.getInt(4)));
                    }
                }
            }
            for (Chunk candidate : candidates) {
                String lease = UUID.randomUUID().toString();
                long until = now + leaseTime.toMillis();
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                        + " SET lease = ?, lease_until = ?, updated_millis = ? WHERE job = ? AND part = ? AND done = 0 "
                        + "AND (lease_until IS NULL OR lease_until < ?)")) {
                    update.setString(1, lease);
                    update.setLong(2, until);
                    update.setLong(3, now);
                    update.setString(4, job);
                    update.setLong(5, candidate.index());
                    update.setLong(6, now);
                    if (update.executeUpdate() == 1) {
                        return Optional.of(new Chunk(job, candidate.index(), candidate.lower(), candidate.upper(), false,
                                lease, Instant.ofEpochMilli(until), 0, candidate.completions()));
                    }
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public Optional<Chunk> leaseNext(String job, Duration leaseTime, Splitter splitter) {
        checkJob(job);
        Objects.requireNonNull(splitter, "splitter");
        ensureJobRow(job);
        return inTransaction("define the next chunk of " + job, connection -> {
            RowKey lower;
            long defined;
            try (PreparedStatement select = connection.prepareStatement("SELECT lower_key, done, row_count FROM " + table
                    + " WHERE job = ? AND part = " + JOB_ROW + " FOR UPDATE")) {
                select.setString(1, job);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("job row of " + job + " vanished");
                    }
                    if (rs.getInt(2) != 0) {
                        return Optional.empty();
                    }
                    lower = decode(rs.getString(1));
                    defined = rs.getLong(3);
                }
            }
            Split split = splitter.next(Optional.ofNullable(lower));
            long now = clock.millis();
            if (split == null) {
                updateJobRow(connection, job, lower, true, defined, now);
                return Optional.empty();
            }
            String lease = UUID.randomUUID().toString();
            long until = now + leaseTime.toMillis();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (job, part, lower_key, "
                    + "upper_key, done, lease, lease_until, row_count, completions, updated_millis) "
                    + "VALUES (?, ?, ?, ?, 0, ?, ?, 0, 0, ?)")) {
                insert.setString(1, job);
                insert.setLong(2, defined);
                insert.setString(3, lower == null ? null : lower.encode());
                insert.setString(4, split.upper().encode());
                insert.setString(5, lease);
                insert.setLong(6, until);
                insert.setLong(7, now);
                insert.executeUpdate();
            }
            updateJobRow(connection, job, split.upper(), split.last(), defined + 1, now);
            return Optional.of(new Chunk(job, defined, lower, split.upper(), false, lease, Instant.ofEpochMilli(until), 0, 0));
        });
    }

    private void updateJobRow(Connection connection, String job, RowKey frontier, boolean ended, long defined, long now)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET lower_key = ?, done = ?, "
                + "row_count = ?, updated_millis = ? WHERE job = ? AND part = " + JOB_ROW)) {
            update.setString(1, frontier == null ? null : frontier.encode());
            update.setInt(2, ended ? 1 : 0);
            update.setLong(3, defined);
            update.setLong(4, now);
            update.setString(5, job);
            update.executeUpdate();
        }
    }

    private void ensureJobRow(String job) {
        call("create the job row of " + job, connection -> {
            if (jobRowExists(connection, job)) {
                return null;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                    + " (job, part, done, row_count, completions, updated_millis) VALUES (?, " + JOB_ROW + ", 0, 0, 0, ?)")) {
                insert.setString(1, job);
                insert.setLong(2, clock.millis());
                insert.executeUpdate();
            } catch (SQLException e) {
                // Another worker created it between the look and the insert: that is the row we wanted.
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23") || !jobRowExists(connection, job)) {
                    throw e;
                }
            }
            return null;
        });
    }

    private boolean jobRowExists(Connection connection, String job) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE job = ? AND part = "
                + JOB_ROW)) {
            select.setString(1, job);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public boolean renew(Chunk chunk, Duration leaseTime) {
        return call("renew the lease of chunk " + chunk.index() + " of " + chunk.job(), connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                    + " SET lease_until = ? WHERE job = ? AND part = ? AND done = 0 AND lease = ?")) {
                update.setLong(1, clock.millis() + leaseTime.toMillis());
                update.setString(2, chunk.job());
                update.setLong(3, chunk.index());
                update.setString(4, chunk.lease());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean complete(Chunk chunk, long rows) {
        return mark("record chunk " + chunk.index() + " of " + chunk.job() + " done", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET done = 1, row_count = ?, "
                    + "completions = completions + 1, lease = NULL, lease_until = NULL, updated_millis = ? "
                    + "WHERE job = ? AND part = ? AND done = 0 AND lease = ?")) {
                update.setLong(1, rows);
                update.setLong(2, clock.millis());
                update.setString(3, chunk.job());
                update.setLong(4, chunk.index());
                update.setString(5, chunk.lease());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Chunk> chunks(String job) {
        checkJob(job);
        return call("list the chunks of " + job, connection -> {
            List<Chunk> chunks = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT part, lower_key, upper_key, done, lease, "
                    + "lease_until, row_count, completions FROM " + table + " WHERE job = ? AND part >= 0 ORDER BY part")) {
                select.setString(1, job);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long until = rs.getLong(6);
                        Instant leaseUntil = rs.wasNull() ? null : Instant.ofEpochMilli(until);
                        chunks.add(new Chunk(job, rs.getLong(1), decode(rs.getString(2)), decode(rs.getString(3)),
                                rs.getInt(4) != 0, rs.getString(5), leaseUntil, rs.getLong(7), rs.getInt(8)));
                    }
                }
            }
            return chunks;
        });
    }

    @Override
    public boolean allDefined(String job) {
        checkJob(job);
        return call("read the job row of " + job, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT done FROM " + table + " WHERE job = ? AND part = "
                    + JOB_ROW)) {
                select.setString(1, job);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() && rs.getInt(1) != 0;
                }
            }
        });
    }

    @Override
    public Optional<String> position(String job) {
        checkJob(job);
        return call("read the position of " + job, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT position FROM " + table
                    + " WHERE job = ? AND part = " + JOB_ROW)) {
                select.setString(1, job);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public void savePosition(String job, String position) {
        checkJob(job);
        Objects.requireNonNull(position, "position");
        ensureJobRow(job);
        call("save the position of " + job, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                    + " SET position = ?, updated_millis = ? WHERE job = ? AND part = " + JOB_ROW)) {
                update.setString(1, position);
                update.setLong(2, clock.millis());
                update.setString(3, job);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void reset(String job) {
        checkJob(job);
        call("reset " + job, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE job = ?")) {
                delete.setString(1, job);
                delete.executeUpdate();
            }
            return null;
        });
    }

    private static void checkJob(String job) {
        Objects.requireNonNull(job, "job");
        if (job.isBlank() || job.length() > 200) {
            throw new IllegalArgumentException("a job name is 1 to 200 characters, not blank: '" + job + "'");
        }
    }

    private static RowKey decode(String text) {
        return text == null ? null : RowKey.decode(text);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T call(String operation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new TableException(table, "checkpoints: cannot " + operation + " in " + table + ": " + e.getMessage(), e);
        }
    }

    private <T> T inTransaction(String operation, Work<T> work) {
        return call(operation, connection -> JdbcTable.Work.inTransaction(connection, c -> {
            if (dialect == Dialect.POSTGRESQL) {
                // A checkpoint is a hint that saves work, never the only record of data: a mark lost
                // to a server crash costs copying a chunk again (upserts are idempotent), and WAL is
                // flushed in order, so the target's later synchronous commit flushes this one too.
                // Visibility and locking are unchanged; only the wait for the fsync goes.
                try (Statement statement = c.createStatement()) {
                    statement.execute("SET LOCAL synchronous_commit TO OFF");
                }
            }
            return work.run(c);
        }));
    }

    /**
     * One statement that records a mark: in a transaction without the fsync wait on PostgreSQL (see
     * {@link #inTransaction}), in autocommit elsewhere, where a transaction would only add round trips.
     */
    private <T> T mark(String operation, Work<T> work) {
        return dialect == Dialect.POSTGRESQL ? inTransaction(operation, work) : call(operation, work);
    }

    @Override
    public String toString() {
        return "JdbcCheckpoints(" + table + ", " + dialect + ")";
    }
}
