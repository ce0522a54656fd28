package dev.dualstore.demo.migration;

import static dev.dualstore.metrics.MeterNames.BACKEND;
import static dev.dualstore.metrics.MeterNames.COMPARISONS;
import static dev.dualstore.metrics.MeterNames.KIND;
import static dev.dualstore.metrics.MeterNames.MISMATCH;
import static dev.dualstore.metrics.MeterNames.RESULT;
import static dev.dualstore.metrics.MeterNames.STORE;

import dev.dualstore.Mismatch;
import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import dev.dualstore.backfill.Backfill;
import dev.dualstore.backfill.BackfillResult;
import dev.dualstore.check.Check;
import dev.dualstore.check.CheckResult;
import dev.dualstore.check.Difference;
import dev.dualstore.check.Repair;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.journal.JdbcJournal;
import dev.dualstore.journal.Replayer;
import dev.dualstore.status.MismatchSamples;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.table.RowMapping;
import dev.dualstore.table.Table;
import dev.dualstore.testing.MeterReader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One run of the migration demo: its databases, stores, backend, journal, replayer and traffic,
 * and the phases in order ({@link #run()}). Made by {@link #open}, which creates and seeds the
 * databases; {@link #close()} stops everything and drops them. The phases run on the thread that
 * calls {@link #run()}; not threadsafe, except {@link #periodicCheck} (its own thread, in serve mode).
 */
final class Migration implements AutoCloseable {
    /** The backend's name: the {@code backend} tag of its meters. */
    static final String BACKEND_NAME = "follows";
    private static final String JOURNAL_TABLE = "dualstore_journal";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Diagnoses printed and kept in the report. */
    private static final int DIAGNOSES = 3;

    /**
     * The schema change, for the backfill and the check: a row of {@link FollowsByAssociationKey}
     * (the old table with the association type in its key) to a row of {@code associations}.
     */
    static final RowMapping FOLLOWS_TO_ASSOCIATIONS = RowMapping.builder()
            .rename("follower_id", "id1")
            .rename("followed_id", "id2")
            .derive("time_ms", old -> ((LocalDateTime) old.get("created_at")).toInstant(ZoneOffset.UTC).toEpochMilli())
            .derive("data", old -> NewFollowGraph.NO_DATA)
            .drop("created_at")
            .build();

    private final MigrationDemo.Settings settings;
    private final PrintStream out;
    private final DemoDatabases databases;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MismatchSamples samples = MismatchSamples.keepingLast(4,
            value -> value instanceof java.util.Collection<?> c ? c.size() + " follows" : String.valueOf(value));
    private final MeterReader meters = new MeterReader(registry);
    private final OldFollowGraph oldGraph;
    private final NewFollowGraph newGraph;
    private final JdbcTable oldTable;
    private final Table oldByAssociationKey;
    private final JdbcTable newTable;
    private final List<Mismatch> diagnoses = new CopyOnWriteArrayList<>(); // written under its own lock
    private volatile boolean collectDiagnoses;
    private JdbcJournal journal;
    private MirroringBackend<FollowGraph> backend;
    private Replayer replayer;
    private Traffic traffic;
    private long seededRows;

    private Migration(MigrationDemo.Settings settings, PrintStream out, DemoDatabases databases) {
        this.settings = settings;
        this.out = out;
        this.databases = databases;
        this.oldGraph = new OldFollowGraph(databases.oldDataSource());
        this.newGraph = new NewFollowGraph(databases.newDataSource());
        this.oldTable = JdbcTable.of(databases.oldDataSource(), "follows");
        this.oldByAssociationKey = new FollowsByAssociationKey(oldTable);
        this.newTable = JdbcTable.of(databases.newDataSource(), "associations");
    }

    /** Creates and seeds the databases, and builds the backend ('new' in {@code SHADOW_WRITES}), journal, replayer and traffic (paused). */
    static Migration open(MigrationDemo.Settings settings, PrintStream out) {
        DemoDatabases databases = DemoDatabases.create(settings.postgresToMariaDb()
                ? DemoDatabases.Engines.POSTGRES_TO_MARIADB : DemoDatabases.Engines.H2);
        Migration migration;
        try {
            migration = new Migration(settings, out, databases);
        } catch (RuntimeException | Error e) {
            databases.close();
            throw e;
        }
        try {
            migration.seed();
            migration.build();
            return migration;
        } catch (RuntimeException | Error e) {
            try {
                migration.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The recent mismatches the status page shows: ids as they are, answers by their size only. */
    MismatchSamples samples() {
        return samples;
    }

    MirroringBackend<FollowGraph> backend() {
        return backend;
    }

    private void seed() {
        SplittableRandom random = new SplittableRandom(settings.seed());
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        long spanMillis = Duration.ofDays(365).toMillis();
        List<Row> batch = new ArrayList<>();
        for (long user = 1; user <= settings.users(); user++) {
            Set<Long> channels = new LinkedHashSet<>();
            int follows = random.nextInt(settings.maxFollowsPerUser() + 1);
            while (channels.size() < follows) {
                channels.add(1L + random.nextInt(settings.channels()));
            }
            for (long channel : channels) {
                Instant at = start.plusMillis(random.nextLong(spanMillis));
                Instant updated = at.plusMillis(random.nextLong(Duration.ofDays(30).toMillis()));
                batch.add(Row.builder().set("follower_id", user).set("followed_id", channel)
                        .set("created_at", Jdbc.utc(at)).set("updated_at", Jdbc.utc(updated)).build());
            }
            if (batch.size() >= 5_000) {
                oldTable.upsert(batch);
                seededRows += batch.size();
                batch.clear();
            }
        }
        oldTable.upsert(batch);
        seededRows += batch.size();
    }

    private void build() {
        journal = JdbcJournal.builder(databases.oldDataSource(), JOURNAL_TABLE).meterRegistry(registry).build();
        backend = MirroringBackend.builder(FollowGraph.class)
                .name(BACKEND_NAME)
                .primary("old", oldGraph)
                .secondary("new", newGraph)
                .stage("new", Stage.SHADOW_WRITES)          // phase 1: writes only
                .journal(journal)                           // every write the primary applied, durably
                .sampleRate("follow", 100)                  // writes always mirrored: the rollout
                .sampleRate("unfollow", 100)                // samples reads only
                .mismatchListener(this::collect)
                .mismatchListener(samples)                  // for the status page of serve mode
                .logMismatches(false)                       // the demo prints its own diagnoses
                .meterRegistry(registry)
                .build();
        replayer = Replayer.from(journal)
                .to(new EdgeReplay(backend, Map.of("old", oldGraph, "new", newGraph)))
                .name(BACKEND_NAME)
                .checkpoints(JdbcCheckpoints.in(databases.oldDataSource(), "dualstore_replay"))
                .meterRegistry(registry)
                .build();
        traffic = new Traffic(backend.proxy(), settings.activeUsers(), settings.channels(), settings.trafficThreads(),
                settings.callsPerSecond(), settings.seed());
    }

    /** The mismatch listener, on dualstore's threads, several at once. */
    private void collect(Mismatch mismatch) {
        if (collectDiagnoses) {
            synchronized (diagnoses) {
                if (diagnoses.size() < DIAGNOSES) {
                    diagnoses.add(mismatch);
                }
            }
        }
    }

    /** All phases, in order; prints the story as it goes and the report at the end. */
    Report run() {
        long started = System.nanoTime();
        out.printf(Locale.ROOT, "dualstore migration demo: the follows of %s users move from a relational table ('old', %s)%n"
                + "to a TAO-like association table ('new', %s), a schema change, while %d threads call the service%n"
                + "at about %s calls/s. 'old' holds %s follows.%n", Report.n(settings.users()),
                databases.engines().oldWhere, databases.engines().newWhere, settings.trafficThreads(),
                Report.n(settings.callsPerSecond()), Report.n(seededRows));
        Report.ShadowWrites shadowWrites = shadowWrites();
        Report.Backfilled backfilled = backfill();
        Report.Checked checked = check();
        Report.ShadowReads shadowReads = shadowReads();
        List<Report.RolloutStep> rollout = rollout();
        Report.DualWrites dualWrites = dualWrite();
        List<Report.RoleChange> roleChanges = roleChanges();
        Report.FinalCheck finalCheck = finalCheck();
        Report report = new Report(databases.engines().oldWhere + " -> " + databases.engines().newWhere, seededRows,
                shadowWrites, backfilled, checked, shadowReads, rollout, dualWrites, roleChanges, finalCheck,
                Duration.ofNanos(System.nanoTime() - started));
        report.print(out);
        return report;
    }

    // ---- phase 1

    private Report.ShadowWrites shadowWrites() {
        out.printf(Locale.ROOT, "%n1. Shadow writes on: 'new' (Stage.SHADOW_WRITES) gets every write after 'old' applied it,"
                + " off the%n   caller's thread, and the journal (JdbcJournal) records it durably.%n");
        Tally before = tally("new");
        traffic.window(settings.windowCalls());
        drain();
        Tally d = tally("new").minus(before);
        out.printf(Locale.ROOT, "   %s calls: %s writes, %s applied to 'new', %s journaled; %s reads compared (none yet).%n",
                Report.n(d.calls()), Report.n(d.writes()), Report.n(d.shadowed()), Report.n(d.journaled()),
                Report.n(d.compared()));
        return new Report.ShadowWrites(d.calls(), d.writes(), d.shadowed(), d.journaled(), d.compared());
    }

    // ---- phase 2

    private Report.Backfilled backfill() {
        long atStart = countRows(oldTable);
        long writesBefore = traffic.writes();
        out.printf(Locale.ROOT, "%n2. Backfill: copy the %s follows that exist into 'new', mapped to the new schema"
                + " (RowMapping),%n   while the traffic goes on writing:%n", Report.n(atStart));
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-backfill-progress");
            t.setDaemon(true);
            return t;
        });
        long started = System.nanoTime();
        progress.scheduleAtFixedRate(() -> {
            double copied = meters.count("dualstore.backfill.rows", "job", BACKEND_NAME);
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(Locale.ROOT, "   ... %,.0f rows copied (%.0f%% of %s), %,.0f rows/s%n", copied,
                    100 * copied / Math.max(1, atStart), Report.n(atStart), copied / seconds);
        }, 1, 1, TimeUnit.SECONDS);
        traffic.resume();
        BackfillResult copied;
        try {
            copied = Backfill.from(oldByAssociationKey).to(newTable)
                    .mapping(FOLLOWS_TO_ASSOCIATIONS)
                    .threads(2)
                    .chunkRows(2_000)
                    .maxRowsPerSecond(settings.backfillRowsPerSecond())
                    .checkpoints(JdbcCheckpoints.in(databases.newDataSource(), "dualstore_checkpoints"))
                    .job(BACKEND_NAME)
                    .meterRegistry(registry)
                    .run();
        } finally {
            progress.shutdownNow();
            awaitTermination(progress);
        }
        long writesDuring = traffic.writes() - writesBefore;
        out.printf(Locale.ROOT, "   copied %s rows in %s chunks in %s; the traffic made %s writes meanwhile, so some%n"
                + "   rows it touched may now be stale in 'new' (the copy read them before the write).%n",
                Report.n(copied.rowsCopied()), Report.n(copied.chunksCopied()), Report.seconds(copied.duration()),
                Report.n(writesDuring));

        out.printf(Locale.ROOT, "   Catch-up: the Replayer applies the journal (every write since step 1) to 'new': each%n"
                + "   journaled edge is copied again from 'old' under the backend's write fence, so no stale copy is left.%n");
        long replayed = replayer.runUntilCaughtUp();
        replayer.start();
        quiesce();
        // Entries journaled and not applied. Not the lag gauge: awaitCaughtUp can return just before
        // the replayer's thread updates the gauge for the batch that reached the goal.
        long lag = journal.lastPosition() - replayer.position();
        out.printf(Locale.ROOT, "   replayed %s entries until caught up; it now follows the journal (lag: %s entries).%n",
                Report.n(replayed), Report.n(lag));
        return new Report.Backfilled(atStart, copied.rowsCopied(), copied.chunksCopied(), copied.duration(), writesDuring,
                replayed, lag);
    }

    // ---- phase 3

    private Report.Checked check() {
        out.printf(Locale.ROOT, "%n3. Check and repair (Check, Repair.COPY_FROM_SOURCE, through the backend's write fence)."
                + " First, 'new'%n   is damaged on purpose, as real copies get damaged, in rows of users the traffic leaves alone:%n");
        Damage damage = Damage.make(settings, oldTable, oldGraph, newGraph, databases);
        out.printf(Locale.ROOT, "   - %d rows deleted (a clean-up job whose WHERE clause matched too much)%n"
                + "   - %d rows with time_ms an hour off (an import that read local time as UTC)%n"
                + "   - %d follows 'old' never had (a batch retried after it had been undone)%n",
                damage.missing().size(), damage.different().size(), damage.extra().size());
        traffic.resume();
        CheckResult found = Check.between(oldByAssociationKey, newTable)
                .name(BACKEND_NAME)
                .mapping(FOLLOWS_TO_ASSOCIATIONS)
                .repair(Repair.COPY_FROM_SOURCE)
                .liveBackend(backend, "new", key -> key.get(0), Migration::noRowKeyForUser)
                // Rows the traffic writes while the check reads them would differ for a moment: leave them out.
                .skipChangedWithin(Duration.ofSeconds(1), "updated_at")
                .threads(2)
                .chunkRows(5_000)
                .sampleSize(1_000)
                .meterRegistry(registry)
                .run();
        quiesce();
        CheckResult again = compareOnly(false);
        Set<RowKey> foundKeys = found.sample().stream().map(Difference::key).collect(Collectors.toSet());
        Set<RowKey> others = new LinkedHashSet<>(foundKeys);
        others.removeAll(damage.keys());
        out.printf(Locale.ROOT, "   compared %s rows with the traffic on (%s being written, left out): %s missing, %s extra,"
                + " %s different;%n   %s repaired%s.%n   Checked again with the traffic paused: %s differences.%n",
                Report.n(found.rowsCompared()), Report.n(found.skippedInFlight()), Report.n(found.missing()),
                Report.n(found.extra()), Report.n(found.different()), Report.n(found.repaired()),
                others.isEmpty() ? ", exactly the damaged rows"
                        : " (" + others.size() + " of them rows a live write changed while the check read them)",
                Report.n(again.missing() + again.extra() + again.different()));
        Map<String, Long> damaged = new LinkedHashMap<>();
        damaged.put("missing", (long) damage.missing().size());
        damaged.put("different", (long) damage.different().size());
        damaged.put("extra", (long) damage.extra().size());
        return new Report.Checked(damaged, damage.keys(), found.rowsCompared(), found.skippedInFlight(), found.missing(), found.extra(),
                found.different(), found.repaired(), foundKeys, again.missing() + again.extra() + again.different());
    }

    private static RowKey noRowKeyForUser(Object user) {
        throw new IllegalStateException("a shadow write of user " + user + " failed; a user's key names all of its"
                + " follows, not one row, so the demo cannot repair it by key: run the whole check");
    }

    /** A check that compares only: with the traffic paused, or leaving out the rows it is writing. */
    private CheckResult compareOnly(boolean skipInFlight) {
        Check.Builder check = Check.between(oldByAssociationKey, newTable)
                .name(BACKEND_NAME)
                .mapping(FOLLOWS_TO_ASSOCIATIONS)
                .threads(2)
                .chunkRows(5_000)
                .meterRegistry(registry);
        if (skipInFlight) {
            check.skipChangedWithin(Duration.ofSeconds(1), "updated_at");
        }
        return check.run();
    }

    // ---- phase 4

    private Report.ShadowReads shadowReads() {
        out.printf(Locale.ROOT, "%n4. Shadow reads on (Stage.SHADOW): every read is also sent to 'new', off the caller's"
                + " thread, and compared.%n");
        backend.stage("new", Stage.SHADOW);
        diagnoses.clear();
        collectDiagnoses = true;
        Map<String, Long> kindsBefore = mismatchKinds("new");
        Tally before = tally("new");
        traffic.window(settings.windowCalls());
        drain();
        collectDiagnoses = false;
        Tally d = tally("new").minus(before);
        Map<String, Long> kinds = minus(mismatchKinds("new"), kindsBefore);
        List<String> described = new ArrayList<>();
        for (Mismatch m : diagnoses) {
            described.add(m.method() + ": " + m.kind().name().toLowerCase(Locale.ROOT) + ", " + m.difference()
                    + (m.path().isEmpty() ? "" : " (at " + m.path() + ")"));
        }
        out.printf(Locale.ROOT, "   %s reads compared: %s match, %s mismatch, %s raced (a write of the same user overlapped).%n"
                + "   Mismatches by kind: %s. Some, as the MismatchListener saw them (no values):%n",
                Report.n(d.compared()), Report.n(d.matched()), Report.n(d.mismatched()), Report.n(d.raced()), kinds);
        described.forEach(line -> out.println("     " + line));
        if (kinds.keySet().equals(Set.of("order"))) {
            out.printf(Locale.ROOT, "   All of kind 'order': following() in 'new' pages by the association table's key (channel id),%n"
                    + "   not newest first. A real bug: the page promises newest first, so no comparator should hide it.%n"
                    + "   Shadow reads go to 0%% (backend.sampleRate(0)) while the fix ships.%n");
        }
        backend.sampleRate(0);
        return new Report.ShadowReads(d.reads(), d.compared(), d.matched(), d.raced(), kinds, described);
    }

    // ---- phase 5

    private List<Report.RolloutStep> rollout() {
        newGraph.deployFix();
        out.printf(Locale.ROOT, "%n5. The fix is deployed (ORDER BY time_ms DESC). Shadow reads come back by user"
                + " (backend.sampleRate):%n   a user is in or out on every call, and raising the rate only adds users.%n");
        List<Report.RolloutStep> steps = new ArrayList<>();
        for (double percent : new double[] {1, 10, 100}) {
            backend.sampleRate(percent);
            Tally before = tally("new");
            traffic.window(settings.windowCalls());
            drain();
            Tally d = tally("new").minus(before);
            Report.RolloutStep step = new Report.RolloutStep(percent, d.reads(), d.compared(), d.mismatched());
            steps.add(step);
            out.printf(Locale.ROOT, "   %3s%%: %s of %s reads compared (%.1f%%), %s mismatches%n", Report.trim(percent),
                    Report.n(step.compared()), Report.n(step.reads()), step.comparedPercent(), Report.n(step.mismatched()));
        }
        return steps;
    }

    private Report.DualWrites dualWrite() {
        out.printf(Locale.ROOT, "   Last step before the cutover, Stage.DUAL_WRITE: each write reaches 'new' before the caller"
                + " goes on.%n");
        backend.stage("new", Stage.DUAL_WRITE);
        Tally before = tally("new");
        traffic.window(settings.windowCalls());
        drain();
        Tally d = tally("new").minus(before);
        out.printf(Locale.ROOT, "   %s writes, %s applied to 'new' on the caller's thread; %s reads compared, %s mismatches.%n",
                Report.n(d.writes()), Report.n(d.shadowed()), Report.n(d.compared()), Report.n(d.mismatched()));
        return new Report.DualWrites(d.writes(), d.shadowed(), d.mismatched());
    }

    // ---- phase 6

    private List<Report.RoleChange> roleChanges() {
        out.printf(Locale.ROOT, "%n6. Cutover, rollback, cutover again (promote): the store that answers swaps; the other keeps"
                + " getting%n   every write and read, compared, so a rollback finds it current.%n");
        List<Report.RoleChange> changes = new ArrayList<>();
        for (String next : List.of("new", "old", "new")) {
            String secondary = next.equals("new") ? "old" : "new";
            backend.promote(next);
            Tally before = tally(secondary);
            traffic.window(settings.windowCalls());
            quiesce();
            Tally d = tally(secondary).minus(before);
            long oldRows = countRows(oldTable);
            boolean equal = tablesEqual();
            String action = "promote(\"" + next + "\")";
            changes.add(new Report.RoleChange(action, backend.primaryName(), secondary, d.reads(), d.compared(),
                    d.mismatched(), d.shadowed(), oldRows, equal));
            out.printf(Locale.ROOT, "   %-16s %s answers; %s reads compared with '%s', %s mismatches; %s writes shadowed;%n"
                    + "   %-16s old and new tables %s row for row (%s rows).%n", action, backend.primaryName(),
                    Report.n(d.compared()), secondary, Report.n(d.mismatched()), Report.n(d.shadowed()), "",
                    equal ? "equal" : "DIFFER", Report.n(oldRows));
        }
        return changes;
    }

    private Report.FinalCheck finalCheck() {
        CheckResult last = compareOnly(false);
        long differences = last.missing() + last.extra() + last.different();
        out.printf(Locale.ROOT, "   Final check: %s differences in %s rows.%n", Report.n(differences), Report.n(last.rowsCompared()));
        return new Report.FinalCheck(last.rowsCompared(), differences);
    }

    // ---- serve mode

    /** Serve mode, after {@link #run()}: the traffic runs on, the replayer follows the journal. */
    void keepServing() {
        traffic.resume();
    }

    /**
     * Serve mode, on its own thread: compares the stores and prints one line. The traffic keeps
     * running, so a row written while the check read it may count as a difference once.
     */
    void periodicCheck(PrintStream log) {
        try {
            CheckResult result = compareOnly(true);
            log.printf(Locale.ROOT, "check: differences %s in %s rows (%s answers)%n",
                    Report.n(result.missing() + result.extra() + result.different()), Report.n(result.rowsCompared()),
                    backend.primaryName());
        } catch (RuntimeException e) {
            log.println("check failed: " + e);
        }
    }

    // ---- helpers

    private Tally tally(String secondary) {
        return Tally.of(traffic, meters, secondary, JOURNAL_TABLE);
    }

    /** Pauses the traffic and waits until 'new' and the replay have applied every write it made. */
    private void quiesce() {
        traffic.pause();
        drain();
        awaitReplay();
    }

    private void drain() {
        if (!backend.drain(WAIT)) {
            throw new IllegalStateException("the backend did not drain within " + WAIT);
        }
    }

    private void awaitReplay() {
        try {
            if (!replayer.awaitCaughtUp(WAIT)) {
                throw new IllegalStateException("the replay did not catch up within " + WAIT
                        + (replayer.failure() == null ? "" : ": " + replayer.failure()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the replay", e);
        }
    }

    private static void awaitTermination(ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long countRows(Table table) {
        return table.stream(KeyRange.all(), 10_000).count();
    }

    /** The old table, mapped to the new schema, equals the new table row for row. */
    private boolean tablesEqual() {
        Map<RowKey, Row> mapped = new HashMap<>();
        oldByAssociationKey.stream(KeyRange.all(), 10_000).map(FOLLOWS_TO_ASSOCIATIONS::map)
                .forEach(row -> mapped.put(newTable.columns().keyOf(row), row));
        Map<RowKey, Row> current = newTable.stream(KeyRange.all(), 10_000)
                .collect(Collectors.toMap(newTable.columns()::keyOf, Function.identity()));
        return mapped.equals(current);
    }

    /** Mismatch counts of reads compared with {@code store}, by kind. */
    private Map<String, Long> mismatchKinds(String store) {
        Map<String, Long> kinds = new TreeMap<>();
        registry.find(COMPARISONS).tags(BACKEND, BACKEND_NAME, STORE, store, RESULT, MISMATCH).counters()
                .forEach(c -> kinds.merge(c.getId().getTag(KIND), (long) c.count(), Long::sum));
        return kinds;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((kind, n) -> {
            long delta = n - before.getOrDefault(kind, 0L);
            if (delta != 0) {
                d.put(kind, delta);
            }
        });
        return d;
    }

    /** Stops the traffic, the replay, the backend and the journal, and drops the databases. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable part : new AutoCloseable[] {traffic, replayer, backend == null ? null : backend::close, journal,
                databases}) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        registry.close();
        if (failure != null) {
            throw failure;
        }
    }
}
