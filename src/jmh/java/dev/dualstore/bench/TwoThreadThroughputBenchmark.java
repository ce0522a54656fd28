package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Mirrored reads from two caller threads at once, as fast as they can: total calls per
 * microsecond of the direct call and of dualstore's proxy. On a 2-core machine the two callers
 * and dualstore's secondary threads share the same cores, so this is where the off-thread work
 * shows up as lost caller throughput.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TwoThreadThroughputBenchmark {

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

        SimpleMeterRegistry registry;
        MirroringBackend<KeyValueStore> backend;
        KeyValueStore proxy;

        @Setup(Level.Trial)
        public void setUp() {
            registry = new SimpleMeterRegistry();
            backend = MirroringBackend.builder(KeyValueStore.class)
                    .name("bench")
                    .primary("old", MapStore.fast(Data.KEYS, Data.VALUES))
                    .secondary("new", MapStore.withData(secondaryMillis, Data.KEYS, Data.VALUES))
                    .reads("get")
                    .writes("put")
                    .timeout(Duration.ofMillis(200))
                    .meterRegistry(registry)
                    .build();
            proxy = backend.proxy();
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams params) {
            boolean drained = backend.drain(Duration.ofSeconds(60));
            MeterReport.print(MirroredReadBenchmark.label(params) + " drained=" + drained, registry);
            backend.close();
        }
    }

    @Benchmark
    public String direct(Direct s, MirroredReadBenchmark.Cursor c) {
        return s.primary.get(c.nextKey());
    }

    @Benchmark
    public String dualstore(Dualstore s, MirroredReadBenchmark.Cursor c) {
        return s.proxy.get(c.nextKey());
    }
}
