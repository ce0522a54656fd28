package dev.dualstore.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dualstore.jdbc.JdbcMigrationControl;
import dev.dualstore.spi.InstanceAck;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.ChildJvms;
import dev.dualstore.testing.PooledDataSource;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three instances of a service ({@link FleetChild}, each a JVM) share one control table on the
 * real PostgreSQL or MariaDB and write overlapping keys while the test moves them through the
 * whole standard plan: forward to the rollback point, back to the start (one instance killed with
 * SIGKILL while the fleet moves, and restarted), forward again, then past the rollback point.
 */
class FleetProcessesTest {
    private static final MigrationPlan PLAN = MigrationPlan.standard("old", "new");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    private final List<Process> running = new ArrayList<>(List.of());
    private final Map<Integer, Integer> childOf = new TreeMap<>(); // ChildJvms number -> child id

    @ParameterizedTest
    @EnumSource(value = Server.class, names = {"POSTGRESQL", "MARIADB"})
    @org.junit.jupiter.api.Timeout(120)
    void threeInstancesFollowThePlanForwardBackAndForwardUnderLoadAndConverge(Server server) throws Exception {
        PooledDataSource db = new PooledDataSource(databases.dataSource(server));
        try {
            run(server, db);
        } finally {
            db.close();
        }
    }

    private void run(Server server, DataSource db) throws Exception {
        databases.execute(server, "CREATE TABLE items_old (id bigint NOT NULL PRIMARY KEY, version bigint NOT NULL)",
                "CREATE TABLE items_new (id bigint NOT NULL PRIMARY KEY, version bigint NOT NULL)");
        JdbcMigrationControl control = JdbcMigrationControl.in(db, "dualstore_control")
                .withLease(Duration.ofSeconds(3), Duration.ofMillis(50));
        FleetMigration migration = FleetMigration.of(control, "items", PLAN);

        Process[] child = new Process[3];
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            child[i] = start(server, i, 1);
            out[i] = children.last();
        }
        for (int i = 0; i < 3; i++) {
            awaitLine(out[i], "joined -1");
        }
        assertThat(migration.liveInstances()).extracting(InstanceAck::instance)
                .containsExactly("child-0-1", "child-1-1", "child-2-1");

        for (int step = 0; step < 4; step++) {   // forward: shadow, dual write, new answers, old shadowed
            migration.advance();
            awaitAcknowledgedUnderLoad(migration, out);
        }
        migration.rollback();                     // to 'new answers'
        awaitAcknowledgedUnderLoad(migration, out);

