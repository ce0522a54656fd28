package dev.dualstore.journal;

import java.util.List;

/**
 * How a {@link Replayer} reads its journal: the seam between the replay loop ({@link ReplayCursor})
 * and a journal's own idea of a position. {@link PositionReader} reads any {@link Journal} (one
 * sequence of positions, saved in {@code Checkpoints}); {@link KafkaReader} reads a {@link
 * KafkaJournal} (an offset per partition, committed in a consumer group).
 *
 * <p>{@link #begin}, {@link #next}, {@link #applied}, {@link #lag} and {@link #end} run on the
 * replay's thread, one run at a time; {@link #goal}, {@link #reached} and {@link #position} on
 * any thread.
 */
interface EntryReader {
    /**
     * Opens the reader for a run: after the saved position, or at the start when the replay
     * rebuilds.
     *
     * @return where it starts, for the log line
     */
    String begin();

    /**
     * @param limit the most entries to return
     * @return the next entries that can be applied and saved together, or null if none arrived
     * @throws JournalCorruptedException at an entry that is missing, torn or altered
     */
    Batch next(int limit);

    /** Saves that every entry of {@code batch} was applied: a later run reads after them. */
    void applied(Batch batch);

    /** @return the entries not yet applied, as of the last call on the replay's thread; -1 while unknown */
    long lag();

    /** @return where the reader is, for logs: {@code position 17}, {@code partitions 0@17 1@4} */
    String where();

    /** Ends the run: frees what {@link #begin} opened. */
    void end();

    /** @return what the journal holds now, for {@link #reached}; any thread */
    Object goal();

    /** @return whether every entry up to {@code goal} that this reader is to apply has been applied; any thread */
    boolean reached(Object goal);

    /** @return the position of the last entry applied, 0 before any, -1 if the journal has no one position */
    long position();

    /**
     * Entries to apply together, in order, and where they come from.
     *
     * @param partition the Kafka partition they all belong to, or -1 for a journal of one sequence
     * @param entries   the entries, not empty
     */
    record Batch(int partition, List<JournalEntry> entries) {
        /** @return the last entry */
        JournalEntry last() {
            return entries.get(entries.size() - 1);
        }

        /** @return an entry's place in words: {@code position 7}, or {@code partition 2, offset 6} */
        String where(JournalEntry entry) {
            return partition < 0 ? "position " + entry.position()
                    : "partition " + partition + ", offset " + KafkaEntries.offset(entry);
        }

        /** @return the exception for an entry of this batch the target could not apply */
        ReplayException failure(String replay, JournalEntry entry, String problem, Throwable cause) {
            return partition < 0 ? new ReplayException(replay, entry.position(), problem, cause)
                    : new ReplayException(replay, partition, KafkaEntries.offset(entry), problem, cause);
        }
    }
}
