package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.MirroringBackend;
import dev.dualstore.backfill.AccountStore;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReplayerTest {
    @RegisterExtension
    static final Databases databases = new Databases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);
    private final InMemoryKeyValueStore primary = new InMemoryKeyValueStore();

    private JdbcJournal journal(Server server, Clock clock) {
        return JdbcJournal.builder(databases.of(server), JdbcJournalTest.table("replayed")).clock(clock)
                .meterRegistry(registry).build();
    }

    /** Writes through a backend with the journal: puts and order-sensitive appends over a few keys. */
    private void write(JdbcJournal journal, int writes, int seed) {
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", primary).journal(journal).meterRegistry(new SimpleMeterRegistry()).build();
        Random random = new Random(seed);
        for (int i = 0; i < writes; i++) {
            String key = "k" + random.nextInt(9);
            if (random.nextBoolean()) {
                backend.proxy().put(key, seed + ":" + i);
            } else {
                backend.proxy().append(key, seed + ":" + i);
            }
        }
        backend.close();
    }

    @Test
    void replaysEachOperationInOrderAndReportsCaughtUp() {
        JdbcJournal journal = journal(Server.H2, Clock.systemUTC());
        write(journal, 300, 1);
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();

        Replayer replayer = Replayer.from(journal).to(target).name("ops").meterRegistry(registry).batchSize(64).build();
        assertThat(replayer.runUntilCaughtUp()).isEqualTo(300);

        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        assertThat(replayer.position()).isEqualTo(300);
        assertThat(replayer.caughtUp()).isTrue();
        assertThat(meters.count("dualstore.replay.entries", "replay", "ops", "result", "applied")).isEqualTo(300);
        assertThat(registry.get("dualstore.replay.lag.entries").tag("replay", "ops").gauge().value()).isZero();
        assertThat(registry.get("dualstore.replay.caught.up").tag("replay", "ops").gauge().value()).isEqualTo(1);
        assertThat(logs.events()).anySatisfy(CapturedLogs.mentioning("replay ops", "caught up at position 300"));
        replayer.close();
        assertThat(registry.find("dualstore.replay.caught.up").gauges()).isEmpty();
        journal.close();
    }

    @Test
    void aRestartResumesFromItsCheckpointAndFromBeginningRebuilds() {
        JdbcJournal journal = journal(Server.H2, Clock.systemUTC());
        JdbcCheckpoints checkpoints = JdbcCheckpoints.in(databases.of(Server.H2), "dualstore_replay");
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();
        write(journal, 120, 2);
        assertThat(Replayer.from(journal).to(target).checkpoints(checkpoints).meterRegistry(registry).runUntilCaughtUp())
                .isEqualTo(120);
        write(journal, 80, 3);
        // Appends are order-sensitive: an entry applied twice would show in the histories.
        assertThat(Replayer.from(journal).to(target).checkpoints(checkpoints).meterRegistry(registry).runUntilCaughtUp())
                .isEqualTo(80);
        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        assertThat(checkpoints.position("replay-" + journal.name())).contains("200");

        InMemoryKeyValueStore rebuilt = new InMemoryKeyValueStore();
        assertThat(Replayer.from(journal).to(rebuilt).checkpoints(checkpoints).meterRegistry(registry).fromBeginning()
                .runUntilCaughtUp()).isEqualTo(200);
        assertThat(rebuilt.snapshot()).isEqualTo(primary.snapshot());
        journal.close();
    }

    @Test
    void lagIsReportedInEntriesAndSecondsWhileBehind() {
        Instant written = Instant.parse("2026-12-03T10:00:00Z");
        JdbcJournal journal = journal(Server.H2, Clock.fixed(written, ZoneOffset.UTC));
        write(journal, 35, 4);
        List<double[]> seen = new ArrayList<>();
        InMemoryKeyValueStore target = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                seen.add(lag(registry));
                super.put(key, value);
            }

            @Override
            public void append(String key, String value) {
                seen.add(lag(registry));
                super.append(key, value);
            }
        };
        Replayer replayer = Replayer.from(journal).to(target).name("lagging").batchSize(10).meterRegistry(registry)
                .clock(Clock.fixed(written.plusSeconds(30), ZoneOffset.UTC)).build();
        replayer.runUntilCaughtUp();

        assertThat(seen).hasSize(35);
        assertThat(seen.get(0)).containsExactly(35, 0, 0);
        assertThat(seen.get(10)).containsExactly(25, 30, 0);
        assertThat(seen.get(34)).containsExactly(5, 30, 0);
        assertThat(lag(registry)).containsExactly(0, 0, 1);
        assertThat(logs.events()).anySatisfy(CapturedLogs.mentioning("replay lagging", "35 entries behind"));
        replayer.close();
        journal.close();
    }

    private static double[] lag(MeterRegistry registry) {
        return new double[] {registry.get("dualstore.replay.lag.entries").gauge().value(),
                registry.get("dualstore.replay.lag.seconds").gauge().value(),
                registry.get("dualstore.replay.caught.up").gauge().value()};
    }

    @Test
    void aCorruptEntryStopsTheReplayBeforeItAndARestartAfterTheFixGoesOn() {
        JdbcJournal journal = journal(Server.H2, Clock.systemUTC());
        write(journal, 20, 5);
        JdbcCheckpoints checkpoints = JdbcCheckpoints.in(databases.of(Server.H2), "dualstore_replay");
        String original = journal.read(6, 1).get(0).arguments();
        databases.execute(Server.H2, "UPDATE " + journal.name() + " SET arguments = 'torn' WHERE position = 7");
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();

        assertThatThrownBy(() -> Replayer.from(journal).to(target).checkpoints(checkpoints).batchSize(5)
                .meterRegistry(registry).runUntilCaughtUp())
                .isInstanceOfSatisfying(JournalCorruptedException.class, e -> assertThat(e.position()).isEqualTo(7))
                .hasMessageContaining("position 7");
        assertThat(checkpoints.position("replay-" + journal.name())).contains("5");

        databases.execute(Server.H2, "UPDATE " + journal.name() + " SET arguments = '" + original.replace("'", "''")
                + "' WHERE position = 7");
        assertThat(Replayer.from(journal).to(target).checkpoints(checkpoints).batchSize(5).meterRegistry(registry)
                .runUntilCaughtUp()).isEqualTo(15);
        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        journal.close();
    }

    @Test
    void anEntryTheTargetRejectsStopsTheReplayNamingItsPosition() {
        JdbcJournal journal = journal(Server.H2, Clock.systemUTC());
        write(journal, 10, 6);
        InMemoryKeyValueStore target = new InMemoryKeyValueStore() {
            @Override
            public void put(String key, String value) {
                throw new IllegalStateException("new store is down");
            }

            @Override
            public void append(String key, String value) {
                throw new IllegalStateException("new store is down");
            }
        };
        Replayer replayer = Replayer.from(journal).to(target).meterRegistry(registry).build();
        assertThatThrownBy(replayer::runUntilCaughtUp).isInstanceOfSatisfying(ReplayException.class,
                e -> assertThat(e.position()).isEqualTo(1)).hasMessageContaining("new store is down")
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(replayer.position()).isZero();
        assertThat(meters.count("dualstore.replay.entries", "result", "failed")).isEqualTo(1);
        replayer.close();
        journal.close();
    }

    @Test
    void aContinuousReplayerFollowsNewWritesOnItsOwnThreadUntilStopped() throws Exception {
        JdbcJournal journal = journal(Server.H2, Clock.systemUTC());
        InMemoryKeyValueStore target = new InMemoryKeyValueStore();
        Replayer replayer = Replayer.from(journal).to(target).name("live").pollInterval(Duration.ofMillis(5))
                .meterRegistry(registry).start();
        write(journal, 50, 7);
        assertThat(replayer.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("dualstore-replay-live")
                && t.isDaemon());
        write(journal, 50, 8);
        assertThat(replayer.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
        // The meters say so as soon as the wait returns.
        assertThat(registry.get("dualstore.replay.lag.entries").tag("replay", "live").gauge().value()).isZero();
        assertThat(registry.get("dualstore.replay.caught.up").tag("replay", "live").gauge().value()).isEqualTo(1);
        assertThat(target.snapshot()).isEqualTo(primary.snapshot());
        assertThatThrownBy(replayer::runUntilCaughtUp).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
        replayer.stop();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("dualstore-replay-live"));
        assertThat(replayer.awaitCaughtUp(Duration.ofMillis(1))).isTrue();

        write(journal, 2, 9);
        databases.execute(Server.H2, "DELETE FROM " + journal.name() + " WHERE position = 101");
        replayer.start();
        assertThat(replayer).satisfies(r -> {
            assertThatThrownBy(() -> r.awaitCaughtUp(Duration.ofSeconds(10))).isInstanceOf(JournalCorruptedException.class)
                    .hasMessageContaining("position 101");
        });
        assertThat(replayer.failure()).isInstanceOf(JournalCorruptedException.class);
        assertThat(logs.warnings(Replayer.class.getName())).singleElement()
                .satisfies(CapturedLogs.mentioning("replay live", "position 101"));
        replayer.close();
        journal.close();
    }

    @Test
    void replayByKeyCopiesEachKeysCurrentRowAndIsIdempotent() {
        JdbcTable primaryTable = accounts(Server.POSTGRESQL, "accounts");
        JdbcTable targetTable = accounts(Server.MARIADB, "accounts");
        JdbcJournal journal = JdbcJournal.builder(databases.of(Server.POSTGRESQL), "journal_by_key")
                .meterRegistry(registry).build();
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class)
                .primary("old", AccountStore.over(primaryTable)).journal(journal).meterRegistry(new SimpleMeterRegistry())
                .build();
        Random random = new Random(10);
        for (int i = 0; i < 200; i++) {
            long id = random.nextInt(40);
            if (random.nextInt(4) == 0) {
                backend.proxy().remove(id);
            } else {
                backend.proxy().put(id, i, "write " + i);
            }
        }
        backend.close();
        // A row the primary no longer has, left in the target: replay by key deletes it.
        long removed = journal.read(0, 1000).stream().filter(e -> e.method().startsWith("remove")).findFirst()
                .map(e -> (Long) e.decodedKey()).orElseThrow();
        if (primaryTable.read(List.of(dev.dualstore.table.RowKey.of(removed))).isEmpty()) {
            targetTable.upsert(List.of(Row.builder().set("id", removed).set("balance", -1L).set("note", "stale").build()));
        }

        JdbcCheckpoints checkpoints = JdbcCheckpoints.in(databases.of(Server.POSTGRESQL), "dualstore_replay");
        assertThat(Replayer.from(journal).byKey(primaryTable, targetTable).checkpoints(checkpoints).batchSize(50)
                .meterRegistry(registry).runUntilCaughtUp()).isEqualTo(200);
        assertThat(all(targetTable)).isEqualTo(all(primaryTable)).isNotEmpty();
        assertThat(Replayer.from(journal).byKey(primaryTable, targetTable).checkpoints(checkpoints).fromBeginning()
                .batchSize(7).meterRegistry(registry).runUntilCaughtUp()).isEqualTo(200);
        assertThat(all(targetTable)).isEqualTo(all(primaryTable));
        journal.close();
    }

    static JdbcTable accounts(Server server, String name) {
        databases.execute(server, "CREATE TABLE " + name + " (id bigint NOT NULL PRIMARY KEY, balance bigint NOT NULL, note "
                + server.type("text") + ")");
        return JdbcTable.of(databases.of(server), name);
    }

    static List<Row> all(JdbcTable table) {
        return table.stream(KeyRange.all(), 1000).toList();
    }

    @Test
    void buildNamesWhatIsWrong() {
        JdbcJournal journal = journal(Server.H2, Clock.systemUTC());
        assertThatThrownBy(() -> Replayer.from(journal).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no target");
        JdbcTable table = accounts(Server.H2, "accounts_build");
        assertThatThrownBy(() -> Replayer.from(journal).to(new InMemoryKeyValueStore()).byKey(table, table))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a target, to(");
        assertThatThrownBy(() -> Replayer.from(journal).to(new InMemoryKeyValueStore()).keys(k -> null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys(...) applies to byKey");
        assertThatThrownBy(() -> Replayer.from(journal).to(new Object()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object implements no public");
        assertThatThrownBy(() -> Replayer.from(journal).name(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Replayer.from(journal).batchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> Replayer.from(journal).checkpoints(JdbcCheckpoints.in(databases.of(Server.H2),
                "cp")).checkpoints(null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("checkpoints");
        assertThatThrownBy(() -> JdbcJournal.in(databases.of(Server.H2), "bad-name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad-name'");
        journal.close();
    }
}
