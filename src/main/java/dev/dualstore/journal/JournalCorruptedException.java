package dev.dualstore.journal;

/**
 * A journal entry is missing, torn or altered: its stored checksum does not match its fields, or
 * its position is absent while later ones exist. A replayer stops at it and never skips it; fix
 * or restore the entry (or rebuild the target and replay from a good point), then restart.
 */
public final class JournalCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long position;
    private final int partition;

    /**
     * @param position the position of the entry at fault
     * @param journal  the journal's name
     * @param problem  what is wrong with it
     */
    public JournalCorruptedException(long position, String journal, String problem) {
        super("journal " + journal + ": the entry at position " + position + " " + problem
                + "; replay stops here and skips nothing");
        this.position = position;
        this.partition = -1;
    }

    /**
     * A record of a {@link KafkaJournal} is torn or altered.
     *
     * @param journal   the journal's name (its topic)
     * @param partition the record's partition
     * @param offset    its offset there
     * @param problem   what is wrong with it
     */
    public JournalCorruptedException(String journal, int partition, long offset, String problem) {
        super("journal " + journal + ": the record at partition " + partition + ", offset " + offset + " " + problem
                + "; replay stops here and skips nothing");
        this.position = offset;
        this.partition = partition;
    }

    /** @return the position of the entry at fault; for a Kafka journal, the record's offset */
    public long position() {
        return position;
    }

    /** @return the Kafka partition of the record at fault, or -1 for a journal of one sequence of positions */
    public int partition() {
        return partition;
    }
}
