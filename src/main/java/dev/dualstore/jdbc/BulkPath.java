package dev.dualstore.jdbc;

/**
 * How a {@link JdbcTable} writes a chunk of rows; {@link JdbcTable#bulkPath()} says which one it
 * chose when it was opened.
 */
public enum BulkPath {
    /**
     * PostgreSQL through pgjdbc, in one transaction: {@code COPY} straight into the keyed table; if
     * one of the keys is already there, rolled back to a savepoint and instead {@code COPY} into a
     * temporary staging table, then one {@code INSERT ... SELECT ... ON CONFLICT DO UPDATE} into the
     * keyed table. After a conflict the next few writes go staged without trying.
     */
    POSTGRESQL_COPY,
    /**
     * PostgreSQL when the connection is not pgjdbc's (or pgjdbc is not on the path): batched
     * {@code INSERT ... ON CONFLICT DO UPDATE} statements.
     */
    POSTGRESQL_BATCHED_UPSERT,
    /** MariaDB and MySQL: multi-row {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE}. */
    MARIADB_MULTI_ROW_UPSERT,
    /** H2: batched {@code MERGE INTO ... KEY (...) VALUES (...)}. */
    H2_MERGE
}
