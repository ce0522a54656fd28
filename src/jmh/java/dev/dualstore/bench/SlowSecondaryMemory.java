package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import dev.dualstore.metrics.MeterNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Memory under a sustained slow secondary: one caller thread issues a write and a read through
 * dualstore as fast as it can for a fixed time while the secondary takes 50 ms per call, first on
 * the unkeyed interface, then on the keyed one. Prints the heap used after a full GC before the
 * backend exists, every 10 s during the traffic, and after it, together with dualstore's
 * comparison and write counters and the caller's sampled latency. The heap stays flat only if the
 * pending work is bounded and the overflow is counted as {@code rejected}.
 *
 * <p>Run (see docs/benchmarks.md):
 * {@code java -Xms256m -Xmx256m -cp target/benchmarks.jar dev.dualstore.bench.SlowSecondaryMemory 60 50}
 * (arguments: seconds of traffic per interface, secondary's milliseconds per call).
 */
public final class SlowSecondaryMemory {

    private static final int SAMPLE_EVERY = 64;

    private SlowSecondaryMemory() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        long secondaryMillis = args.length > 1 ? Long.parseLong(args[1]) : 50;
        System.out.printf("java %s, max heap %d MiB, %d s of traffic per interface, secondary %d ms per call%n",
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, seconds,
                secondaryMillis);
        run("KeyValueStore (no @Key)", false, seconds, secondaryMillis);
        run("KeyedStore (@Key)", true, seconds, secondaryMillis);
    }

    private static void run(String label, boolean keyed, int seconds, long secondaryMillis)
            throws InterruptedException {
        long[] samples = new long[1 << 20]; // caller latency of every 64th call; allocated before the baseline
        MapStore primary = MapStore.fast(Data.KEYS, Data.VALUES);
        MapStore secondary = MapStore.withData(secondaryMillis, Data.KEYS, Data.VALUES);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        long before = LoadReport.usedAfterGc();
        if (keyed) {
            MirroringBackend<KeyedStore> backend = MirroringBackend.builder(KeyedStore.class)
                    .name("memory-keyed").primary("old", primary).secondary("new", secondary)
                    .reads("get").writes("put").timeout(Duration.ofMillis(200)).meterRegistry(registry).build();
            KeyedStore proxy = backend.proxy();
            runTraffic(label, backend, new KeyValueStore() {
                @Override
                public String get(String key) {
                    return proxy.get(key);
                }

                @Override
                public void put(String key, String value) {
                    proxy.put(key, value);
                }
            }, registry, before, samples, seconds);
        } else {
            MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                    .name("memory").primary("old", primary).secondary("new", secondary)
                    .reads("get").writes("put").timeout(Duration.ofMillis(200)).meterRegistry(registry).build();
            runTraffic(label, backend, backend.proxy(), registry, before, samples, seconds);
        }
    }

    private static void runTraffic(String label, MirroringBackend<?> backend, KeyValueStore proxy,
            SimpleMeterRegistry registry, long before, long[] samples, int seconds) throws InterruptedException {
        System.out.printf("%n== %s ==%nheap used before (after GC): %.1f MiB%n", label, LoadReport.mib(before));
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        long calls = 0;
        int sampled = 0;
        long peak = before;
        int i = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (now >= nextReport) {
                long used = LoadReport.usedAfterGc();
                peak = Math.max(peak, used);
                System.out.printf("t=%3ds calls=%,d heap used (after GC) %.1f MiB, pending gauge %s%n",
                        TimeUnit.NANOSECONDS.toSeconds(now - start), calls, LoadReport.mib(used), pending(registry));
                nextReport += TimeUnit.SECONDS.toNanos(10);
            }
            for (int k = 0; k < SAMPLE_EVERY; k += 2) {
                i = (i + 1) & Data.MASK;
                if (k == 0 && sampled < samples.length) {
                    long t0 = System.nanoTime();
                    proxy.put(Data.KEYS[i], Data.VALUES[i]);
                    samples[sampled++] = System.nanoTime() - t0;
                } else {
                    proxy.put(Data.KEYS[i], Data.VALUES[i]);
                }
                proxy.get(Data.KEYS[i]);
            }
            calls += SAMPLE_EVERY;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long after = LoadReport.usedAfterGc();
        peak = Math.max(peak, after);
        System.out.printf("calls: %,d in %.1f s (%,.0f calls/s), pending gauge %s%n", calls, elapsed, calls / elapsed,
                pending(registry));
        System.out.printf("heap used after the traffic, work still pending (after GC): %.1f MiB; "
                + "after - before = %+.1f MiB; peak during the run %.1f MiB%n", LoadReport.mib(after), LoadReport.mib(after - before), LoadReport.mib(peak));
        long[] sorted = Arrays.copyOf(samples, sampled);
        Arrays.sort(sorted);
        System.out.printf("caller latency of a write (sampled, %,d calls): p50 %d ns, p99 %d ns, p99.9 %d ns, max %d ns%n",
                sampled, LoadReport.percentile(sorted, 0.50), LoadReport.percentile(sorted, 0.99), LoadReport.percentile(sorted, 0.999), sorted[sorted.length - 1]);
        MeterReport.print(label, registry);

        Thread closer = new Thread(backend::close, "bench-close");
        closer.setDaemon(true);
        long closeStart = System.nanoTime();
        closer.start();
        closer.join(TimeUnit.SECONDS.toMillis(120));
        System.out.printf("close() %s after %.1f s; heap used after close (after GC): %.1f MiB%n",
                closer.isAlive() ? "still running" : "returned", (System.nanoTime() - closeStart) / 1e9,
                LoadReport.mib(LoadReport.usedAfterGc()));
    }

    private static String pending(SimpleMeterRegistry registry) {
        StringBuilder out = new StringBuilder();
        for (Gauge gauge : registry.find(MeterNames.PENDING).gauges()) {
            out.append(gauge.getId().getTag("store")).append('=').append((long) gauge.value()).append(' ');
        }
        return out.length() == 0 ? "(none)" : out.toString().trim();
    }
}
