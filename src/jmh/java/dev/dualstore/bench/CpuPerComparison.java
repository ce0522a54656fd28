package dev.dualstore.bench;

import com.github.rawls238.scientist4j.Experiment;
import com.github.rawls238.scientist4j.ExperimentBuilder;
import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What does comparing cost the process, in CPU? Two caller threads read as fast as they can,
 * against a secondary as fast as the primary, first through dualstore, then through Scientist4J's
 * synchronous {@code run} (which calls both stores and compares on the caller's thread). Prints
 * the process CPU time (all threads: callers, dualstore's workers, GC) per compared call, measured
 * from the start until dualstore has drained. The target: dualstore at most Scientist4J's.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp target/benchmarks.jar dev.dualstore.bench.CpuPerComparison 10 3}
 * (seconds per trial, trials per peer, alternating).
 */
public final class CpuPerComparison {
    private CpuPerComparison() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("java %s, %d cores; 2 callers, %d s per trial, fast secondary%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), seconds);
        System.out.println("| trial | peer | calls | compared | shed | CPU ms | CPU ns per compared call |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int trial = 1; trial <= trials; trial++) {
            dualstore(trial, seconds);
            scientist(trial, seconds);
        }
    }

    private static void dualstore(int trial, int seconds) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .name("cpu-" + trial).primary("old", MapStore.fast(Data.KEYS, Data.VALUES))
                .secondary("new", MapStore.fast(Data.KEYS, Data.VALUES)).reads("get").writes("put")
                .meterRegistry(registry).build();
        KeyValueStore proxy = backend.proxy();
        long cpu0 = cpuNanos();
        long calls = drive(key -> proxy.get(key), seconds);
        backend.drain(Duration.ofSeconds(60));
        long cpu = cpuNanos() - cpu0;
        double compared = LoadReport.count(registry, "dualstore.comparisons", "result", "match")
                + LoadReport.count(registry, "dualstore.comparisons", "result", "mismatch");
        double shed = LoadReport.count(registry, "dualstore.comparisons", "result", "rejected");
        print(trial, "dualstore", calls, compared, shed, cpu);
        backend.close();
    }

    private static void scientist(int trial, int seconds) throws Exception {
        MapStore primary = MapStore.fast(Data.KEYS, Data.VALUES);
        MapStore secondary = MapStore.fast(Data.KEYS, Data.VALUES);
        Experiment<String> experiment = new ExperimentBuilder<String>().withName("cpu-" + trial).build();
        long cpu0 = cpuNanos();
        long calls = drive(key -> {
            try {
                return experiment.run(() -> primary.get(key), () -> secondary.get(key));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, seconds);
        long cpu = cpuNanos() - cpu0;
        print(trial, "Scientist4J run", calls, calls, 0, cpu);
    }

    private static void print(int trial, String peer, long calls, double compared, double shed, long cpu) {
        System.out.printf("| %d | %s | %,d | %,.0f | %.1f%% | %,d | %,.0f |%n", trial, peer, calls, compared,
                100 * shed / calls, TimeUnit.NANOSECONDS.toMillis(cpu), cpu / Math.max(1, compared));
    }

    /** Two threads call {@code read} back to back for {@code seconds}; returns the calls made. */
    private static long drive(java.util.function.Function<String, String> read, int seconds) throws InterruptedException {
        LongAdder calls = new LongAdder();
        CountDownLatch done = new CountDownLatch(2);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int t = 0; t < 2; t++) {
            Thread caller = new Thread(() -> {
                int i = 0;
                long n = 0;
                while (System.nanoTime() < end) {
                    for (int k = 0; k < 64; k++) {
                        read.apply(Data.KEYS[i++ & Data.MASK]);
                    }
                    n += 64;
                }
                calls.add(n);
                done.countDown();
            });
            caller.start();
        }
        done.await();
        return calls.sum();
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
