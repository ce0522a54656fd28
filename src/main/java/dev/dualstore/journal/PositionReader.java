package dev.dualstore.journal;

import dev.dualstore.table.Checkpoints;
import java.util.List;

/**
 * Reads a {@link Journal} of one sequence of positions (a {@link JdbcJournal}, say) from the
 * position saved in {@link Checkpoints} under job {@code replay-<name>}, saving it after each
 * batch. Run by one thread at a time; {@link #position()} by any.
 */
final class PositionReader implements EntryReader {
    private final Journal journal;
    private final Checkpoints checkpoints;
    private final String job;
    private final boolean fromBeginning;
    private volatile long position;
    private long head;

    PositionReader(Journal journal, Checkpoints checkpoints, String name, boolean fromBeginning) {
        this.journal = journal;
        this.checkpoints = checkpoints;
        this.job = "replay-" + name;
        this.fromBeginning = fromBeginning;
    }

    @Override
    public String begin() {
        if (fromBeginning) {
            checkpoints.reset(job);
        }
        position = checkpoints.position(job).map(Long::parseLong).orElse(0L);
        head = journal.lastPosition();
        return "after position " + position + " of " + head;
    }

    @Override
    public Batch next(int limit) {
        List<JournalEntry> entries = journal.read(position, limit);
        if (entries.isEmpty()) {
            head = journal.lastPosition();
            return null;
        }
        return new Batch(-1, entries);
    }

    @Override
    public void applied(Batch batch) {
        long last = batch.last().position();
        checkpoints.savePosition(job, Long.toString(last));
        position = last;
        head = journal.lastPosition();
    }

    @Override
    public long lag() {
        return Math.max(0, head - position);
    }

    @Override
    public String where() {
        return "position " + position;
    }

    @Override
    public void end() {
    }

    @Override
    public Object goal() {
        return journal.lastPosition();
    }

    @Override
    public boolean reached(Object goal) {
        return position >= (Long) goal;
    }

    @Override
    public long position() {
        return position;
    }
}
