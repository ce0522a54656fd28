package dev.dualstore.check;

import dev.dualstore.table.Checkpoints;
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
 * {@link #inMemory()} serves tests and single-process runs; {@link #in(Checkpoints)} keeps them
 * in a durable store, such as the backfill's {@code JdbcCheckpoints}; any other store plugs in by
 * implementing these three methods.
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

    /**
     * Checkpoints kept as positions in a {@link Checkpoints} store, durable when that one is
     * ({@code JdbcCheckpoints.in(dataSource, table)}): a run named {@code nightly} keeps its
     * watermark as the position of the job {@code check:nightly}, so that a run stopped by a crash
     * or a kill resumes after it. Threadsafe when {@code store} is.
     */
    static CheckCheckpoints in(Checkpoints store) {
        Objects.requireNonNull(store, "store");
        return new CheckCheckpoints() {
            @Override
            public Optional<RowKey> checkedThrough(String run) {
                return store.position(job(run)).filter(text -> !text.isEmpty()).map(RowKey::decode);
            }

            @Override
            public void checked(String run, RowKey key) {
                store.savePosition(job(run), Objects.requireNonNull(key, "key").encode());
            }

            @Override
            public void finished(String run) {
                store.reset(job(run));
            }

            private String job(String run) {
                return "check:" + Objects.requireNonNull(run, "run");
            }
        };
    }

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
