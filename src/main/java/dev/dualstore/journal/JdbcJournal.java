package dev.dualstore.journal;

import dev.dualstore.jdbc.Dialect;
import dev.dualstore.spi.Invocation;
import dev.dualstore.table.TableException;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Journal} in a table of PostgreSQL, MariaDB/MySQL or H2, created if absent, shared by
 * every instance of a service that writes to it: {@code JdbcJournal.in(dataSource,
 * "dualstore_journal")}, then {@code MirroringBackend.builder(...).journal(journal)}.
 *
 * <p><b>What it promises.</b> Every write the primary applied is appended, on the journal's own
 * thread in batches of up to {@link Builder#batchSize(int)} per transaction; neither the caller nor
 * the backend's workers wait for it, and the backend counts each write in flight until its batch
 * commits (so {@code drain()} and {@code close()} wait for it). A write that could not be appended (the queue of {@link
 * Builder#maxPending(int)} full, a failed transaction, the journal closed) is counted in {@code
 * dualstore.journal.appends} and, through the backend, in {@code dualstore.observer.writes} and
 * {@code keysToRepair("journal")}. Entries get positions 1, 2, 3... without gaps, committed in
 * position order across processes (the append holds the head row {@code <table>_head}), each with
 * a CRC-32C checksum over its fields, so a missing, torn or altered entry stops {@link #read}.
 *
 * <p><b>Crashes.</b> A write still in the backend's queue, or in this journal's, when its process
 * is killed is neither journaled nor kept listed (the list is in memory). So each open journal
 * keeps a row in {@code <table>_open}, renewed every {@link Builder#heartbeat heartbeat} on a
 * thread of its own ({@code dualstore-journal-<table>-heartbeat}) with the time of the oldest write
 * it holds; {@link #close()} removes it. A row not renewed for 10 heartbeats is an instance that
 * ended without closing: {@link #crashWindows()} reports the time from which its writes may be
 * missing ({@link CrashWindow}), every journal on the table logs it once at WARN and counts it in
 * {@code dualstore.journal.crash.windows}, until {@link #markRepaired} after the repair. Entries
 * are kept until deleted by the operator.
 *
 * <p>{@link #close()} appends what is queued (at most 10 seconds), then stops its threads; close the
 * backends that write to it first. Threadsafe.
 */
public final class JdbcJournal implements Journal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcJournal.class);
    private final JournalTable table;
    private final ArgumentCodec codec;
    private final Clock clock;
    private final JournalMeters meters;
    private final JournalWriter writer;
    private final Map<Method, String> signatures = new ConcurrentHashMap<>();
    private final String instance;
    private final long openedMillis;
    private final Duration heartbeat;
    private final Duration crashMargin;
    private final ScheduledExecutorService heartbeats;
    /** Instances whose end was already logged by this journal. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** Crash windows found at the last heartbeat; -1 before the first look. */
    private final AtomicInteger crashWindowsSeen = new AtomicInteger(-1);
    private volatile boolean heartbeatFailing;

    private JdbcJournal(Builder b) {
        this.table = new JournalTable(b.dataSource, b.table);
        this.codec = b.codec;
        this.clock = b.clock;
        this.meters = new JournalMeters(b.registry, b.table);
        this.writer = new JournalWriter(table, b.maxPending, b.batchSize, meters);
        this.instance = b.instanceName != null ? b.instanceName
                : "pid-" + ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        this.openedMillis = clock.millis();
        this.heartbeat = b.heartbeat;
        this.crashMargin = b.crashMargin;
        try {
            table.seen(instance, openedMillis, heartbeat.toMillis(), openedMillis, null);
        } catch (SQLException e) {
            throw new TableException(b.table + "_open", "journal " + b.table
                    + ": cannot record this instance in " + b.table + "_open: " + e.getMessage(), e);
        }
        meters.crashWindows(crashWindowsSeen);
        try {
            lookForCrashes();
        } catch (RuntimeException e) {
            // Not opened after all: leave no row behind to be taken for a crash.
            try {
                table.closeInstance(instance, null);
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            meters.removeAll();
            throw e;
        }
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualstore-journal-" + b.table + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeat.toMillis();
        heartbeats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** The heartbeat thread: renews this instance's row, then looks for instances that ended. */
    private void beat() {
        try {
            table.seen(instance, openedMillis, heartbeat.toMillis(), clock.millis(), writer.waitingSince());
            lookForCrashes();
            if (heartbeatFailing) {
                heartbeatFailing = false;
                LOG.info("journal {}: heartbeat recorded again", table.name());
            }
        } catch (SQLException | RuntimeException e) {
            if (!heartbeatFailing) {
                heartbeatFailing = true;
                LOG.warn("journal {}: cannot record its heartbeat ({}); if this goes on for 10 heartbeats, other"
                        + " instances will take this one for ended and report a crash window", table.name(), e.toString());
            }
        }
    }

    private void lookForCrashes() {
        List<CrashWindow> found = crashWindows();
        crashWindowsSeen.set(found.size());
        for (CrashWindow w : found) {
            if (warned.add(w.instance() + "@" + w.lastSeen().toEpochMilli())) {
                LOG.warn("journal {}: instance {} ended without close() (last seen {}); writes its primary applied from"
                        + " {} on may be missing from the journal and from the new store: copy the rows changed since"
                        + " then (CatchUp) or check them, then markRepaired()", table.name(), w.instance(), w.lastSeen(),
                        w.from());
            }
        }
    }

    /**
     * The journal in table {@code table} of the data source's current schema, created if absent,
     * with the {@link ArgumentCodec#builtIn() built-in codec} and the defaults of {@link Builder}.
     *
     * @throws IllegalArgumentException if the name is not a plain SQL identifier of at most 58
     *     characters, or the database is not one of PostgreSQL, MariaDB, MySQL, H2
     * @throws TableException if the table cannot be created or the database
     *     cannot be reached
     */
    public static JdbcJournal in(DataSource dataSource, String table) {
        return builder(dataSource, table).build();
    }

    /** A journal in table {@code table} with options; see {@link #in(DataSource, String)}. */
    public static Builder builder(DataSource dataSource, String table) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(table, "table"));
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public ArgumentCodec codec() {
        return codec;
    }

    /** @return the database the journal is in */
    public Dialect dialect() {
        return table.dialect();
    }

    @Override
    public void checkWrite(Method write) {
        codec.check(write);
    }

    /**
     * Encodes a write and queues it for the journal's thread; never waits. Runs on dualstore's
     * worker thread.
     *
     * @return a stage completed once the entry is durable, or exceptionally if its append failed
     * @throws java.util.concurrent.RejectedExecutionException if the queue is full or the journal closed
     * @throws IllegalArgumentException if the key or an argument cannot be encoded
     */
    @Override
    public CompletableFuture<Void> record(Invocation write) {
        Method method = write.method();
        String signature = signatures.computeIfAbsent(method, ArgumentCodec::signature);
        JournalEntry entry = new JournalEntry(1, clock.instant(), write.backend(), write.primary(), signature,
                JournalKeys.encode(write.key()), codec.encode(method, write.arguments()), write.outcome().threw());
        return writer.append(entry);
    }

    /** Records a write and waits until it is durable; a backend calls {@link #record} instead. */
    @Override
    public void onWrite(Invocation write) throws Exception {
        try {
            record(write).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public List<JournalEntry> read(long after, int limit) {
        if (after < 0 || limit < 1) {
            throw new IllegalArgumentException("read(after, limit) needs after >= 0 and limit >= 1, was " + after + ", "
                    + limit);
        }
        return table.read(after, limit);
    }

    @Override
    public long lastPosition() {
        return table.lastPosition();
    }

    /** @return this instance's name in {@code <table>_open} */
    public String instanceName() {
        return instance;
    }

    /**
     * Looks for instances of this journal that ended without {@link #close()}: those whose row in
     * {@code <table>_open} was not renewed for 10 of their heartbeats. Any thread; one query.
     *
     * @return their crash windows, oldest first; empty when every instance closed or is alive
     * @throws TableException if the table cannot be read
     */
    public List<CrashWindow> crashWindows() {
        long now = clock.millis();
        List<CrashWindow> windows = new ArrayList<>();
        for (JournalTable.OpenInstance row : table.openInstances()) {
            if (row.instance().equals(instance) || now - row.seenMillis() <= 10 * row.heartbeatMillis()) {
                continue;
            }
            long oldest = row.waitingSinceMillis() == null ? row.seenMillis()
                    : Math.min(row.waitingSinceMillis(), row.seenMillis());
            windows.add(new CrashWindow(table.name(), row.instance(), Instant.ofEpochMilli(row.openedMillis()),
                    Instant.ofEpochMilli(row.seenMillis()), Instant.ofEpochMilli(oldest).minus(crashMargin),
                    Instant.ofEpochMilli(now)));
        }
        return windows;
    }

    /**
     * Records that the new store was repaired for a crash window: removes the ended instance's row.
     *
     * @return false if the instance was seen again since the window was found (it had stood still,
     *     not ended: its writes were journaled after all) or the window was already marked
     * @throws TableException if the table cannot be written
     */
    public boolean markRepaired(CrashWindow window) {
        Objects.requireNonNull(window, "window");
        try {
            boolean removed = table.closeInstance(window.instance(), window.lastSeen().toEpochMilli());
            if (removed) {
                crashWindowsSeen.updateAndGet(n -> Math.max(0, n - 1));
            }
            return removed;
        } catch (SQLException e) {
            throw new TableException(table.name() + "_open", "journal " + table.name()
                    + ": cannot mark " + window + " repaired: " + e.getMessage(), e);
        }
    }

    /**
     * Appends what is queued (at most 10 seconds), stops the journal's threads, removes this
     * instance's row from {@code <table>_open} and the journal's meters.
     */
    @Override
    public void close() {
        writer.close(10_000);
        heartbeats.shutdownNow();
        try {
            heartbeats.awaitTermination(10, TimeUnit.SECONDS);
            table.closeInstance(instance, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.warn("journal {}: closed, but could not remove instance {} from {}_open ({}); it will be reported as a"
                    + " crash window", table.name(), instance, table.name(), e.toString());
        }
        meters.removeAll();
    }

    /** For tests: ends as a killed process would, leaving this instance's row behind. */
    void abandon() {
        heartbeats.shutdownNow();
        writer.close(1);
        meters.removeAll();
    }

    @Override
    public String toString() {
        return "JdbcJournal(" + table.name() + ", " + table.dialect() + ")";
    }

    /**
     * Options of a {@link JdbcJournal}, besides {@code meterRegistry}, {@code clock} and {@code
     * batchSize} (500 entries per append transaction). Not threadsafe; {@link #build()} copies them.
     */
    public static final class Builder extends Options<Builder> {
        private final DataSource dataSource;
        private final String table;
        private ArgumentCodec codec = ArgumentCodec.builtIn();
        private int maxPending = 65_536;
        private String instanceName;
        private Duration heartbeat = Duration.ofSeconds(1);
        private Duration crashMargin = Duration.ofMinutes(1);

        private Builder(DataSource dataSource, String table) {
            this.dataSource = dataSource;
            this.table = table;
        }

        /** @param codec the arguments' codec; default {@link ArgumentCodec#builtIn()} */
        public Builder codec(ArgumentCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** @param entries the most writes waiting to be appended; default 65,536 */
        public Builder maxPending(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("maxPending must be at least 1, was " + entries);
            }
            this.maxPending = entries;
            return this;
        }

        /**
         * @param name this instance's name in {@code <table>_open}, unique among the instances
         *             that share the journal; default {@code pid-<pid>-<random>}
         * @return this builder
         */
        public Builder instanceName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > 200) {
                throw new IllegalArgumentException("instanceName must be 1 to 200 characters, not blank, was '" + name + "'");
            }
            this.instanceName = name;
            return this;
        }

        /**
         * @param every how often this instance renews its row in {@code <table>_open}; other
         *              instances take it for ended after 10 of them without one; default 1 second
         * @return this builder
         */
        public Builder heartbeat(Duration every) {
            Objects.requireNonNull(every, "every");
            if (every.toMillis() < 10) {
                throw new IllegalArgumentException("heartbeat must be at least 10 ms, was " + every);
            }
            this.heartbeat = every;
            return this;
        }

        /**
         * @param margin how much earlier than the oldest write an ended instance held a {@link
         *               CrashWindow} starts: at least the longest a write waits in the backend
         *               before reaching the journal (its primary call, then its queue; see the
         *               backend's {@code timeout}), plus the clock difference between the hosts
         *               and the database; default 1 minute
         * @return this builder
         */
        public Builder crashMargin(Duration margin) {
            Objects.requireNonNull(margin, "margin");
            if (margin.isNegative()) {
                throw new IllegalArgumentException("crashMargin must not be negative, was " + margin);
            }
            this.crashMargin = margin;
            return this;
        }

        /** Creates the tables if absent and opens the journal. */
        public JdbcJournal build() {
            return new JdbcJournal(this);
        }
    }
}
