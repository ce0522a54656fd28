package dev.dualstore.table;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Rows by key in one store: what a backfill copies from and to, what a check compares, and what a
 * replayer writes. {@code dev.dualstore.jdbc.JdbcTable} implements it for PostgreSQL, MariaDB/MySQL
 * and H2; a DynamoDB, Cassandra or Redis table implements these five methods.
 *
 * <p>Promises every implementation keeps:
 * <ul>
 *   <li>{@link #scan} returns rows in the store's own key order, and the same order on every call,
 *       so paging with {@link KeyRange#after(RowKey)} from the last row sees each row once.</li>
 *   <li>Rows carry exactly {@link #columns()}, values in the canonical form of {@link Row}.</li>
 *   <li>{@link #upsert} and {@link #delete} are idempotent, so a retried chunk does no harm.</li>
 *   <li>A table whose schema changed under it fails with {@link SchemaChangedException} naming the
 *       column, rather than answer under a schema it does not know.</li>
 *   <li>Implementations are threadsafe: a backfill calls one table from several threads.</li>
 * </ul>
 *
 * <p>Optional capabilities (hashing a key range inside the store, for the checker) are separate
 * interfaces that a table may also implement; callers look for them with {@code instanceof} and
 * fall back to reading rows. This interface never grows a method a store cannot honour.
 */
public interface Table {
    /** The table's name, for messages and meter tags. */
    String name();

    /** The columns every row has, and the key columns. Stable for the table's life. */
    Columns columns();

    /**
     * Up to {@code limit} rows of {@code range}, in the store's key order.
     *
     * @param range the keys to return; bounds may be prefixes of the key
     * @param limit at most this many rows; at least 1
     * @return the rows, first key first; fewer than {@code limit} only when the range is exhausted
     * @throws IllegalArgumentException if {@code limit < 1} or a bound is longer than the key
     * @throws TableException if the store fails, or {@link SchemaChangedException} if its schema changed
     */
    List<Row> scan(KeyRange range, int limit);

    /**
     * The rows with the given keys. Keys with no row are absent from the answer.
     *
     * @param keys whole keys, with values of the table's types (as {@link #scan} returns them)
     * @return each row found, by its key; in no particular order
     * @throws TableException if the store fails, or {@link SchemaChangedException} if its schema changed
     */
    Map<RowKey, Row> read(Collection<RowKey> keys);

    /**
     * Inserts each row, or replaces the row with its key. When two rows share a key, the later one
     * wins. Implementations apply one call atomically where the store can.
     *
     * @param rows rows with exactly {@link #columns()}
     * @throws IllegalArgumentException if a row lacks a column, has an unknown one, or a value does not
     *     fit its column (the column is named)
     * @throws TableException if the store fails, or {@link SchemaChangedException} if its schema changed
     */
    void upsert(List<Row> rows);

    /**
     * Deletes the rows with these keys; a key with no row is no error.
     *
     * @throws TableException if the store fails, or {@link SchemaChangedException} if its schema changed
     */
    void delete(Collection<RowKey> keys);

    /**
     * Every row of {@code range} in key order, fetched lazily {@code pageRows} at a time by
     * {@link #scan}; each page starts after the last key of the one before. Close the stream or
     * consume it; it holds no store resources between pages.
     *
     * @throws IllegalArgumentException if {@code pageRows < 1}
     */
    default Stream<Row> stream(KeyRange range, int pageRows) {
        if (pageRows < 1) {
            throw new IllegalArgumentException("pageRows must be at least 1, was " + pageRows);
        }
        Iterator<Row> rows = new Iterator<>() {
            private KeyRange next = range;
            private List<Row> page = List.of();
            private int index;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (index < page.size()) {
                    return true;
                }
                if (exhausted) {
                    return false;
                }
                page = scan(next, pageRows);
                index = 0;
                if (page.size() < pageRows) {
                    exhausted = true;
                }
                if (!page.isEmpty()) {
                    next = next.after(columns().keyOf(page.get(page.size() - 1)));
                }
                return !page.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(index++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
