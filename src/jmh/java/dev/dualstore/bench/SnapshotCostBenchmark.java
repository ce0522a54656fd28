package dev.dualstore.bench;

import dev.dualstore.compare.DeepComparator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code snapshotResults} costs the caller: {@link DeepComparator#snapshot} of an answer of
 * {@code size} entities without {@code equals} (five fields, one a list of two tags), and of
 * {@code size} records of the same shape, against copying the answer's list alone. Run:
 * {@code java -jar target/benchmarks.jar SnapshotCostBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SnapshotCostBenchmark {

    /** An entity as an ORM maps one: no equals, mutable fields. */
    public static final class Owner {
        Long id;
        String name;
        String city;
        Instant since;
        List<String> tags;

        Owner(long id) {
            this.id = id;
            this.name = "owner-" + id;
            this.city = "city-" + (id % 10);
            this.since = Instant.ofEpochSecond(1_700_000_000L + id);
            this.tags = new ArrayList<>(List.of("a", "b"));
        }
    }

    /** The same row as a record. */
    public record OwnerRow(Long id, String name, String city, Instant since, List<String> tags) {}

    @State(Scope.Benchmark)
    public static class Answers {
        @Param({"1", "10", "100", "1000"})
        int size;
        List<Owner> entities;
        List<OwnerRow> records;

        @Setup(Level.Trial)
        public void setUp() {
            entities = new ArrayList<>(size);
            records = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                Owner o = new Owner(i);
                entities.add(o);
                records.add(new OwnerRow(o.id, o.name, o.city, o.since, new ArrayList<>(o.tags)));
            }
        }
    }

    @Benchmark
    public Object listCopyOnly(Answers a) {
        return new ArrayList<>(a.entities);
    }

    @Benchmark
    public Object snapshotOfEntities(Answers a) {
        return DeepComparator.snapshot(a.entities);
    }

    @Benchmark
    public Object snapshotOfRecords(Answers a) {
        return DeepComparator.snapshot(a.records);
    }
}
