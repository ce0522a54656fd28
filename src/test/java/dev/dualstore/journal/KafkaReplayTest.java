package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.MirroringBackend;
import dev.dualstore.backfill.AccountStore;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.EmbeddedKafka;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Replayer#from(KafkaJournal)}: a consumer group over the topic, against a real broker in this JVM. */
class KafkaReplayTest {
    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @RegisterExtension
    static final Databases databases = new Databases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore primary = new InMemoryKeyValueStore();

    private KafkaJournal journal(int partitions) throws Exception {
        return KafkaJournal.builder(kafka.clientConfig(), kafka.newTopic(partitions)).meterRegistry(registry).build();
    }

    /** Writes through a backend with the journal: puts and order-sensitive appends over a few keys. */
    private void write(KafkaJournal journal, int writes, int seed) {
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", primary).journal(journal).meterRegistry(new SimpleMeterRegistry()).build();
        Random random = new Random(seed);
        for (int i = 0; i < writes; i++) {
            String key = "k" + random.nextInt(13);
            if (random.nextBoolean()) {
                backend.proxy().put(key, seed + ":" + i);
            } else {
                backend.proxy().append(key, seed + ":" + i);
            }
        }
        backend.close();
        assertThat(backend.keysToRepair("journal")).isEmpty();
    }

    /** The offsets the replay group committed, by partition. */
    private static Map<TopicPartition, OffsetAndMetadata> committed(String replay) throws Exception {
        return kafka.committed("dualstore-replay-" + replay);
    }

