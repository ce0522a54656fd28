package dev.dualstore.journal;

import dev.dualstore.table.Checkpoints;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.Table;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link Journal} to a target from a checkpoint, one batch of entries at a time: by
 * operation ({@link Builder#to(Object)}: each entry's method called on a DAO) or by key ({@link
 * Builder#byKey(Table, Table)}: each entry's key re-copied from the primary's table, so writes of
 * several service instances converge whatever order the journal holds them in).
 *
 * <pre>{@code
 * Replayer.from(journal).to(newStore)
 *         .checkpoints(JdbcCheckpoints.in(dataSource, "dualstore_replay"))
 *         .runUntilCaughtUp();
 * }</pre>
 *
 * <p><b>Promises.</b> Entries are applied in position order and none is skipped: a corrupt or
 * missing entry stops the replay with a {@link JournalCorruptedException}, an entry the target
 * cannot apply with a {@link ReplayException}, both naming the position. The position is saved in
 * the checkpoints (job {@code replay-<name>}) after each batch, so a replayer killed at any point
 * resumes after the last saved batch and applies at most that one batch again: operations must be
 * idempotent (upserts, deletes), as a replay by key always is. Of a {@link KafkaJournal}, each
 * partition's entries are applied in offset order, its offset is committed in the consumer group
 * {@code dualstore-replay-<name>} once applied (at most every 100 ms, and when the replayer stops
 * or loses the partition), and the exceptions name partition and offset;
 * see {@link #from(KafkaJournal)}.
 *
 * <p><b>Reports.</b> {@code dualstore.replay.entries}, lag in entries and seconds, and a caught-up
 * gauge (see {@code docs/metrics.md}), and INFO lines when it starts, every 10 seconds while
 * behind, and when it catches up.
 *
 * <p><b>Threads.</b> {@link #runUntilCaughtUp()} runs on the caller's thread; {@link #start()} on
 * a daemon thread named {@code dualstore-replay-<name>}, until {@link #stop()}. The target is
 * called from that one thread only. Threadsafe.
 */
public final class Replayer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);

    private final String journalName;
    private final String name;
    private final int batchSize;
    private final Duration pollInterval;
    private final ReplayMeters meters;
    private final Object monitor = new Object();
    // Guarded by monitor.
    private Thread thread;
    private boolean running;
    private boolean stopping;
    private RuntimeException failure;
    private final ReplayCursor cursor;

    private Replayer(Builder b) {
        this.journalName = b.journalName;
        this.name = b.name != null ? b.name : b.journalName;
        this.batchSize = b.batchSize;
        this.pollInterval = b.pollInterval;
        this.meters = new ReplayMeters(b.registry, name);
        EntryReader reader = b.kafka != null ? new KafkaReader(b.kafka, name, b.fromBeginning, b.batchSize)
                : new PositionReader(b.journal, b.checkpoints != null ? b.checkpoints : Checkpoints.inMemory(), name,
                        b.fromBeginning);
        this.cursor = new ReplayCursor(name, reader, b.target, b.batchSize, b.clock, meters, monitor);
    }

    /** Starts a replayer of {@code journal}; choose its target with {@code to} or {@code byKey}. */
    public static Builder from(Journal journal) {
        Objects.requireNonNull(journal, "journal");
        return new Builder(journal, null, journal.name(), journal.codec());
    }

    /**
     * Starts a replayer of a Kafka journal; choose its target with {@code to} or {@code byKey}.
     * Replayers of one name form one consumer group ({@code dualstore-replay-<name>}), which
     * spreads the topic's partitions over them; each commits a partition's offset after applying
     * the entries before it, so a restarted or joining replayer goes on from there. {@code
     * checkpoints(...)} does not apply (the group holds the offsets), and {@link #position()} is -1.
     */
    public static Builder from(KafkaJournal journal) {
        Objects.requireNonNull(journal, "journal");
        return new Builder(null, journal, journal.name(), journal.codec());
    }

    /** @return the replayer's name (meter tag {@code replay}; default the journal's name) */
    public String name() {
        return name;
    }

    /**
     * @return the position of the last entry applied (0 before any); -1 for a {@link KafkaJournal},
     *     whose positions are per partition (see the logs)
     */
    public long position() {
        return cursor.reader().position();
    }

    /** @return whether the replayer applied every entry the journal held when it last looked */
    public boolean caughtUp() {
        return meters.caughtUp();
    }

    /** @return what stopped the continuous replay, or null */
    public RuntimeException failure() {
        synchronized (monitor) {
            return failure;
        }
    }

    /**
     * Replays until no entry is left, on the calling thread.
     *
     * @return the number of entries applied
     * @throws JournalCorruptedException at a missing, torn or altered entry
     * @throws ReplayException at an entry the target could not apply
     * @throws IllegalStateException if this replayer is already running
     */
    public long runUntilCaughtUp() {
        claim();
        try {
            long before = cursor.begin();
            while (cursor.step() == batchSize || cursor.behind()) {
                // A full batch may have more behind it; a short one with lag saw entries arrive meanwhile.
            }
            return cursor.applied() - before;
        } finally {
            cursor.end();
            release();
        }
    }

    /**
     * Starts replaying continuously on a daemon thread named {@code dualstore-replay-<name>}: when
     * caught up, it looks for new entries every poll interval.
     *
     * @return this replayer
     * @throws IllegalStateException if it is already running
     */
    public Replayer start() {
        claim();
        Thread t = new Thread(this::runContinuously, "dualstore-replay-" + name);
        t.setDaemon(true);
        synchronized (monitor) {
            thread = t;
        }
        t.start();
        return this;
    }

    /**
     * Waits until the replayer has applied every entry the journal held when this was called.
     *
     * @return true if it did within {@code timeout}; false if not, or if it is not running
     * @throws RuntimeException what stopped the replay, if it failed
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        EntryReader reader = cursor.reader();
        Object goal = reader.goal();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!reader.reached(goal)) {
                if (failure != null) {
                    throw failure;
                }
                long left = deadline - System.nanoTime();
                if (!running || left <= 0) {
                    return false;
                }
                monitor.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Stops a continuous replay after its current batch and waits for its thread (at most 10 seconds). */
    public void stop() {
        Thread t;
        synchronized (monitor) {
            stopping = true;
            monitor.notifyAll();
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops, and removes the replayer's meters. */
    @Override
    public void close() {
        stop();
        meters.removeAll();
    }

    private void runContinuously() {
        try {
            cursor.begin();
            while (true) {
                int n = cursor.step();
                synchronized (monitor) {
                    if (stopping) {
                        return;
                    }
                    if (n < batchSize && !cursor.behind()) {
                        monitor.wait(pollInterval.toMillis());
                    }
                    if (stopping) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("replay {}: stopped at {}: {}", name, cursor.reader().where(), e.getMessage());
            synchronized (monitor) {
                failure = e;
            }
        } finally {
            cursor.end();
            release();
        }
    }

    private void claim() {
        synchronized (monitor) {
            if (running) {
                throw new IllegalStateException("replay " + name + " is already running");
            }
            running = true;
            stopping = false;
            failure = null;
        }
    }

    private void release() {
        synchronized (monitor) {
            running = false;
            thread = null;
            monitor.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "Replayer(" + name + " of " + journalName + ")";
    }

    /**
     * The options of a {@link Replayer}, besides {@code meterRegistry}, {@code clock} (lag is
     * measured by it) and {@code batchSize} (entries read, applied and checkpointed at once; 500).
     * Not threadsafe; {@link #build()} checks and copies them.
     */
    public static final class Builder extends Options<Builder> {
        private final Journal journal;
        private final KafkaJournal kafka;
        private final String journalName;
        private final ArgumentCodec codec;
        private ReplayTarget target;
        private String targetDescription;
        private Object dao;
        private Table primaryTable;
        private Table targetTable;
        private Function<Object, RowKey> rowKey;
        private String name;
        private Checkpoints checkpoints;
        private boolean fromBeginning;
        private Duration pollInterval = Duration.ofMillis(200);

        private Builder(Journal journal, KafkaJournal kafka, String journalName, ArgumentCodec codec) {
            this.journal = journal;
            this.kafka = kafka;
            this.journalName = journalName;
            this.codec = codec;
        }

        /** Replays each entry's operation on {@code dao}: the method it names, found on dao's public interfaces. */
        public Builder to(Object dao) {
            requireNoTarget("to");
            this.dao = Objects.requireNonNull(dao, "dao");
            this.targetDescription = "to(" + dao.getClass().getSimpleName() + ")";
            return this;
        }

        /**
         * Replays each entry's key: reads its current row from {@code primaryTable} and upserts it
         * into {@code targetTable}, or deletes it there when the primary has none.
         */
        public Builder byKey(Table primaryTable, Table targetTable) {
            requireNoTarget("byKey");
            this.primaryTable = Objects.requireNonNull(primaryTable, "primaryTable");
            this.targetTable = Objects.requireNonNull(targetTable, "targetTable");
            this.targetDescription = "byKey(" + primaryTable.name() + ", " + targetTable.name() + ")";
            return this;
        }

        /**
         * @param rowKey a journaled key (as {@code Invocation.key()} had it) to the tables' key;
         *               default: a list's values, or the one value. Called on the replay's thread.
         */
        public Builder keys(Function<Object, RowKey> rowKey) {
            requireUnset(this.rowKey, "keys");
            this.rowKey = Objects.requireNonNull(rowKey, "rowKey");
            return this;
        }

        /** @param name the replayer's name: meter tag, thread name, checkpoint job; default the journal's name */
        public Builder name(String name) {
            requireUnset(this.name, "name");
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > 190) {
                throw new IllegalArgumentException("a replayer's name is 1 to 190 characters, not blank: '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** @param checkpoints where the position is kept; default in memory (a restart replays from the beginning) */
        public Builder checkpoints(Checkpoints checkpoints) {
            requireUnset(this.checkpoints, "checkpoints");
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            return this;
        }

        /** Forgets the saved position and replays from the first entry (a rebuild after a fix). */
        public Builder fromBeginning() {
            this.fromBeginning = true;
            return this;
        }

        /** @param interval how often a caught-up continuous replayer looks for new entries; default 200 ms */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("pollInterval must be at least 1 ms, was " + interval);
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * Checks the options and makes the replayer.
         *
         * @throws IllegalStateException if no target was chosen
         * @throws IllegalArgumentException naming the option at fault
         */
        public Replayer build() {
            if (dao == null && primaryTable == null) {
                throw new IllegalStateException("replay of " + journalName + " has no target: call to(dao) or"
                        + " byKey(primaryTable, targetTable) before build()");
            }
            if (rowKey != null && dao != null) {
                throw new IllegalArgumentException("keys(...) applies to byKey(...) only; this replay is " + targetDescription);
            }
            if (kafka != null && checkpoints != null) {
                throw new IllegalArgumentException("checkpoints(...) does not apply to the replay of Kafka journal "
                        + journalName + ": its consumer group keeps the offsets");
            }
            target = dao != null ? new ReplayTarget.Operations(dao, codec)
                    : new ReplayTarget.Keys(primaryTable, targetTable, rowKey != null ? rowKey : ReplayTarget.Keys::rowKey);
            return new Replayer(this);
        }

        /** {@code build()}, then {@link Replayer#runUntilCaughtUp()}, then close; returns the entries applied. */
        public long runUntilCaughtUp() {
            try (Replayer replayer = build()) {
                return replayer.runUntilCaughtUp();
            }
        }

        /** {@code build()}, then {@link Replayer#start()}. */
        public Replayer start() {
            return build().start();
        }

        private void requireNoTarget(String option) {
            if (targetDescription != null) {
                throw new IllegalStateException(option + "(...): the replay already has a target, " + targetDescription);
            }
        }

        private static void requireUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set");
            }
        }
    }
}
