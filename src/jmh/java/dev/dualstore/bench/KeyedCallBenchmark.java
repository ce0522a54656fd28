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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The caller's cost of a keyed write (shadowed in per-key order) and of a keyed read (mirrored,
 * guarded against racing writes to its key) through dualstore, against the same calls made
 * directly on the primary. The interface carries {@code @Key}; the methods are classified by the
 * builder's {@code reads}/{@code writes}. One benchmark thread.
 */
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class KeyedCallBenchmark {

    @State(Scope.Thread)
    public static class Cursor {
        int index;

        int next() {
            int i = (index + 1) & Data.MASK;
            index = i;
            return i;
        }
    }

    @State(Scope.Benchmark)
    public static class Direct {
        KeyedStore primary;

        @Setup(Level.Trial)
        public void setUp() {
            primary = MapStore.fast(Data.KEYS, Data.VALUES);
        }
    }

    @State(Scope.Benchmark)
    public static class Dualstore {
        @Param({"0", "1"})
        long secondaryMillis;

        BenchBackend<KeyedStore> bench;
        KeyedStore proxy;

        @Setup(Level.Trial)
        public void setUp() {
            bench = BenchBackend.keyed(secondaryMillis);
            proxy = bench.proxy;
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams params) {
            bench.close(params);
        }
    }

    @Benchmark
    public String directKeyedRead(Direct s, Cursor c) {
        return s.primary.get(Data.KEYS[c.next()]);
    }

    @Benchmark
    public void directKeyedWrite(Direct s, Cursor c) {
        int i = c.next();
        s.primary.put(Data.KEYS[i], Data.VALUES[i]);
    }

    @Benchmark
    public String dualstoreKeyedRead(Dualstore s, Cursor c) {
        return s.proxy.get(Data.KEYS[c.next()]);
    }

    @Benchmark
    public void dualstoreKeyedWrite(Dualstore s, Cursor c) {
        int i = c.next();
        s.proxy.put(Data.KEYS[i], Data.VALUES[i]);
    }
}
