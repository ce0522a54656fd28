package dev.dualstore.journal;

import static dev.dualstore.metrics.MeterNames.JOURNAL;
import static dev.dualstore.metrics.MeterNames.JOURNAL_APPENDS;
import static dev.dualstore.metrics.MeterNames.JOURNAL_BATCHES;
import static dev.dualstore.metrics.MeterNames.JOURNAL_PENDING;
import static dev.dualstore.metrics.MeterNames.RESULT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The meters of one journal: every registration, and their removal at close. Threadsafe. */
final class JournalMeters {
    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> registered = new ArrayList<>();

    JournalMeters(MeterRegistry registry, String journal) {
        this.registry = registry;
        this.tags = Tags.of(JOURNAL, journal);
    }

    synchronized Counter appends(String result) {
        return add(Counter.builder(JOURNAL_APPENDS).description("Writes a journal received, by result")
                .tags(tags.and(RESULT, result)).register(registry));
    }

    synchronized Timer batches() {
        return add(Timer.builder(JOURNAL_BATCHES).description("A journal's appends, one per batch")
                .tags(tags).register(registry));
    }

    synchronized void pending(Collection<?> queue) {
        add(Gauge.builder(JOURNAL_PENDING, queue, Collection::size).description("Writes waiting to be appended")
                .tags(tags).register(registry));
    }

    synchronized <T> void pending(T state, ToDoubleFunction<T> waiting) {
        add(Gauge.builder(JOURNAL_PENDING, state, waiting).description("Writes waiting to be appended")
                .tags(tags).register(registry));
    }

    synchronized void crashWindows(java.util.concurrent.atomic.AtomicInteger seen) {
        add(Gauge.builder(dev.dualstore.metrics.MeterNames.JOURNAL_CRASH_WINDOWS, seen, n -> Math.max(0, n.get()))
                .description("Instances of the journal that ended without close(), not yet marked repaired")
                .tags(tags).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        registered.add(meter);
        return meter;
    }

    synchronized void removeAll() {
        registered.forEach(registry::remove);
        registered.clear();
    }
}
