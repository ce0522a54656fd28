package dev.dualstore.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dualstore.MirroringBackend;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A journal instance that ends without {@code close()} is found by the others, with the time from
 * which its writes may be missing; one that closes is not. The kill -9 of a real process with
 * appends pending is in {@link JournalProcessesTest}.
 */
class CrashWindowTest {
    @RegisterExtension
    static final Databases databases = new Databases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private JdbcJournal.Builder journal(Server server, String table) {
        return JdbcJournal.builder(databases.of(server), table).meterRegistry(new SimpleMeterRegistry());
    }

    /** A clock {@code ahead} of the system's, as the instance looking would see it that much later. */
    private static Clock later(Duration ahead) {
        return Clock.offset(Clock.systemUTC(), ahead);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void anInstanceThatClosedLeavesNoWindow(Server server) {
        String table = JdbcJournalTest.table("closed");
        JdbcJournal first = journal(server, table).instanceName("first").build();
        MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv")
                .primary("old", new InMemoryKeyValueStore()).journal(first).meterRegistry(registry).build();
        backend.proxy().put("k", "v");
        backend.close();
        first.close();

        JdbcJournal next = journal(server, table).clock(later(Duration.ofHours(1))).build();
        assertThat(next.crashWindows()).isEmpty();
        assertThat(first.lastPosition()).isEqualTo(1);
        next.close();
        assertThat(logs.events()).noneMatch(e -> e.level() == org.slf4j.event.Level.WARN);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void anInstanceThatEndedWithoutClosingIsReportedOnceItMissedTenHeartbeats(Server server) {
        String table = JdbcJournalTest.table("ended");
        Instant before = Instant.now();
        JdbcJournal ended = journal(server, table).instanceName("ended-one").heartbeat(Duration.ofMillis(100))
                .build();
        ended.abandon(); // as a kill -9 would: its row stays, no longer renewed
        Instant after = Instant.now();

        // Ten heartbeats of the ended instance (1 s) have not passed for an instance looking 0.5 s later.
        JdbcJournal soon = journal(server, table).clock(later(Duration.ofMillis(500))).build();
        assertThat(soon.crashWindows()).isEmpty();
        soon.close();

        JdbcJournal looking = JdbcJournal.builder(databases.of(server), table).meterRegistry(registry)
                .clock(later(Duration.ofSeconds(5))).crashMargin(Duration.ofSeconds(2)).build();
        List<CrashWindow> windows = looking.crashWindows();
        assertThat(windows).singleElement().satisfies(w -> {
            assertThat(w.journal()).isEqualTo(table);
            assertThat(w.instance()).isEqualTo("ended-one");
            assertThat(w.lastSeen()).isBetween(before.minusMillis(1), after.plusMillis(1));
            // It held no write: the window starts at its last heartbeat, less the margin.
            assertThat(w.from()).isEqualTo(w.lastSeen().minusSeconds(2));
            assertThat(w.foundAt()).isAfter(after.plusSeconds(4));
        });
        assertThat(registry.get("dualstore.journal.crash.windows").tag("journal", table).gauge().value()).isEqualTo(1);
        assertThat(logs.warnings(JdbcJournal.class.getName())).singleElement()
                .satisfies(CapturedLogs.mentioning("ended-one", table));

        assertThat(looking.markRepaired(windows.get(0))).isTrue();
        assertThat(looking.markRepaired(windows.get(0))).as("already marked").isFalse();
        assertThat(looking.crashWindows()).isEmpty();
        assertThat(registry.get("dualstore.journal.crash.windows").tag("journal", table).gauge().value()).isEqualTo(0);
        looking.close();
    }

    @Test
    void aLiveInstanceIsNeverReportedAndItsRowGoesWithClose() {
        String table = JdbcJournalTest.table("alive");
        JdbcJournal alive = journal(Server.H2, table).instanceName("alive").build();
        JdbcJournal other = journal(Server.H2, table).instanceName("other").build();
        assertThat(alive.crashWindows()).isEmpty();
        assertThat(other.crashWindows()).isEmpty();
        alive.close();
        JdbcJournal much = journal(Server.H2, table).clock(later(Duration.ofHours(2))).build();
        // "other" is still open; seen from two hours on, it stopped renewing: that is all it takes.
        assertThat(much.crashWindows()).extracting(CrashWindow::instance).containsExactly("other");
        other.close();
        assertThat(much.crashWindows()).isEmpty();
        much.close();
    }

    @Test
    void badOptionsAreRefusedNamingThem() {
        JdbcJournal.Builder b = journal(Server.H2, "unused");
        assertThatThrownBy(() -> b.heartbeat(Duration.ofMillis(5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat");
        assertThatThrownBy(() -> b.crashMargin(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crashMargin");
        assertThatThrownBy(() -> b.instanceName(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instanceName");
    }
}
