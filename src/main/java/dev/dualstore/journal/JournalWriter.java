package dev.dualstore.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a journal's entries in batches on one thread of its own ({@code dualstore-journal-<table>},
 * a daemon started by the first write). Queuing never waits: each write gets a stage that its
 * batch's transaction completes, which the backend counts as in flight until then, so its {@code
 * drain()} and {@code close()} cover the journal too, and a failed batch lists every write in it.
 * Entries are appended in the order they were queued, and writes to one key are queued one at a
 * time in the primary's order. Threadsafe.
 */
final class JournalWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcJournal.class);

    /** One entry waiting for its append. */
    private record Pending(JournalEntry entry, CompletableFuture<Void> done) {
    }

    private final JournalTable table;
    private final BlockingQueue<Pending> queue;
    private final int batchSize;
    private final Counter appended;
    private final Counter failed;
    private final Counter rejected;
    private final Timer batches;
    /**
     * The recorded time of the entry at the head of the queue when this journal's thread last
     * looked, or of the first of the batch it is appending, in epoch millis; MAX_VALUE when none.
     */
    private volatile long appendingSince = Long.MAX_VALUE;
    /** The recorded time of the first entry that failed to append, in epoch millis; MAX_VALUE until one does. */
    private volatile long firstFailure = Long.MAX_VALUE;
    // Guarded by this.
    private Thread thread;
    private boolean closed;

    JournalWriter(JournalTable table, int capacity, int batchSize, JournalMeters meters) {
        this.table = table;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.appended = meters.appends("success");
        this.failed = meters.appends("error");
        this.rejected = meters.appends("rejected");
        this.batches = meters.batches();
        meters.pending(queue);
    }

    /**
     * Queues an entry.
     *
     * @return a stage completed once the entry is durable, or exceptionally with the append's failure
     * @throws RejectedExecutionException if the queue is full or the journal closed
     */
    CompletableFuture<Void> append(JournalEntry entry) {
        Pending pending = new Pending(entry, new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                rejected.increment();
                throw new RejectedExecutionException("journal " + table.name() + " is closed");
            }
            if (!queue.offer(pending)) {
                rejected.increment();
                throw new RejectedExecutionException("journal " + table.name() + ": queue full ("
                        + (queue.size() + queue.remainingCapacity()) + " entries)");
            }
            if (thread == null) {
                thread = new Thread(this::run, "dualstore-journal-" + table.name());
                thread.setDaemon(true);
                thread.start();
            }
        }
        return pending.done();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (true) {
            try {
                // The head's time is published before the head leaves the queue (only this thread
                // takes from it), so waitingSince(), which looks at the queue first, never misses it.
                Pending head = queue.peek();
                appendingSince = head == null ? Long.MAX_VALUE : head.entry().time().toEpochMilli();
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null && head == null) {
                    appendingSince = first.entry().time().toEpochMilli(); // queued while this thread waited: just now
                }
                if (first == null) {
                    synchronized (this) {
                        if (closed && queue.isEmpty()) {
                            return;
                        }
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                // Only close() interrupts, after its wait: fail what is left so each write is listed.
                failRest(new RejectedExecutionException("journal " + table.name() + " closed before the append"));
                return;
            }
        }
    }

    private void write(List<Pending> batch) {
        List<JournalEntry> entries = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            entries.add(p.entry());
        }
        long start = System.nanoTime();
        try {
            table.append(entries);
            batches.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            appended.increment(batch.size());
            batch.forEach(p -> p.done().complete(null));
        } catch (Exception e) {
            if (firstFailure == Long.MAX_VALUE) {
                firstFailure = entries.get(0).time().toEpochMilli();
            }
            failed.increment(batch.size());
            LOG.warn("journal {}: could not append {} entries ({}); each write is listed for repair by its backend",
                    table.name(), batch.size(), e.toString());
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /**
     * Any thread. The recorded time of the oldest write this journal holds and has not appended
     * (queued, or in the batch being appended), or of the first that failed to append since it
     * opened, whichever is earlier: the writes a kill would lose, or has left listed only in memory.
     *
     * @return epoch millis, or null if there is none
     */
    Long waitingSince() {
        long since = firstFailure;
        Pending next = queue.peek();
        if (next != null) {
            since = Math.min(since, next.entry().time().toEpochMilli());
        }
        since = Math.min(since, appendingSince);
        return since == Long.MAX_VALUE ? null : since;
    }

    private void failRest(Exception cause) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        rejected.increment(rest.size());
        rest.forEach(p -> p.done().completeExceptionally(cause));
    }

    /**
     * Appends what is queued, for at most {@code millis}, then stops the thread; what is left
     * fails (and is listed for repair by its backend).
     */
    void close(long millis) {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            t.interrupt();
        }
    }
}
