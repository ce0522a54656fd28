package dev.dualstore.backfill;

import dev.dualstore.MirroringBackend;
import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.Chunk;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.Table;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of a {@link Backfill}: its workers, its heartbeat (lease renewal, progress) and its meters. */
final class BackfillRun {
    private static final Logger LOG = LoggerFactory.getLogger("dev.dualstore.backfill");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Table source;
    private final Table target;
    private final RowMapping mapping;
    private final Checkpoints checkpoints;
    private final String job;
    private final int threads;
    private final int chunkRows;
    private final Duration leaseTime;
    private final Duration progressEvery;
    private final Duration pollEvery;
    private final BooleanSupplier pauseWhen;
    private final Throttle throttle;
    private final MirroringBackend<?> backend;
    private final String store;
    private final LiveWrites live;

    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong chunksCopied = new AtomicLong();
    private final AtomicLong keysRecopied = new AtomicLong();
    private final Set<RowKey> keysToCheck = ConcurrentHashMap.newKeySet();
    private final Set<Chunk> leased = ConcurrentHashMap.newKeySet();
    // Chunks being recorded done: added before complete(), removed after they leave `leased`, so a
    // renewal that fails because the chunk was just recorded is not mistaken for a lost lease.
    private final Set<Chunk> recording = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Counter rowsCounter;
    private final Counter chunksCounter;
    private final Counter lostLeases;
    private final Counter recopiedCounter;
    private final Timer chunkTimer;
    private final AtomicInteger paused = new AtomicInteger();
    // Bumped, and waiters woken, whenever a worker of this run records a chunk or stops: a worker
    // with nothing to take waits for that (or pollEvery, for other processes' chunks) rather than
    // sleeping out pollEvery while the last chunk of its own run finishes.
    private final Object progress = new Object();
    private long progressCount; // guarded by progress
    private final MeterRegistry registry;
    private final Gauge pausedGauge;
    private long startNanos;
    private long chunksSkipped;

    BackfillRun(Backfill.Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.mapping = b.mapping == null ? RowMapping.identity() : b.mapping;
        this.checkpoints = b.checkpointStore();
        this.job = b.jobName();
        this.threads = b.threads;
        this.chunkRows = b.chunkRows;
        this.leaseTime = b.leaseTime;
        this.progressEvery = b.progressEvery;
        this.pollEvery = b.pollEvery;
        this.pauseWhen = b.pauseWhen;
        this.throttle = new Throttle(b.maxRowsPerSecond);
        this.backend = b.backend;
        this.store = b.store;
        this.live = b.liveWrites;
        this.registry = b.registry();
        this.rowsCounter = Counter.builder("dualstore.backfill.rows").tag("job", job)
                .description("rows a backfill wrote to its target").register(registry);
        this.chunksCounter = Counter.builder("dualstore.backfill.chunks").tag("job", job).tag("result", "copied")
                .description("chunks a backfill copied and recorded done").register(registry);
        this.lostLeases = Counter.builder("dualstore.backfill.chunks").tag("job", job).tag("result", "lease_lost")
                .description("chunks copied whose lease expired before they were recorded").register(registry);
        this.recopiedCounter = Counter.builder("dualstore.backfill.live.recopied").tag("job", job)
                .description("keys written live during a chunk and copied again under the write fence").register(registry);
        this.chunkTimer = Timer.builder("dualstore.backfill.chunk.duration").tag("job", job)
                .description("time to read, write and record one chunk").register(registry);
        this.pausedGauge = Gauge.builder("dualstore.backfill.paused", paused, AtomicInteger::get).tag("job", job)
                .description("workers of a running backfill waiting because pauseWhen said so").strongReference(true)
                .register(registry);
    }

