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
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The one owner of a backend's meters. Gauges are registered at build; every other meter is
 * registered the first time it records ({@link Lazy}), so a backend has only the series it has
 * used, not every combination of method, store and result. {@link #removeAll()} removes exactly
 * what was registered and stops further registration, so a closed backend, or one whose build
 * failed, leaves nothing behind in the registry. Recording through {@link #increment} and
 * {@link #record} never throws: a registry that fails is counted as a {@code meter} callback
 * error. Threadsafe.
 */
final class Meters {
    private static final String CALLBACK_ERRORS_DESCRIPTION = "Exceptions thrown by user callbacks, caught by dualstore";

    private final MeterRegistry registry;
    private final String backend;
    private final List<Meter> registered = new ArrayList<>();
    private final AtomicLong meterErrors = new AtomicLong();
    private final Lazy<FunctionCounter> meterErrorsCounter;
    private boolean closed;

    Meters(MeterRegistry registry, String backend) {
        this.registry = registry;
        this.backend = backend;
        this.meterErrorsCounter = callbackErrorsCounter("meter", meterErrors);
    }

    String backend() {
        return backend;
    }

    /** A meter registered the first time it is used. Threadsafe. */
    static final class Lazy<M extends Meter> {
        private final Meters owner;
        private final Function<Meters, M> registration;
        private volatile M meter;

        private Lazy(Meters owner, Function<Meters, M> registration) {
            this.owner = owner;
            this.registration = registration;
        }

        /** @return the meter, registering it if needed; null once the backend is closed */
        M get() {
            M m = meter;
            if (m == null) {
                m = owner.register(this);
            }
            return m;
        }
    }

    Lazy<Counter> counter(String name, String description, Tags tags) {
        return new Lazy<>(this, owner -> Counter.builder(name).description(description).tags(tags)
                .tag(MeterNames.BACKEND, backend).register(registry));
    }

    Lazy<Timer> timer(String name, String description, Tags tags) {
        return new Lazy<>(this, owner -> Timer.builder(name).description(description).tags(tags)
                .tag(MeterNames.BACKEND, backend).register(registry));
    }

    /** Registers a gauge now; gauges describe state, so they exist from build to close. */
    synchronized <S> void gauge(String name, String description, Tags tags, S state, ToDoubleFunction<S> value) {
        registered.add(Gauge.builder(name, state, value).description(description).tags(tags)
                .tag(MeterNames.BACKEND, backend).strongReference(true).register(registry));
    }

    /**
     * The count of callback failures of one kind, exported as {@code dualstore.callback.errors}
     * once the first failure is {@link #failed counted}.
     */
    Lazy<FunctionCounter> callbackErrorsCounter(String callback, AtomicLong count) {
        return new Lazy<>(this, owner -> FunctionCounter.builder(MeterNames.CALLBACK_ERRORS, count, AtomicLong::get)
                .description(CALLBACK_ERRORS_DESCRIPTION).tags(Tags.of(MeterNames.CALLBACK, callback))
                .tag(MeterNames.BACKEND, backend).register(registry));
    }

    /** Counts one callback failure in {@code count}, exported by {@code counter}. Never throws. */
    void failed(AtomicLong count, Lazy<FunctionCounter> counter) {
        count.incrementAndGet();
        try {
            counter.get();
        } catch (Throwable t) {
            meterErrors.incrementAndGet();
        }
    }

    void increment(Lazy<Counter> counter) {
        try {
            Counter c = counter.get();
            if (c != null) {
                c.increment();
            }
        } catch (Throwable t) {
            meterFailed();
        }
    }

    void record(Lazy<Timer> timer, long nanos) {
        try {
            Timer t = timer.get();
            if (t != null) {
                t.record(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (Throwable t) {
            meterFailed();
        }
    }

    private void meterFailed() {
        meterErrors.incrementAndGet();
        try {
            meterErrorsCounter.get();
        } catch (Throwable ignored) {
            // The registry cannot even register the count of its own failures; the count is kept.
        }
    }

    private synchronized <M extends Meter> M register(Lazy<M> lazy) {
        if (lazy.meter == null && !closed) {
            M meter = lazy.registration.apply(this);
            registered.add(meter);
            lazy.meter = meter;
        }
        return lazy.meter;
    }

    /** Removes every meter this backend registered, and registers none after. Never throws. */
    synchronized void removeAll() {
        closed = true;
        for (Meter m : registered) {
            try {
                registry.remove(m);
            } catch (RuntimeException e) {
                // A registry that fails to remove keeps a stale meter; nothing else to do.
            }
        }
        registered.clear();
    }
}
