/**
 * The durable write journal and its replayer: a {@link dev.dualstore.journal.JdbcJournal} (a
 * database table) or a {@link dev.dualstore.journal.KafkaJournal} (a topic, partitioned by key)
 * records every write a backend's primary applied (off the caller's thread, through the write
 * observer SPI), and a {@link dev.dualstore.journal.Replayer} applies the journal to a target, by
 * operation or by key, from a checkpoint or, on Kafka, from its consumer group's offsets.
 * {@link dev.dualstore.journal.JacksonCodec} journals arguments through Jackson.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.dualstore.journal;
