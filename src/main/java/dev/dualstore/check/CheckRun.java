package dev.dualstore.check;

import dev.dualstore.metrics.MeterNames;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.RangeHashing;
import dev.dualstore.table.RangeHashing.ChangedBefore;
import dev.dualstore.table.RangeHashing.RangeHash;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link Check}: checks the live backend's listed keys, then plans chunks on the
 * calling thread and compares them on its own pool, bisecting chunks whose hashes differ. The
 * first failure stops the planning and is thrown once the chunks in progress have finished.
 */
final class CheckRun {
    private static final Logger LOG = LoggerFactory.getLogger(Check.class);
    private static final AtomicInteger RUNS = new AtomicInteger();
    /** At or below this many source rows a differing range is read row by row, not bisected. */
    private final long leafRows;

    private final Check check;
    private final List<String> columns;
    private final Findings findings;
    private final ChunkDiff diff;
    private final Pacer pacer;
    private final boolean hashed;
    private final Optional<ChangedBefore> filter;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final TreeMap<Long, Optional<RowKey>> done = new TreeMap<>();
    private long nextToMark;

    CheckRun(Check check) {
        this.check = check;
        this.columns = check.comparedColumns();
        this.findings = new Findings(check, LOG);
        Instant cutoff = check.inFlight == null ? null : check.clock.instant().minus(check.inFlight);
        this.filter = cutoff == null ? Optional.empty() : Optional.of(new ChangedBefore(check.changedColumn, cutoff));
        this.diff = new ChunkDiff(check, columns, findings, cutoff);
        this.pacer = new Pacer(check.maxRowsPerSecond);
        this.leafRows = Math.max(16, Math.min(1_000, check.chunkRows / 8));
        this.hashed = check.mapping == null && check.source instanceof RangeHashing && check.target instanceof RangeHashing
                && ((RangeHashing) check.source).unhashable(columns).isEmpty()
                && ((RangeHashing) check.target).unhashable(columns).isEmpty();
    }

