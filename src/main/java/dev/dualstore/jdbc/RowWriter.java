package dev.dualstore.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes rows (values already coerced, one row per key) by a table's {@link BulkPath}, on a
 * connection in a transaction that the caller commits. Threadsafe; its one state is how many
 * PostgreSQL writes still skip the direct COPY after a conflict.
 */
final class RowWriter {
    /** Parameters per MariaDB statement, well under its limit of 65,535. */
    private static final int MAX_PARAMETERS = 30_000;
    /** PostgreSQL's SQLSTATE of a duplicate key. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** PostgreSQL writes that skip the direct COPY after one found a key already there. */
    static final int STAGED_AFTER_CONFLICT = 16;

    private final TableShape shape;
    private final TableSql sql;
    private final Dialect dialect;
    private final BulkPath bulkPath;
    private final int batchRows;
    private final AtomicInteger stagedAhead = new AtomicInteger();

    RowWriter(TableShape shape, TableSql sql, Dialect dialect, BulkPath bulkPath, int batchRows) {
        this.shape = shape;
        this.sql = sql;
        this.dialect = dialect;
        this.bulkPath = bulkPath;
        this.batchRows = batchRows;
    }

    void write(Connection connection, List<Object[]> rows) throws SQLException {
        switch (bulkPath) {
            case POSTGRESQL_COPY:
                copyUpsert(connection, rows);
                return;
            case MARIADB_MULTI_ROW_UPSERT:
                multiRowUpsert(connection, rows);
                return;
            case H2_MERGE:
                batched(connection, sql.h2Merge(shape.columns.size()), rows);
                return;
            default:
                batched(connection, sql.postgresUpsert(shape.columns.size()), rows);
        }
    }

    private void bindRow(PreparedStatement statement, int offset, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            JdbcValues.bind(statement, offset + i + 1, values[i], shape.columns.get(i), dialect);
        }
    }

    /**
     * PostgreSQL: {@code COPY} straight into the keyed table under a savepoint, which is all a
     * backfill into an empty range needs; if a key is already there (unique violation), back to the
     * savepoint and through the staging table, which replaces rows. After such a conflict the next
     * {@link #STAGED_AFTER_CONFLICT} writes go staged at once, so a table that mostly holds its rows
     * already does not pay for a failed {@code COPY} each time.
     */
    private void copyUpsert(Connection connection, List<Object[]> rows) throws SQLException {
        if (stagedAhead.get() > 0) {
            stagedAhead.decrementAndGet();
        } else if (copyDirect(connection, rows)) {
            return;
        } else {
            stagedAhead.set(STAGED_AFTER_CONFLICT);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql.postgresCreateStage());
        }
        copyIn(connection, sql.postgresCopyIntoStage(), rows);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql.postgresMergeStage());
        }
    }

    /** COPY into the keyed table; false, and rolled back to before it, if a key was already there. */
    private boolean copyDirect(Connection connection, List<Object[]> rows) throws SQLException {
        Savepoint before = connection.setSavepoint();
        try {
            copyIn(connection, sql.postgresCopyIntoTable(), rows);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(before);
            return false;
        }
        connection.releaseSavepoint(before);
        return true;
    }

    /** One COPY of every row, its text sent {@code batchRows} rows at a time. */
    private void copyIn(Connection connection, String copySql, List<Object[]> rows) throws SQLException {
        StringBuilder data = new StringBuilder();
        int[] next = {0};
        PgCopy.copyIn(connection, copySql, data, () -> {
            int end = Math.min(rows.size(), next[0] + batchRows);
            for (Object[] values : rows.subList(next[0], end)) {
                for (int i = 0; i < values.length; i++) {
                    if (i > 0) {
                        data.append('\t');
                    }
                    JdbcValues.appendCopyText(data, values[i], shape.columns.get(i));
                }
                data.append('\n');
            }
            next[0] = end;
            return end < rows.size();
        });
    }

    private void multiRowUpsert(Connection connection, List<Object[]> rows) throws SQLException {
        int width = shape.columns.size();
        int perStatement = Math.max(1, Math.min(batchRows, MAX_PARAMETERS / width));
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            try (PreparedStatement statement = connection.prepareStatement(sql.mariaDbUpsert(chunk.size(), width))) {
                for (int r = 0; r < chunk.size(); r++) {
                    bindRow(statement, r * width, chunk.get(r));
                }
                statement.executeUpdate();
            }
        }
    }

    private void batched(Connection connection, String statementSql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            int pending = 0;
            for (Object[] values : rows) {
                bindRow(statement, 0, values);
                statement.addBatch();
                if (++pending == batchRows) {
                    statement.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                statement.executeBatch();
            }
        }
    }
}
