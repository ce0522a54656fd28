package dev.dualstore.journal;

/**
 * A journal entry could not be applied to the replay's target. The replayer stops before it (its
 * checkpoint is the position before), so a restart after a fix applies it again.
 */
public final class ReplayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long position;

    /**
     * @param replay   the replayer's name
     * @param position the entry's position
     * @param problem  what went wrong
     * @param cause    the target's failure, or null
     */
    public ReplayException(String replay, long position, String problem, Throwable cause) {
        super("replay " + replay + ": the entry at position " + position + " " + problem, cause);
        this.position = position;
    }

    /** @return the position of the entry that could not be applied */
    public long position() {
        return position;
    }
}
