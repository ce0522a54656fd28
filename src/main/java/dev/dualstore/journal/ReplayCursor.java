package dev.dualstore.journal;

import dev.dualstore.table.Checkpoints;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replayer's place in its journal: reads a batch after the position, applies it, saves the
 * position, then measures the lag and logs. Driven by one thread at a time (the replayer's);
 * {@link #position()} may be read by any, and each move of it is announced on the monitor.
 */
final class ReplayCursor {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final String name;
    private final Journal journal;
    private final ReplayTarget target;
    private final Checkpoints checkpoints;
    private final String job;
    private final boolean fromBeginning;
    private final int batchSize;
    private final Clock clock;
    private final ReplayMeters meters;
    private final Object monitor;
    private volatile long position;
    private long applied;
    private Instant lastProgress;

    ReplayCursor(String name, Journal journal, ReplayTarget target, Checkpoints checkpoints, boolean fromBeginning,
            int batchSize, Clock clock, ReplayMeters meters, Object monitor) {
        this.name = name;
        this.journal = journal;
        this.target = target;
        this.checkpoints = checkpoints;
        this.job = "replay-" + name;
        this.fromBeginning = fromBeginning;
        this.batchSize = batchSize;
        this.clock = clock;
        this.meters = meters;
        this.monitor = monitor;
    }

    long position() {
        return position;
    }

    long applied() {
        return applied;
    }

    /** Reads the checkpoint (or resets it) and logs where the replay starts; returns the entries applied so far. */
    long begin() {
        if (fromBeginning) {
            checkpoints.reset(job);
        }
        position = checkpoints.position(job).map(Long::parseLong).orElse(0L);
        long head = journal.lastPosition();
        lag(head, null);
        lastProgress = clock.instant();
        LOG.info("replay {}: starting after position {} of {} ({} entries behind)", name, position, head,
                Math.max(0, head - position));
        return applied;
    }

    /** Applies one batch; returns its size. */
    int step() {
        List<JournalEntry> batch = journal.read(position, batchSize);
        JournalEntry last = null;
        if (!batch.isEmpty()) {
            try {
                target.apply(name, batch);
            } catch (RuntimeException e) {
                meters.failed.increment();
                throw e;
            }
            last = batch.get(batch.size() - 1);
            checkpoints.savePosition(job, Long.toString(last.position()));
            meters.applied.increment(batch.size());
            applied += batch.size();
            synchronized (monitor) {
                position = last.position();
                monitor.notifyAll();
            }
        }
        boolean wasCaughtUp = meters.caughtUp();
        lag(journal.lastPosition(), last);
        Instant now = clock.instant();
        if (meters.caughtUp() && !wasCaughtUp) {
            LOG.info("replay {}: caught up at position {} ({} entries applied)", name, position, applied);
        } else if (!meters.caughtUp() && Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0) {
            lastProgress = now;
            LOG.info("replay {}: at position {}, {} entries behind ({} s)", name, position, meters.lagEntries(),
                    Math.round(meters.lagSeconds()));
        }
        return batch.size();
    }

    private void lag(long head, JournalEntry last) {
        long entries = Math.max(0, head - position);
        double seconds = entries == 0 ? 0
                : last != null ? Math.max(0, Duration.between(last.time(), clock.instant()).toMillis() / 1000.0)
                : meters.lagSeconds();
        meters.lag(entries, seconds);
    }

}
