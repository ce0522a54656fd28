/**
 * The durable write journal and its replayer: a {@link dev.dualstore.journal.JdbcJournal} records
 * every write a backend's primary applied (off the caller's thread, through the write observer
 * SPI), and a {@link dev.dualstore.journal.Replayer} applies the journal to a target, by operation
 * or by key, from a checkpoint. Kafka is not built yet.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.journal;
