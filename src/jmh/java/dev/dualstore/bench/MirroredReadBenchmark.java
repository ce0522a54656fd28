package dev.dualstore.bench;

import com.github.rawls238.scientist4j.Experiment;
import com.github.rawls238.scientist4j.ExperimentBuilder;
import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.server.Components;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.LDConfig;
import com.launchdarkly.sdk.server.MigrationStage;
import com.launchdarkly.sdk.server.migrations.Migration;
import com.launchdarkly.sdk.server.migrations.MigrationBuilder;
import com.launchdarkly.sdk.server.migrations.MigrationExecution;
import com.launchdarkly.sdk.server.migrations.MigrationMethodResult;
import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The caller's cost of one mirrored read whose primary is an in-memory map: the direct call,
 * dualstore's proxy (every call mirrored and compared), Scientist4J's {@code run} and
 * {@code runAsync}, and LaunchDarkly's {@code Migration} in the SHADOW stage with parallel reads.
 * Each mirrored variant runs with a secondary as fast as the primary ({@code secondaryMillis=0})
 * and with one that takes 1 ms. One benchmark thread: this is latency, not throughput.
 */
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MirroredReadBenchmark {

    /** Walks the 1024 keys, one per call, per benchmark thread. */
    @State(Scope.Thread)
    public static class Cursor {
        int index;

        String nextKey() {
            int i = (index + 1) & Data.MASK;
            index = i;
            return Data.KEYS[i];
        }
    }

    @State(Scope.Benchmark)
    public static class Direct {
        KeyValueStore primary;

        @Setup(Level.Trial)
        public void setUp() {
            primary = MapStore.fast(Data.KEYS, Data.VALUES);
        }
    }

    @State(Scope.Benchmark)
    public static class Dualstore {
        @Param({"0", "1"})
        long secondaryMillis;

        BenchBackend<KeyValueStore> bench;
        KeyValueStore proxy;

        @Setup(Level.Trial)
        public void setUp() {
            bench = BenchBackend.unkeyed(secondaryMillis);
            proxy = bench.proxy;
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams params) {
            bench.close(params);
        }
    }

    @State(Scope.Benchmark)
    public static class Scientist {
        @Param({"0", "1"})
        long secondaryMillis;

        KeyValueStore primary;
        KeyValueStore secondary;
        ExecutorService executor;
        Experiment<String> sync;
        Experiment<String> async;

        @Setup(Level.Trial)
        public void setUp() {
            primary = MapStore.fast(Data.KEYS, Data.VALUES);
            secondary = MapStore.withData(secondaryMillis, Data.KEYS, Data.VALUES);
            executor = Executors.newFixedThreadPool(2, daemonThreads("scientist"));
            sync = new ExperimentBuilder<String>().withName("bench-run").build();
            async = new ExperimentBuilder<String>()
                    .withName("bench-run-async")
                    .withExecutorService(executor)
                    .build();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            executor.shutdown();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @State(Scope.Benchmark)
    public static class LaunchDarkly {
        @Param({"0", "1"})
        long secondaryMillis;

        LDClient client;
        LDContext context;
        Migration<String, String, String, String> migration;

        @Setup(Level.Trial)
        public void setUp() {
            KeyValueStore primary = MapStore.fast(Data.KEYS, Data.VALUES);
            KeyValueStore secondary = MapStore.withData(secondaryMillis, Data.KEYS, Data.VALUES);
            // Offline: no network, every flag evaluates to the default stage given to read().
            client = new LDClient("offline-sdk-key", new LDConfig.Builder()
                    .offline(true)
                    .logging(Components.noLogging())
                    .build());
            context = LDContext.create("bench-user");
            migration = new MigrationBuilder<String, String, String, String>(client)
                    .readExecution(MigrationExecution.Parallel())
                    .read(key -> MigrationMethodResult.Success(primary.get(key)),
                            key -> MigrationMethodResult.Success(secondary.get(key)),
                            Objects::equals)
                    .write(key -> MigrationMethodResult.Success(key),
                            key -> MigrationMethodResult.Success(key))
                    .build()
                    .orElseThrow();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            client.close();
        }
    }

    @Benchmark
    public String direct(Direct s, Cursor c) {
        return s.primary.get(c.nextKey());
    }

    @Benchmark
    public String dualstore(Dualstore s, Cursor c) {
        return s.proxy.get(c.nextKey());
    }

    @Benchmark
    public String scientistRun(Scientist s, Cursor c) throws Exception {
        String key = c.nextKey();
        return s.sync.run(() -> s.primary.get(key), () -> s.secondary.get(key));
    }

    @Benchmark
    public String scientistRunAsync(Scientist s, Cursor c) throws Exception {
        String key = c.nextKey();
        return s.async.runAsync(() -> s.primary.get(key), () -> s.secondary.get(key));
    }

    @Benchmark
    public String launchDarklyShadow(LaunchDarkly s, Cursor c) {
        return s.migration.read("bench-migration", s.context, MigrationStage.SHADOW, c.nextKey())
                .getResult()
                .orElse(null);
    }

    static String label(BenchmarkParams params) {
        StringBuilder label = new StringBuilder(params.getBenchmark())
                .append(" mode=").append(params.getMode().shortLabel())
                .append(" threads=").append(params.getThreads());
        for (String key : params.getParamsKeys()) {
            label.append(' ').append(key).append('=').append(params.getParam(key));
        }
        return label.toString();
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
