/**
 * {@link dev.dualstore.jdbc.JdbcTable}: a {@link dev.dualstore.table.Table} over one table of
 * PostgreSQL, MariaDB/MySQL or H2, its key and columns taken from the database's metadata, with
 * each database's bulk write path ({@code COPY} for PostgreSQL, multi-row upserts for MariaDB,
 * {@code MERGE} for H2). It needs only {@code java.sql}; pgjdbc is used when the connection is
 * pgjdbc's, never required. {@link dev.dualstore.jdbc.JdbcCheckpoints} and
 * {@link dev.dualstore.jdbc.JdbcMigrationControl} (a fleet's migration step and each instance's
 * acknowledgement) keep their state in tables of the same databases.
 *
 * <p>Arguments and return values are never null unless a method says so. Every type here is
 * threadsafe or immutable, as its javadoc says.
 */
package dev.dualstore.jdbc;
