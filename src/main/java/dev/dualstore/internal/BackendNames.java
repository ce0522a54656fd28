package dev.dualstore.internal;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The names of the backends that are open, per meter registry: two open backends with one name
 * would share gauges and meters, and each would report the other's numbers. Threadsafe.
 */
final class BackendNames {
    private static final Map<MeterRegistry, Set<String>> OPEN = new WeakHashMap<>();

    private BackendNames() {}

    /** @throws IllegalArgumentException if a backend of that name is open on that registry */
    static synchronized void claim(MeterRegistry registry, String name) {
        if (!OPEN.computeIfAbsent(registry, r -> new HashSet<>()).add(name)) {
            throw new IllegalArgumentException("a backend named '" + name + "' is already open on this meter registry; its"
                    + " meters would mix with this one's. Close it first, or give this backend another name(...)");
        }
    }

    static synchronized void release(MeterRegistry registry, String name) {
        Set<String> names = OPEN.get(registry);
        if (names != null) {
            names.remove(name);
        }
    }
}
