package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dualstore.MirroringBackend;
import dev.dualstore.backfill.AccountStore;
import dev.dualstore.backfill.CatchUp;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.Row;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ChildJvms;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Services and replayers in child JVMs ({@link JournalChild}): killed with -9 and restarted, or three at once. */
class JournalProcessesTest {
    @RegisterExtension
    static final Databases databases = new Databases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    private String url() {
        return "jdbc:postgresql://127.0.0.1:5432/" + databases.database();
    }

    private Process start(String... args) throws Exception {
        List<String> childArgs = new ArrayList<>(List.of(args[0], url()));
        childArgs.addAll(List.of(args).subList(1, args.length));
        return children.start(JournalChild.class, childArgs);
    }

    private void finish(Process child) throws Exception {
        children.finish(child);
    }

    private String output() throws Exception {
        return children.output();
    }

    private Matcher line(int child, String pattern) throws Exception {
        Matcher m = Pattern.compile(pattern).matcher(Files.readString(children.out(child)));
        assertThat(m.find()).as("line %s in\n%s", pattern, output()).isTrue();
        return m;
    }

    private static JdbcTable accounts(String name) {
        databases.execute(Server.POSTGRESQL, "CREATE TABLE " + name + " (id bigint NOT NULL PRIMARY KEY, balance bigint"
                + " NOT NULL, note text)");
        return JdbcTable.of(databases.of(Server.POSTGRESQL), name);
    }

    @Test
    void aServiceKilledWithShadowWritesPendingLosesNoneItsJournalHeld() throws Exception {
        JdbcTable primary = accounts("pending_old");
        JdbcTable secondary = accounts("pending_new");
        int writes = 150;
        Process service = start("pending", "pending_journal", "pending_old", "pending_new", String.valueOf(writes));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> !service.isAlive()
                || Files.readString(children.out(0)).contains("journaled"));
        assertThat(service.isAlive()).as("service still running\n%s", output()).isTrue();
        service.destroyForcibly().waitFor();
        Matcher m = line(0, "journaled (\\d+) secondary (\\d+)");
        assertThat(Long.parseLong(m.group(2))).as("shadow writes the secondary had applied when killed").isLessThan(writes);
        assertThat(ReplayerTest.all(secondary)).hasSizeLessThan(writes);

