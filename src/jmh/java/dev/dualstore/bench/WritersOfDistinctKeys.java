package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Do writers of different keys wait for each other? N threads each write keys of their own
 * through a primary that takes 2 ms per write (as a database round trip would), with an instant
 * secondary, first calling the primary directly, then through dualstore. Prints per-call p50 and
 * p99 and the throughput of both, side by side. The target: at 256 writers, the proxy's p99 and
 * throughput within 10% of the direct call's.
 *
 * <p>Run: {@code java -cp target/benchmarks.jar dev.dualstore.bench.WritersOfDistinctKeys 16,64,256 10 2}
 * (writer counts, seconds per run, primary's milliseconds per write).
 */
public final class WritersOfDistinctKeys {
    /** Each phase first runs this long unmeasured, so neither side's JIT or start-up lands in its tail. */
    private static final int WARM_UP_SECONDS = 3;

    private WritersOfDistinctKeys() {}

    public static void main(String[] args) throws Exception {
        String[] writerCounts = (args.length > 0 ? args[0] : "16,64,256").split(",");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        long primaryMillis = args.length > 2 ? Long.parseLong(args[2]) : 2;
        System.out.printf("java %s, %d cores; %d s per run, primary %d ms per write, instant secondary%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), seconds, primaryMillis);
        System.out.println("| writers | call | p50 | p99 | writes/s | p99 vs direct | writes/s vs direct |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String n : writerCounts) {
            int writers = Integer.parseInt(n.trim());
            KeyedStore direct = MapStore.withData(primaryMillis, Data.KEYS, Data.VALUES);
            run(direct, writers, WARM_UP_SECONDS); // not measured: threads, JIT and heap settle first
            Result d = run(direct, writers, seconds);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MirroringBackend<KeyedStore> backend = MirroringBackend.builder(KeyedStore.class)
                    .name("writers").primary("old", MapStore.withData(primaryMillis, Data.KEYS, Data.VALUES))
                    .secondary("new", MapStore.fast(Data.KEYS, Data.VALUES)).reads("get").writes("put")
                    .meterRegistry(registry).build();
            run(backend.proxy(), writers, WARM_UP_SECONDS);
            backend.drain(Duration.ofSeconds(60));
            Result p = run(backend.proxy(), writers, seconds);
            backend.drain(Duration.ofSeconds(60));
            System.out.printf("| %d | direct | %s | %s | %,.0f | | |%n", writers, LoadReport.micros(d.p50), LoadReport.micros(d.p99),
                    d.perSecond);
            System.out.printf("| %d | dualstore | %s | %s | %,.0f | %+.1f%% | %+.1f%% |%n", writers, LoadReport.micros(p.p50),
                    LoadReport.micros(p.p99), p.perSecond, 100.0 * (p.p99 - d.p99) / d.p99,
                    100.0 * (p.perSecond - d.perSecond) / d.perSecond);
            System.out.printf("  (dualstore writes, warm-up included: success %.0f, rejected %.0f)%n",
                    LoadReport.count(registry, "dualstore.writes", "result", "success"),
                    LoadReport.count(registry, "dualstore.writes", "result", "rejected"));
            backend.close();
        }
    }

    record Result(long p50, long p99, double perSecond) {}

    private static Result run(KeyedStore store, int writers, int seconds) throws InterruptedException {
        int capacity = (int) (seconds * 1000L * 2 + 1024);
        long[][] samples = new long[writers][capacity];
        int[] counts = new int[writers];
        CountDownLatch start = new CountDownLatch(1);
        long[] window = new long[2];
        Thread[] threads = new Thread[writers];
        for (int t = 0; t < writers; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                String prefix = "writer-" + id + ":";
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = window[1];
                int i = 0;
                while (System.nanoTime() < end && counts[id] < capacity) {
                    long t0 = System.nanoTime();
                    store.put(prefix + (i++ & 63), "v");
                    samples[id][counts[id]++] = System.nanoTime() - t0;
                }
            });
            threads[t].start();
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - window[0]) / 1e9;
        long[] sorted = LoadReport.sorted(samples, counts);
        return new Result(LoadReport.percentile(sorted, 0.50), LoadReport.percentile(sorted, 0.99), sorted.length / elapsed);
    }
}
