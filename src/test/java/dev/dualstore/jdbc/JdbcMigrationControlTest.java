package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.MirroringBackend;
import dev.dualstore.Stage;
import dev.dualstore.fleet.FleetMigration;
import dev.dualstore.fleet.MigrationPlan;
import dev.dualstore.fleet.Transition;
import dev.dualstore.spi.ControlState;
import dev.dualstore.spi.ControlUnavailableException;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.ManualClock;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.dualstore.testing.PlainDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The control table on PostgreSQL, MariaDB and H2: compare-and-set moves, acknowledgements under leases. */
class JdbcMigrationControlTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static int tables;

    private static synchronized String table() {
        return "control_" + tables++;
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void movesAreACompareAndSetOnTheVersionAcrossControlObjects(Server server) throws Exception {
        String table = table();
        DataSource ds = databases.dataSource(server);
        JdbcMigrationControl.in(ds, table);
        for (int round = 0; round < 5; round++) {
            String backend = "b" + round;
            Set<Long> movedFrom = ConcurrentHashMap.newKeySet();
            AtomicInteger moves = new AtomicInteger();
            AtomicInteger lost = new AtomicInteger();
            ConcurrentTestHarness.runConcurrently(6, thread -> {
                // One control object per thread, as each process has its own.
                FleetMigration migration = FleetMigration.of(JdbcMigrationControl.in(ds, table), backend,
                        MigrationPlan.standard("old", "new"));
                for (int i = 0; i < 3; i++) {
                    try {
                        Transition t = migration.advance();
                        moves.incrementAndGet();
                        movedFrom.add(t.from().map(ControlState::version).orElse(0L));
                    } catch (IllegalStateException e) {
                        assertThat(e.getMessage()).containsAnyOf("moved from version", "last step");
                        lost.incrementAndGet();
                    }
                }
            });
            assertThat(movedFrom).as("each version left exactly once").hasSize(moves.get());
            ControlState state = JdbcMigrationControl.in(ds, table).current(backend).orElseThrow();
            assertThat(state.version()).isEqualTo(moves.get());
            assertThat(state.step()).isEqualTo(moves.get() - 1);
            assertThat(moves.get() + lost.get()).isEqualTo(18);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void holdsTheStepAndAcknowledgementsUnderLeases(Server server) {
        ManualClock clock = new ManualClock();
        JdbcMigrationControl control = JdbcMigrationControl.in(databases.dataSource(server), table()).withClock(clock)
                .withLease(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(control.current("follows")).isEmpty();
        ControlState first = new ControlState(1, 0, "shadow", "old", Map.of("new", Stage.SHADOW), 100);
        assertThat(control.change("follows", 0, first)).isTrue();
        assertThat(control.change("follows", 0, first)).as("started once").isFalse();
        ControlState second = new ControlState(2, 1, "dual write", "old", Map.of("new", Stage.DUAL_WRITE), 25.5);
        assertThat(control.change("follows", 1, second)).isTrue();
        assertThat(control.change("follows", 1, second)).isFalse();
        assertThat(control.current("follows")).contains(second);
        assertThat(control.current("other")).isEmpty();

        control.acknowledge("follows", "a", -1, -1);
        control.acknowledge("follows", "a", 2, 1);
        clock.advance(Duration.ofSeconds(5));
        control.acknowledge("follows", "b", 1, 0);
        assertThat(control.liveInstances("follows")).containsExactly(
                new InstanceAck("a", 2, 1, clock.instant().minusSeconds(5).plusSeconds(10)),
                new InstanceAck("b", 1, 0, clock.instant().plusSeconds(10)));
        clock.advance(Duration.ofSeconds(5));
        assertThat(control.liveInstances("follows")).extracting(InstanceAck::instance).as("a's lease expired").containsExactly("b");
        control.leave("follows", "b");
        assertThat(control.liveInstances("follows")).isEmpty();
        assertThat(JdbcMigrationControl.in(databases.dataSource(server), control.table()).current("follows"))
                .as("the table is opened again as it is").contains(second);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void backendsFollowTheTable(Server server) {
        JdbcMigrationControl control = JdbcMigrationControl.in(databases.dataSource(server), table())
                .withLease(Duration.ofSeconds(30), Duration.ofMillis(10));
        FleetMigration migration = FleetMigration.of(control, "kv", MigrationPlan.standard("old", "new"));
        migration.advance();
        try (MirroringBackend<KeyValueStore> a = Backends.keyValue(new SimpleMeterRegistry()).name("kv").control(control)
                .instanceName("a").build();
                MirroringBackend<KeyValueStore> b = Backends.keyValue(new SimpleMeterRegistry()).name("kv").control(control)
                        .instanceName("b").build()) {
            for (int i = 0; i < 3; i++) {
                migration.advance();
                await().atMost(Duration.ofSeconds(10)).until(() -> migration.notAcknowledged().isEmpty());
            }
            assertThat(List.of(a.primaryName(), b.primaryName())).containsExactly("new", "new");
            assertThat(List.of(a.stage("old"), b.stage("old"))).containsExactly(Stage.SHADOW, Stage.SHADOW);
            assertThat(migration.liveInstances()).extracting(InstanceAck::instance).containsExactly("a", "b");
        }
        assertThat(migration.liveInstances()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void creatingTheTableFromManyProcessesAtOnceSucceeds(Server server) throws Exception {
        String table = table();
        ConcurrentTestHarness.runConcurrently(4, thread -> JdbcMigrationControl.in(databases.dataSource(server), table));
        assertThat(JdbcMigrationControl.in(databases.dataSource(server), table).current("x")).isEmpty();
    }

    @Test
    void aControlThatCannotBeReachedSaysWhichAndWhy() {
        DataSource h2 = databases.dataSource(Server.H2);
        AtomicBoolean down = new AtomicBoolean();
        DataSource flaky = new PlainDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                if (down.get()) {
                    throw new SQLException("Connection refused");
                }
                return h2.getConnection();
            }
        };
        JdbcMigrationControl control = JdbcMigrationControl.in(flaky, "flaky_control");
        down.set(true);
        assertThatThrownBy(() -> control.current("follows")).isInstanceOf(ControlUnavailableException.class)
                .hasMessage("JdbcMigrationControl[flaky_control] could not read the step of follows: Connection refused");
        assertThatThrownBy(() -> control.acknowledge("follows", "a", 0, -1)).isInstanceOf(ControlUnavailableException.class)
                .hasMessageContaining("could not acknowledge version 0 of follows for a");
        assertThatThrownBy(() -> JdbcMigrationControl.in(flaky, "other")).isInstanceOf(ControlUnavailableException.class)
                .hasMessageContaining("cannot create or open control table other: Connection refused");
        down.set(false);
        assertThat(control.current("follows")).isEmpty();
        assertThatThrownBy(() -> JdbcMigrationControl.in(h2, "bad name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad name'");
    }
}
