package dev.dualstore.table;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An optional capability of a {@link Table}: it hashes the rows of a key range inside the store,
 * so a consistency checker compares two stores chunk by chunk without moving the rows. Found with
 * {@code table instanceof RangeHashing}; a table without it is compared by streaming its rows.
 *
 * <p>The hash is defined here, not by the store, so that a hash computed by PostgreSQL equals one
 * computed by MariaDB or H2 (or any other implementation) for the same rows. Each row is encoded
 * as its columns' fields, in the order asked, joined by {@code '|'}; a field is {@code N} for
 * NULL, else {@code V} followed by the value's canonical text:
 * <ul>
 *   <li>integers: decimal digits; booleans: {@code 1} or {@code 0};</li>
 *   <li>decimals: the value at scale 30 ({@code -1.5} is {@code -1.500000000000000000000000000000},
 *       never a negative zero), so columns of different declared scale still agree;</li>
 *   <li>text: the lower-case hex of its UTF-8 bytes (bytes, not collation; {@code ''} is {@code V},
 *       apart from NULL); bytes: their lower-case hex;</li>
 *   <li>UUIDs: lower-case text; dates: {@code yyyy-MM-dd};</li>
 *   <li>timestamps with and without time zone: microseconds since 1970-01-01T00:00 (UTC for an
 *       instant, the wall clock for a timestamp without zone).</li>
 * </ul>
 * The row's digest is the MD5 of that text (ASCII); the first 15 digits of its hex are read as one
 * 60-bit integer, and a range's hash is the count of rows and the exact sum of those integers
 * (order-independent, and exact: no overflow). Columns of other types (floating
 * point, times of day, store-specific ones) are not hashable: see {@link #unhashable(List)}.
 *
 * <p>Implementations are threadsafe, like every {@link Table}.
 */
public interface RangeHashing {
    /**
     * The first of {@code columns} whose type this store cannot encode canonically, if any; a
     * checker then streams the rows instead.
     *
     * @throws IllegalArgumentException if a name is not a column of the table
     */
    Optional<String> unhashable(List<String> columns);

    /**
     * The hash of the rows of {@code range} over {@code columns} (see the type's javadoc), counting
     * only rows that pass {@code filter}.
     *
     * @param range the keys to hash; bounds may be prefixes of the key
     * @param columns the columns to encode, in this order; all must be hashable
     * @param filter rows to leave out, or empty for every row
     * @throws IllegalArgumentException if a column is not hashable or not a column
     * @throws TableException if the store fails, or {@link SchemaChangedException} if its schema changed
     */
    RangeHash hash(KeyRange range, List<String> columns, Optional<ChangedBefore> filter);

    /**
     * The key of the row {@code offset} rows into {@code range} (0: its first row), in the store's
     * key order; empty when the range has no more than {@code offset} rows. Used to cut a key space
     * into chunks without reading the rows.
     *
     * @throws IllegalArgumentException if {@code offset < 0}
     * @throws TableException if the store fails
     */
    Optional<RowKey> keyAt(KeyRange range, long offset);

    /**
     * The hash of a range: how many rows, and the sum described on {@link RangeHashing}.
     *
     * @param rows the rows hashed
     * @param sum the exact sum of each row's 60-bit integer
     */
    record RangeHash(long rows, java.math.BigInteger sum) {
        /** Checks the sum. */
        public RangeHash {
            Objects.requireNonNull(sum, "sum");
        }
    }

    /**
     * Keeps only rows whose {@code column} (a timestamp) is NULL or earlier than {@code before}:
     * rows changed since are still in flight, and a checker leaves them out.
     *
     * @param column a timestamp column with or without time zone (without: read as UTC)
     * @param before the cutoff
     */
    record ChangedBefore(String column, Instant before) {
        /** Checks the arguments. */
        public ChangedBefore {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(before, "before");
        }
    }
}
