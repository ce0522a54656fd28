package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.Key;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Write;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.EmbeddedKafka;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The write side of {@link KafkaJournal}, against a real broker in this JVM. */
class KafkaJournalTest {
    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A DAO with a write that has no key. */
    public interface EventLog {
        @Write
        void add(String line);

        @Write
        void put(@Key String key, String line);
    }

    /** Every record of a topic, read from the start, as (partition, entry) in each partition's offset order. */
    static Map<Integer, List<JournalEntry>> readAll(String topic, int partitions) {
        Map<Integer, List<JournalEntry>> all = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.rawConsumerConfig())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    all.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                            .add(KafkaEntries.decode(topic, r.partition(), r.offset(), r.key(), r.value()));
                }
            }
        }
        return all;
    }

    @Test
    void eachKeysWritesLandInOnePartitionInTheOrderOfEachProducer() throws Exception {
        String topic = kafka.newTopic(4);
        int producers = 3;
        int writes = 300;
        ConcurrentTestHarness.runConcurrently(producers, p -> {
            SimpleMeterRegistry own = new SimpleMeterRegistry();
            KafkaJournal journal = KafkaJournal.builder(kafka.clientConfig(), topic).meterRegistry(own).build();
            MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv" + p)
                    .primary("old", new InMemoryKeyValueStore()).journal(journal).meterRegistry(own).build();
            for (int i = 0; i < writes; i++) {
                backend.proxy().append("k" + (i % 11), Integer.toString(i));
            }
            backend.close();
            assertThat(backend.keysToRepair("journal")).isEmpty();
            assertThat(new MeterReader(own).count("dualstore.journal.appends", "journal", topic, "result", "success"))
                    .isEqualTo(writes);
            journal.close();
        });

        Map<Integer, List<JournalEntry>> all = readAll(topic, 4);
        assertThat(all.values().stream().mapToInt(List::size).sum()).isEqualTo(producers * writes);
        assertThat(all).as("keys spread over partitions").hasSizeGreaterThan(1);
        Map<Object, Integer> partitionOfKey = new HashMap<>();
        Map<String, Integer> lastOfProducerAndKey = new HashMap<>();
        all.forEach((partition, entries) -> {
            long position = 0;
            for (JournalEntry e : entries) {
                assertThat(e.position()).as("positions are offsets + 1, in order").isGreaterThan(position);
                position = e.position();
                assertThat(partitionOfKey.merge(e.decodedKey(), partition, (a, b) -> a)).as("partition of %s",
                        e.decodedKey()).isEqualTo(partition);
                int value = Integer.parseInt(e.arguments().replaceAll(".*\"(\\d+)\".*", "$1"));
                Integer before = lastOfProducerAndKey.put(e.backend() + "/" + e.decodedKey(), value);
                assertThat(before == null || before < value).as("order of %s of %s", e.decodedKey(), e.backend())
                        .isTrue();
                assertThat(e.method()).isEqualTo("append(java.lang.String,java.lang.String)");
                assertThat(e.store()).isEqualTo("old");
            }
        });
        assertThat(lastOfProducerAndKey).hasSize(producers * 11).allSatisfy((k, last) -> assertThat(last)
                .isGreaterThanOrEqualTo(writes - 11));
    }

    @Test
    void writesWithoutAKeyAllGoToPartitionZeroInOrder() throws Exception {
        String topic = kafka.newTopic(3);
        KafkaJournal journal = KafkaJournal.builder(kafka.clientConfig(), topic).meterRegistry(registry).build();
        EventLog primary = new EventLog() {
            @Override
            public void add(String line) {
            }

            @Override
            public void put(String key, String line) {
            }
        };
        MirroringBackend<EventLog> backend = MirroringBackend.builder(EventLog.class).primary("old", primary)
                .journal(journal).meterRegistry(registry).build();
        for (int i = 0; i < 50; i++) {
            backend.proxy().add("line " + i);
            backend.proxy().put("key" + i, "line " + i);
        }
        backend.close();
        journal.close();
        Map<Integer, List<JournalEntry>> all = readAll(topic, 3);
        List<String> unkeyed = new ArrayList<>();
        all.forEach((partition, entries) -> entries.stream().filter(e -> e.key() == null).forEach(e -> {
            assertThat(partition).isZero();
            unkeyed.add(e.arguments());
        }));
        assertThat(unkeyed).hasSize(50).first().isEqualTo("[\"line 0\"]");
        assertThat(unkeyed).last().isEqualTo("[\"line 49\"]");
        assertThat(all.values().stream().mapToLong(List::size).sum()).isEqualTo(100);
    }

    @Test
    void anAppendTheBrokerRefusesIsCountedAndItsKeyListedForRepair() throws Exception {
        String topic = kafka.newTopic(2);
        Map<String, Object> config = kafka.clientConfig();
        config.put("max.request.size", 2_000);
        KafkaJournal journal = KafkaJournal.builder(config, topic).meterRegistry(registry).build();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", new InMemoryKeyValueStore()).journal(journal).meterRegistry(registry).build();
        backend.proxy().put("small", "fits");
        backend.proxy().put("large", "x".repeat(5_000));
        assertThat(backend.drain(Duration.ofSeconds(30))).isTrue();
        assertThat(backend.keysToRepair("journal")).containsExactly("large");
        MeterReader meters = new MeterReader(registry);
        assertThat(meters.count("dualstore.journal.appends", "journal", topic, "result", "success")).isEqualTo(1);
        assertThat(meters.count("dualstore.journal.appends", "journal", topic, "result", "error")).isEqualTo(1);
        assertThat(logs.warnings(KafkaJournal.class.getName())).singleElement().satisfies(CapturedLogs.mentioning(
                "journal " + topic, "could not append 1 entries", "RecordTooLargeException"));
        backend.close();
        journal.close();
        assertThat(registry.find("dualstore.journal.pending").gauges()).isEmpty();
        // A write after the journal closed is refused and listed too.
        MirroringBackend<KeyValueStore> late = MirroringBackend.builder(KeyValueStore.class).name("late")
                .primary("old", new InMemoryKeyValueStore()).journal(journal).meterRegistry(registry).build();
        late.proxy().put("after-close", "v");
        assertThat(late.drain(Duration.ofSeconds(30))).isTrue();
        assertThat(late.keysToRepair("journal")).containsExactly("after-close");
        late.close();
    }

    @Test
    void aFullJournalRejectsTheWriteAndTheBackendListsIt() throws Exception {
        String topic = kafka.newTopic(1);
        KafkaJournal journal = KafkaJournal.builder(kafka.clientConfig(), topic).maxPending(1).meterRegistry(registry)
                .build();
        Set<Object> repaired = ConcurrentHashMap.newKeySet();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", new InMemoryKeyValueStore()).journal(journal).meterRegistry(registry).build();
        for (int i = 0; i < 200; i++) {
            backend.proxy().put("k" + i, "v");
        }
        assertThat(backend.drain(Duration.ofSeconds(30))).isTrue();
        repaired.addAll(backend.keysToRepair("journal"));
        MeterReader meters = new MeterReader(registry);
        double ok = meters.count("dualstore.journal.appends", "journal", topic, "result", "success");
        double rejected = meters.count("dualstore.journal.appends", "journal", topic, "result", "rejected");
        assertThat(ok + rejected).isEqualTo(200);
        assertThat(repaired).hasSize((int) rejected);
        assertThat(readAll(topic, 1).getOrDefault(0, List.of())).hasSize((int) ok);
        backend.close();
        journal.close();
    }

    @Test
    void buildRefusesSettingsThatWouldLoseOrReorderEntriesAndAMissingTopic() throws Exception {
        String topic = kafka.newTopic(1);
        for (Object[] bad : new Object[][] {{"acks", "1", "acks=all"}, {"enable.idempotence", "false", "idempotence"},
                {"max.in.flight.requests.per.connection", 6, "at most 5"}, {"group.id", "mine", "group.id is set by"},
                {"value.serializer", "x", "value.serializer is set by"}}) {
            Map<String, Object> config = kafka.clientConfig();
            config.put((String) bad[0], bad[1]);
            assertThatThrownBy(() -> KafkaJournal.builder(config, topic).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("journal " + topic)
                    .hasMessageContaining((String) bad[2]);
        }
        assertThatThrownBy(() -> KafkaJournal.builder(Map.of(), topic).build()).hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> KafkaJournal.builder(kafka.clientConfig(), topic).maxPending(1).maxPending(2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxPending was already set");
        assertThatThrownBy(() -> KafkaJournal.builder(kafka.clientConfig(), "absent-" + topic).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absent-" + topic)
                .hasMessageContaining("does not exist");

        Map<String, Object> allAcks = kafka.clientConfig();
        allAcks.put("acks", "all");
        try (KafkaJournal created = KafkaJournal.builder(allAcks, "created-" + topic).partitions(3)
                .meterRegistry(registry).build()) {
            assertThat(created.topic().partitions()).hasSize(3);
            assertThat(created.topic().endOffsets()).containsOnlyKeys(0, 1, 2).containsValues(0L);
            assertThat(created.name()).isEqualTo("created-" + topic);
        }
    }
}
