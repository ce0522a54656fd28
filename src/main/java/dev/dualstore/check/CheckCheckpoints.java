package dev.dualstore.check;

import dev.dualstore.table.RowKey;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a {@link Check} run got to, so that a run that was stopped resumes after the last key it
 * had fully checked. A check records a key only when every chunk before it is done (chunks run in
 * parallel, so this is a watermark, not the latest chunk), and clears the run when it ends.
 * Implementations must be threadsafe; a check calls them from its own threads, one call at a time.
 * {@link #inMemory()} serves tests and single-process runs; a durable store (a JDBC table) plugs
 * in by implementing these three methods.
 */
public interface CheckCheckpoints {
    /**
     * The key through which run {@code run} had checked every row, if it was stopped part way.
     *
     * @param run the run's name ({@link Check.Builder#checkpoints(CheckCheckpoints, String)})
     */
    Optional<RowKey> checkedThrough(String run);

    /** Records that every row of run {@code run} up to and including {@code key} was checked. */
    void checked(String run, RowKey key);

    /** Run {@code run} finished; the next run of that name starts from the first key. */
    void finished(String run);

    /** Checkpoints held in this process's memory; threadsafe. */
    static CheckCheckpoints inMemory() {
        Map<String, RowKey> marks = new ConcurrentHashMap<>();
        return new CheckCheckpoints() {
            @Override
            public Optional<RowKey> checkedThrough(String run) {
                return Optional.ofNullable(marks.get(Objects.requireNonNull(run, "run")));
            }

            @Override
            public void checked(String run, RowKey key) {
                marks.put(Objects.requireNonNull(run, "run"), Objects.requireNonNull(key, "key"));
            }

            @Override
            public void finished(String run) {
                marks.remove(Objects.requireNonNull(run, "run"));
            }
        };
    }
}
