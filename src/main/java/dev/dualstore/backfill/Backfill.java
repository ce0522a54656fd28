package dev.dualstore.backfill;

import dev.dualstore.MirroringBackend;
import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.Table;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Copies the rows of one {@link Table} into another: the key space is split into chunks of
 * {@link Builder#chunkRows(int)} rows as it is walked, copied by {@link Builder#threads(int)}
 * workers, throttled, paused on demand, and recorded chunk by chunk in {@link Checkpoints}, so a
 * killed run resumes without copying a finished chunk again and several processes can share one
 * job.
 *
 * <pre>{@code
 * BackfillResult copied = Backfill.from(oldFollows).to(newFollows)
 *         .threads(4)
 *         .chunkRows(10_000)
 *         .maxRowsPerSecond(50_000)
 *         .pauseWhen(() -> peakHours())
 *         .checkpoints(JdbcCheckpoints.in(postgresDataSource, "dualstore_checkpoints"))
 *         .meterRegistry(registry)
 *         .run();
 * }</pre>
 *
 * <p><b>Chunks.</b> Keys that cannot be computed (text, composite) are split without a full scan:
 * the worker holding the job's frontier reads the next {@code chunkRows} rows after it in the
 * source's key order, records the chunk's last key, lets the frontier go and writes the rows. The
 * first pass defines the chunks; a resumed run, or another process, takes the defined chunks that
 * are not done (a chunk whose lease expired is taken over) and re-reads them by key range. Upserts
 * are idempotent, so a chunk copied twice after a crash does no harm. Heap holds at most one page
 * of {@code chunkRows} rows per worker.
 *
 * <p><b>Fails closed.</b> When a table reports a schema change ({@link
 * dev.dualstore.table.SchemaChangedException}, naming the column), or any other failure, every
 * worker stops after its current page and {@link Builder#run()} throws that exception; the chunks
 * in flight stay not done, for the next run.
 *
 * <p>A {@code Backfill} has no state of its own between runs: the checkpoints are the state.
 */
public final class Backfill {
    private Backfill() {
    }

    /** Starts a backfill that copies from {@code source}. */
    public static Builder from(Table source) {
        return new Builder(Objects.requireNonNull(source, "source"));
    }

    /**
     * Without a mapping, source and target must have the same columns and key.
     *
     * @throws IllegalArgumentException naming the first column one lacks, or both keys
     */
    static void requireSameColumns(Table source, Table target) {
        for (String column : source.columns().names()) {
            if (!target.columns().contains(column)) {
                throw new IllegalArgumentException("target " + target.name() + " has no column " + column
                        + " of source " + source.name() + "; give a mapping(...) for a schema change");
            }
        }
        for (String column : target.columns().names()) {
            if (!source.columns().contains(column)) {
                throw new IllegalArgumentException("target " + target.name() + " has column " + column
                        + ", which source " + source.name() + " lacks; give a mapping(...) for a schema change");
            }
        }
        if (!source.columns().keyNames().equals(target.columns().keyNames())) {
            throw new IllegalArgumentException("source " + source.name() + " is keyed by " + source.columns().keyNames()
                    + " but target " + target.name() + " by " + target.columns().keyNames());
        }
    }

    /**
     * Configures and runs a backfill. Each option may be set once; setting it again is an {@link
     * IllegalStateException}. Not threadsafe: configure and run it on one thread.
     */
    public static final class Builder {
        final Table source;
        Table target;
        int threads = 1;
        int chunkRows = 10_000;
        long maxRowsPerSecond;
        BooleanSupplier pauseWhen = () -> false;
        RowMapping mapping;
        Checkpoints checkpoints;
        MeterRegistry meterRegistry;
        String job;
        Duration leaseTime = Duration.ofSeconds(30);
        Duration progressEvery = Duration.ofSeconds(10);
        Duration pollEvery = Duration.ofMillis(500);
        MirroringBackend<?> backend;
        String store;
        LiveWrites liveWrites;
        private final Options options = new Options();

        private Builder(Table source) {
            this.source = source;
        }

        private void once(String option) {
            options.once(option);
        }

        /** The table to copy into; required. */
        public Builder to(Table target) {
            once("to");
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** Workers copying chunks in parallel; default 1. Each holds one source and one target connection at a time. */
        public Builder threads(int threads) {
            once("threads");
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("threads must be 1 to 256, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Rows per chunk (and per page of a re-read chunk); default 10,000. */
        public Builder chunkRows(int chunkRows) {
            once("chunkRows");
            this.chunkRows = Options.rows("chunkRows", chunkRows);
            return this;
        }

        /** The most rows per second this run writes, over all its workers; 0 (the default) for no limit. */
        public Builder maxRowsPerSecond(long maxRowsPerSecond) {
            once("maxRowsPerSecond");
            this.maxRowsPerSecond = Options.rowsPerSecond(maxRowsPerSecond);
            return this;
        }

        /**
         * Asked by each worker before each chunk (on the worker's thread); while it says true the worker
         * waits, asking again every half second. For peak hours or a slow source. It must be threadsafe;
         * if it throws, the run fails.
         */
        public Builder pauseWhen(BooleanSupplier pauseWhen) {
            once("pauseWhen");
            this.pauseWhen = Objects.requireNonNull(pauseWhen, "pauseWhen");
            return this;
        }

        /** Turns each source row into a target row, for a schema change; default: rows as they are. */
        public Builder mapping(RowMapping mapping) {
            once("mapping");
            this.mapping = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /** Where chunks are recorded; default {@link Checkpoints#inMemory()} (a run then resumes nothing). */
        public Builder checkpoints(Checkpoints checkpoints) {
            once("checkpoints");
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            return this;
        }

        /** Where the {@code dualstore.backfill.*} meters go; default {@link Metrics#globalRegistry}. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            once("meterRegistry");
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * The job's name in the checkpoints and the {@code job} tag of its meters; default {@code
         * backfill <source> -> <target>}. Runs with one name share chunks; a new name copies again.
         */
        public Builder job(String job) {
            once("job");
            this.job = Options.job(job);
            return this;
        }

        /**
         * How long a worker holds a chunk without renewing it; default 30 s. Leases are renewed every
         * third of it while the chunk copies; a chunk of a killed process is taken over once its
         * lease has expired.
         */
        public Builder leaseTime(Duration leaseTime) {
            once("leaseTime");
            if (Objects.requireNonNull(leaseTime, "leaseTime").toMillis() < 100) {
                throw new IllegalArgumentException("leaseTime must be at least 100 ms, was " + leaseTime);
            }
            this.leaseTime = leaseTime;
            return this;
        }

        /** How often an INFO line reports progress (logger {@code dev.dualstore.backfill}); default 10 s. */
        public Builder progressEvery(Duration progressEvery) {
            once("progressEvery");
            if (Objects.requireNonNull(progressEvery, "progressEvery").toMillis() < 1) {
                throw new IllegalArgumentException("progressEvery must be positive, was " + progressEvery);
            }
            this.progressEvery = progressEvery;
            return this;
        }

        /**
         * Runs while {@code backend} shadows live writes into the target as {@code store}: keys written
         * live while a chunk that may hold them copies are copied again afterwards under the key's write
         * fence. {@code liveWrites} must be registered on {@code backend} with {@code writeObserver}.
         */
        public Builder liveWrites(MirroringBackend<?> backend, String store, LiveWrites liveWrites) {
            once("liveWrites");
            this.backend = Objects.requireNonNull(backend, "backend");
            this.store = Objects.requireNonNull(store, "store");
            this.liveWrites = Objects.requireNonNull(liveWrites, "liveWrites");
            if (!backend.secondaryNames().contains(store) && !backend.primaryName().equals(store)) {
                throw new IllegalArgumentException("backend " + backend.name() + " has no store '" + store
                        + "'; its secondaries are " + backend.secondaryNames());
            }
            return this;
        }

        /**
         * Copies every chunk not yet done, on {@code threads} named daemon threads, and blocks until
         * every chunk of the job is done (by this run or another process sharing the checkpoints).
         *
         * @return what this run did
         * @throws IllegalStateException if no target was given
         * @throws IllegalArgumentException if, without a mapping, the target lacks a source column or
         *     has one the source lacks (it is named), or the keys differ
         * @throws dev.dualstore.table.SchemaChangedException if a table's schema changed mid-run
         * @throws dev.dualstore.table.TableException if a store failed
         */
        public BackfillResult run() {
            if (target == null) {
                throw new IllegalStateException("a backfill needs a target: call to(table)");
            }
            if (mapping == null) {
                requireSameColumns(source, target);
            }
            return new BackfillRun(this).run();
        }

        String jobName() {
            if (job != null) {
                return job;
            }
            return Options.jobName("backfill", source.name(), target.name());
        }

        MeterRegistry registry() {
            return meterRegistry != null ? meterRegistry : Metrics.globalRegistry;
        }

        Checkpoints checkpointStore() {
            return checkpoints != null ? checkpoints : Checkpoints.inMemory();
        }
    }
}
