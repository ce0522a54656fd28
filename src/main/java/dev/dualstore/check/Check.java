package dev.dualstore.check;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Redactor;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.Table;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Proves a target table equal to its source, and repairs it. The key space is cut into chunks of
 * {@link Builder#chunkRows(int)} source rows; when both tables implement {@link
 * dev.dualstore.table.RangeHashing} each database hashes each chunk itself and rows are read only
 * for chunks whose hashes differ, bisected down to small ranges; otherwise rows are streamed and
 * compared. Missing, extra and different rows are counted, sampled, logged and metered, and
 * repaired as {@link Builder#repair(Repair)} says.
 *
 * <pre>{@code
 * CheckResult diff = Check.between(oldFollows, newFollows)
 *         .repair(Repair.COPY_FROM_SOURCE)
 *         .run();
 * }</pre>
 *
 * A {@code Check} is frozen configuration: {@link #run()} may be called again (a second run after
 * a repair reports what is still different), from any thread, one run at a time or several. A run
 * blocks its caller, which plans the chunks; the chunks are compared on the run's own daemon
 * threads ({@code dualstore-check-<name>-<n>}), stopped when the run ends.
 */
public final class Check {
    final Table source;
    final Table target;
    final String name;
    final Repair repair;
    final List<String> columns;
    final RowMapping mapping;
    final Duration inFlight;
    final String changedColumn;
    final int threads;
    final int chunkRows;
    final long maxRowsPerSecond;
    final MeterRegistry registry;
    final Redactor redactor;
    final MirroringBackend<?> backend;
    final String store;
    final Function<RowKey, Object> toDaoKey;
    final Function<Object, RowKey> toRowKey;
    final CheckCheckpoints checkpoints;
    final String run;
    final int sampleSize;
    final Duration progressEvery;
    final Clock clock;

    private Check(Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.name = b.name != null ? b.name : b.target.name();
        this.repair = b.repair != null ? b.repair : Repair.NONE;
        this.columns = b.columns;
        this.mapping = b.mapping;
        this.inFlight = b.inFlight;
        this.changedColumn = b.changedColumn;
        this.threads = b.threads != 0 ? b.threads : 4;
        this.chunkRows = b.chunkRows != 0 ? b.chunkRows : 10_000;
        this.maxRowsPerSecond = b.maxRowsPerSecond != null ? b.maxRowsPerSecond : 0;
        this.registry = b.registry != null ? b.registry : Metrics.globalRegistry;
        this.redactor = b.redactor;
        this.backend = b.backend;
        this.store = b.store;
        this.toDaoKey = b.toDaoKey;
        this.toRowKey = b.toRowKey;
        this.checkpoints = b.checkpoints;
        this.run = b.run;
        this.sampleSize = b.sampleSize != null ? b.sampleSize : 20;
        this.progressEvery = b.progressEvery != null ? b.progressEvery : Duration.ofSeconds(5);
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
    }

    /**
     * A check of {@code target} against {@code source}, the source of truth.
     *
     * @throws IllegalArgumentException if they are the same table
     */
    public static Builder between(Table source, Table target) {
        return new Builder(source, target);
    }

    /**
     * Compares the tables (and repairs, if configured) and returns what it found; blocks.
     *
     * @throws IllegalArgumentException if a compared column is missing from either table (named)
     * @throws dev.dualstore.table.TableException if a store fails (a schema change fails closed)
     * @throws IllegalStateException if the thread is interrupted, or a repair through the live backend fails
     */
    public CheckResult run() {
        return new CheckRun(this).run();
    }

    /**
     * Configures a {@link Check}. Each option may be set once; {@link #build()} validates and freezes.
     * Not threadsafe; the {@code Check} it builds is.
     */
    public static final class Builder {
        private final Table source;
        private final Table target;
        private String name;
        private Repair repair;
        private List<String> columns;
        private RowMapping mapping;
        private Duration inFlight;
        private String changedColumn;
        private int threads;
        private int chunkRows;
        private Long maxRowsPerSecond;
        private MeterRegistry registry;
        private Redactor redactor;
        private MirroringBackend<?> backend;
        private String store;
        private Function<RowKey, Object> toDaoKey;
        private Function<Object, RowKey> toRowKey;
        private CheckCheckpoints checkpoints;
        private String run;
        private Integer sampleSize;
        private Duration progressEvery;
        private Clock clock;

        private Builder(Table source, Table target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
            if (source == target) {
                throw new IllegalArgumentException("source and target are the same table " + source.name());
            }
        }

        private static void requireUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " is already set to " + current);
            }
        }

        /** The name in meter tags, logs and reports; default: the target table's name. */
        public Builder name(String name) {
            requireUnset(this.name, "name");
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("name is blank");
            }
            this.name = name;
            return this;
        }

        /** What to do about differences; default {@link Repair#NONE}. */
        public Builder repair(Repair repair) {
            requireUnset(this.repair, "repair");
            this.repair = Objects.requireNonNull(repair, "repair");
            return this;
        }

        /**
         * Compare only these columns (names of the target's rows; the key is always compared).
         * Default: every column of the target.
         *
         * @throws IllegalArgumentException if none is given or one repeats
         */
        public Builder columns(String... columns) {
            requireUnset(this.columns, "columns");
            if (columns.length == 0) {
                throw new IllegalArgumentException("columns needs at least one column");
            }
            Set<String> distinct = new LinkedHashSet<>();
            for (String column : columns) {
                if (!distinct.add(Objects.requireNonNull(column, "a column is null"))) {
                    throw new IllegalArgumentException("column " + column + " is listed twice");
                }
            }
            this.columns = List.copyOf(distinct);
            return this;
        }

        /**
         * Source rows are mapped before they are compared with (and copied to) the target, for a
         * migration that changes the schema. The mapping must keep the key's values (it may rename
         * key columns). With a mapping, rows are streamed: a Java function cannot be hashed in SQL.
         */
        public Builder mapping(RowMapping mapping) {
            requireUnset(this.mapping, "mapping");
            this.mapping = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /**
         * Leaves out rows whose {@code updatedAtColumn} (a timestamp, in both tables) is within
         * {@code window} of the run's start, in either table: they are still in flight.
         *
         * @throws IllegalArgumentException if the window is negative or zero
         */
        public Builder skipChangedWithin(Duration window, String updatedAtColumn) {
            requireUnset(this.inFlight, "skipChangedWithin");
            if (Objects.requireNonNull(window, "window").isNegative() || window.isZero()) {
                throw new IllegalArgumentException("skipChangedWithin window must be positive, was " + window);
            }
            this.changedColumn = Objects.requireNonNull(updatedAtColumn, "updatedAtColumn");
            this.inFlight = window;
            return this;
        }

        /** Chunks compared at once, each on its own thread; default 4. */
        public Builder threads(int threads) {
            requireUnset(this.threads == 0 ? null : this.threads, "threads");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Source rows per chunk; default 10,000. */
        public Builder chunkRows(int chunkRows) {
            requireUnset(this.chunkRows == 0 ? null : this.chunkRows, "chunkRows");
            if (chunkRows < 1) {
                throw new IllegalArgumentException("chunkRows must be at least 1, was " + chunkRows);
            }
            this.chunkRows = chunkRows;
            return this;
        }

        /** At most this many source rows compared per second, over all threads; 0 (default): unthrottled. */
        public Builder maxRowsPerSecond(long maxRowsPerSecond) {
            requireUnset(this.maxRowsPerSecond, "maxRowsPerSecond");
            if (maxRowsPerSecond < 0) {
                throw new IllegalArgumentException("maxRowsPerSecond must not be negative, was " + maxRowsPerSecond);
            }
            this.maxRowsPerSecond = maxRowsPerSecond;
            return this;
        }

        /** Where the check's meters go; default {@link Metrics#globalRegistry}. */
        public Builder meterRegistry(MeterRegistry registry) {
            requireUnset(this.registry, "meterRegistry");
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Logs the differing values of the sample through {@code redactor}; by default only keys and
         * column names are logged.
         */
        public Builder logValues(Redactor redactor) {
            requireUnset(this.redactor, "logValues");
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /**
         * Repairs through a live backend: each repaired key goes through the key's write fence
         * ({@link MirroringBackend#repair}), re-reading the source row inside it, so a repair never
         * races a live write to the same key; and the keys the backend lists in {@link
         * MirroringBackend#keysToRepair(String) keysToRepair(store)} are checked (and repaired) first.
         *
         * @param backend the backend whose writes reach the target
         * @param store the name of the target's store in that backend (a secondary)
         * @param toDaoKey a table key to the key the DAO's writes are fenced by (exactly: same type)
         * @param toRowKey a key listed by {@code keysToRepair} to a table key
         */
        public Builder liveBackend(MirroringBackend<?> backend, String store, Function<RowKey, Object> toDaoKey,
                Function<Object, RowKey> toRowKey) {
            requireUnset(this.backend, "liveBackend");
            this.backend = Objects.requireNonNull(backend, "backend");
            this.store = Objects.requireNonNull(store, "store");
            this.toDaoKey = Objects.requireNonNull(toDaoKey, "toDaoKey");
            this.toRowKey = Objects.requireNonNull(toRowKey, "toRowKey");
            backend.keysToRepair(store); // fails fast, naming the store, if the backend has none of that name
            return this;
        }

        /**
         * Records progress in {@code checkpoints} under {@code run}, and resumes from there: a run that
         * was stopped starts after the last key through which every chunk was checked.
         */
        public Builder checkpoints(CheckCheckpoints checkpoints, String run) {
            requireUnset(this.checkpoints, "checkpoints");
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            this.run = Objects.requireNonNull(run, "run");
            return this;
        }

        /** How many differences the result keeps and the log shows; default 20. */
        public Builder sampleSize(int sampleSize) {
            requireUnset(this.sampleSize, "sampleSize");
            if (sampleSize < 0) {
                throw new IllegalArgumentException("sampleSize must not be negative, was " + sampleSize);
            }
            this.sampleSize = sampleSize;
            return this;
        }

        /** How often progress is logged at INFO; default every 5 seconds. */
        public Builder progressEvery(Duration every) {
            requireUnset(this.progressEvery, "progressEvery");
            if (Objects.requireNonNull(every, "every").isNegative() || every.isZero()) {
                throw new IllegalArgumentException("progressEvery must be positive, was " + every);
            }
            this.progressEvery = every;
            return this;
        }

        /** The clock that dates the in-flight window; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            requireUnset(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The frozen check.
         *
         * @throws IllegalArgumentException if the tables' keys differ in length, or a compared or
         *     in-flight column is missing from a table (the column and table are named)
         */
        public Check build() {
            if (source.columns().keyNames().size() != target.columns().keyNames().size()) {
                throw new IllegalArgumentException("table " + source.name() + " has key " + source.columns().keyNames()
                        + " but table " + target.name() + " has key " + target.columns().keyNames());
            }
            if (mapping == null) {
                for (String key : target.columns().keyNames()) {
                    requireColumn(source, key);
                }
            }
            List<String> wanted = columns != null ? columns : target.columns().names();
            for (String column : wanted) {
                requireColumn(target, column);
                if (mapping == null) {
                    requireColumn(source, column);
                }
            }
            if (changedColumn != null) {
                requireColumn(source, changedColumn);
                requireColumn(target, changedColumn);
            }
            return new Check(this);
        }

        private static void requireColumn(Table table, String column) {
            if (!table.columns().contains(column)) {
                throw new IllegalArgumentException("column " + column + " is not a column of table " + table.name()
                        + "; its columns are " + table.columns().names());
            }
        }

        /** {@code build().run()}. */
        public CheckResult run() {
            return build().run();
        }
    }

    /** The target columns compared: the key first, then the chosen (or all other) columns. */
    List<String> comparedColumns() {
        List<String> compared = new ArrayList<>(target.columns().keyNames());
        for (String column : columns != null ? columns : target.columns().names()) {
            if (!compared.contains(column)) {
                compared.add(column);
            }
        }
        return compared;
    }
}
