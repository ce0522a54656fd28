/**
 * Rows by key, for any store: a {@link dev.dualstore.table.Table} scans a {@link
 * dev.dualstore.table.KeyRange} in the store's key order, reads, upserts and deletes {@link
 * dev.dualstore.table.Row}s by {@link dev.dualstore.table.RowKey}, and a {@link
 * dev.dualstore.table.RowMapping} turns a row of an old schema into a row of a new one. The
 * backfill, the consistency checker and the journal's replayer share these types, so a store that
 * is not JDBC (DynamoDB, Cassandra, Redis) plugs in by implementing {@code Table}.
 *
 * <p>Arguments and return values are never null unless a method says so; a column value inside a
 * {@code Row} may be null (SQL NULL, kept distinct from the empty string), a key value never is.
 * The value types here are immutable and threadsafe.
 */
package dev.dualstore.table;
