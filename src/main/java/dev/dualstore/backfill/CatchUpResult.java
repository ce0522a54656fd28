package dev.dualstore.backfill;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one pass of a {@link CatchUp} did.
 *
 * @param job           the job's name in the checkpoints
 * @param from          where the pass started: the high-water mark before it, less the overlap
 * @param rowsCopied    rows upserted into the target (rows of the overlap window count again)
 * @param rowsDeleted   soft-deleted source rows deleted from the target
 * @param pages         pages read from the source
 * @param highWaterMark the latest change seen, by this pass or a run before it; what the next pass
 *                      starts from, less the overlap. Empty only if no pass has seen a row yet.
 * @param took          how long the pass ran
 */
public record CatchUpResult(String job, Instant from, long rowsCopied, long rowsDeleted, long pages,
        Optional<Instant> highWaterMark, Duration took) {
}