        // Child 2 dies with SIGKILL as the fleet moves back to 'dual write': it cannot acknowledge,
        // and holds the next step back until its lease expires, no longer.
        child[2].destroyForcibly().waitFor();
        migration.rollback();
        long killedAt = System.nanoTime();
        assertThat(migration.notAcknowledged()).contains("child-2-1");
        assertThatThrownBy(migration::rollback).hasMessageContaining("child-2-1");
        assertThat(migration.awaitAcknowledged(Duration.ofSeconds(10))).as("the killed instance's lease expires").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(6));
        child[2] = start(server, 2, 2);
        out[2] = children.last();
        awaitLine(out[2], "joined 1");             // joins at 'dual write' before it serves a call
        awaitAcknowledgedUnderLoad(migration, out);
        migration.rollback();                      // to 'shadow'
        awaitAcknowledgedUnderLoad(migration, out);
        assertThat(migration.previewRollback().refusal()).contains("step 1 'shadow' is the first step");

        for (int step = 0; step < 3; step++) {    // forward again, to 'old shadowed'
            migration.advance();
            awaitAcknowledgedUnderLoad(migration, out);
        }

        // Load paused and drained: both stores hold the same version of every key.
        for (int i = 0; i < 3; i++) {
            send(child[i], "pause");
        }
        for (int i = 0; i < 3; i++) {
            awaitLine(out[i], "paused 3");
        }
        Map<Long, Long> old = versions(db, "items_old");
        Map<Long, Long> fresh = versions(db, "items_new");
        assertThat(old).hasSize(FleetChild.KEYS);
        List<String> diverged = new ArrayList<>();
        List<String> cutByTheKill = new ArrayList<>();
        for (long id = 0; id < FleetChild.KEYS; id++) {
            Long a = old.get(id);
            Long b = fresh.get(id);
            if (!java.util.Objects.equals(a, b)) {
                long newest = Math.max(a == null ? 0 : a, b == null ? 0 : b);
                // A write of the killed process may have reached one store only; no other may.
                (newest % 100 == 21 ? cutByTheKill : diverged).add(id + ": old " + a + " new " + b);
            }
        }
        assertThat(diverged).as("keys diverged, checked row by row (cut by the kill: %s)", cutByTheKill).isEmpty();
        assertThat(cutByTheKill).as("the kill cuts at most the writes in flight in child 2").hasSizeLessThanOrEqualTo(2 + 64);

        migration.advance();                       // 'old off', past the rollback point
        assertThat(migration.awaitAcknowledged(WAIT)).isTrue();
        for (int i = 0; i < 3; i++) {
            send(child[i], "resume");
        }
        awaitLoad(out);
        assertThatThrownBy(migration::rollback).hasMessageContaining("[old] did not receive every write");
        for (int i = 0; i < 3; i++) {
            send(child[i], "stop");
        }
        for (int i = 0; i < 3; i++) {
            children.finish(child[i]);
        }

        // What each instance served: never a store the plan did not allow at its step.
        int checked = 0;
        for (int n = 0; n <= children.last(); n++) {
            String text = Files.readString(children.out(n));
            Matcher served = Pattern.compile("served (\\w+) (-?\\d) (-?\\d)").matcher(text);
            while (served.find()) {
                String store = served.group(1);
                int before = Integer.parseInt(served.group(2));
                int after = Integer.parseInt(served.group(3));
                assertThat(store).as("child output %s: %s", n, served.group()).isIn(answering(before), answering(after));
                checked++;
            }
            assertThat(text).as("child output %s", n).doesNotContain("stale");
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);
        for (int i = 0; i < 3; i++) {
            Matcher done = line(out[i], "done (\\d+) (\\d+) (\\d+)");
            assertThat(Long.parseLong(done.group(3))).as("reads older than the instance's own write").isZero();
        }
        assertThat(migration.liveInstances()).as("closed instances left the fleet").isEmpty();
    }

    /** The store that answers at a step, or before the plan (-1): the configured primary. */
    private static String answering(int step) {
        return step < 0 ? "old" : PLAN.steps().get(step).primary();
    }

    private Process start(Server server, int child, int incarnation) throws Exception {
        String url = server == Server.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/" + databases.database()
                : "jdbc:mariadb://127.0.0.1:3306/" + databases.database();
        return children.start(FleetChild.class, List.of(url, server == Server.POSTGRESQL ? "postgres" : "root",
                server == Server.POSTGRESQL ? "postgres" : "mariadb", String.valueOf(child), String.valueOf(incarnation)));
    }

    private void awaitAcknowledgedUnderLoad(FleetMigration migration, int[] out) throws Exception {
        assertThat(migration.awaitAcknowledged(WAIT)).as("acknowledged %s\n%s", migration.current(), children.output()).isTrue();
        awaitLoad(out);
    }

    /** Waits until every child has written 20 more times: the step is served under load. */
    private void awaitLoad(int[] out) throws Exception {
        long[] from = new long[out.length];
        for (int i = 0; i < out.length; i++) {
            from[i] = written(out[i]);
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int i = 0; i < out.length; i++) {
                if (written(out[i]) < from[i] + 20) {
                    return false;
                }
            }
            return true;
        });
    }

    private long written(int n) throws IOException {
        Matcher m = Pattern.compile("wrote (\\d+)").matcher(Files.readString(children.out(n)));
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private void awaitLine(int n, String text) throws Exception {
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> Files.readString(children.out(n)).contains(text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no line '" + text + "' from child " + n + "\n" + children.output(), e);
        }
    }

    private Matcher line(int n, String pattern) throws Exception {
        Matcher m = Pattern.compile(pattern).matcher(Files.readString(children.out(n)));
        assertThat(m.find()).as("line %s in\n%s", pattern, children.output()).isTrue();
        return m;
    }

    private static void send(Process child, String command) throws IOException {
        OutputStream in = child.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static Map<Long, Long> versions(DataSource db, String table) throws SQLException {
        Map<Long, Long> versions = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, version FROM " + table)) {
            while (rs.next()) {
                versions.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return versions;
    }
}
