package dev.dualstore.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes rows (values already coerced, one row per key) by a table's {@link BulkPath}, on a
 * connection in a transaction that the caller commits. Immutable; threadsafe.
 */
final class RowWriter {
    /** Parameters per MariaDB statement, well under its limit of 65,535. */
    private static final int MAX_PARAMETERS = 30_000;

    private final TableShape shape;
    private final TableSql sql;
    private final Dialect dialect;
    private final BulkPath bulkPath;
    private final int batchRows;

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

    private void copyUpsert(Connection connection, List<Object[]> rows) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql.postgresCreateStage());
        }
        for (int from = 0; from < rows.size(); from += batchRows) {
            StringBuilder data = new StringBuilder();
            for (Object[] values : rows.subList(from, Math.min(rows.size(), from + batchRows))) {
                for (int i = 0; i < values.length; i++) {
                    if (i > 0) {
                        data.append('\t');
                    }
                    JdbcValues.appendCopyText(data, values[i], shape.columns.get(i));
                }
                data.append('\n');
            }
            PgCopy.copyIn(connection, sql.postgresCopyIntoStage(), data);
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql.postgresMergeStage());
        }
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
