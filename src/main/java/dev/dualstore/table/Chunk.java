package dev.dualstore.table;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One chunk of a job's key space as its {@link Checkpoints} hold it: the keys after {@code lower}
 * (exclusive; none for the first chunk) through {@code upper} (inclusive), whether it is done,
 * and who holds it. Immutable; a snapshot of the checkpoint when it was read.
 *
 * @param job the job the chunk belongs to
 * @param index the chunk's number in its job, from 0, in key order
 * @param lower the last key of the chunk before; null for the first chunk
 * @param upper the chunk's last key when it was defined; rows inserted later after it belong to the next chunk
 * @param done whether the chunk was copied and recorded as such
 * @param lease the token of the lease that holds it; null when none does
 * @param leaseUntil when that lease expires; null when none holds it
 * @param rows how many rows the completion recorded (0 until done)
 * @param completions how many times the chunk was recorded done: 1 once done, more only if a lease
 *     expired while its holder was still copying
 */
public record Chunk(String job, long index, RowKey lower, RowKey upper, boolean done, String lease,
        Instant leaseUntil, long rows, int completions) {
    /** Checks the arguments. */
    public Chunk {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(upper, "upper");
        if (index < 0) {
            throw new IllegalArgumentException("chunk index is negative: " + index);
        }
    }

    /** The chunk's keys as a range: after {@link #lower} (or from the first key) through {@link #upper}. */
    public KeyRange range() {
        KeyRange range = KeyRange.all().through(upper);
        return lower == null ? range : range.after(lower);
    }

    /** The lower bound, empty for the first chunk. */
    public Optional<RowKey> lowerBound() {
        return Optional.ofNullable(lower);
    }
}
