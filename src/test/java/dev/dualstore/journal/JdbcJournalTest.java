package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.MirroringBackend;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.MeterReader;
import dev.dualstore.testing.PlainDataSource;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcJournalTest {
    @RegisterExtension
    static final Databases databases = new Databases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterReader meters = new MeterReader(registry);

    static String table(String prefix) {
        return prefix + "_" + TABLES.incrementAndGet();
    }

    private MirroringBackend<KeyValueStore> backend(JdbcJournal journal) {
        return MirroringBackend.builder(KeyValueStore.class).name("kv").primary("old", new InMemoryKeyValueStore())
                .journal(journal).meterRegistry(registry).build();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void everyAppliedWriteIsAppendedInOrderWithItsMethodKeyAndArguments(Server server) throws Exception {
        JdbcJournal journal = JdbcJournal.builder(databases.of(server), table("journal")).meterRegistry(registry)
                .build();
        MirroringBackend<KeyValueStore> backend = backend(journal);
        for (int i = 0; i < 50; i++) {
            backend.proxy().put("key-" + (i % 7), "value " + i);
        }
        backend.proxy().append("key-0", "ünïcode \"quoted\"\n");
        assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();

        List<JournalEntry> entries = journal.read(0, 1000);
        assertThat(entries).extracting(JournalEntry::position).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 51).boxed().toList());
        assertThat(journal.lastPosition()).isEqualTo(51);
        JournalEntry first = entries.stream().filter(e -> e.method().startsWith("put")).findFirst().orElseThrow();
        assertThat(first.backend()).isEqualTo("kv");
        assertThat(first.store()).isEqualTo("old");
        assertThat(first.method()).isEqualTo("put(java.lang.String,java.lang.String)");
        assertThat(first.decodedKey()).asString().startsWith("key-");
        assertThat(first.threw()).isFalse();
        JournalEntry last = entries.stream().filter(e -> e.method().startsWith("append")).findFirst().orElseThrow();
        assertThat(last.method()).isEqualTo("append(java.lang.String,java.lang.String)");
        assertThat(last.decodedKey()).isEqualTo("key-0");
        assertThat(journal.codec().decode(KeyValueStore.class.getMethod("append", String.class, String.class),
                last.arguments())).containsExactly("key-0", "ünïcode \"quoted\"\n");
        assertThat(journal.read(10, 5)).extracting(JournalEntry::position).containsExactly(11L, 12L, 13L, 14L, 15L);
        assertThat(journal.read(51, 5)).isEmpty();
        assertThat(meters.count("dualstore.journal.appends", "journal", journal.name(), "result", "success")).isEqualTo(51);
        assertThat(meters.count("dualstore.observer.writes", "result", "success")).isEqualTo(51);
        backend.close();
        journal.close();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void writersOnManyThreadsGetGaplessPositionsAndEachKeyKeepsItsOrder(Server server) throws Exception {
        JdbcJournal journal = JdbcJournal.builder(databases.of(server), table("concurrent")).batchSize(64)
                .meterRegistry(registry).build();
        MirroringBackend<KeyValueStore> backend = backend(journal);
        // A second journal object on the same table: another service instance.
        SimpleMeterRegistry otherRegistry = new SimpleMeterRegistry();
        JdbcJournal other = JdbcJournal.builder(databases.of(server), journal.name())
                .meterRegistry(otherRegistry).build();
        MirroringBackend<KeyValueStore> otherBackend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", new InMemoryKeyValueStore()).journal(other).meterRegistry(otherRegistry).build();
        int writes = 100;
        ConcurrentTestHarness.runConcurrently(8, thread -> {
            KeyValueStore proxy = (thread % 2 == 0 ? backend : otherBackend).proxy();
            for (int i = 0; i < writes; i++) {
                proxy.put("t" + thread + "-" + (i % 5), Integer.toString(i));
            }
        });
        assertThat(backend.drain(Duration.ofSeconds(20))).isTrue();
        assertThat(otherBackend.drain(Duration.ofSeconds(20))).isTrue();

        List<JournalEntry> entries = journal.read(0, 10_000);
        assertThat(entries).hasSize(8 * writes);
        Map<Object, Integer> lastValue = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry e = entries.get(i);
            assertThat(e.position()).isEqualTo(i + 1);
            int value = Integer.parseInt((String) journal.codec().decode(
                    KeyValueStore.class.getMethod("put", String.class, String.class), e.arguments())[1]);
            Integer before = lastValue.put(e.decodedKey(), value);
            assertThat(before == null || before < value).as("order of %s at %s", e.decodedKey(), e.position()).isTrue();
        }
        backend.close();
        otherBackend.close();
        journal.close();
        other.close();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aCorruptOrMissingEntryStopsReadingNamingItsPosition(Server server) {
        JdbcJournal journal = JdbcJournal.builder(databases.of(server), table("corrupt")).meterRegistry(registry)
                .build();
        MirroringBackend<KeyValueStore> backend = backend(journal);
        for (int i = 0; i < 10; i++) {
            backend.proxy().put("k" + i, "v" + i);
        }
        backend.close();
        journal.close();
        assertThat(journal.read(0, 100)).hasSize(10);

        databases.execute(server, "UPDATE " + journal.name() + " SET arguments = '[\"k2\",\"forged\"]' WHERE position = 3");
        assertThat(journal.read(0, 2)).hasSize(2);
        assertThatThrownBy(() -> journal.read(0, 100)).isInstanceOfSatisfying(JournalCorruptedException.class,
                e -> assertThat(e.position()).isEqualTo(3)).hasMessageContaining("position 3")
                .hasMessageContaining("checksum");

        databases.execute(server, "DELETE FROM " + journal.name() + " WHERE position = 6");
        assertThatThrownBy(() -> journal.read(3, 100)).isInstanceOfSatisfying(JournalCorruptedException.class,
                e -> assertThat(e.position()).isEqualTo(6)).hasMessageContaining("is missing");

        databases.execute(server, "DELETE FROM " + journal.name() + " WHERE position = 10");
        assertThatThrownBy(() -> journal.read(9, 100)).isInstanceOfSatisfying(JournalCorruptedException.class,
                e -> assertThat(e.position()).isEqualTo(10)).hasMessageContaining("head");
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void aReaderFollowingConcurrentAppendsNeverSeesAGap(Server server) throws Exception {
        JournalTable table = new JournalTable(databases.of(server), table("followed"));
        Thread appender = new Thread(() -> {
            try {
                for (int i = 0; i < 150; i++) {
                    table.append(List.of(entry(), entry(), entry()));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        appender.start();
        long position = 0;
        int reads = 0;
        while (appender.isAlive() || position < 450) {
            List<JournalEntry> read = table.read(position, 7);
            for (JournalEntry e : read) {
                assertThat(e.position()).isEqualTo(++position);
            }
            reads++;
        }
        appender.join();
        assertThat(position).isEqualTo(450);
        assertThat(reads).isGreaterThan(1);
    }

    private static JournalEntry entry() {
        return new JournalEntry(1, java.time.Instant.now(), "b", "s", "m()", null, "[]", false);
    }

    @Test
    void aFailedAppendIsCountedLoggedAndListedForRepair() {
        JdbcJournal journal = JdbcJournal.builder(databases.of(Server.H2), table("dropped"))
                .meterRegistry(registry).build();
        MirroringBackend<KeyValueStore> backend = backend(journal);
        databases.execute(Server.H2, "DROP TABLE " + journal.name());
        backend.proxy().put("lost", "1");
        backend.proxy().put("lost too", "2");
        assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();

        assertThat(backend.keysToRepair("journal")).containsExactlyInAnyOrder("lost", "lost too");
        assertThat(meters.count("dualstore.journal.appends", "result", "error")).isEqualTo(2);
        assertThat(meters.count("dualstore.observer.writes", "result", "error")).isEqualTo(2);
        assertThat(warnings()).isNotEmpty().allSatisfy(CapturedLogs.mentioning("journal"));
        assertThat(logs.warnings("dev.dualstore.journal.JdbcJournal"))
                .anySatisfy(CapturedLogs.mentioning("could not append", "listed for repair"));
        backend.close();
        journal.close();
    }

    @Test
    void aFullQueueRejectsTheWriteAndListsItsKeyAndCloseRejectsLaterWrites() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DataSource h2 = databases.raw(Server.H2);
        String table = table("full");
        AtomicInteger appends = new AtomicInteger();
        DataSource gated = new PlainDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                // The writer's first append waits at the gate (not the heartbeat's, nor build()'s connections).
                if (Thread.currentThread().getName().equals("dualstore-journal-" + table)
                        && appends.incrementAndGet() == 1) {
                    blocked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return h2.getConnection();
            }
        };
        JdbcJournal journal = JdbcJournal.builder(gated, table).maxPending(1).meterRegistry(registry).build();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", new InMemoryKeyValueStore()).journal(journal).timeout(Duration.ofSeconds(30))
                .meterRegistry(registry).build();
        backend.proxy().put("a", "1");
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        backend.proxy().put("b", "2");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("dualstore.journal.pending").gauge().value() == 1);
        backend.proxy().put("c", "3");
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.keysToRepair("journal").contains("c"));
        release.countDown();
        assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();

        assertThat(journal.read(0, 10)).extracting(JournalEntry::decodedKey).containsExactly("a", "b");
        assertThat(backend.keysToRepair("journal")).containsExactly("c");
        assertThat(meters.count("dualstore.journal.appends", "result", "rejected")).isEqualTo(1);

        journal.close();
        backend.proxy().put("after close", "4");
        backend.close();
        assertThat(backend.keysToRepair("journal")).containsExactlyInAnyOrder("c", "after close");
        assertThat(journal.lastPosition()).isEqualTo(2);
        assertThat(warnings()).allSatisfy(CapturedLogs.mentioning("journal"));
    }

    private List<CapturedLogs.Event> warnings() {
        return logs.events().stream().filter(e -> e.level() == org.slf4j.event.Level.WARN).toList();
    }
}
