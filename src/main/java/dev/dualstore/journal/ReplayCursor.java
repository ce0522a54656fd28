package dev.dualstore.journal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replayer's loop step: reads a batch through its {@link EntryReader}, applies it, saves it,
 * then measures the lag and logs. Driven by one thread at a time (the replayer's); each step is
 * announced on the monitor, so a thread waiting for the replay to reach a goal re-checks.
 */
final class ReplayCursor {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final String name;
    private final EntryReader reader;
    private final ReplayTarget target;
    private final int batchSize;
    private final Clock clock;
    private final ReplayMeters meters;
    private final Object monitor;
    private long applied;
    private Instant lastProgress;

    ReplayCursor(String name, EntryReader reader, ReplayTarget target, int batchSize, Clock clock, ReplayMeters meters,
            Object monitor) {
        this.name = name;
        this.reader = reader;
        this.target = target;
        this.batchSize = batchSize;
        this.clock = clock;
        this.meters = meters;
        this.monitor = monitor;
    }

    EntryReader reader() {
        return reader;
    }

    long applied() {
        return applied;
    }

    /** Opens the reader and logs where the replay starts; returns the entries applied so far. */
    long begin() {
        String start = reader.begin();
        lag(null);
        lastProgress = clock.instant();
        long lag = reader.lag();
        LOG.info("replay {}: starting {} ({})", name, start, lag < 0 ? "lag known once partitions are assigned"
                : lag + " entries behind");
        return applied;
    }

    /** Ends the run: closes what the reader opened. */
    void end() {
        reader.end();
    }

    /** @return whether the last step left entries behind (or could not tell) */
    boolean behind() {
        return reader.lag() != 0;
    }

    /** Applies one batch; returns its size. */
    int step() {
        EntryReader.Batch batch = reader.next(batchSize);
        JournalEntry last = null;
        if (batch != null) {
            try {
                target.apply(name, batch);
            } catch (RuntimeException e) {
                meters.failed.increment();
                throw e;
            }
        }
        boolean wasCaughtUp;
        // Under the monitor that awaitCaughtUp() waits on: a waiter that sees the batch applied
        // also sees the lag meters that follow from it.
        synchronized (monitor) {
            if (batch != null) {
                reader.applied(batch);
                last = batch.last();
                meters.applied.increment(batch.entries().size());
                applied += batch.entries().size();
            }
            wasCaughtUp = meters.caughtUp();
            lag(last);
            monitor.notifyAll();
        }
        Instant now = clock.instant();
        if (meters.caughtUp() && !wasCaughtUp) {
            LOG.info("replay {}: caught up at {} ({} entries applied)", name, reader.where(), applied);
        } else if (!meters.caughtUp() && Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0) {
            lastProgress = now;
            LOG.info("replay {}: at {}, {} entries behind ({} s)", name, reader.where(), meters.lagEntries(),
                    Math.round(meters.lagSeconds()));
        }
        return batch == null ? 0 : batch.entries().size();
    }

    private void lag(JournalEntry last) {
        long entries = reader.lag();
        if (entries < 0) {
            meters.notCaughtUp();
            return;
        }
        double seconds = entries == 0 ? 0
                : last != null ? Math.max(0, Duration.between(last.time(), clock.instant()).toMillis() / 1000.0)
                : meters.lagSeconds();
        meters.lag(entries, seconds);
    }
}
