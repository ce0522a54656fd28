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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same mirrored read as {@link MirroredReadBenchmark}, fast secondary, but the caller pauses
 * about 2 us of CPU work between calls (outside the timed region), so the offered rate stays
 * within what the secondary threads can absorb and nearly every call is actually mirrored and
 * compared rather than {@code rejected}. This is the caller's cost of the accepted hand-off.
 */
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PacedReadBenchmark {

    /** About 2 us of CPU work before each call, not timed. */
    @State(Scope.Thread)
    public static class Pace {
        @Setup(Level.Invocation)
        public void pause() {
            Blackhole.consumeCPU(1000);
        }
    }

    @State(Scope.Benchmark)
    public static class Dualstore {
        BenchBackend<KeyValueStore> bench;
        KeyValueStore proxy;

        @Setup(Level.Trial)
        public void setUp() {
            bench = BenchBackend.unkeyed(0);
            proxy = bench.proxy;
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams params) {
            bench.close(params);
        }
    }

    @Benchmark
    public String pacedDirect(MirroredReadBenchmark.Direct s, Pace p, MirroredReadBenchmark.Cursor c) {
        return s.primary.get(c.nextKey());
    }

    @Benchmark
    public String pacedDualstore(Dualstore s, Pace p, MirroredReadBenchmark.Cursor c) {
        return s.proxy.get(c.nextKey());
    }
}
