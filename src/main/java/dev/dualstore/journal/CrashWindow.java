package dev.dualstore.journal;

import java.time.Instant;

/**
 * A time in which writes may have reached the primary and not the journal: an instance of a
 * {@link JdbcJournal} ended without {@code close()} (kill -9, a crash, a lost host), so the writes
 * it still held in memory were neither journaled nor kept listed for repair.
 *
 * <p>Every write the primary applied through that instance is in the journal, or was applied from
 * {@link #from()} on. Repair the new store for that time: copy the rows changed since {@code from}
 * ({@link dev.dualstore.backfill.CatchUp} with the table's updated-at column), or check and repair
 * the rows written then ({@link dev.dualstore.check.Check}); then {@link JdbcJournal#markRepaired}.
 *
 * @param journal   the journal's table
 * @param instance  the instance that ended, as {@link JdbcJournal.Builder#instanceName} named it
 * @param opened    when that instance opened the journal
 * @param lastSeen  its last heartbeat
 * @param from      the earliest time a write it had not journaled may have been applied: the oldest
 *                  write it was still holding at its last heartbeat (or that heartbeat), less the
 *                  journal's {@linkplain JdbcJournal.Builder#crashMargin margin}
 * @param foundAt   when this window was found; the instance applied nothing after its end, which
 *                  lies between {@code lastSeen} and {@code foundAt}
 */
public record CrashWindow(String journal, String instance, Instant opened, Instant lastSeen, Instant from,
        Instant foundAt) {

    @Override
    public String toString() {
        return "CrashWindow[" + journal + ", instance " + instance + " last seen " + lastSeen + ": writes from " + from
                + " may be missing]";
    }
}
