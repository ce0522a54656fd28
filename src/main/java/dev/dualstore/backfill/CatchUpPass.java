package dev.dualstore.backfill;

import dev.dualstore.table.ChangeScanning;
import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.Table;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passes of one {@link CatchUp} job and their meters. A pass pages through the source's rows
 * changed since the high-water mark less the overlap, upserts each page (or deletes its soft-deleted
 * rows) in the target, then saves the latest change seen as the new mark. Passes of one job run
 * one at a time, on the thread that calls {@link #run}.
 */
final class CatchUpPass {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore.backfill");

    private final Table source;
    private final ChangeScanning changes;
    private final Table target;
    private final String column;
    private final Predicate<Row> deleted;
    private final RowMapping mapping;
    private final Duration overlap;
    private final Instant since;
    private final int pageRows;
    private final BooleanSupplier pauseWhen;
    private final BackfillRun.Throttle throttle;
    private final Checkpoints checkpoints;
    private final String job;
    private final Clock clock;
    private final Counter copied;
    private final Counter deletedRows;
    private final Timer passes;
    private final Timer failedPasses;
    private final MeterRegistry registry;
    private final Gauge lag;
    /** The latest change seen by any pass of this job in this JVM; for the lag gauge. */
    private final AtomicReference<Instant> mark = new AtomicReference<>();

    CatchUpPass(CatchUp.Builder b) {
        this.source = b.source;
        this.changes = (ChangeScanning) b.source;
        this.target = b.target;
        this.column = b.column;
        this.deleted = b.deleted != null ? b.deleted : row -> false;
        this.mapping = b.mapping != null ? b.mapping : RowMapping.identity();
        this.overlap = b.overlap;
        this.since = b.since;
        this.pageRows = b.pageRows;
        this.pauseWhen = b.pauseWhen;
        this.throttle = new BackfillRun.Throttle(b.maxRowsPerSecond);
        this.checkpoints = b.checkpoints != null ? b.checkpoints : Checkpoints.inMemory();
        this.job = b.jobName();
        this.clock = b.clock;
        this.registry = b.registry();
        this.copied = Counter.builder("dualstore.catchup.rows").tag("job", job).tag("result", "copied")
                .description("changed rows a catch-up upserted into its target").register(registry);
        this.deletedRows = Counter.builder("dualstore.catchup.rows").tag("job", job).tag("result", "deleted")
                .description("soft-deleted rows a catch-up deleted from its target").register(registry);
        this.passes = Timer.builder("dualstore.catchup.pass.duration").tag("job", job).tag("outcome", "done")
                .description("time of one catch-up pass").register(registry);
        this.failedPasses = Timer.builder("dualstore.catchup.pass.duration").tag("job", job).tag("outcome", "failed")
                .description("time of one catch-up pass").register(registry);
        this.lag = Gauge.builder("dualstore.catchup.lag", this, CatchUpPass::lagSeconds).tag("job", job)
                .baseUnit("seconds").description("now less the latest change a catch-up has copied; NaN before it has seen one")
                .strongReference(true).register(registry);
    }

    /** Removes the lag gauge, so that a later run of the job registers its own. */
    void close() {
        registry.remove(lag);
    }

    String job() {
        return job;
    }

    /** Runs one pass on the calling thread; it ends early, after a page, once {@code stopping} says so. */
    CatchUpResult run(BooleanSupplier stopping) throws InterruptedException {
        long start = System.nanoTime();
        boolean done = false;
        try {
            CatchUpResult result = pass(start, stopping);
            done = true;
            return result;
        } finally {
            (done ? passes : failedPasses).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    IllegalStateException noMark() {
        return new IllegalStateException("catch-up " + job + " has no high-water mark in its checkpoints yet; give since(...)"
                + " for its first pass (when the backfill started, say)");
    }

    private CatchUpResult pass(long start, BooleanSupplier stopping) throws InterruptedException {
        Instant latest = savedMark().orElse(null);
        Instant from = latest != null ? latest.minus(overlap) : Optional.ofNullable(since).orElseThrow(this::noMark);
        Instant at = from;
        Optional<RowKey> afterKey = Optional.empty();
        long upserted = 0;
        long removed = 0;
        long pages = 0;
        while (true) {
            awaitUnpaused();
            List<Row> page = changes.changedSince(column, at, afterKey, pageRows);
            pages++;
            if (page.isEmpty()) {
                break;
            }
            throttle.acquire(page.size());
            long[] counts = apply(page);
            upserted += counts[0];
            removed += counts[1];
            Row last = page.get(page.size() - 1);
            at = instantOf(last.get(column));
            afterKey = Optional.of(source.columns().keyOf(last));
            if (latest == null || at.isAfter(latest)) {
                latest = at;
                checkpoints.savePosition(job, latest.toString());
                mark.set(latest);
            }
            if (page.size() < pageRows || stopping.getAsBoolean()) {
                break;
            }
        }
        if (latest != null) {
            mark.set(latest);
        }
        CatchUpResult result = new CatchUpResult(job, from, upserted, removed, pages, Optional.ofNullable(latest),
                Duration.ofNanos(System.nanoTime() - start));
        LOG.info("catch-up {}: {} rows copied and {} deleted, changed since {}; high-water mark {}", job, upserted, removed,
                from, latest == null ? "none yet" : latest);
        return result;
    }

    /** Upserts the page's live rows and deletes its soft-deleted ones; returns both counts. */
    private long[] apply(List<Row> page) {
        List<Row> live = new ArrayList<>(page.size());
        List<RowKey> gone = new ArrayList<>();
        for (Row row : page) {
            Row mapped = mapping.map(row);
            if (deleted.test(row)) {
                gone.add(target.columns().keyOf(mapped));
            } else {
                live.add(mapped);
            }
        }
        if (!live.isEmpty()) {
            target.upsert(live);
            copied.increment(live.size());
        }
        if (!gone.isEmpty()) {
            target.delete(gone);
            deletedRows.increment(gone.size());
        }
        return new long[] {live.size(), gone.size()};
    }

    Optional<Instant> savedMark() {
        return checkpoints.position(job).map(text -> {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("catch-up " + job + ": its checkpoint holds '" + text
                        + "', not a high-water mark; reset the job to start over", e);
            }
        });
    }

    private void awaitUnpaused() throws InterruptedException {
        while (pauseWhen.getAsBoolean()) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private Instant instantOf(Object value) {
        if (value instanceof OffsetDateTime) {
            return ((OffsetDateTime) value).toInstant();
        }
        if (value instanceof LocalDateTime) {
            return ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
        }
        if (value instanceof Instant) {
            return (Instant) value;
        }
        throw new IllegalStateException("table " + source.name() + " answered " + (value == null ? "NULL" : value.getClass().getName())
                + " for change column " + column + ", not a timestamp");
    }

    private double lagSeconds() {
        Instant latest = mark.get();
        return latest == null ? Double.NaN : Duration.between(latest, clock.instant()).toMillis() / 1000.0;
    }
}