    CheckResult run() {
        String outcome = "error";
        long start = System.nanoTime();
        int id = RUNS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(check.threads, task -> {
            Thread thread = new Thread(task, "dualstore-check-" + check.name + "-" + id + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            LOG.info("check {}: {} -> {}, {} ({} threads, {} rows per chunk, repair {})", check.name, check.source.name(),
                    check.target.name(), hashed ? "hashing chunks in the stores" : "streaming rows", check.threads,
                    check.chunkRows, check.repair);
            if (check.backend != null) {
                checkListedKeys();
            }
            plan(pool);
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // the chunks in progress finish; nothing new starts after a failure
            }
            rethrow();
            if (check.checkpoints != null) {
                check.checkpoints.finished(check.run);
            }
            CheckResult result = new CheckResult(check.name, check.source.name(), check.target.name(), hashed, check.repair,
                    findings.counts(), findings.elapsed(), findings.sample());
            outcome = result.equal() ? "equal" : "different";
            report(result);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("check " + check.name + " was interrupted", e);
        } finally {
            pool.shutdownNow();
            Timer.builder(MeterNames.CHECK_RUNS).tags(MeterNames.CHECK, check.name, MeterNames.OUTCOME, outcome)
                    .register(check.registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The keys whose shadow writes the live backend says may have been missed, first. */
    private void checkListedKeys() {
        for (Object listed : check.backend.keysToRepair(check.store)) {
            RowKey key = check.toRowKey.apply(listed);
            findings.listed();
            try {
                if (check.repair == Repair.NONE) {
                    record(diff.compareKey(key));
                } else {
                    check.backend.repair(check.store, listed, () -> {
                        Difference found = diff.compareKey(key);
                        record(found);
                        if (found != null) {
                            diff.copyCurrent(key, found.kind());
                        }
                        return null;
                    });
                }
            } catch (Exception e) {
                throw failed(e);
            }
        }
    }

    private void record(Difference found) {
        if (found != null) {
            findings.found(found);
        }
    }

    private void plan(ExecutorService pool) throws InterruptedException {
        Semaphore queued = new Semaphore(check.threads * 2);
        KeyRange rest = check.checkpoints == null ? KeyRange.all()
                : check.checkpoints.checkedThrough(check.run).map(KeyRange.all()::after).orElse(KeyRange.all());
        RangeHashing hashing = hashed ? (RangeHashing) check.source : null;
        for (long index = 0; failure.get() == null; index++) {
            Optional<RowKey> upper;
            List<Row> rows = null;
            if (hashed) {
                upper = hashing.keyAt(rest, check.chunkRows - 1L);
            } else {
                rows = check.source.scan(rest, check.chunkRows);
                upper = rows.size() < check.chunkRows ? Optional.empty()
                        : Optional.of(check.source.columns().keyOf(rows.get(rows.size() - 1)));
            }
            KeyRange chunk = upper.map(rest::through).orElse(rest);
            List<Row> sourceRows = rows;
            long number = index;
            queued.acquire();
            pool.execute(() -> {
                try {
                    if (failure.get() == null) {
                        boolean equal = sourceRows == null ? compareHashed(chunk, 0) : streamed(chunk, sourceRows);
                        findings.chunk(equal);
                        completed(number, upper);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    queued.release();
                }
            });
            if (upper.isEmpty()) {
                return;
            }
            rest = rest.after(upper.get());
        }
    }

    private boolean streamed(KeyRange chunk, List<Row> sourceRows) throws Exception {
        pacer.acquire(sourceRows.size());
        return diff.diff(chunk, sourceRows);
    }

    /** Hashes {@code range} in both stores; bisects it while it differs and is large. */
    private boolean compareHashed(KeyRange range, int depth) throws Exception {
        RangeHash mine = ((RangeHashing) check.source).hash(range, columns, filter);
        RangeHash theirs = ((RangeHashing) check.target).hash(range, columns, filter);
        pacer.acquire(mine.rows());
        if (mine.equals(theirs)) {
            findings.matched(mine.rows());
            return true;
        }
        // Split along the source's keys only: a bound from the target could lie outside this range in
        // the source's order (another collation), and replacing a bound with it would widen the range.
        // A target with many more rows here is streamed page by page by the leaf, never held at once.
        if (mine.rows() > leafRows && depth < 64) {
            Optional<RowKey> middle = ((RangeHashing) check.source).keyAt(range, mine.rows() / 2 - 1);
            if (middle.isPresent()) {
                compareHashed(range.through(middle.get()), depth + 1);
                compareHashed(range.after(middle.get()), depth + 1);
                return false;
            }
        }
        diff.diff(range, null);
        return false;
    }

    /** Advances the checkpoint to the last chunk before which every chunk is done. */
    private synchronized void completed(long index, Optional<RowKey> upper) {
        done.put(index, upper);
        Optional<RowKey> mark = null;
        while (done.containsKey(nextToMark)) {
            mark = done.remove(nextToMark++);
        }
        if (check.checkpoints != null && mark != null && mark.isPresent()) {
            check.checkpoints.checked(check.run, mark.get());
        }
    }

    private void rethrow() {
        Throwable e = failure.get();
        if (e != null) {
            throw failed(e);
        }
    }

    private RuntimeException failed(Throwable e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new IllegalStateException("check " + check.name + " failed: " + e.getMessage(), e);
    }

    private void report(CheckResult result) {
        LOG.info("{}", result.summary().stripTrailing());
        if (result.equal()) {
            return;
        }
        for (Difference difference : result.sample()) {
            if (check.redactor == null) {
                LOG.warn("check {}: {}", check.name, difference);
                continue;
            }
            StringBuilder values = new StringBuilder();
            for (String column : difference.kind() == Difference.Kind.DIFFERENT ? difference.columns() : List.<String>of()) {
                values.append(' ').append(column).append(": ")
                        .append(redact(difference.source().map(r -> r.get(column)).orElse(null))).append(" vs ")
                        .append(redact(difference.target().map(r -> r.get(column)).orElse(null)));
            }
            LOG.warn("check {}: {}{}", check.name, difference, values);
        }
    }

    private String redact(Object value) {
        try {
            return check.redactor.redact(value);
        } catch (RuntimeException e) {
            return "(redactor threw " + e.getClass().getSimpleName() + ")";
        }
    }
}
