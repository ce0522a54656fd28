package dev.dualstore.table;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Durable progress of jobs that walk a table's key space in chunks (a backfill, a check) or follow
 * a position (an incremental catch-up, a replayer), shared by every worker and every process of
 * a job. {@code dev.dualstore.jdbc.JdbcCheckpoints} keeps them in a database table; {@link
 * #inMemory()} in this JVM, for tests and for stores without one.
 *
 * <p><b>Chunks.</b> The key space of a table whose keys cannot be computed (text, composite) is
 * split as it is walked: {@link #leaseNext} holds the job's frontier (the last key of the last
 * chunk defined) while the caller finds the next chunk's last key, records the chunk leased to the
 * caller, and moves the frontier on. So the first pass defines the chunks, at most one definer at a
 * time per job, and a resumed or concurrent worker takes defined chunks that are not done with
 * {@link #leaseUnfinished}. A lease expires unless {@link #renew renewed}; an expired chunk is taken
 * over by the next worker that asks, so a killed process delays its chunks by at most a lease.
 *
 * <p><b>Positions.</b> A named position (a high-water mark, a journal offset) is one string per job.
 *
 * <p>Implementations are threadsafe; each method is atomic with respect to the others, across
 * processes for a shared store. Job names are at most 200 characters.
 */
public interface Checkpoints {
    /** Finds the last key of the chunk after the frontier; called while the frontier is held. */
    @FunctionalInterface
    interface Splitter {
        /**
         * @param lower the frontier: the last key of the last chunk defined, or empty at the start
         * @return the next chunk's last key, and whether no key follows it; null when no key follows
         *     {@code lower}
         */
        Split next(Optional<RowKey> lower);
    }

    /**
     * The end of a chunk that a {@link Splitter} found.
     *
     * @param upper the chunk's last key (inclusive)
     * @param last whether the key space ends with it (the scan that found it came up short)
     */
    record Split(RowKey upper, boolean last) {
        /** Checks the key. */
        public Split {
            java.util.Objects.requireNonNull(upper, "upper");
        }
    }

    /**
     * Leases a defined chunk of {@code job} that is not done and that no live lease holds (the
     * lowest such chunk), for {@code leaseTime}.
     *
     * @return the chunk, leased to the caller; empty when there is none
     */
    Optional<Chunk> leaseUnfinished(String job, Duration leaseTime);

    /**
     * Defines the next chunk of {@code job}: holds the frontier (other definers of the job wait),
     * asks {@code splitter} for the chunk's last key, records the chunk leased to the caller for
     * {@code leaseTime}, and moves the frontier to its last key. Nothing is recorded if the
     * splitter throws.
     *
     * @return the new chunk; empty when the key space was already walked to its end
     */
    Optional<Chunk> leaseNext(String job, Duration leaseTime, Splitter splitter);

    /**
     * Extends the lease that the caller holds on {@code chunk} by {@code leaseTime} from now.
     *
     * @return false if the lease was lost (it expired and another worker took the chunk)
     */
    boolean renew(Chunk chunk, Duration leaseTime);

    /**
     * Records {@code chunk} done with {@code rows} rows, if the caller's lease still holds it, and
     * releases the lease.
     *
     * @return false if the lease was lost: the chunk is another worker's now, which records it
     */
    boolean complete(Chunk chunk, long rows);

    /** Every chunk defined for {@code job}, in index order; a snapshot. */
    List<Chunk> chunks(String job);

    /** Whether {@code job}'s key space was walked to its end, so every chunk it has is defined. */
    boolean allDefined(String job);

    /** The position saved for {@code job}; empty if none was. */
    Optional<String> position(String job);

    /** Saves {@code job}'s position, replacing the one before. */
    void savePosition(String job, String position);

    /** Forgets everything recorded for {@code job} (chunks, frontier, position), to run it again from the start. */
    void reset(String job);

    /** Checkpoints in this JVM's memory, with the system clock: lost when it exits. */
    static Checkpoints inMemory() {
        return new MemoryCheckpoints(Clock.systemUTC());
    }

    /** Checkpoints in this JVM's memory, leases timed by {@code clock}: for tests. */
    static Checkpoints inMemory(Clock clock) {
        return new MemoryCheckpoints(clock);
    }
}
