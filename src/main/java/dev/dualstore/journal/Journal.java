package dev.dualstore.journal;

import dev.dualstore.spi.WriteObserver;
import java.util.List;

/**
 * A durable, ordered record of the writes a primary applied, and its reading side for a {@link
 * Replayer}. Given to a backend with {@code MirroringBackend.Builder#journal(WriteObserver)}, it
 * records every write on dualstore's worker threads; a write it cannot record is counted and listed
 * for repair by the backend. {@link JdbcJournal} keeps it in a database table. A {@link
 * KafkaJournal} is not one: its entries have a position per partition, and a {@link Replayer}
 * reads it through a consumer group ({@link Replayer#from(KafkaJournal)}). Implementations are
 * threadsafe.
 */
public interface Journal extends WriteObserver {
    /** @return the journal's name, used in meters, logs and a replayer's default name */
    String name();

    /** @return the codec of the entries' arguments */
    ArgumentCodec codec();

    /**
     * Reads entries in position order, each checked.
     *
     * @param after a position; 0 reads from the first entry
     * @param limit the most entries to read, at least 1
     * @return the entries at {@code after + 1}, {@code after + 2}, ..., at most {@code limit};
     *     empty when none follows {@code after}
     * @throws JournalCorruptedException naming the first entry that is missing or whose checksum fails
     */
    List<JournalEntry> read(long after, int limit);

    /** @return the position of the last entry recorded, 0 when the journal is empty */
    long lastPosition();
}
