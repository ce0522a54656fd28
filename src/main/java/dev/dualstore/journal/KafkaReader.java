package dev.dualstore.journal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link KafkaJournal} in consumer group {@code dualstore-replay-<name>}: the group gives
 * this reader some of the topic's partitions, and it commits a partition's offset after the
 * entries before it were applied (at least once: a replayer killed between applying and committing
 * applies those entries again). Commits are asynchronous, completed in order by the consumer, and
 * made synchronous before a partition is revoked and at the end of a run. Entries come a partition at a time, in offset order. With {@code
 * fromBeginning}, each partition is read from its first record the first time this reader is
 * given it (in any run of it), whatever the group committed.
 *
 * <p>The consumer is opened by {@link #begin()} and closed by {@link #end()}, on the replay's
 * thread, which alone uses it; the rebalance callbacks run inside its {@code poll}, after every
 * batch taken from the previous poll was applied and committed. {@link #reached} reads a snapshot.
 */
final class KafkaReader implements EntryReader, ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long COMMIT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final KafkaJournal journal;
    private final String group;
    private final boolean fromBeginning;
    private final int batchSize;
    /** Partitions read from the beginning already, with fromBeginning. */
    private final Set<Integer> rewound = new HashSet<>();
    private final Deque<Object> ready = new ArrayDeque<>();
    /** What was applied and whose commit has not been confirmed; touched on the replay's thread only. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private Consumer<String, byte[]> consumer;
    /** The next offset to apply of each assigned partition, or null before the first assignment. */
    private volatile Map<Integer, Long> next;
    private long lag = -1;
    /** When the last asynchronous commit was sent, in {@link System#nanoTime()}. */
    private long lastCommit = System.nanoTime() - COMMIT_EVERY_NANOS;
    /** Whether a batch was applied since the last asynchronous commit was sent. */
    private boolean unsent;

    KafkaReader(KafkaJournal journal, String name, boolean fromBeginning, int batchSize) {
        this.journal = journal;
        this.group = "dualstore-replay-" + name;
        this.fromBeginning = fromBeginning;
        this.batchSize = batchSize;
    }

    @Override
    public String begin() {
        Map<String, Object> config = KafkaTopic.only(journal.config(), ConsumerConfig.configNames());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(journal.name()), this);
        next = null;
        lag = -1;
        ready.clear();
        return "on topic " + journal.name() + " in consumer group " + group;
    }

    @Override
    public Batch next(int limit) {
        if (ready.isEmpty()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
            for (TopicPartition tp : records.partitions()) {
                split(tp.partition(), records.records(tp));
            }
            if (ready.isEmpty()) {
                commitAsync(); // idle: what the last polls applied is committed now, for the group's lag
                measure();
                return null;
            }
        }
        Object first = ready.poll();
        if (first instanceof RuntimeException corrupt) {
            throw corrupt;
        }
        return (Batch) first;
    }

    /** Queues a partition's records as one batch; a corrupt record ends it and is thrown when reached. */
    private void split(int partition, List<ConsumerRecord<String, byte[]>> records) {
        List<JournalEntry> entries = new ArrayList<>(records.size());
        JournalCorruptedException corrupt = null;
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                entries.add(KafkaEntries.decode(journal.name(), partition, r.offset(), r.key(), r.value()));
            } catch (JournalCorruptedException e) {
                corrupt = e;
                break;
            }
        }
        if (!entries.isEmpty()) {
            ready.add(new Batch(partition, entries));
        }
        if (corrupt != null) {
            ready.add(corrupt);
        }
    }

    @Override
    public void applied(Batch batch) {
        long following = KafkaEntries.offset(batch.last()) + 1;
        TopicPartition tp = new TopicPartition(journal.name(), batch.partition());
        uncommitted.put(tp, new OffsetAndMetadata(following));
        unsent = true;
        if (ready.isEmpty() && System.nanoTime() - lastCommit >= COMMIT_EVERY_NANOS) {
            // At most every 100 ms, once a poll's last batch is applied (and whenever a poll finds
            // nothing new, in next()), for every partition applied since. A replayer killed in
            // between applies again at most what it applied in those 100 ms: at least once, as
            // after any kill.
            commitAsync();
        }
        Map<Integer, Long> now = new TreeMap<>(next);
        now.put(batch.partition(), following);
        next = now;
        if (ready.isEmpty() || lag < 0) {
            measure();
        } else {
            // More of the last poll to apply: one request for the end offsets per poll is enough.
            lag = Math.max(0, lag - batch.entries().size());
        }
    }

    /**
     * Sends the offsets applied and not yet sent, asynchronously, so the next poll need not wait for
     * the broker. Kafka completes a consumer's commits in order, and a revocation or the end of the
     * run commits synchronously what is left.
     */
    private void commitAsync() {
        if (!unsent) {
            return;
        }
        unsent = false;
        lastCommit = System.nanoTime();
        consumer.commitAsync(new HashMap<>(uncommitted), (offsets, e) -> {
            if (e == null) {
                offsets.forEach(uncommitted::remove); // only where no later offset was put since
            }
        });
    }

    /** Commits synchronously what was applied and not yet committed of {@code partitions}. */
    private void commit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> some = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = uncommitted.get(tp);
            if (at != null) {
                some.put(tp, at);
            }
        }
        if (!some.isEmpty()) {
            consumer.commitSync(some);
            some.keySet().forEach(uncommitted::remove);
        }
    }

    /**
     * Lag: the assigned partitions' end offsets less the next offset to apply. With no partition
     * (the group still settling, or more replayers than partitions) it is the whole group's lag,
     * so an idle replayer is caught up only once the group is.
     */
    private void measure() {
        Map<Integer, Long> at = next;
        if (at == null) {
            lag = -1;
            return;
        }
        if (at.isEmpty()) {
            lag = journal.topic().groupLag(group);
            return;
        }
        long behind = 0;
        List<TopicPartition> unknown = new ArrayList<>();
        for (Map.Entry<Integer, Long> p : at.entrySet()) {
            TopicPartition tp = new TopicPartition(journal.name(), p.getKey());
            // The end the last fetch saw (no request), when the fetch position is the next to apply.
            OptionalLong known = consumer.position(tp) == p.getValue() ? consumer.currentLag(tp) : OptionalLong.empty();
            if (known.isPresent()) {
                behind += known.getAsLong();
            } else {
                unknown.add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(unknown).entrySet()) {
                behind += Math.max(0, end.getValue() - at.get(end.getKey().partition()));
            }
        }
        lag = behind;
    }

    @Override
    public long lag() {
        return lag;
    }

    @Override
    public String where() {
        Map<Integer, Long> at = next;
        if (at == null) {
            return "no partition yet";
        }
        StringBuilder s = new StringBuilder("partitions");
        at.forEach((p, offset) -> s.append(' ').append(p).append('@').append(offset));
        return at.isEmpty() ? "no partition of " + journal.name() : s.toString();
    }

    @Override
    public void end() {
        ready.clear();
        if (consumer != null) {
            try {
                commit(List.copyOf(uncommitted.keySet()));
            } catch (RuntimeException e) {
                // Not lost: the group's offsets stay before these entries, and a later run applies them again.
                LOG.warn("replay of {}: could not commit the offsets {} at the end of the run: {}", journal.name(),
                        uncommitted, e.toString());
            } finally {
                uncommitted.clear();
                consumer.close();
                consumer = null;
            }
        }
    }

    @Override
    public Object goal() {
        return journal.topic().endOffsets();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean reached(Object goal) {
        Map<Integer, Long> at = next;
        if (at == null) {
            return false;
        }
        Map<Integer, Long> ends = (Map<Integer, Long>) goal;
        if (at.isEmpty()) {
            return journal.topic().groupReached(group, ends);
        }
        return at.entrySet().stream().allMatch(e -> e.getValue() >= ends.getOrDefault(e.getKey(), 0L));
    }

    @Override
    public long position() {
        return -1;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Map<Integer, Long> now = next == null ? new TreeMap<>() : new TreeMap<>(next);
        for (TopicPartition tp : partitions) {
            if (fromBeginning && rewound.add(tp.partition())) {
                consumer.seekToBeginning(List.of(tp));
            }
            now.put(tp.partition(), consumer.position(tp));
        }
        next = now;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Every batch of the last poll was applied before this poll began; commit it before another takes over.
        commit(partitions);
        Map<Integer, Long> now = next == null ? new TreeMap<>() : new TreeMap<>(next);
        partitions.forEach(tp -> now.remove(tp.partition()));
        next = now;
    }
}
