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

    @Benchmark
    public String direct(MirroredReadBenchmark.Direct s, MirroredReadBenchmark.Cursor c) {
        return s.primary.get(c.nextKey());
    }

    @Benchmark
    public String dualstore(MirroredReadBenchmark.Dualstore s, MirroredReadBenchmark.Cursor c) {
        return s.proxy.get(c.nextKey());
    }
}
