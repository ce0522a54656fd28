package dev.dualstore.journal;

/**
 * A journal entry could not be applied to the replay's target. The replayer stops before it (its
 * checkpoint is the position before), so a restart after a fix applies it again.
 */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long position;
    private final int partition;

    /**
     * @param replay   the replayer's name
     * @param position the entry's position
     * @param problem  what went wrong
     * @param cause    the target's failure, or null
     */
    public ReplayException(String replay, long position, String problem, Throwable cause) {
        super("replay " + replay + ": the entry at position " + position + " " + problem, cause);
        this.position = position;
        this.partition = -1;
    }

    /**
     * An entry of a {@link KafkaJournal} could not be applied.
     *
     * @param replay    the replayer's name
     * @param partition the entry's partition
     * @param offset    its offset there
     * @param problem   what went wrong
     * @param cause     the target's failure, or null
     */
    public ReplayException(String replay, int partition, long offset, String problem, Throwable cause) {
        super("replay " + replay + ": the entry at partition " + partition + ", offset " + offset + " " + problem, cause);
        this.position = offset;
        this.partition = partition;
    }

    /** @return the position of the entry that could not be applied; for a Kafka journal, its offset */
    public long position() {
        return position;
    }

    /** @return the Kafka partition of the entry, or -1 for a journal of one sequence of positions */
    public int partition() {
        return partition;
    }
}