    @Test
    void replaysEachOperationInKeyOrderAndReportsCaughtUp() throws Exception {
        KafkaJournal journal = journal(4);
        write(journal, 300, 1);
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();

        Replayer replayer = Replayer.from(journal).to(target).name("ops-" + journal.name()).batchSize(64)
                .meterRegistry(registry).build();
        assertThat(replayer.runUntilCaughtUp()).isEqualTo(300);

        // Appends are order-sensitive: an entry applied twice, or out of its key's order, shows in the histories.
        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        assertThat(replayer.caughtUp()).isTrue();
        assertThat(replayer.position()).isEqualTo(-1);
        assertThat(meters.count("dualstore.replay.entries", "replay", replayer.name(), "result", "applied")).isEqualTo(300);
        assertThat(registry.get("dualstore.replay.lag.entries").tag("replay", replayer.name()).gauge().value()).isZero();
        assertThat(registry.get("dualstore.replay.caught.up").tag("replay", replayer.name()).gauge().value()).isEqualTo(1);
        assertThat(logs.events()).anySatisfy(CapturedLogs.mentioning("replay " + replayer.name(), "caught up at partitions"));
        assertThat(committed(replayer.name()).values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(300);
        replayer.close();
        journal.close();
    }

    @Test
    void aRestartResumesFromTheCommittedOffsetsAndFromBeginningRebuilds() throws Exception {
        KafkaJournal journal = journal(3);
        String name = "resume-" + journal.name();
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();
        write(journal, 120, 2);
        assertThat(Replayer.from(journal).to(target).name(name).meterRegistry(registry).runUntilCaughtUp()).isEqualTo(120);
        write(journal, 80, 3);
        assertThat(Replayer.from(journal).to(target).name(name).meterRegistry(registry).runUntilCaughtUp()).isEqualTo(80);
        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        assertThat(Replayer.from(journal).to(target).name(name).meterRegistry(registry).runUntilCaughtUp()).isZero();

        InMemoryKeyValueStore rebuilt = new InMemoryKeyValueStore();
        assertThat(Replayer.from(journal).to(rebuilt).name(name).fromBeginning().meterRegistry(registry)
                .runUntilCaughtUp()).isEqualTo(200);
        assertThat(rebuilt.snapshot()).isEqualTo(primary.snapshot());
        assertThatThrownBy(() -> Replayer.from(journal).to(target).checkpoints(JdbcCheckpoints.in(
                databases.of(Server.H2), "cp")).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoints(...) does not apply").hasMessageContaining(journal.name());
        journal.close();
    }

    @Test
    void replayByKeyCopiesEachKeysRowFromPostgresToMariaDb() throws Exception {
        JdbcTable primaryTable = ReplayerTest.accounts(Server.POSTGRESQL, "kafka_accounts");
        JdbcTable targetTable = ReplayerTest.accounts(Server.MARIADB, "kafka_accounts");
        KafkaJournal journal = journal(4);
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class)
                .primary("old", AccountStore.over(primaryTable)).journal(journal).meterRegistry(new SimpleMeterRegistry())
                .build();
        Random random = new Random(10);
        for (int i = 0; i < 200; i++) {
            long id = random.nextInt(40);
            if (random.nextInt(4) == 0) {
                backend.proxy().remove(id);
            } else {
                backend.proxy().put(id, i, "write " + i);
            }
        }
        backend.close();
        String name = "bykey-" + journal.name();
        assertThat(Replayer.from(journal).byKey(primaryTable, targetTable).name(name).batchSize(50)
                .meterRegistry(registry).runUntilCaughtUp()).isEqualTo(200);
        assertThat(ReplayerTest.all(targetTable)).isEqualTo(ReplayerTest.all(primaryTable)).isNotEmpty();
        // Idempotent: the whole journal again changes nothing.
        assertThat(Replayer.from(journal).byKey(primaryTable, targetTable).name(name).fromBeginning().batchSize(25)
                .meterRegistry(registry).runUntilCaughtUp()).isEqualTo(200);
        assertThat(ReplayerTest.all(targetTable)).isEqualTo(ReplayerTest.all(primaryTable));
        journal.close();
    }

    @Test
    void twoReplayersInOneGroupSplitThePartitionsAndApplyEachEntryOnce() throws Exception {
        KafkaJournal journal = journal(6);
        String name = "pair-" + journal.name();
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();
        SimpleMeterRegistry registryA = new SimpleMeterRegistry();
        SimpleMeterRegistry registryB = new SimpleMeterRegistry();
        Replayer a = Replayer.from(journal).to(target).name(name).pollInterval(Duration.ofMillis(5)).batchSize(16)
                .meterRegistry(registryA).start();
        Replayer b = Replayer.from(journal).to(target).name(name).pollInterval(Duration.ofMillis(5)).batchSize(16)
                .meterRegistry(registryB).start();
        // Both in the group, each with partitions, before any entry exists: no rebalance moves one mid-replay.
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("dualstore-replay-" + name))
                        .all().get(10, TimeUnit.SECONDS).get("dualstore-replay-" + name);
                List<MemberDescription> members = List.copyOf(group.members());
                return members.size() == 2 && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())
                        && group.groupState().toString().equalsIgnoreCase("stable");
            });
        }
        write(journal, 600, 4);
        assertThat(a.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        assertThat(b.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
        double byA = new MeterReader(registryA).count("dualstore.replay.entries", "replay", name, "result", "applied");
        double byB = new MeterReader(registryB).count("dualstore.replay.entries", "replay", name, "result", "applied");
        a.close();
        b.close();

        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        assertThat(byA).isPositive();
        assertThat(byB).isPositive();
        assertThat(byA + byB).isEqualTo(600);
        journal.close();
    }

    @Test
    void aCorruptRecordStopsReplayNamingItsPartitionAndOffsetAndIsNeverSkipped() throws Exception {
        KafkaJournal journal = journal(2);
        write(journal, 10, 5);
        RecordMetadata torn;
        RecordMetadata altered;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.rawProducerConfig())) {
            torn = producer.send(new ProducerRecord<>(journal.name(), 1, "x", new byte[] {'{', '"', 'v'})).get();
            JournalEntry entry = new JournalEntry(1, java.time.Instant.now(), "kv", "old", "put(java.lang.String,java.lang.String)",
                    JournalKeys.encode("k1"), "[\"k1\",\"v\"]", false);
            String value = new String(KafkaEntries.encode(entry), StandardCharsets.UTF_8).replace("\"store\":\"old\"", "\"store\":\"olD\"");
            altered = producer.send(new ProducerRecord<>(journal.name(), 0, JournalKeys.encode("k1"),
                    value.getBytes(StandardCharsets.UTF_8))).get();
        }
        write(journal, 10, 6);
        String name = "corrupt-" + journal.name();
        Replayer replayer = Replayer.from(journal).to(new InMemoryKeyValueStore()).name(name).meterRegistry(registry)
                .build();
        java.util.Set<Integer> stoppedAt = new java.util.TreeSet<>();
        for (int run = 0; run < 3; run++) {
            assertThatThrownBy(replayer::runUntilCaughtUp).isInstanceOfSatisfying(JournalCorruptedException.class, e -> {
                RecordMetadata at = e.partition() == torn.partition() ? torn : altered;
                assertThat(e.partition()).isEqualTo(at.partition());
                assertThat(e.position()).isEqualTo(at.offset());
                assertThat(e).hasMessageContaining("partition " + at.partition() + ", offset " + at.offset())
                        .hasMessageContaining(at == torn ? "is torn" : "fails its checksum")
                        .hasMessageContaining("skips nothing");
                stoppedAt.add(e.partition());
                // The entries before it were applied and committed; the bad one never is, however often retried.
                try {
                    assertThat(committed(name).get(new TopicPartition(journal.name(), e.partition())).offset())
                            .isEqualTo(at.offset());
                } catch (Exception failure) {
                    throw new AssertionError(failure);
                }
            });
        }
        assertThat(stoppedAt).isNotEmpty();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed(name).entrySet()) {
            RecordMetadata bad = e.getKey().partition() == torn.partition() ? torn : altered;
            assertThat(e.getValue().offset()).isLessThanOrEqualTo(bad.offset());
        }
        replayer.close();
        journal.close();
    }
}
