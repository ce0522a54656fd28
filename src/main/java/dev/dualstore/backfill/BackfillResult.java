package dev.dualstore.backfill;

import dev.dualstore.table.RowKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What one {@link Backfill.Builder#run()} did. Immutable.
 *
 * @param job the job's name in the checkpoints
 * @param rowsCopied rows this run read from the source and wrote to the target
 * @param chunksCopied chunks this run copied and recorded done
 * @param chunksSkipped chunks already done when this run started (a resumed run), not copied again
 * @param chunksTotal chunks of the job when this run ended
 * @param duration how long the run took
 * @param keysRecopied keys written live while a chunk that may have held them was copying, copied
 *     again from the source under the backend's write fence ({@link LiveWrites})
 * @param keysToCheck keys the backfill may have got wrong and could not re-copy (the re-copy failed);
 *     repair them with the check
 * @param writesNotTracked live writes without a key (or whose key could not be turned into a row key):
 *     non-zero means only a check of the whole table can prove the target right
 */
public record BackfillResult(String job, long rowsCopied, long chunksCopied, long chunksSkipped, long chunksTotal,
        Duration duration, long keysRecopied, Set<RowKey> keysToCheck, long writesNotTracked) {
    /** Checks and copies the arguments. */
    public BackfillResult {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(duration, "duration");
        keysToCheck = Set.copyOf(keysToCheck);
    }
}