    BackfillResult run() {
        startNanos = System.nanoTime();
        chunksSkipped = checkpoints.chunks(job).stream().filter(Chunk::done).count();
        if (live != null) {
            live.start();
        }
        int run = RUNS.incrementAndGet();
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualstore-backfill-" + run + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long renewMillis = Math.max(50, leaseTime.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renewLeases, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        heartbeat.scheduleAtFixedRate(this::logProgress, progressEvery.toMillis(), progressEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("backfill {}: {} -> {}, {} threads, {} rows a chunk, {} chunks already done", job, source.name(),
                target.name(), threads, chunkRows, chunksSkipped);
        List<Thread> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                Thread worker = new Thread(this::work, "dualstore-backfill-" + run + "-" + i);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    failure.compareAndSet(null, e);
                    workers.forEach(Thread::interrupt);
                    Thread.currentThread().interrupt();
                }
            }
            if (failure.get() == null && live != null) {
                finishLiveWrites();
            }
        } finally {
            heartbeat.shutdownNow();
            registry.remove(pausedGauge); // a later run of the job registers its own
            if (live != null) {
                live.stop();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        Throwable failed = failure.get();
        if (failed != null) {
            LOG.error("backfill {} stopped after {} rows: {}", job, rows.get(), failed.toString());
            if (failed instanceof RuntimeException) {
                throw (RuntimeException) failed;
            }
            if (failed instanceof Error) {
                throw (Error) failed;
            }
            throw new IllegalStateException("backfill " + job + " was interrupted", failed);
        }
        long total = checkpoints.chunks(job).size();
        LOG.info("backfill {}: done, {} rows in {} s, {} chunks copied, {} skipped (done before)", job, rows.get(),
                took.toMillis() / 1000.0, chunksCopied.get(), chunksSkipped);
        return new BackfillResult(job, rows.get(), chunksCopied.get(), chunksSkipped, total, took, keysRecopied.get(),
                keysToCheck, live == null ? 0 : live.notTracked());
    }

    private void work() {
        // While the frontier still yields chunks, a worker looks for unfinished ones (a resumed job's,
        // or a dead worker's whose lease expired) at most every pollEvery, not before every chunk:
        // one query fewer per chunk, and an expired lease waits at most pollEvery longer.
        long nextLook = System.nanoTime();
        try {
            while (failure.get() == null) {
                waitWhilePaused();
                if (failure.get() != null) {
                    return;
                }
                long seen = progressSeen();
                boolean look = System.nanoTime() - nextLook >= 0;
                Optional<Chunk> unfinished = look ? checkpoints.leaseUnfinished(job, leaseTime) : Optional.empty();
                if (unfinished.isPresent()) {
                    copyUnfinished(unfinished.get());
                    continue;
                }
                if (look) {
                    nextLook = System.nanoTime() + pollEvery.toNanos();
                }
                if (copyNext()) {
                    continue;
                }
                nextLook = System.nanoTime(); // the key space is walked: only unfinished chunks are left
                // Nothing to take: done, or other workers (maybe of other processes) hold the rest.
                if (checkpoints.allDefined(job) && checkpoints.chunks(job).stream().allMatch(Chunk::done)) {
                    return;
                }
                awaitProgress(seen);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        } finally {
            progressed();
        }
    }

    private long progressSeen() {
        synchronized (progress) {
            return progressCount;
        }
    }

    private void progressed() {
        synchronized (progress) {
            progressCount++;
            progress.notifyAll();
        }
    }

    /** Waits until a worker of this run records a chunk or stops after {@code seen}, or pollEvery passes. */
    private void awaitProgress(long seen) throws InterruptedException {
        long deadline = System.nanoTime() + pollEvery.toNanos();
        synchronized (progress) {
            long left;
            while (progressCount == seen && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    private void waitWhilePaused() throws InterruptedException {
        boolean counted = false;
        while (pauseWhen.getAsBoolean() && failure.get() == null) {
            if (!counted) {
                paused.incrementAndGet();
                counted = true;
            }
            Thread.sleep(pollEvery.toMillis());
        }
        if (counted) {
            paused.decrementAndGet();
        }
    }

    /** Defines and copies the next chunk past the frontier; false when the key space is walked. */
    private boolean copyNext() throws Exception {
        long number = live == null ? 0 : live.chunkStarted();
        try {
            List<List<Row>> read = new ArrayList<>(1);
            long started = System.nanoTime();
            Optional<Chunk> next = checkpoints.leaseNext(job, leaseTime, lower -> {
                KeyRange range = lower.map(KeyRange.all()::after).orElse(KeyRange.all());
                List<Row> page = source.scan(range, chunkRows);
                read.clear();
                if (page.isEmpty()) {
                    return null;
                }
                read.add(page);
                return new Checkpoints.Split(source.columns().keyOf(page.get(page.size() - 1)), page.size() < chunkRows);
            });
            if (next.isEmpty()) {
                return false;
            }
            Chunk chunk = next.get();
            leased.add(chunk);
            try {
                write(read.get(0));
                finish(chunk, read.get(0).size(), started);
            } finally {
                leased.remove(chunk);
                recording.remove(chunk);
            }
            return true;
        } finally {
            if (live != null) {
                live.chunkFinished(number);
                repairSettled();
            }
        }
    }

    /** Copies a chunk defined before (a resumed run, or a lease taken over), re-reading it by range. */
    private void copyUnfinished(Chunk chunk) throws Exception {
        long number = live == null ? 0 : live.chunkStarted();
        leased.add(chunk);
        long started = System.nanoTime();
        try {
            KeyRange range = chunk.range();
            long copied = 0;
            while (failure.get() == null) {
                List<Row> page = source.scan(range, chunkRows);
                write(page);
                copied += page.size();
                if (page.size() < chunkRows) {
                    finish(chunk, copied, started);
                    return;
                }
                range = range.after(source.columns().keyOf(page.get(page.size() - 1)));
            }
        } finally {
            leased.remove(chunk);
            recording.remove(chunk);
            if (live != null) {
                live.chunkFinished(number);
                repairSettled();
            }
        }
    }

    private void write(List<Row> page) throws InterruptedException {
        if (page.isEmpty()) {
            return;
        }
        throttle.acquire(page.size());
        List<Row> mapped = new ArrayList<>(page.size());
        for (Row row : page) {
            mapped.add(mapping.map(row));
        }
        target.upsert(mapped);
        rows.addAndGet(page.size());
        rowsCounter.increment(page.size());
    }

    private void finish(Chunk chunk, long copied, long startedNanos) {
        recording.add(chunk); // removed by the caller's finally, after the chunk leaves `leased`
        if (checkpoints.complete(chunk, copied)) {
            chunksCopied.incrementAndGet();
            chunksCounter.increment();
        } else {
            // Another worker took the chunk over after our lease expired; it records it.
            lostLeases.increment();
            LOG.warn("backfill {}: the lease of chunk {} expired before it was recorded; another worker has it", job,
                    chunk.index());
        }
        chunkTimer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        progressed();
    }

    private void renewLeases() {
        for (Chunk chunk : leased) {
            try {
                // In this order: a worker removes a recorded chunk from `leased` before `recording`.
                if (!checkpoints.renew(chunk, leaseTime) && !recording.contains(chunk) && leased.contains(chunk)) {
                    LOG.warn("backfill {}: lost the lease of chunk {}", job, chunk.index());
                }
            } catch (RuntimeException e) {
                LOG.warn("backfill {}: could not renew the lease of chunk {}: {}", job, chunk.index(), e.toString());
            }
        }
    }

    private void logProgress() {
        try {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long copied = rows.get();
            double rate = seconds > 0 ? copied / seconds : 0;
            List<Chunk> chunks = checkpoints.chunks(job);
            long done = chunks.stream().filter(Chunk::done).count();
            String eta = "unknown until the key space is walked";
            if (checkpoints.allDefined(job) && rate > 0) {
                long remainingRows = (chunks.size() - done) * (long) chunkRows;
                eta = Math.round(remainingRows / rate) + " s";
            }
            LOG.info("backfill {}: {} rows, {} rows/s, chunks {} done of {}{}, ETA {}{}", job, copied, Math.round(rate), done,
                    chunks.size(), checkpoints.allDefined(job) ? "" : " defined so far", eta,
                    paused.get() > 0 ? " (paused)" : "");
        } catch (RuntimeException e) {
            LOG.warn("backfill {}: cannot report progress: {}", job, e.toString());
        }
    }

    /** Copies again, under the key's write fence, each live-written key that no running chunk can still overwrite. */
    private void repairSettled() {
        for (LiveWrites.Pending key : live.takeSettled()) {
            try {
                backend.repair(store, key.daoKey(), () -> {
                    recopy(key.rowKey());
                    return null;
                });
                keysRecopied.incrementAndGet();
                recopiedCounter.increment();
            } catch (Exception e) {
                keysToCheck.add(key.rowKey());
                LOG.warn("backfill {}: could not copy a live-written key again; it is left for the check: {}", job,
                        e.toString());
            }
        }
    }

    private void recopy(RowKey key) {
        Map<RowKey, Row> found = source.read(List.of(key));
        Row row = found.get(key);
        if (row == null) {
            target.delete(List.of(key)); // deleted live: a copied row must not come back
        } else {
            target.upsert(List.of(mapping.map(row)));
        }
    }

    private void finishLiveWrites() {
        // Writes the primary applied before now reach the observer before we take the last keys.
        if (!backend.drain(Duration.ofSeconds(30))) {
            LOG.warn("backfill {}: the backend did not drain in 30 s; live writes seen later are not re-copied", job);
        }
        repairSettled();
    }

    /** A limit of rows per second over all workers; each worker waits its turn for a page. */
    static final class Throttle {
        private final long rowsPerSecond;
        private long nextNanos;

        Throttle(long rowsPerSecond) {
            this.rowsPerSecond = rowsPerSecond;
        }

        void acquire(int rows) throws InterruptedException {
            if (rowsPerSecond <= 0) {
                return;
            }
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                if (nextNanos < now) {
                    nextNanos = now;
                }
                wait = nextNanos - now;
                nextNanos += rows * 1_000_000_000L / rowsPerSecond;
            }
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }
}
