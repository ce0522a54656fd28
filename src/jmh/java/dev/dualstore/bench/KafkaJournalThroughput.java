package dev.dualstore.bench;

import dev.dualstore.MirroringBackend;
import dev.dualstore.journal.KafkaJournal;
import dev.dualstore.journal.Replayer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The Kafka journal on a one-node KRaft broker started in this JVM (Kafka's KafkaClusterTestKit,
 * as the tests use it), so broker, producer and replayer share the cores: append throughput
 * through a backend (writers calling a proxy whose primary is in memory, so the journal is the
 * bottleneck; the clock stops when the broker acknowledged the last write), then replay
 * throughput by operation of the entries just appended (one consumer, committing after each
 * poll), against the append rate. For 1 and 8 partitions, each an unmeasured warm-up round,
 * then the rounds asked for, each on a topic of its own.
 *
 * <p>Run (the broker is on the test class path, not in the benchmark jar):
 * {@code mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp}, then
 * {@code java -Dlogback.configurationFile=src/test/resources/logback-test.xml -cp
 * target/benchmarks.jar:$(cat target/test.cp) dev.dualstore.bench.KafkaJournalThroughput 500000 4 1,8 3}
 * (writes per run, writer threads, the partition counts to run one after the other, default 1,8;
 * measured rounds after the warm-up, default 3; replayers in the consumer group, default 1). Give it a heap it need not grow: {@code -Xms3g
 * -Xmx3g -XX:+AlwaysPreTouch}.
 */
public final class KafkaJournalThroughput {
    private KafkaJournalThroughput() {}

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int writers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int replayers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        System.out.printf("java %s, %d cores; %,d writes per run, %d writer threads%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), writes, writers);
        Path dir = Files.createTempDirectory("dualstore-bench-kafka");
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).setBaseDirectory(dir).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0").setDeleteOnClose(true).build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            System.out.println("| run | what | entries | seconds | per second |");
            System.out.println("|---|---|---|---|---|");
            for (int partitions : partitionsToRun(args)) {
                for (int round = 0; round <= rounds; round++) {
                    // Round 0 warms up the JIT (the broker's code too, which shares the JVM) and is not counted.
                    String topic = "journal-" + partitions + (round == 0 ? "-warm-up" : "-" + round);
                    KafkaJournal journal = KafkaJournal.builder(Map.of("bootstrap.servers", cluster.bootstrapServers()),
                            topic).partitions(partitions).maxPending(writes).meterRegistry(new SimpleMeterRegistry()).build();
                    double appendRate = append(journal, topic, writes, writers);
                    MapStore target = new MapStore(0);
                    long start = System.nanoTime();
                    long replayed = replay(journal, topic, target, replayers);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    row(topic, "replay by operation, " + replayers + " replayer(s) in one group (join included)",
                            replayed, seconds);
                    System.out.printf("| %s | replay / append | | | **%.1fx** |%n", topic, replayed / seconds / appendRate);
                    journal.close();
                }
            }
        }
    }

    /** Runs {@code replayers} replayers of one consumer group, each on a thread, until each caught up; returns the entries applied. */
    private static long replay(KafkaJournal journal, String topic, MapStore target, int replayers) throws Exception {
        java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();
        Thread[] threads = new Thread[replayers];
        for (int r = 0; r < replayers; r++) {
            threads[r] = new Thread(() -> applied.addAndGet(Replayer.from(journal).to(target).name("bench-" + topic)
                    .batchSize(1000).meterRegistry(new SimpleMeterRegistry()).runUntilCaughtUp()));
            threads[r].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return applied.get();
    }

    private static int[] partitionsToRun(String[] args) {
        return args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8};
    }

    /** Writers put distinct keys as fast as the proxy returns; the clock stops when the broker acknowledged every write. */
    private static double append(KafkaJournal journal, String topic, int writes, int writers) throws Exception {
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("bench")
                .primary("old", new MapStore(0)).reads("get").writes("put").key("put", a -> a[0])
                .timeout(Duration.ofSeconds(30)).maxPending(1 << 20).journal(journal)
                .meterRegistry(new SimpleMeterRegistry()).build();
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
        int missed = backend.keysToRepair("journal").size();
        row(topic, "append through a backend (shared pool of 4), " + missed + " listed for repair", writes - missed,
                seconds);
        backend.close();
        return (writes - missed) / seconds;
    }

    private static void row(String run, String what, long entries, double seconds) {
        System.out.printf("| %s | %s | %,d | %.2f | %,.0f |%n", run, what, entries, seconds, entries / seconds);
    }
}
