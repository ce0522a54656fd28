package dev.dualstore.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.Chunk;
import dev.dualstore.testing.ChildJvms;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Backfills in child JVMs: killed with -9 and resumed, and three processes sharing one job. */
class BackfillProcessesTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final int ROWS = 40_000;
    private static final int CHUNK = 1_000;
    private static final Pattern RESULT = Pattern.compile("result rows=(\\d+) copied=(\\d+) skipped=(\\d+) total=(\\d+)");

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    private String url(Server server) {
        return server == Server.POSTGRESQL ? "jdbc:postgresql://127.0.0.1:5432/" + databases.database()
                : "jdbc:mariadb://127.0.0.1:3306/" + databases.database();
    }

    private Process start(Server from, Server to, String table, String job, long rate, long leaseMillis) throws Exception {
        return children.start(BackfillChild.class, List.of(url(from), url(to), table, job, String.valueOf(CHUNK),
                String.valueOf(rate), String.valueOf(leaseMillis), "2"));
    }

    private void finish(Process child) throws Exception {
        children.finish(child);
    }

    private static long[] result(Path file) throws Exception {
        Matcher m = RESULT.matcher(Files.readString(file));
        assertThat(m.find()).as("result line in %s", Files.readString(file)).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4))};
    }

    @Test
    void aBackfillKilledWithMinus9AtRandomPointsResumesAndCopiesNoFinishedChunkAgain() throws Exception {
        JdbcTable source = BackfillTest.follows(databases, Server.MARIADB, "killed", ROWS);
        JdbcTable target = BackfillTest.follows(databases, Server.POSTGRESQL, "killed", 0);
        JdbcCheckpoints checkpoints = JdbcCheckpoints.in(databases.dataSource(Server.POSTGRESQL), "dualstore_checkpoints");
        Random random = new Random();
        TreeSet<Integer> killAt = new TreeSet<>();
        while (killAt.size() < 3) {
            killAt.add(2 + random.nextInt(ROWS / CHUNK - 6));
        }
        for (int doneChunks : killAt) {
            Process child = start(Server.MARIADB, Server.POSTGRESQL, "killed", "killed", 10_000, 1_000);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() ->
                    !child.isAlive() || checkpoints.chunks("killed").stream().filter(Chunk::done).count() >= doneChunks);
            assertThat(child.isAlive()).as("child still copying when killed at %s chunks", doneChunks).isTrue();
            child.destroyForcibly().waitFor();
        }
        long doneBefore = checkpoints.chunks("killed").stream().filter(Chunk::done).count();
        assertThat(doneBefore).isGreaterThanOrEqualTo(killAt.last());

        Process last = start(Server.MARIADB, Server.POSTGRESQL, "killed", "killed", 0, 1_000);
        finish(last);
        long[] r = result(children.out(children.last()));

        List<Chunk> chunks = checkpoints.chunks("killed");
        assertThat(chunks).hasSize(ROWS / CHUNK).allMatch(Chunk::done);
        assertThat(chunks).as("no finished chunk recorded twice").allMatch(c -> c.completions() == 1);
        assertThat(chunks.stream().mapToLong(Chunk::rows).sum()).isEqualTo(ROWS);
        assertThat(r[2]).as("chunks the last run skipped").isEqualTo(doneBefore);
        assertThat(r[1] + r[2]).isEqualTo(ROWS / CHUNK);
        assertThat(BackfillTest.all(target)).containsExactlyElementsOf(BackfillTest.all(source));
    }

    @Test
    void threeProcessesShareOneJobAndCopyEachChunkOnce() throws Exception {
        JdbcTable source = BackfillTest.follows(databases, Server.POSTGRESQL, "shared", ROWS);
        JdbcTable target = BackfillTest.follows(databases, Server.MARIADB, "shared", 0);
        List<Process> fleet = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fleet.add(start(Server.POSTGRESQL, Server.MARIADB, "shared", "shared", 5_000, 10_000));
        }
        long rows = 0;
        long copied = 0;
        int busy = 0;
        for (int i = 0; i < 3; i++) {
            finish(fleet.get(i));
            long[] r = result(children.out(i));
            rows += r[0];
            copied += r[1];
            busy += r[1] > 0 ? 1 : 0;
        }
        List<Chunk> chunks = JdbcCheckpoints.in(databases.dataSource(Server.MARIADB), "dualstore_checkpoints").chunks("shared");
        assertThat(chunks).hasSize(ROWS / CHUNK).allMatch(c -> c.done() && c.completions() == 1);
        assertThat(copied).as("chunks copied over the fleet").isEqualTo(ROWS / CHUNK);
        assertThat(rows).as("rows copied over the fleet: none twice").isEqualTo(ROWS);
        assertThat(busy).as("processes that copied chunks").isGreaterThanOrEqualTo(2);
        assertThat(BackfillTest.all(target)).containsExactlyElementsOf(BackfillTest.all(source));
    }
}
