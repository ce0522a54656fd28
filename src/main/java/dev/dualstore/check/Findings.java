package dev.dualstore.check;

import dev.dualstore.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * What one run found, counted as it goes from the run's threads: totals for the result, meters,
 * the bounded sample, and the progress line at INFO. Threadsafe.
 */
final class Findings {
    private final LongAdder compared = new LongAdder();
    private final Map<Difference.Kind, LongAdder> byKind = new EnumMap<>(Difference.Kind.class);
    private final LongAdder repaired = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder listed = new LongAdder();
    private final LongAdder chunks = new LongAdder();
    private final LongAdder chunksDiffering = new LongAdder();
    private final Counter matchRows;
    private final Counter inFlightRows;
    private final Map<Difference.Kind, Counter> kindRows = new EnumMap<>(Difference.Kind.class);
    private final Map<Difference.Kind, Counter> kindRepairs = new EnumMap<>(Difference.Kind.class);
    private final Counter matchChunks;
    private final Counter differChunks;
    private final List<Difference> sample = new ArrayList<>();
    private final int sampleSize;
    private final String name;
    private final Logger log;
    private final long progressNanos;
    private final long started = System.nanoTime();
    private final AtomicLong lastProgress = new AtomicLong(started);

    Findings(Check check, Logger log) {
        this.name = check.name;
        this.sampleSize = check.sampleSize;
        this.log = log;
        this.progressNanos = check.progressEvery.toNanos();
        MeterRegistry registry = check.registry;
        String tag = MeterNames.CHECK;
        matchRows = registry.counter(MeterNames.CHECK_ROWS, tag, name, MeterNames.RESULT, "match");
        inFlightRows = registry.counter(MeterNames.CHECK_ROWS, tag, name, MeterNames.RESULT, "in_flight");
        for (Difference.Kind kind : Difference.Kind.values()) {
            byKind.put(kind, new LongAdder());
            kindRows.put(kind, registry.counter(MeterNames.CHECK_ROWS, tag, name, MeterNames.RESULT, kind.label()));
            kindRepairs.put(kind, registry.counter(MeterNames.CHECK_REPAIRS, tag, name, MeterNames.KIND, kind.label()));
        }
        matchChunks = registry.counter(MeterNames.CHECK_CHUNKS, tag, name, MeterNames.RESULT, "match");
        differChunks = registry.counter(MeterNames.CHECK_CHUNKS, tag, name, MeterNames.RESULT, "differ");
    }

    void matched(long rows) {
        compared.add(rows);
        matchRows.increment(rows);
    }

    void comparedOnly(long rows) {
        compared.add(rows);
    }

    void found(Difference difference) {
        byKind.get(difference.kind()).increment();
        kindRows.get(difference.kind()).increment();
        synchronized (sample) {
            if (sample.size() < sampleSize) {
                sample.add(difference);
            }
        }
    }

    void repaired(Difference.Kind kind) {
        repaired.increment();
        kindRepairs.get(kind).increment();
    }

    void inFlight() {
        skipped.increment();
        inFlightRows.increment();
    }

    void listed() {
        listed.increment();
    }

    void chunk(boolean equal) {
        chunks.increment();
        if (equal) {
            matchChunks.increment();
        } else {
            chunksDiffering.increment();
            differChunks.increment();
        }
        progress();
    }

    /** Logs a progress line if the interval passed; one thread wins each interval. */
    private void progress() {
        long now = System.nanoTime();
        long last = lastProgress.get();
        if (now - last >= progressNanos && lastProgress.compareAndSet(last, now) && log.isInfoEnabled()) {
            double seconds = (now - started) / 1e9;
            log.info("check {}: {} rows compared ({} rows/s), {} chunks, {} missing, {} extra, {} different, {} repaired",
                    name, compared.sum(), Math.round(compared.sum() / Math.max(seconds, 1e-3)), chunks.sum(),
                    count(Difference.Kind.MISSING), count(Difference.Kind.EXTRA), count(Difference.Kind.DIFFERENT),
                    repaired.sum());
        }
    }

    long count(Difference.Kind kind) {
        return byKind.get(kind).sum();
    }

    long[] counts() {
        return new long[] {compared.sum(), count(Difference.Kind.MISSING), count(Difference.Kind.EXTRA),
            count(Difference.Kind.DIFFERENT), repaired.sum(), skipped.sum(), listed.sum(), chunks.sum(),
            chunksDiffering.sum()};
    }

    List<Difference> sample() {
        synchronized (sample) {
            return new ArrayList<>(sample);
        }
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
