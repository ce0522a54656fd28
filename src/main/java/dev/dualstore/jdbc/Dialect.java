package dev.dualstore.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The databases {@link JdbcTable} speaks to, each with its own SQL for upserts, key ranges and
 * bulk writes. Found from {@link DatabaseMetaData#getDatabaseProductName()}.
 */
public enum Dialect {
    /** PostgreSQL: row-value key ranges, {@code INSERT ... ON CONFLICT}, {@code COPY} through pgjdbc. */
    POSTGRESQL,
    /**
     * MariaDB and MySQL: expanded key ranges (the optimiser keeps the index range), multi-row
     * {@code INSERT ... ON DUPLICATE KEY UPDATE}. A {@code TIMESTAMP} column is read and written as
     * an instant (the session time zone is set to UTC for the duration of each call, then put
     * back); {@code DATETIME} is a timestamp without time zone.
     */
    MARIADB,
    /** H2: expanded key ranges, batched {@code MERGE INTO ... KEY (...)}. */
    H2;

    /**
     * The dialect of a database.
     *
     * @throws IllegalArgumentException naming the product if it is none of PostgreSQL, MariaDB,
     *     MySQL or H2
     */
    public static Dialect of(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        String lower = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (lower.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (lower.contains("mariadb") || lower.contains("mysql")) {
            return MARIADB;
        }
        if (lower.equals("h2")) {
            return H2;
        }
        throw new IllegalArgumentException("database product '" + product
                + "' is not supported; JdbcTable supports PostgreSQL, MariaDB, MySQL and H2");
    }
}
