package dev.dualstore.internal;

import dev.dualstore.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The one owner of a backend's meters: every registration goes through it, and
 * {@link #removeAll()} removes exactly what it registered, so a closed backend, or one whose build
 * failed, leaves nothing behind in the registry. Recording through {@link #increment} and
 * {@link #record} never throws: a registry that fails is counted as a {@code meter} callback
 * error. Threadsafe.
 */
final class Meters {
    private final MeterRegistry registry;
    private final String backend;
    private final List<Meter> registered = new ArrayList<>();
    private final AtomicLong meterErrors = new AtomicLong();

    Meters(MeterRegistry registry, String backend) {
        this.registry = registry;
        this.backend = backend;
    }

    String backend() {
        return backend;
    }

    synchronized Counter counter(String name, String description, Tags tags) {
        return remember(Counter.builder(name).description(description).tags(tags).tag(MeterNames.BACKEND, backend)
                .register(registry));
    }

    synchronized Timer timer(String name, String description, Tags tags) {
        return remember(Timer.builder(name).description(description).tags(tags).tag(MeterNames.BACKEND, backend)
                .register(registry));
    }

    synchronized <S> void gauge(String name, String description, Tags tags, S state, ToDoubleFunction<S> value) {
        remember(Gauge.builder(name, state, value).description(description).tags(tags).tag(MeterNames.BACKEND, backend)
                .strongReference(true).register(registry));
    }

    /** A counter whose count is kept in {@code count}, so incrementing it can never fail. */
    synchronized void functionCounter(String name, String description, Tags tags, AtomicLong count) {
        remember(FunctionCounter.builder(name, count, AtomicLong::get).description(description).tags(tags)
                .tag(MeterNames.BACKEND, backend).register(registry));
    }

    /** The count of callback failures of one kind, exported as {@code dualstore.callback.errors}. */
    AtomicLong callbackErrors(String callback) {
        AtomicLong count = new AtomicLong();
        functionCounter(MeterNames.CALLBACK_ERRORS, "Exceptions thrown by user callbacks, caught by dualstore",
                Tags.of(MeterNames.CALLBACK, callback), count);
        return count;
    }

    /** Registers the {@code meter} callback-error count; call once, after validation. */
    void registerOwnErrors() {
        functionCounter(MeterNames.CALLBACK_ERRORS, "Exceptions thrown by user callbacks, caught by dualstore",
                Tags.of(MeterNames.CALLBACK, "meter"), meterErrors);
    }

    void increment(Counter counter) {
        try {
            counter.increment();
        } catch (Throwable t) {
            meterErrors.incrementAndGet();
        }
    }

    void record(Timer timer, long nanos) {
        try {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        } catch (Throwable t) {
            meterErrors.incrementAndGet();
        }
    }

    /** Removes every meter this backend registered. Never throws. */
    synchronized void removeAll() {
        for (Meter m : registered) {
            try {
                registry.remove(m);
            } catch (RuntimeException e) {
                // A registry that fails to remove keeps a stale meter; nothing else to do.
            }
        }
        registered.clear();
    }

    private <M extends Meter> M remember(M meter) {
        registered.add(meter);
        return meter;
    }

}
