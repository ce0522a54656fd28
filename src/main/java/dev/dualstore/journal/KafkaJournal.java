package dev.dualstore.journal;

import dev.dualstore.spi.Invocation;
import dev.dualstore.spi.WriteObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A journal in a Kafka topic, for services of many instances: each instance's backend appends its
 * writes with its own producer, and {@link Replayer#from(KafkaJournal) replayers} of one name
 * share the topic's partitions in a consumer group. {@code KafkaJournal.builder(config,
 * "dualstore-journal").build()}, then {@code MirroringBackend.builder(...).journal(journal)}.
 *
 * <p><b>Order.</b> A write's record is keyed by its key's journal text, so Kafka's partitioner puts
 * every write of one key in one partition, in the order this producer sent it: writes to one key
 * reach the journal one at a time in the primary's order, one thread sends them, and the producer
 * is idempotent with at most 5 requests in flight, which keeps a partition's order through
 * retries. A write without a key goes to partition 0: the partitioner would spread unkeyed
 * records over partitions, and replayers of different partitions would apply them in any order.
 * Two instances' writes to one key are ordered by the broker only; replay {@link
 * Replayer.Builder#byKey by key} converges whatever that order is. Adding partitions to the topic
 * later moves keys to other partitions: don't, or rebuild.
 *
 * <p><b>Durability.</b> The producer runs with {@code acks=all} and idempotence; setting
 * otherwise is an error at {@code build()}. A write's stage completes when the broker acknowledged
 * its record, so the backend counts it in flight until then and {@code drain()} waits for it. A
 * write that could not be appended (more than {@link Builder#maxPending(int)} unacknowledged,
 * the broker's refusal or time-out, the journal closed) is counted in {@code
 * dualstore.journal.appends} and, through the backend, listed in {@code keysToRepair("journal")}.
 * As with {@link JdbcJournal}, what a process held in memory when it was killed -9 is lost.
 *
 * <p><b>Entries.</b> Each record value is the entry as JSON with a CRC-32C checksum over its
 * fields (see {@code KafkaEntries}); a torn or altered record stops replay with a {@link
 * JournalCorruptedException} naming its partition and offset. An entry's {@link
 * JournalEntry#position()} is its offset plus one.
 *
 * <p>{@link #close()} sends what is queued and waits for the acknowledgements (at most 10
 * seconds), then closes the producer; close the backends that write to it first. Threadsafe.
 */
public final class KafkaJournal implements WriteObserver, AutoCloseable {
    private final String topic;
    private final Map<String, Object> config;
    private final ArgumentCodec codec;
    private final Clock clock;
    private final JournalMeters meters;
    private final KafkaTopic admin;
    private final KafkaSender sender;
    private final Map<Method, String> signatures = new ConcurrentHashMap<>();

    private KafkaJournal(Builder b) {
        this.topic = b.topic;
        this.config = Map.copyOf(b.config);
        this.codec = b.codec != null ? b.codec : ArgumentCodec.builtIn();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.admin = KafkaTopic.open(config, topic, b.partitions);
        try {
            this.meters = new JournalMeters(b.registry != null ? b.registry : Metrics.globalRegistry, topic);
            this.sender = new KafkaSender(topic, new KafkaProducer<>(producerConfig(config), new StringSerializer(),
                    new ByteArraySerializer()), b.maxPending != null ? b.maxPending : 65_536, meters);
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
    }

    /**
     * A journal in topic {@code topic}, which must exist; see {@link Builder#partitions(int)} to
     * create it.
     *
     * @param config the Kafka clients' configuration: {@code bootstrap.servers} and whatever your
     *               cluster needs (security, client.id...); the journal sets the serializers, {@code
     *               acks}, idempotence, and the consumer's group and commits
     */
    public static Builder builder(Map<String, ?> config, String topic) {
        return new Builder(Objects.requireNonNull(config, "config"), Objects.requireNonNull(topic, "topic"));
    }

    /** @return the topic, which is the journal's name in meters and logs */
    public String name() {
        return topic;
    }

    /** @return the codec of the entries' arguments */
    public ArgumentCodec codec() {
        return codec;
    }

    @Override
    public void checkWrite(Method write) {
        codec.check(write);
    }

    /**
     * Encodes a write and queues its record for the journal's thread; never waits. Runs on
     * dualstore's worker thread.
     *
     * @return a stage completed once the broker acknowledged the record, or exceptionally if its append failed
     * @throws java.util.concurrent.RejectedExecutionException if too many writes are unacknowledged or the journal closed
     * @throws IllegalArgumentException if the key or an argument cannot be encoded
     */
    @Override
    public CompletableFuture<Void> record(Invocation write) {
        Method method = write.method();
        String signature = signatures.computeIfAbsent(method, ArgumentCodec::signature);
        String key = JournalKeys.encode(write.key());
        JournalEntry entry = new JournalEntry(1, clock.instant(), write.backend(), write.primary(), signature, key,
                codec.encode(method, write.arguments()), write.outcome().threw());
        return sender.send(new ProducerRecord<>(topic, key == null ? 0 : null, key, KafkaEntries.encode(entry)));
    }

    /** Records a write and waits until the broker acknowledged it; a backend calls {@link #record} instead. */
    @Override
    public void onWrite(Invocation write) throws Exception {
        try {
            record(write).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The topic's administration: its partitions' end offsets. */
    KafkaTopic topic() {
        return admin;
    }

    /** @return the clients' configuration the journal was built with */
    Map<String, Object> config() {
        return config;
    }

    /** Sends what is queued and waits for it (at most 10 seconds), closes the producer and removes the meters. */
    @Override
    public void close() {
        try {
            sender.close(Duration.ofSeconds(10));
        } finally {
            admin.close();
            meters.removeAll();
        }
    }

    @Override
    public String toString() {
        return "KafkaJournal(" + topic + ")";
    }

    private static Map<String, Object> producerConfig(Map<String, Object> config) {
        Map<String, Object> producer = KafkaTopic.only(config, ProducerConfig.configNames());
        producer.put("acks", "all");
        producer.put("enable.idempotence", true);
        producer.putIfAbsent("max.in.flight.requests.per.connection", 5);
        return producer;
    }

    /**
     * Options of a {@link KafkaJournal}. Not threadsafe; {@link #build()} checks and copies them.
     */
    public static final class Builder {
        private final Map<String, Object> config;
        private final String topic;
        private ArgumentCodec codec;
        private Integer maxPending;
        private Integer partitions;
        private MeterRegistry registry;
        private Clock clock;

        private Builder(Map<String, ?> config, String topic) {
            this.config = new HashMap<>(config);
            this.topic = topic;
        }

        /** @param codec the arguments' codec; default {@link ArgumentCodec#builtIn()} */
        public Builder codec(ArgumentCodec codec) {
            requireUnset(this.codec, "codec");
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** @param writes the most writes queued or waiting for the broker's acknowledgement; default 65,536 */
        public Builder maxPending(int writes) {
            requireUnset(this.maxPending, "maxPending");
            if (writes < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1, was " + writes);
            }
            this.maxPending = writes;
            return this;
        }

        /**
         * @param partitions the partitions of the topic if {@code build()} creates it (with the
         *                   broker's default replication); without this option the topic must exist
         */
        public Builder partitions(int partitions) {
            requireUnset(this.partitions, "partitions");
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** @param registry where the meters go; default Micrometer's global registry */
        public Builder meterRegistry(MeterRegistry registry) {
            requireUnset(this.registry, "meterRegistry");
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** @param clock the time recorded with each entry; default the system clock (UTC) */
        public Builder clock(Clock clock) {
            requireUnset(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks the configuration and the topic (creating it if {@link #partitions} was given)
         * and opens the producer.
         *
         * @throws IllegalArgumentException naming a setting that would lose or reorder entries,
         *     or the topic if it does not exist
         * @throws IllegalStateException if the cluster cannot be reached
         */
        public KafkaJournal build() {
            if (!config.containsKey("bootstrap.servers")) {
                throw new IllegalArgumentException("the Kafka config of journal " + topic + " has no bootstrap.servers");
            }
            refuse("acks", v -> !List.of("all", "-1").contains(v), "acks=all, or an acknowledged entry could be lost");
            refuse("enable.idempotence", v -> !v.equals("true"), "idempotence, or a retry could reorder or repeat entries");
            refuse("max.in.flight.requests.per.connection", v -> Integer.parseInt(v) > 5,
                    "at most 5 requests in flight, which idempotence keeps in order");
            for (String set : List.of("key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
                    "group.id", "enable.auto.commit", "transactional.id")) {
                if (config.containsKey(set)) {
                    throw new IllegalArgumentException("journal " + topic + ": " + set + " is set by the journal and"
                            + " its replayers (a replayer's group is dualstore-replay-<its name>); remove it from the config");
                }
            }
            return new KafkaJournal(this);
        }

        private void refuse(String key, Predicate<String> wrong, String need) {
            Object value = config.get(key);
            if (value != null && wrong.test(value.toString().trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("journal " + topic + ": " + key + "=" + value + " is not allowed;"
                        + " the journal needs " + need);
            }
        }

        private static void requireUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set");
            }
        }
    }
}
