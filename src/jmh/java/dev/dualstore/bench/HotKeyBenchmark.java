package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Two caller threads on one hot key, calls per microsecond: both threads writing it
 * ({@code *Writers}), and one writing while the other reads it ({@code *ReadWrite} groups), direct
 * and through dualstore's keyed proxy. This is where per-key ordering of shadow writes and the
 * guard of keyed reads against racing writes could serialise callers.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HotKeyBenchmark {

    static final String HOT_KEY = Data.KEYS[0];
    static final String HOT_VALUE = Data.VALUES[0];

    @Benchmark
    @Threads(2)
    public void directWriters(KeyedCallBenchmark.Direct s) {
        s.primary.put(HOT_KEY, HOT_VALUE);
    }

    @Benchmark
    @Threads(2)
    public void dualstoreWriters(KeyedCallBenchmark.Dualstore s) {
        s.proxy.put(HOT_KEY, HOT_VALUE);
    }

    @Benchmark
    @Group("directReadWrite")
    @GroupThreads(1)
    public void directWrite(KeyedCallBenchmark.Direct s) {
        s.primary.put(HOT_KEY, HOT_VALUE);
    }

    @Benchmark
    @Group("directReadWrite")
    @GroupThreads(1)
    public String directRead(KeyedCallBenchmark.Direct s) {
        return s.primary.get(HOT_KEY);
    }

    @Benchmark
    @Group("dualstoreReadWrite")
    @GroupThreads(1)
    public void dualstoreWrite(KeyedCallBenchmark.Dualstore s) {
        s.proxy.put(HOT_KEY, HOT_VALUE);
    }

    @Benchmark
    @Group("dualstoreReadWrite")
    @GroupThreads(1)
    public String dualstoreRead(KeyedCallBenchmark.Dualstore s) {
        return s.proxy.get(HOT_KEY);
    }
}
