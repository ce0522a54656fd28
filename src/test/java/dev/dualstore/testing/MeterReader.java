package dev.dualstore.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Reads dualstore's meters from a registry in tests; sums over tags not given. */
public final class MeterReader {
    private final MeterRegistry registry;

    public MeterReader(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Sum of every counter named {@code name} whose tags include the given key/value pairs. */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Number of calls recorded by every timer named {@code name} with the given tags. */
    public long timed(String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }

    /** {@code dualstore.comparisons} with the given result, summed over other tags. */
    public double comparisons(String result) {
        return count("dualstore.comparisons", "result", result);
    }

    /** {@code dualstore.writes} with the given result, summed over other tags. */
    public double writes(String result) {
        return count("dualstore.writes", "result", result);
    }
}
