package dev.dualstore.journal;

import dev.dualstore.jdbc.Dialect;
import dev.dualstore.spi.Invocation;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import javax.sql.DataSource;

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
 * <p><b>What it does not.</b> A write still in the backend's queue, or in this journal's, when its
 * process is killed is neither journaled nor listed (the list is in memory): a kill -9 loses the
 * writes of its last moments, as it loses any in-memory state; run a check after one. Entries are
 * kept until deleted by the operator.
 *
 * <p>{@link #close()} appends what is queued (at most 10 seconds), then stops its thread; close the
 * backends that write to it first. Threadsafe.
 */
public final class JdbcJournal implements Journal, AutoCloseable {
    private final JournalTable table;
    private final ArgumentCodec codec;
    private final Clock clock;
    private final JournalMeters meters;
    private final JournalWriter writer;
    private final Map<Method, String> signatures = new ConcurrentHashMap<>();

    private JdbcJournal(Builder b) {
        this.table = new JournalTable(b.dataSource, b.table);
        this.codec = b.codec;
        this.clock = b.clock;
        this.meters = new JournalMeters(b.registry, b.table);
        this.writer = new JournalWriter(table, b.maxPending, b.batchSize, meters);
    }

    /**
     * The journal in table {@code table} of the data source's current schema, created if absent,
     * with the {@link ArgumentCodec#builtIn() built-in codec} and the defaults of {@link Builder}.
     *
     * @throws IllegalArgumentException if the name is not a plain SQL identifier of at most 58
     *     characters, or the database is not one of PostgreSQL, MariaDB, MySQL, H2
     * @throws dev.dualstore.table.TableException if the table cannot be created or the database
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

    /** Appends what is queued (at most 10 seconds), stops the journal's thread and removes its meters. */
    @Override
    public void close() {
        writer.close(10_000);
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

        /** Creates the table if absent and opens the journal. */
        public JdbcJournal build() {
            return new JdbcJournal(this);
        }
    }
}
