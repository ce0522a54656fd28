package dev.dualstore.table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An optional capability of a {@link Table}: its rows in the order they last changed, by a column
 * that every write sets to the time of the write (an indexed {@code updated_at}). An incremental
 * catch-up ({@code dev.dualstore.backfill.CatchUp}) pages through it to copy what changed since its
 * last run. {@code dev.dualstore.jdbc.JdbcTable} implements it for PostgreSQL, MariaDB/MySQL and H2.
 *
 * <p>Rows come in the order of the change column, then of the key, so paging from the last row
 * returned sees each row once even when many rows share one timestamp. A row whose change column
 * is NULL is never returned. Implementations are threadsafe.
 */
public interface ChangeScanning {
    /**
     * Checks that {@code column} can order rows by change: it exists and holds a timestamp.
     *
     * @throws IllegalArgumentException naming the column if the table has no such column, or it is
     *     not a timestamp (with or without time zone)
     */
    void checkChangeColumn(String column);

    /**
     * Up to {@code limit} rows whose {@code column} is at or after {@code since}, in the order of
     * ({@code column}, key). With {@code afterKey}, rows at exactly {@code since} come only after that
     * key: a page that starts where the previous one ended.
     *
     * @param column   a column {@link #checkChangeColumn accepted}; a timestamp without time zone is
     *                 read as UTC
     * @param since    the earliest change to return
     * @param afterKey the key of the last row already seen at {@code since}, if any
     * @param limit    at most this many rows; at least 1
     * @return the rows, earliest change first; fewer than {@code limit} only when no more changed
     * @throws IllegalArgumentException if {@code limit < 1}, the column is not accepted, or the key
     *     does not fit the table's key
     * @throws TableException if the store fails, or {@link SchemaChangedException} if its schema changed
     */
    List<Row> changedSince(String column, Instant since, Optional<RowKey> afterKey, int limit);
}
