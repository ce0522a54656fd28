package dev.dualstore.journal;

/**
 * A journal entry is missing, torn or altered: its stored checksum does not match its fields, or
 * its position is absent while later ones exist. A replayer stops at it and never skips it; fix
 * or restore the entry (or rebuild the target and replay from a good point), then restart.
 */
public final class JournalCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long position;

    /**
     * @param position the position of the entry at fault
     * @param journal  the journal's name
     * @param problem  what is wrong with it
     */
    public JournalCorruptedException(long position, String journal, String problem) {
        super("journal " + journal + ": the entry at position " + position + " " + problem
                + "; replay stops here and skips nothing");
        this.position = position;
    }

    /** @return the position of the entry at fault */
    public long position() {
        return position;
    }
}
