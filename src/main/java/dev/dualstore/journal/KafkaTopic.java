package dev.dualstore.journal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A {@link KafkaJournal}'s topic through Kafka's {@link Admin} client: checked (or created) when the
 * journal is built, and asked for its partitions' end offsets by a replayer's {@code
 * awaitCaughtUp}, and for a group's committed offsets. Threadsafe (the Admin client is).
 */
final class KafkaTopic implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final String topic;
    private final List<TopicPartition> partitions;

    private KafkaTopic(Admin admin, String topic, int partitions) {
        this.admin = admin;
        this.topic = topic;
        this.partitions = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p))
                .toList();
    }

    /**
     * Opens the Admin client and finds the topic, creating it with {@code create} partitions if it
     * is absent and {@code create} is not null.
     */
    static KafkaTopic open(Map<String, Object> config, String topic, Integer create) {
        Admin admin = Admin.create(only(config, AdminClientConfig.configNames()));
        try {
            return new KafkaTopic(admin, topic, partitions(admin, topic, create));
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
    }

    private static int partitions(Admin admin, String topic, Integer create) {
        try {
            try {
                return describe(admin, topic).partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || create == null) {
                    throw e;
                }
            }
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(create), Optional.empty()))).all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            // A new topic reaches the brokers' metadata, and its partitions their leaders, a moment
            // after its creation returns. Wait for both: if an idempotent producer's first batch to a
            // partition is refused (not leader yet) and a later one is written, the first one's retry
            // is refused for good (OutOfOrderSequenceException) until it expires, 2 minutes later.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (long pause = 10; ; pause = Math.min(pause * 2, 500)) {
                try {
                    TopicDescription created = describe(admin, topic);
                    if (created.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        // Offsets come from each partition's log on its leader: once every one answers,
                        // the leaders take writes.
                        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                        created.partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()),
                                OffsetSpec.latest()));
                        admin.listOffsets(ends).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        return created.partitions().size();
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka journal " + topic + ": created, but its partitions had no"
                                + " leader after " + TIMEOUT_SECONDS + " s");
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                Thread.sleep(pause);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("Kafka journal " + topic + ": the topic does not exist; create it, or"
                        + " give the journal partitions(n) to create it");
            }
            throw new IllegalStateException("Kafka journal " + topic + ": cannot describe or create the topic: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka journal " + topic + ": no answer from the cluster in "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Kafka journal " + topic + ": interrupted while opening the topic", e);
        }
    }

    private static TopicDescription describe(Admin admin, String topic) throws ExecutionException,
            InterruptedException, TimeoutException {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
    }

    /** @return the topic's partitions, as the journal was built */
    List<TopicPartition> partitions() {
        return partitions;
    }

    /** @return each partition's end offset: the offset its next record will get */
    Map<Integer, Long> endOffsets() {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        try {
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((p, info) -> ends.put(p.partition(), info.offset()));
            return ends;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka journal " + topic + ": cannot read its end offsets: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Kafka journal " + topic + ": interrupted", e);
        }
    }

    /**
     * @return the next offset of each partition for {@code group}: the one it committed, or the
     *     partition's first where it committed none
     */
    Map<Integer, Long> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            partitions.forEach(p -> earliest.put(p, OffsetSpec.earliest()));
            Map<TopicPartition, ListOffsetsResultInfo> firsts = admin.listOffsets(earliest).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<Integer, Long> next = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndMetadata at = committed.get(p);
                next.put(p.partition(), at != null ? at.offset() : firsts.get(p).offset());
            }
            return next;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka journal " + topic + ": cannot read the offsets of group " + group
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Kafka journal " + topic + ": interrupted", e);
        }
    }

    /** @return the entries past what {@code group} committed, over every partition */
    long groupLag(String group) {
        Map<Integer, Long> ends = endOffsets();
        return committed(group).entrySet().stream()
                .mapToLong(e -> Math.max(0, ends.getOrDefault(e.getKey(), 0L) - e.getValue())).sum();
    }

    /** @return whether {@code group} committed every partition up to {@code ends} */
    boolean groupReached(String group, Map<Integer, Long> ends) {
        return committed(group).entrySet().stream().allMatch(e -> e.getValue() >= ends.getOrDefault(e.getKey(), 0L));
    }

    /** @return the settings of {@code config} that a client of {@code names} knows (others would be logged as unknown) */
    static Map<String, Object> only(Map<String, Object> config, Set<String> names) {
        Map<String, Object> some = new HashMap<>();
        config.forEach((k, v) -> {
            if (names.contains(k)) {
                some.put(k, v);
            }
        });
        return some;
    }

    @Override
    public void close() {
        admin.close();
    }
}
