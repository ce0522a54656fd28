package dev.dualstore.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker in the test JVM, in KRaft mode (one node that is broker and controller), for
 * one test class: Kafka's own {@link KafkaClusterTestKit} from Maven Central, on random free
 * ports, its logs in a temporary folder deleted after the class. No Docker.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafka kafka = new EmbeddedKafka();
 * ...
 * String topic = kafka.newTopic(4);
 * KafkaJournal journal = KafkaJournal.builder(kafka.clientConfig(), topic).build();
 * }</pre>
 *
 * Starting takes a few seconds, so a class shares one broker, started by the first call that needs
 * it (a class whose tests use it only in part pays only when they run); each test makes topics of
 * its own with {@link #newTopic}. Threadsafe.
 */
public final class EmbeddedKafka implements BeforeAllCallback, AfterAllCallback {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private KafkaClusterTestKit cluster;
    private Path dir;

    @Override
    public void beforeAll(ExtensionContext context) {
        // Started on first use.
    }

    private synchronized KafkaClusterTestKit cluster() {
        if (cluster == null) {
            try {
                start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the in-JVM Kafka broker: " + e, e);
            }
        }
        return cluster;
    }

    private void start() throws Exception {
        dir = Files.createTempDirectory("dualstore-kafka");
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBaseDirectory(dir).build();
        KafkaClusterTestKit started = new KafkaClusterTestKit.Builder(nodes)
                // One broker: its internal topics cannot have three replicas.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                // So a test can give a replayer it kills -9 a session that ends in a second (the
                // group then reassigns its partitions without waiting the default 45 s).
                .setConfigProp("group.min.session.timeout.ms", "500")
                .setDeleteOnClose(true).build();
        started.format();
        started.startup();
        started.waitForReadyBrokers();
        cluster = started;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            cluster = null;
            if (dir != null && Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** @return the broker's {@code bootstrap.servers} */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }

    /** @return a new client configuration with {@code bootstrap.servers} set, to add to */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    /** @return a config for a plain consumer of raw records (String keys, byte[] values) reading from the start */
    public Map<String, Object> rawConsumerConfig() {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.StringDeserializer");
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        return config;
    }

    /** @return a config for a plain producer of raw records (String keys, byte[] values) */
    public Map<String, Object> rawProducerConfig() {
        Map<String, Object> config = clientConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringSerializer");
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArraySerializer");
        return config;
    }

    /** @return the offsets consumer group {@code group} committed, by partition */
    public Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (Admin admin = Admin.create(clientConfig())) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }

    /** Creates a topic of a name no other test uses, and waits until the broker describes it. */
    public String newTopic(int partitions) throws Exception {
        String name = "t" + TOPICS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(clientConfig())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // The broker's metadata has the topic a moment after the creation returns.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name)
                            .partitions().size() == partitions);
        }
        return name;
    }
}
