package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import dev.dualstore.journal.JdbcJournal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
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
 * The caller's cost of a keyed write with the journal on: the same write through a backend with a
 * fast secondary, without a journal ({@code none}) and with a {@link JdbcJournal} on the local
 * PostgreSQL ({@code jdbc}), against the direct call. One benchmark thread writes as fast as the
 * proxy returns, far above the journal's throughput, so most appends are shed (counted and listed
 * for repair, printed at the end of each trial): the caller's median must not move either way.
 *
 * <p>Needs PostgreSQL at 127.0.0.1:5432 (user postgres); creates and drops {@code dualstore_bench_jcaller}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class JournalCallerBenchmark {
    private static final String DB = "dualstore_bench_jcaller";

    // The cursor over the keys and the direct call are KeyedCallBenchmark's, so both compare alike.

    @State(Scope.Benchmark)
    public static class Journaled {
        @Param({"none", "jdbc"})
        String journal;

        Databases.Pool pool;
        JdbcJournal jdbcJournal;
        SimpleMeterRegistry registry;
        MirroringBackend<KeyedStore> backend;
        KeyedStore proxy;

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            registry = new SimpleMeterRegistry();
            MirroringBackend.Builder<KeyedStore> builder = MirroringBackend.builder(KeyedStore.class).name("bench-journal")
                    .primary("old", MapStore.fast(Data.KEYS, Data.VALUES))
                    .secondary("new", MapStore.withData(0, Data.KEYS, Data.VALUES))
                    .reads("get").writes("put").timeout(Duration.ofMillis(200)).meterRegistry(registry);
            if (journal.equals("jdbc")) {
                Databases.admin(Databases.PG_ADMIN, "postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)",
                        "CREATE DATABASE " + DB);
                pool = new Databases.Pool(Databases.pgUrl(DB), "postgres");
                jdbcJournal = JdbcJournal.builder(pool, "journal").meterRegistry(registry).build();
                builder.journal(jdbcJournal);
            }
            backend = builder.build();
            proxy = backend.proxy();
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams params) throws Exception {
            boolean drained = backend.drain(Duration.ofSeconds(60));
            MeterReport.print(MirroredReadBenchmark.label(params) + " drained=" + drained, registry);
            backend.close();
            if (jdbcJournal != null) {
                System.out.printf("journal: %,d entries appended, %,d writes listed for repair%n",
                        jdbcJournal.lastPosition(), backend.keysToRepair("journal").size());
                jdbcJournal.close();
                pool.close();
                Databases.admin(Databases.PG_ADMIN, "postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            }
        }
    }

    @Benchmark
    public void directKeyedWrite(KeyedCallBenchmark.Direct s, KeyedCallBenchmark.Cursor c) {
        int i = c.next();
        s.primary.put(Data.KEYS[i], Data.VALUES[i]);
    }

    @Benchmark
    public void dualstoreKeyedWrite(Journaled s, KeyedCallBenchmark.Cursor c) {
        int i = c.next();
        s.proxy.put(Data.KEYS[i], Data.VALUES[i]);
    }
}
