package dev.dualstore.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Reads dualstore's meters from a registry in tests; sums over tags not given. Meters a backend
 * removed when it closed are still read, so a test can assert what close() itself counted.
 */
public final class MeterReader {
    private final MeterRegistry registry;
    private final List<Meter> removed = new CopyOnWriteArrayList<>();

    public MeterReader(MeterRegistry registry) {
        this.registry = registry;
        registry.config().onMeterRemoved(removed::add);
    }

    /** Sum of every counter named {@code name} whose tags include the given key/value pairs. */
    public double count(String name, String... tags) {
        return meters(name, tags).mapToDouble(m -> m instanceof Counter c ? c.count()
                : m instanceof FunctionCounter f ? f.count() : 0).sum();
    }

    /** Number of calls recorded by every timer named {@code name} with the given tags. */
    public long timed(String name, String... tags) {
        return meters(name, tags).mapToLong(m -> m instanceof Timer t ? t.count() : 0).sum();
    }

    /** {@code dualstore.comparisons} with the given result, summed over other tags. */
    public double comparisons(String result) {
        return count("dualstore.comparisons", "result", result);
    }

    /** {@code dualstore.writes} with the given result, summed over other tags. */
    public double writes(String result) {
        return count("dualstore.writes", "result", result);
    }

    private Stream<Meter> meters(String name, String... tags) {
        List<Meter> all = new ArrayList<>(registry.getMeters());
        all.addAll(removed);
        return all.stream().filter(m -> m.getId().getName().equals(name) && hasTags(m, tags));
    }

    private static boolean hasTags(Meter m, String... tags) {
        for (int i = 0; i + 1 < tags.length; i += 2) {
            if (!tags[i + 1].equals(m.getId().getTag(tags[i]))) {
                return false;
            }
        }
        return true;
    }
}