        // The restarted service replays its journal onto the secondary.
        JdbcJournal journal = JdbcJournal.in(databases.of(Server.POSTGRESQL), "pending_journal");
        assertThat(journal.lastPosition()).isEqualTo(writes);
        assertThat(Replayer.from(journal).to(AccountStore.over(secondary)).meterRegistry(new SimpleMeterRegistry())
                .runUntilCaughtUp()).isEqualTo(writes);
        assertThat(ReplayerTest.all(secondary)).hasSize(writes).isEqualTo(ReplayerTest.all(primary));
        journal.close();
    }

    @Test
    void aServiceKilledWithJournalAppendsPendingLeavesACrashWindowThatCoversEveryWriteNotJournaled() throws Exception {
        for (String table : List.of("crashed_old", "crashed_new")) {
            databases.execute(Server.POSTGRESQL, "CREATE TABLE " + table + " (id bigint NOT NULL PRIMARY KEY, balance"
                    + " bigint NOT NULL, note text, updated_at timestamptz NOT NULL DEFAULT now())");
        }
        DataSource db = databases.of(Server.POSTGRESQL);
        JdbcTable primary = JdbcTable.of(db, "crashed_old");
        JdbcTable secondary = JdbcTable.of(db, "crashed_new");
        JdbcJournal.in(db, "crashed_journal").close(); // its tables, so that the head row can be locked
        int writes = 120;
        long started = System.currentTimeMillis();
        Process service;
        // Appends lock the journal's head row: holding it keeps every append of the service waiting.
        try (Connection lock = databases.raw(Server.POSTGRESQL).getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.executeQuery("SELECT last_position FROM crashed_journal_head WHERE id = 1 FOR UPDATE").close();
            }
            service = start("crash", "crashed_journal", "crashed_old", "crashed_new", String.valueOf(writes));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> !service.isAlive()
                    || Files.readString(children.out(0)).contains("wrote"));
            assertThat(service.isAlive()).as("service still running\n%s", output()).isTrue();
            // Its heartbeat has recorded the writes it holds, after the last of them was written.
            long wrote = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> seenWaiting(db, wrote));
            service.destroyForcibly().waitFor();
            lock.rollback();
        }
        assertThat(ReplayerTest.all(primary)).hasSize(writes);

        // The restarted service's journal, looking a minute later: the killed instance missed its heartbeats.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcJournal journal = JdbcJournal.builder(db, "crashed_journal").meterRegistry(registry)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))).crashMargin(Duration.ofMillis(500))
                .build();
        CrashWindow found = journal.crashWindows().stream().filter(w -> w.instance().equals("killed-service"))
                .findFirst().orElseThrow(() -> new AssertionError("no crash window\n" + journal.crashWindows()));
        assertThat(found.from()).isBetween(Instant.ofEpochMilli(started - 500), Instant.ofEpochMilli(started + 10_000));
        assertThat(logs.warnings(JdbcJournal.class.getName()))
                .anySatisfy(CapturedLogs.mentioning("killed-service", "crashed_journal"));

        // Every write the primary applied is in the journal or in the window; some are only in the window.
        Set<Long> journaled = new HashSet<>();
        journal.read(0, 10_000).forEach(e -> journaled.add(Long.parseLong(e.key().replaceAll("\\D", ""))));
        for (Row row : ReplayerTest.all(primary)) {
            long writtenAt = ((Number) row.get("balance")).longValue();
            long id = ((Number) row.get("id")).longValue();
            assertThat(journaled.contains(id) || writtenAt >= found.from().toEpochMilli())
                    .as("write of %s at %s: not journaled, before the window from %s", id, writtenAt, found.from()).isTrue();
        }
        assertThat(journaled).as("appends were held up: none reached the journal").isEmpty();
        assertThat(ReplayerTest.all(secondary)).as("shadow writes were pending too").hasSizeLessThan(writes);

        // The repair, as the guide gives it: replay the journal, copy what changed since each window's start.
        Replayer.from(journal).to(JournalChild.stamped(secondary)).meterRegistry(new SimpleMeterRegistry()).runUntilCaughtUp();
        JdbcTable oldAccounts = primary;
        JdbcTable newAccounts = secondary;
        for (CrashWindow window : journal.crashWindows()) {
            CatchUp.from(oldAccounts).to(newAccounts).changedAt("updated_at").since(window.from()).runOnce();
            journal.markRepaired(window);
        }
        assertThat(ReplayerTest.all(secondary)).isEqualTo(ReplayerTest.all(primary));
        assertThat(journal.crashWindows()).isEmpty();
        assertThat(journal.markRepaired(found)).as("already marked").isFalse();
        journal.close();
    }

    /** @return whether the killed-service row was renewed after {@code wrote}, with writes waiting */
    private static boolean seenWaiting(DataSource db, long wrote) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT seen_millis, waiting_since_millis FROM crashed_journal_open"
                        + " WHERE instance = 'killed-service'")) {
            if (!rs.next()) {
                return false;
            }
            long seen = rs.getLong(1);
            rs.getLong(2);
            return !rs.wasNull() && seen > wrote;
        }
    }

    @Test
    void aReplayerKilledAtRandomPointsSkipsNoEntry() throws Exception {
        JdbcTable primary = accounts("replayed_old");
        JdbcTable target = accounts("replayed_new");
        JdbcJournal journal = JdbcJournal.in(databases.of(Server.POSTGRESQL), "replayed_journal");
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class)
                .primary("old", AccountStore.over(primary)).journal(journal).meterRegistry(new SimpleMeterRegistry())
                .build();
        int entries = 400;
        // Keys 0..299 written once, then every third again (100 entries), by four writers that
        // each own the keys congruent to their index mod 4: a skipped entry leaves a row missing or old.
        ConcurrentTestHarness.runConcurrently(4, writer -> {
            for (long id = writer; id < 300; id += 4) {
                backend.proxy().put(id, id, "first");
            }
            for (long id = writer; id < 300; id += 4) {
                if (id % 3 == 0) {
                    backend.proxy().put(id, 1_000 + id, "second");
                }
            }
        });
        backend.close();
        journal.close();
        assertThat(journal.lastPosition()).isEqualTo(entries);

        JdbcCheckpoints checkpoints = JdbcCheckpoints.in(databases.of(Server.POSTGRESQL), "dualstore_replay");
        Random random = new Random();
        TreeSet<Integer> killAt = new TreeSet<>();
        while (killAt.size() < 3) {
            killAt.add(40 + 20 * random.nextInt(15));
        }
        for (int position : killAt) {
            Process replayer = start("replay", "replayed_journal", "replayed_new", "20");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> !replayer.isAlive()
                    || checkpoints.position("replay-replayed_journal").map(Long::parseLong).orElse(0L) >= position);
            assertThat(replayer.isAlive()).as("replayer still running when killed after %s\n%s", position, output())
                    .isTrue();
            replayer.destroyForcibly().waitFor();
        }
        long before = Long.parseLong(checkpoints.position("replay-replayed_journal").orElseThrow());
        assertThat(before).isGreaterThanOrEqualTo(killAt.last());
        Process last = start("replay", "replayed_journal", "replayed_new", "20");
        finish(last);
        assertThat(Long.parseLong(line(children.last(), "caught up (\\d+)").group(1))).isEqualTo(entries - before);
        assertThat(checkpoints.position("replay-replayed_journal")).contains(String.valueOf(entries));
        assertThat(ReplayerTest.all(target)).hasSize(300).isEqualTo(ReplayerTest.all(primary));
    }

    @Test
    void threeServicesWritingOverlappingKeysConvergeThroughOneReplayByKey() throws Exception {
        JdbcTable primary = accounts("fleet_old");
        databases.execute(Server.MARIADB, "CREATE TABLE fleet_new (id bigint NOT NULL PRIMARY KEY, balance bigint"
                + " NOT NULL, note text)");
        JdbcTable target = JdbcTable.of(databases.of(Server.MARIADB), "fleet_new");
        JdbcJournal journal = JdbcJournal.in(databases.of(Server.POSTGRESQL), "fleet_journal");
        Replayer replayer = Replayer.from(journal).byKey(primary, target).name("fleet").batchSize(20)
                .pollInterval(Duration.ofMillis(10)).meterRegistry(new SimpleMeterRegistry()).start();
        int writes = 100;
        List<Process> fleet = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            fleet.add(start("fleet", "fleet_journal", "fleet_old", String.valueOf(writes), String.valueOf(i)));
        }
        for (int i = 0; i < 3; i++) {
            finish(fleet.get(i));
            assertThat(line(i, "done (\\d+) removes \\d+ missed (\\d+)").group(2)).isEqualTo("0");
        }
        assertThat(journal.lastPosition()).isEqualTo(3L * writes);
        assertThat(replayer.awaitCaughtUp(Duration.ofSeconds(30))).as("replay caught up").isTrue();
        replayer.close();

        List<Row> expected = ReplayerTest.all(primary);
        assertThat(expected).isNotEmpty().hasSizeLessThanOrEqualTo(JournalChild.KEYS);
        assertThat(ReplayerTest.all(target)).isEqualTo(expected);
        assertThat(logs.events()).anySatisfy(CapturedLogs.mentioning("replay fleet", "caught up"));
        journal.close();
    }
}
