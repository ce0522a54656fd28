package dev.dualstore.journal;

import static dev.dualstore.metrics.MeterNames.REPLAY;
import static dev.dualstore.metrics.MeterNames.REPLAY_CAUGHT_UP;
import static dev.dualstore.metrics.MeterNames.REPLAY_ENTRIES;
import static dev.dualstore.metrics.MeterNames.REPLAY_LAG_ENTRIES;
import static dev.dualstore.metrics.MeterNames.REPLAY_LAG_SECONDS;
import static dev.dualstore.metrics.MeterNames.RESULT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/**
 * A replayer's meters and the state its gauges read: lag in entries and seconds, and whether it
 * has caught up. Written by the replay's thread, read by any. Threadsafe.
 */
final class ReplayMeters {
    private final MeterRegistry registry;
    private final List<Meter> meters;
    final Counter applied;
    final Counter failed;
    private volatile long lagEntries;
    private volatile double lagSeconds;
    private volatile boolean caughtUp;

    ReplayMeters(MeterRegistry registry, String replay) {
        this.registry = registry;
        Tags tags = Tags.of(REPLAY, replay);
        this.applied = Counter.builder(REPLAY_ENTRIES).description("Journal entries a replayer applied")
                .tags(tags.and(RESULT, "applied")).register(registry);
        this.failed = Counter.builder(REPLAY_ENTRIES).description("Journal entries a replayer applied")
                .tags(tags.and(RESULT, "failed")).register(registry);
        this.meters = List.of(applied, failed,
                Gauge.builder(REPLAY_LAG_ENTRIES, this, m -> m.lagEntries).tags(tags)
                        .description("Journal entries not yet replayed").register(registry),
                Gauge.builder(REPLAY_LAG_SECONDS, this, m -> m.lagSeconds).tags(tags)
                        .description("Age of the oldest journal entry not yet replayed").register(registry),
                Gauge.builder(REPLAY_CAUGHT_UP, this, m -> m.caughtUp ? 1 : 0).tags(tags)
                        .description("1 once the replayer applied every entry the journal held").register(registry));
    }

    void lag(long entries, double seconds) {
        lagEntries = entries;
        lagSeconds = seconds;
        caughtUp = entries == 0;
    }

    void notCaughtUp() {
        caughtUp = false;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    long lagEntries() {
        return lagEntries;
    }

    double lagSeconds() {
        return lagSeconds;
    }

    void removeAll() {
        meters.forEach(registry::remove);
    }
}
