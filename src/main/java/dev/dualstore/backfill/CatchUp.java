package dev.dualstore.backfill;

import dev.dualstore.table.ChangeScanning;
import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.SchemaChangedException;
import dev.dualstore.table.Table;
import dev.dualstore.table.TableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental catch-up: copies the rows of a source {@link Table} that changed since its last pass,
 * found by a column every write sets to the time of the write (an indexed {@code updated_at}), so
 * a target that a backfill filled stays close behind until shadow writes take over, or between
 * backfills of a store that cannot shadow writes.
 *
 * <pre>{@code
 * CatchUp.from(oldFollows).to(newFollows)
 *         .changedAt("updated_at")
 *         .softDeletes("deleted")                      // a flagged row is deleted in the target
 *         .since(backfillStartedAt)                    // the first pass; later ones start from the checkpoint
 *         .checkpoints(JdbcCheckpoints.in(dataSource, "dualstore_checkpoints"))
 *         .runOnce();                                  // or start() for a pass every(...) until stop()
 * }</pre>
 *
 * <p><b>High-water mark.</b> Each pass reads the rows changed at or after the mark less {@link
 * Builder#overlap overlap}, in the order of (change column, key), a page at a time, and saves the
 * latest change it has seen as the new mark after every page, so a killed pass resumes from its
 * last page. The overlap (default 30 s) covers writers whose clocks run behind and transactions
 * that commit after a later one: their rows carry a time a little before the mark. Rows of the
 * overlap window are copied again each pass; upserts make that harmless.
 *
 * <p><b>What it does not see.</b> A row deleted from the source (not soft-deleted), and a row whose
 * change column is NULL or older than the mark less the overlap when it is written. The check
 * ({@code dev.dualstore.check.Check}) finds those. A catch-up that copies a row just before a shadow
 * write to it may leave the older copy; the row's change column moved with that write, so the next
 * pass copies it again.
 *
 * <p>A running catch-up ({@link Builder#start()}) runs its passes on one daemon thread named
 * {@code dualstore-catchup-<job>}; its methods are threadsafe.
 */
public final class CatchUp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore.backfill");
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final CatchUpPass pass;
    private final Duration every;
    private final Thread thread;
    private final Object lock = new Object();
    private long started;
    private long ended;
    private boolean asked;
    private boolean stopping;
    private CatchUpResult last;
    private RuntimeException lastFailure;
    private RuntimeException fatal;

    private CatchUp(CatchUpPass pass, Duration every) {
        this.pass = pass;
        this.every = every;
        this.thread = new Thread(this::loop, "dualstore-catchup-" + pass.job());
        this.thread.setDaemon(true);
    }

    /** Starts a catch-up that copies from {@code source}, which must implement {@link ChangeScanning}. */
    public static Builder from(Table source) {
        return new Builder(Objects.requireNonNull(source, "source"));
    }

    /**
     * Asks for a pass now, without waiting out the interval, and waits until a pass that started
     * after this call has ended.
     *
     * @return what that pass did
     * @throws TimeoutException if it has not ended within {@code timeout}
     * @throws IllegalStateException if the catch-up has stopped, after a failure it cannot retry
     *     (its cause) or because {@link #stop()} was called
     * @throws TableException if that pass failed (the next one tries again)
     */
    public CatchUpResult awaitNextPass(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            long wanted = started + 1;
            asked = true;
            lock.notifyAll();
            while (ended < wanted) {
                if (fatal != null || stopping) {
                    throw new IllegalStateException("catch-up " + pass.job() + " has stopped", fatal);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("catch-up " + pass.job() + ": no pass ended within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            if (lastFailure != null) {
                throw lastFailure;
            }
            return last;
        }
    }

    /** What the latest pass that ended well did; empty before one has. */
    public Optional<CatchUpResult> lastPass() {
        synchronized (lock) {
            return Optional.ofNullable(last);
        }
    }

    /** Whether passes still run: not stopped, and no failure a retry cannot fix. */
    public boolean isRunning() {
        return thread.isAlive() && !stopping;
    }

    /**
     * Stops after the page in progress (its rows and mark are kept) and waits for the thread to end;
     * a pass stuck in the store for more than 10 s is interrupted.
     */
    public void stop() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        try {
            thread.join(STOP_WAIT_MILLIS);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(STOP_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private boolean stopping() {
        synchronized (lock) {
            return stopping;
        }
    }

    private void loop() {
        try {
            while (awaitTurn()) {
                runOnePass();
            }
        } catch (InterruptedException e) {
            // stop() gave up waiting for a stuck pass
        } finally {
            pass.close();
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** Waits out the interval (cut short when a pass is asked for); false once stopping or failed. */
    private boolean awaitTurn() throws InterruptedException {
        synchronized (lock) {
            if (started > 0) {
                long deadline = System.nanoTime() + every.toNanos();
                for (long left = every.toNanos(); !asked && !stopping && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            }
            if (stopping || fatal != null) {
                return false;
            }
            asked = false;
            started++;
            return true;
        }
    }

    private void runOnePass() throws InterruptedException {
        CatchUpResult result = null;
        RuntimeException failure = null;
        try {
            result = pass.run(this::stopping);
        } catch (SchemaChangedException e) {
            LOG.error("catch-up {} stopped: {}", pass.job(), e.getMessage());
            failure = e;
        } catch (TableException e) {
            LOG.warn("catch-up {}: a pass failed, the next one tries again in {}: {}", pass.job(), every, e.getMessage());
            failure = e;
        } catch (RuntimeException e) {
            LOG.error("catch-up {} stopped", pass.job(), e);
            failure = e;
        }
        synchronized (lock) {
            ended++;
            if (result != null) {
                last = result;
            }
            lastFailure = failure;
            boolean retried = failure instanceof TableException && !(failure instanceof SchemaChangedException);
            if (failure != null && !retried) {
                fatal = failure;
            }
            lock.notifyAll();
        }
    }

    /**
     * Configures a catch-up. Each option may be set once; setting it again is an {@link
     * IllegalStateException}. Not threadsafe: configure it on one thread.
     */
    public static final class Builder {
        final Table source;
        Table target;
        String column;
        String deletedColumn;
        Predicate<Row> deleted;
        RowMapping mapping;
        Duration overlap = Duration.ofSeconds(30);
        Instant since;
        int pageRows = 5_000;
        long maxRowsPerSecond;
        BooleanSupplier pauseWhen = () -> false;
        Checkpoints checkpoints;
        String job;
        MeterRegistry meterRegistry;
        Duration every = Duration.ofSeconds(10);
        Clock clock = Clock.systemUTC();
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

        /** The source's column that every write sets to the time of the write; required, and best indexed. */
        public Builder changedAt(String column) {
            once("changedAt");
            this.column = Objects.requireNonNull(column, "column");
            return this;
        }

        /**
         * A source row whose {@code column} is set is deleted from the target instead of copied: a
         * flag that is true or a non-zero number, or a non-NULL {@code deleted_at} time. A false or
         * zero flag, or NULL, is a live row. A text column is an error; use {@link #softDeletes(Predicate)}.
         */
        public Builder softDeletes(String column) {
            Objects.requireNonNull(column, "column");
            softDeletes(row -> isSet(row.get(column), column));
            this.deletedColumn = column;
            return this;
        }

        /** A source row that {@code deleted} accepts is deleted from the target instead of copied. Worker thread. */
        public Builder softDeletes(Predicate<Row> deleted) {
            once("softDeletes");
            this.deleted = Objects.requireNonNull(deleted, "deleted");
            return this;
        }

        /** Turns each source row into a target row, for a schema change; default: rows as they are. */
        public Builder mapping(RowMapping mapping) {
            once("mapping");
            this.mapping = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /** How far before the high-water mark each pass starts reading; default 30 s. Zero only if every clock agrees and no write commits late. */
        public Builder overlap(Duration overlap) {
            once("overlap");
            if (Objects.requireNonNull(overlap, "overlap").isNegative()) {
                throw new IllegalArgumentException("overlap must not be negative, was " + overlap);
            }
            this.overlap = overlap;
            return this;
        }

        /**
         * Where the first pass starts when the checkpoints have no mark for the job: when the backfill
         * started, less a margin. Later passes start from the checkpoint and ignore it.
         */
        public Builder since(Instant since) {
            once("since");
            this.since = Objects.requireNonNull(since, "since");
            return this;
        }

        /** Rows read and written at a time; default 5,000. */
        public Builder pageRows(int pageRows) {
            once("pageRows");
            this.pageRows = Options.rows("pageRows", pageRows);
            return this;
        }

        /** The most rows per second a pass reads; 0 (the default) for no limit. */
        public Builder maxRowsPerSecond(long maxRowsPerSecond) {
            once("maxRowsPerSecond");
            this.maxRowsPerSecond = Options.rowsPerSecond(maxRowsPerSecond);
            return this;
        }

        /** Asked before each page; while it says true the pass waits, asking again every half second. */
        public Builder pauseWhen(BooleanSupplier pauseWhen) {
            once("pauseWhen");
            this.pauseWhen = Objects.requireNonNull(pauseWhen, "pauseWhen");
            return this;
        }

        /** Where the high-water mark is kept; default {@link Checkpoints#inMemory()} (then only {@link #start()} keeps it between passes). */
        public Builder checkpoints(Checkpoints checkpoints) {
            once("checkpoints");
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            return this;
        }

        /** The job's name in the checkpoints and the {@code job} tag of its meters; default {@code catch-up <source> -> <target>}. */
        public Builder job(String job) {
            once("job");
            this.job = Options.job(job);
            return this;
        }

        /** Where the {@code dualstore.catchup.*} meters go; default {@link Metrics#globalRegistry}. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            once("meterRegistry");
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** For {@link #start()}: the time from the end of one pass to the start of the next; default 10 s. */
        public Builder every(Duration every) {
            once("every");
            if (Objects.requireNonNull(every, "every").toMillis() < 1) {
                throw new IllegalArgumentException("every must be at least 1 ms, was " + every);
            }
            this.every = every;
            return this;
        }

        /** The clock the lag gauge reads; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs one pass on this thread.
         *
         * @throws IllegalArgumentException if the configuration does not fit the tables (the culprit is named)
         * @throws IllegalStateException if there is no mark yet and no {@link #since}
         * @throws dev.dualstore.table.SchemaChangedException if a table's schema changed mid-pass
         * @throws TableException if a store failed; the mark holds the last page written
         */
        public CatchUpResult runOnce() {
            CatchUpPass pass = validated();
            try {
                return pass.run(() -> false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("catch-up " + pass.job() + " was interrupted", e);
            } finally {
                pass.close();
            }
        }

        /**
         * Starts passes on a daemon thread: the first at once, then one {@link #every} after each ends.
         * A pass that fails in a store is logged (WARN) and the next one tries again; a schema change
         * or any other failure stops the catch-up (ERROR).
         *
         * @throws IllegalArgumentException if the configuration does not fit the tables (the culprit is named)
         * @throws IllegalStateException if there is no mark yet and no {@link #since}
         */
        public CatchUp start() {
            CatchUpPass pass = validated();
            if (since == null && pass.savedMark().isEmpty()) {
                pass.close();
                throw pass.noMark();
            }
            CatchUp catchUp = new CatchUp(pass, every);
            catchUp.thread.start();
            return catchUp;
        }

        private CatchUpPass validated() {
            if (target == null) {
                throw new IllegalStateException("a catch-up needs a target: call to(table)");
            }
            if (column == null) {
                throw new IllegalStateException("a catch-up needs the column that tells when a row changed: call changedAt(column)");
            }
            if (!(source instanceof ChangeScanning)) {
                throw new IllegalArgumentException("source " + source.name() + " (" + source.getClass().getName()
                        + ") cannot list rows by change: it does not implement ChangeScanning");
            }
            ((ChangeScanning) source).checkChangeColumn(column);
            if (deletedColumn != null && !source.columns().contains(deletedColumn)) {
                throw new IllegalArgumentException("source " + source.name() + " has no soft-delete column " + deletedColumn
                        + "; its columns are " + source.columns().names());
            }
            if (mapping == null) {
                Backfill.requireSameColumns(source, target);
            }
            return new CatchUpPass(this);
        }

        String jobName() {
            if (job != null) {
                return job;
            }
            return Options.jobName("catch-up", source.name(), target.name());
        }

        MeterRegistry registry() {
            return meterRegistry != null ? meterRegistry : Metrics.globalRegistry;
        }

        private static boolean isSet(Object flag, String column) {
            if (flag == null || Boolean.FALSE.equals(flag)) {
                return false;
            }
            if (flag instanceof Boolean || flag instanceof TemporalAccessor) {
                return true;
            }
            if (flag instanceof Number) {
                return ((Number) flag).doubleValue() != 0;
            }
            throw new IllegalArgumentException("soft-delete column " + column + " holds " + flag.getClass().getSimpleName()
                    + " '" + flag + "'; give softDeletes(row -> ...) to say which values mean deleted");
        }
    }
}
