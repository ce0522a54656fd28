package dev.dualstore.journal;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a {@link KafkaJournal}'s records to its producer on one thread of its own ({@code
 * dualstore-journal-<topic>}, a daemon started by the first write), so a backend's worker never
 * waits for the producer (which blocks while its buffer is full or the topic's metadata is not
 * known). Records are sent in the order they were queued; writes to one key are queued one at a
 * time in the primary's order, and the idempotent producer keeps that order per partition. Each
 * write's stage completes when the broker acknowledged its record (on the producer's I/O thread),
 * or exceptionally with the failure. At most {@code capacity} writes wait or are unacknowledged at
 * once; more are rejected. Threadsafe.
 */
final class KafkaSender {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJournal.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One record waiting to be sent. */
    private record Pending(ProducerRecord<String, byte[]> record, CompletableFuture<Void> done) {
    }

    private final String topic;
    private final Producer<String, byte[]> producer;
    private final BlockingQueue<Pending> queue;
    private final int capacity;
    /** Writes queued or sent and not yet acknowledged: what the capacity bounds. */
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final Counter appended;
    private final Counter failed;
    private final Counter rejected;
    // Guarded by this.
    private Thread thread;
    private boolean closed;
    private long lastWarning;
    private long failuresSinceWarning;

    KafkaSender(String topic, Producer<String, byte[]> producer, int capacity, JournalMeters meters) {
        this.topic = topic;
        this.producer = producer;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.appended = meters.appends("success");
        this.failed = meters.appends("error");
        this.rejected = meters.appends("rejected");
        meters.pending(unacknowledged, AtomicInteger::get);
        this.lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
    }

    /**
     * Queues a record.
     *
     * @return a stage completed once the broker acknowledged it, or exceptionally with the failure
     * @throws RejectedExecutionException if {@code capacity} writes are unacknowledged or the journal is closed
     */
    CompletableFuture<Void> send(ProducerRecord<String, byte[]> record) {
        Pending pending = new Pending(record, new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                rejected.increment();
                throw new RejectedExecutionException("journal " + topic + " is closed");
            }
            if (unacknowledged.get() >= capacity || !queue.offer(pending)) {
                rejected.increment();
                throw new RejectedExecutionException("journal " + topic + ": " + capacity
                        + " writes are waiting for the broker (maxPending)");
            }
            unacknowledged.incrementAndGet();
            if (thread == null) {
                thread = new Thread(this::run, "dualstore-journal-" + topic);
                thread.setDaemon(true);
                thread.start();
            }
        }
        return pending.done();
    }

    private void run() {
        while (true) {
            Pending next;
            try {
                next = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                failRest(new RejectedExecutionException("journal " + topic + " closed before the append"));
                return;
            }
            if (next == null) {
                synchronized (this) {
                    if (closed && queue.isEmpty()) {
                        return;
                    }
                }
                continue;
            }
            Pending p = next;
            try {
                producer.send(p.record(), (metadata, e) -> done(p, e));
            } catch (RuntimeException e) {
                // Not sent at all: the producer is closed, the record too large, or metadata timed out.
                done(p, e);
            }
        }
    }

    private void done(Pending p, Exception failure) {
        unacknowledged.decrementAndGet();
        if (failure == null) {
            appended.increment();
            p.done().complete(null);
            return;
        }
        failed.increment();
        warn(failure);
        p.done().completeExceptionally(failure);
    }

    /** One WARN line at most every 10 seconds, counting the failures it stands for. */
    private void warn(Exception failure) {
        long n;
        synchronized (this) {
            failuresSinceWarning++;
            long now = System.nanoTime();
            if (now - lastWarning < WARN_EVERY_NANOS) {
                return;
            }
            lastWarning = now;
            n = failuresSinceWarning;
            failuresSinceWarning = 0;
        }
        LOG.warn("journal {}: could not append {} entries ({}); each write is listed for repair by its backend", topic,
                n, failure.toString());
    }

    private void failRest(Exception cause) {
        Pending p;
        while ((p = queue.poll()) != null) {
            unacknowledged.decrementAndGet();
            rejected.increment();
            p.done().completeExceptionally(cause);
        }
    }

    /**
     * Sends what is queued and waits for the broker's acknowledgements, for at most {@code
     * timeout} in all, then closes the producer; what is left fails (and is listed for repair by
     * its backend).
     */
    void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
}
