package dev.dualstore.journal;

import dev.dualstore.jdbc.Dialect;
import dev.dualstore.table.TableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The SQL of a {@link JdbcJournal}: its entry table, a one-row head table {@code <table>_head}
 * holding the last position, and {@code <table>_open} with a row per open journal instance (see
 * {@link CrashWindow}). An append locks the head row for its transaction, so positions are
 * given out and committed in one order, without gaps: a reader that sees position n has seen every
 * position before it. (A database sequence or identity column would let a later position commit
 * before an earlier one, and a reader that followed it would skip the earlier.) Threadsafe; each
 * call borrows one connection.
 */
final class JournalTable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,57}");
    private static final String COLUMNS = "position, written_millis, backend, store, method, entry_key, arguments, threw,"
            + " checksum";

    private static final String MISSING = "is missing";
    private static final int RETRIES = 5;

    private final DataSource dataSource;
    private final String table;
    private final String head;
    private final String open;
    private final Dialect dialect;

    JournalTable(DataSource dataSource, String table) {
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("journal table name '" + table
                    + "' must be letters, digits and underscores, starting with a letter or underscore, at most 58");
        }
        this.dataSource = dataSource;
        this.table = table;
        this.head = table + "_head";
        this.open = table + "_open";
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            this.dialect = Dialect.of(connection.getMetaData());
            String text = dialect == Dialect.H2 ? "varchar(1000000)" : dialect == Dialect.MARIADB ? "longtext" : "text";
            String name = "varchar(200)";
            statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (position bigint NOT NULL PRIMARY KEY, "
                    + "written_millis bigint NOT NULL, backend " + name + " NOT NULL, store " + name + " NOT NULL, "
                    + "method varchar(2000) NOT NULL, entry_key " + text + ", arguments " + text + " NOT NULL, "
                    + "threw smallint NOT NULL, checksum bigint NOT NULL)");
            statement.execute("CREATE TABLE IF NOT EXISTS " + head + " (id integer NOT NULL PRIMARY KEY, "
                    + "last_position bigint NOT NULL)");
            ensureHeadRow(connection);
            statement.execute("CREATE TABLE IF NOT EXISTS " + open + " (instance " + name + " NOT NULL PRIMARY KEY, "
                    + "opened_millis bigint NOT NULL, heartbeat_millis bigint NOT NULL, seen_millis bigint NOT NULL, "
                    + "waiting_since_millis bigint)");
        } catch (SQLException e) {
            throw new TableException(table, "cannot create or open journal table " + table + ": " + e.getMessage(), e);
        }
    }

    private void ensureHeadRow(Connection connection) throws SQLException {
        if (readHead(connection, false) >= 0) {
            return;
        }
        try (Statement insert = connection.createStatement()) {
            insert.executeUpdate("INSERT INTO " + head + " (id, last_position) VALUES (1, 0)");
        } catch (SQLException e) {
            // Another process created it first.
            if (readHead(connection, false) < 0) {
                throw e;
            }
        }
    }

    /** @return the last position, or -1 if the head row is absent */
    private long readHead(Connection connection, boolean lock) throws SQLException {
        try (Statement select = connection.createStatement();
                ResultSet rs = select.executeQuery("SELECT last_position FROM " + head + " WHERE id = 1"
                        + (lock ? " FOR UPDATE" : ""))) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    String name() {
        return table;
    }

    Dialect dialect() {
        return dialect;
    }

    /**
     * Appends entries in one transaction, at the positions after the last.
     *
     * @param entries entries whose positions this call assigns (their given positions are ignored)
     * @return the entries as recorded
     */
    List<JournalEntry> append(List<JournalEntry> entries) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                long last = readHead(connection, true);
                List<JournalEntry> recorded = new ArrayList<>(entries.size());
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (JournalEntry e : entries) {
                        JournalEntry at = new JournalEntry(++last, e.time(), e.backend(), e.store(), e.method(), e.key(),
                                e.arguments(), e.threw());
                        bind(insert, at);
                        insert.addBatch();
                        recorded.add(at);
                    }
                    insert.executeBatch();
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + head
                        + " SET last_position = ? WHERE id = 1")) {
                    update.setLong(1, last);
                    update.executeUpdate();
                }
                connection.commit();
                return recorded;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static void bind(PreparedStatement insert, JournalEntry e) throws SQLException {
        insert.setLong(1, e.position());
        insert.setLong(2, e.time().toEpochMilli());
        insert.setString(3, e.backend());
        insert.setString(4, e.store());
        insert.setString(5, e.method());
        insert.setString(6, e.key());
        insert.setString(7, e.arguments());
        insert.setInt(8, e.threw() ? 1 : 0);
        insert.setLong(9, e.checksum());
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * See {@link Journal#read}. A missing position is read again a few times (about 60 ms in all)
     * before it is reported: H2 can show a commit's head row a moment before its entries, and
     * the next append's entries before the previous one's (seen in tests). PostgreSQL and MariaDB
     * commit atomically and never did, so there a retry only confirms a real gap.
     */
    List<JournalEntry> read(long after, int limit) {
        for (int attempt = 0; ; attempt++) {
            try {
                return readOnce(after, limit);
            } catch (JournalCorruptedException e) {
                if (attempt == RETRIES || !e.getMessage().contains(MISSING)) {
                    throw e;
                }
                try {
                    Thread.sleep(1L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private List<JournalEntry> readOnce(long after, int limit) {
        List<JournalEntry> entries = new ArrayList<>(Math.min(limit, 1024));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                        + " WHERE position > ? ORDER BY position LIMIT ?")) {
            // The head first: every position up to it was committed before the select below starts,
            // so an empty result with a head beyond `after` is a missing entry (once re-read).
            long head = readHead(connection, false);
            select.setLong(1, after);
            select.setInt(2, limit);
            try (ResultSet rs = select.executeQuery()) {
                long expected = after + 1;
                while (rs.next()) {
                    long position = rs.getLong(1);
                    if (position != expected) {
                        throw new JournalCorruptedException(expected, table, MISSING + " (the next entry present is "
                                + position + ")");
                    }
                    entries.add(checked(rs, position));
                    expected++;
                }
            }
            if (entries.isEmpty() && head > after) {
                throw new JournalCorruptedException(after + 1, table, MISSING + " (the head says " + head
                        + " entries were recorded)");
            }
            return entries;
        } catch (SQLException e) {
            throw new TableException(table, "journal " + table + ": cannot read after position " + after + ": "
                    + e.getMessage(), e);
        }
    }

    private JournalEntry checked(ResultSet rs, long position) throws SQLException {
        JournalEntry entry;
        try {
            entry = new JournalEntry(position, Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8) != 0);
        } catch (RuntimeException e) {
            throw new JournalCorruptedException(position, table, "is torn: " + e.getMessage());
        }
        if (entry.checksum() != rs.getLong(9)) {
            throw new JournalCorruptedException(position, table, "fails its checksum (stored " + rs.getLong(9)
                    + ", computed " + entry.checksum() + ")");
        }
        return entry;
    }

    /** One row of {@code <table>_open}. */
    record OpenInstance(String instance, long openedMillis, long heartbeatMillis, long seenMillis,
            Long waitingSinceMillis) {
    }

    /** Inserts or updates an instance's row: it is alive at {@code seenMillis}, with writes waiting since then (or null). */
    void seen(String instance, long openedMillis, long heartbeatMillis, long seenMillis, Long waitingSinceMillis)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + open
                    + " SET seen_millis = ?, waiting_since_millis = ? WHERE instance = ?")) {
                update.setLong(1, seenMillis);
                setNullable(update, 2, waitingSinceMillis);
                update.setString(3, instance);
                if (update.executeUpdate() == 1) {
                    return;
                }
            }
            // First sight, or the row was taken for a crash's and removed while this process stood still.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + open
                    + " (instance, opened_millis, heartbeat_millis, seen_millis, waiting_since_millis) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, instance);
                insert.setLong(2, openedMillis);
                insert.setLong(3, heartbeatMillis);
                insert.setLong(4, seenMillis);
                setNullable(insert, 5, waitingSinceMillis);
                insert.executeUpdate();
            }
        }
    }

    private static void setNullable(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    /** @return every row of {@code <table>_open} */
    List<OpenInstance> openInstances() {
        List<OpenInstance> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement select = connection.createStatement();
                ResultSet rs = select.executeQuery("SELECT instance, opened_millis, heartbeat_millis, seen_millis, waiting_since_millis FROM "
                        + open + " ORDER BY opened_millis, instance")) {
            while (rs.next()) {
                String instance = rs.getString(1);
                long opened = rs.getLong(2);
                long heartbeat = rs.getLong(3);
                long seen = rs.getLong(4);
                long waiting = rs.getLong(5);
                rows.add(new OpenInstance(instance, opened, heartbeat, seen, rs.wasNull() ? null : waiting));
            }
            return rows;
        } catch (SQLException e) {
            throw new TableException(open, "journal " + table + ": cannot read " + open + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes an instance's row, if it was last seen at {@code seenMillis} (any time when null).
     *
     * @return whether a row was removed
     */
    boolean closeInstance(String instance, Long seenMillis) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM " + open + " WHERE instance = ?"
                        + (seenMillis == null ? "" : " AND seen_millis = ?"))) {
            delete.setString(1, instance);
            if (seenMillis != null) {
                delete.setLong(2, seenMillis);
            }
            return delete.executeUpdate() == 1;
        }
    }

    long lastPosition() {
        try (Connection connection = dataSource.getConnection()) {
            return Math.max(0, readHead(connection, false));
        } catch (SQLException e) {
            throw new TableException(table, "journal " + table + ": cannot read its head: " + e.getMessage(), e);
        }
    }
}
