package dev.dualstore.bench;

import dev.dualstore.metrics.MeterNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums dualstore's {@code dualstore.comparisons} and {@code dualstore.writes} counters by their
 * {@code result} tag, so a benchmark can say how many mirrored calls were compared and how many
 * were {@code rejected} because the secondary's queue was full.
 */
final class MeterReport {

    private MeterReport() {}

    static Map<String, Long> byResult(MeterRegistry registry, String meter) {
        Map<String, Long> counts = new TreeMap<>();
        for (Counter counter : registry.find(meter).counters()) {
            String result = counter.getId().getTag("result");
            counts.merge(result == null ? "?" : result, (long) counter.count(), Long::sum);
        }
        return counts;
    }

    /** One line: the counts by result and the share of {@code rejected} among them. */
    static String line(MeterRegistry registry, String meter) {
        Map<String, Long> counts = byResult(registry, meter);
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long rejected = counts.getOrDefault("rejected", 0L);
        return String.format("%s %s total=%d rejected=%.2f%%",
                meter, counts, total, total == 0 ? 0.0 : 100.0 * rejected / total);
    }

    /** Prints the comparisons and writes lines, prefixed so they are easy to grep in a JMH log. */
    static void print(String label, MeterRegistry registry) {
        System.out.println();
        System.out.println("[dualstore-meters] " + label + " " + line(registry, MeterNames.COMPARISONS));
        System.out.println("[dualstore-meters] " + label + " " + line(registry, MeterNames.WRITES));
    }
}
