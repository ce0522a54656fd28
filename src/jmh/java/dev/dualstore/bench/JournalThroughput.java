package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import dev.dualstore.journal.JdbcJournal;
import dev.dualstore.journal.Replayer;
import dev.dualstore.spi.WriteObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDBC journal on PostgreSQL (127.0.0.1:5432, postgres): append throughput through a backend
 * (writers calling a proxy whose primary is in memory, so the journal is the bottleneck), with the
 * shared worker pool and with a backend's own pool of 32 threads, queues large enough to hold every
 * write (the clock stops when the journal holds the last); replay throughput by operation of
 * the entries just appended, against the append rate; and the caller's median cost of a write with
 * the journal on against a write observer that does nothing. Creates and drops the database
 * {@code dualstore_bench_journal}.
 *
 * <p>Run: {@code java -cp target/benchmarks.jar:<pgjdbc.jar> dev.dualstore.bench.JournalThroughput
 * 100000 4} (writes per run, writer threads).
 */
public final class JournalThroughput {
    private static final String DB = "dualstore_bench_journal";

    private JournalThroughput() {}

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        System.out.printf("java %s, %d cores; %,d writes per run, %d writer threads%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), writes, writers);
        Databases.admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)", "CREATE DATABASE " + DB);
        try (Databases.Pool pg = new Databases.Pool("jdbc:postgresql://127.0.0.1:5432/" + DB,
                "postgres")) {
            System.out.println("| run | what | entries | seconds | per second |");
            System.out.println("|---|---|---|---|---|");
            for (int threads : new int[] {0, 32}) {
                String table = "journal_" + (threads == 0 ? "shared" : "own" + threads);
                // Queues that hold every write: the run times the journal, not the shedding of a burst.
                JdbcJournal journal = JdbcJournal.builder(pg, table).maxPending(writes).meterRegistry(new SimpleMeterRegistry())
                        .build();
                double appendRate = append(journal, threads, writes, writers);
                MapStore target = new MapStore(0);
                long start = System.nanoTime();
                long replayed = Replayer.from(journal).to(target).batchSize(1000).meterRegistry(new SimpleMeterRegistry())
                        .runUntilCaughtUp();
                double seconds = (System.nanoTime() - start) / 1e9;
                row(table, "replay by operation", replayed, seconds);
                System.out.printf("| %s | replay / append | | | **%.1fx** |%n", table, replayed / seconds / appendRate);
                journal.close();
            }
            callerMedian(pg, writers);
        } finally {
            Databases.admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres",
                    "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
        }
    }

    private static MirroringBackend<KeyValueStore> backend(WriteObserver observer, int threads) {
        MirroringBackend.Builder<KeyValueStore> b = MirroringBackend.builder(KeyValueStore.class).name("bench")
                .primary("old", new MapStore(0)).reads("get").writes("put").key("put", a -> a[0])
                .timeout(Duration.ofSeconds(30)).maxPending(1 << 20).meterRegistry(new SimpleMeterRegistry());
        if (observer instanceof JdbcJournal journal) {
            b.journal(journal);
        } else {
            b.writeObserver("nothing", observer);
        }
        return (threads > 0 ? b.threads(threads) : b).build();
    }

    /** Writers put distinct keys as fast as the proxy returns; the clock stops when the journal holds every write. */
    private static double append(JdbcJournal journal, int threads, int writes, int writers) throws Exception {
        MirroringBackend<KeyValueStore> backend = backend(journal, threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        Thread[] started = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            started[w] = new Thread(() -> {
                for (int i; (i = next.getAndIncrement()) < writes;) {
                    backend.proxy().put("key-" + i, "value " + i);
                }
            });
            started[w].start();
        }
        for (Thread t : started) {
            t.join();
        }
        backend.drain(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        long appended = journal.lastPosition();
        String name = journal.name();
        row(name, "append through a backend (" + (threads == 0 ? "shared pool of 4" : "own pool of " + threads) + "), "
                + backend.keysToRepair("journal").size() + " listed for repair", appended, seconds);
        backend.close();
        return appended / seconds;
    }

    private static void row(String run, String what, long entries, double seconds) {
        System.out.printf("| %s | %s | %,d | %.2f | %,.0f |%n", run, what, entries, seconds, entries / seconds);
    }

    /**
     * The caller's cost of one write, median of 20,000 paced calls (one every 200 us, below the
     * journal's throughput) after 20,000 of warm-up: with the journal, and with an observer that does nothing.
     */
    private static void callerMedian(Databases.Pool pg, int writers) throws Exception {
        JdbcJournal journal = JdbcJournal.builder(pg, "journal_median").meterRegistry(new SimpleMeterRegistry()).build();
        System.out.println();
        System.out.println("| observer | caller's median (ns) | p90 (ns) |");
        System.out.println("|---|---|---|");
        for (int round = 0; round < 3; round++) {
            for (WriteObserver observer : new WriteObserver[] {write -> { }, journal}) {
                MirroringBackend<KeyValueStore> backend = backend(observer, 0);
                long[] nanos = new long[20_000];
                for (int i = -20_000; i < nanos.length; i++) {
                    long deadline = System.nanoTime() + 200_000;
                    long t0 = System.nanoTime();
                    backend.proxy().put("k" + (i & 1023), "v");
                    long took = System.nanoTime() - t0;
                    if (i >= 0) {
                        nanos[i] = took;
                    }
                    while (System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                }
                backend.close();
                Arrays.sort(nanos);
                System.out.printf("| %s | %,d | %,d |%n", observer == journal ? "JdbcJournal" : "no-op observer",
                        nanos[nanos.length / 2], nanos[nanos.length * 9 / 10]);
            }
        }
        journal.close();
    }
}
