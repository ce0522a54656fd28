package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Does capacity follow the secondary? One caller offers a fixed rate of mirrored reads (default
 * 5,000 a second) for a fixed time against a secondary that takes 10 ms per call, with
 * dualstore's defaults. Prints the share of reads shed (counted {@code rejected}) and the
 * caller's median and p99 beside the direct call's. The target, on JDK 25: 0% shed, caller's
 * median unchanged.
 *
 * <p>Run: {@code java -cp target/benchmarks.jar dev.dualstore.bench.SlowSecondaryCapacity 5000 20 10}
 * (reads per second, seconds, secondary's milliseconds per call).
 */
public final class SlowSecondaryCapacity {
    private SlowSecondaryCapacity() {}

    public static void main(String[] args) throws Exception {
        int perSecond = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long secondaryMillis = args.length > 2 ? Long.parseLong(args[2]) : 10;
        System.out.printf("java %s, %d cores; %,d reads/s offered for %d s, secondary %d ms per call, defaults%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), perSecond, seconds,
                secondaryMillis);
        long[] direct = paced(MapStore.fast(Data.KEYS, Data.VALUES), perSecond, seconds);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("capacity").primary("old", MapStore.fast(Data.KEYS, Data.VALUES))
                .secondary("new", MapStore.withData(secondaryMillis, Data.KEYS, Data.VALUES))
                .reads("get").writes("put").meterRegistry(registry).build();
        long[] proxied = paced(backend.proxy(), perSecond, seconds);
        boolean drained = backend.drain(Duration.ofSeconds(60));
        double compared = LoadReport.count(registry, "dualstore.comparisons") - LoadReport.count(registry,
                "dualstore.comparisons", "result", "rejected");
        double rejected = LoadReport.count(registry, "dualstore.comparisons", "result", "rejected");
        System.out.printf("| call | median | p99 | reads | compared | shed |%n|---|---|---|---|---|---|%n");
        System.out.printf("| direct | %d ns | %d ns | %,d | | |%n", LoadReport.percentile(direct, 0.5),
                LoadReport.percentile(direct, 0.99), direct.length);
        System.out.printf("| dualstore | %d ns | %d ns | %,d | %,.0f | %.2f%% |%n", LoadReport.percentile(proxied, 0.5),
                LoadReport.percentile(proxied, 0.99), proxied.length, compared, 100 * rejected / proxied.length);
        System.out.printf("drained: %s; comparisons: match %.0f, timeout %.0f%n", drained,
                LoadReport.count(registry, "dualstore.comparisons", "result", "match"),
                LoadReport.count(registry, "dualstore.comparisons", "result", "timeout"));
        backend.close();
    }

    /** Reads at a fixed rate; returns each call's latency, sorted. */
    private static long[] paced(KeyValueStore store, int perSecond, int seconds) {
        int calls = perSecond * seconds;
        long[] latencies = new long[calls];
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long t0 = System.nanoTime();
            store.get(Data.KEYS[i & Data.MASK]);
            latencies[i] = System.nanoTime() - t0;
            next += interval;
        }
        Arrays.sort(latencies);
        return latencies;
    }
}
