package dev.dualstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.testing.ConcurrentTestHarness;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One JdbcTable shared by several threads, as a backfill shares it: every write lands, once. */
class ConcurrentWritersTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final int THREADS = 4;
    private static final int CHUNKS = 5;
    private static final int ROWS = 100;

    @ParameterizedTest
    @EnumSource(Server.class)
    void threadsWritingTheirOwnChunksLoseNothing(Server server) throws InterruptedException {
        databases.execute(server, "CREATE TABLE shared (worker " + server.type("int") + " NOT NULL, n "
                + server.type("bigint") + " NOT NULL, v " + server.type("text") + ", PRIMARY KEY (worker, n))");
        JdbcTable table = JdbcTable.of(databases.dataSource(server), "shared");

        ConcurrentTestHarness.runConcurrently(THREADS, worker -> {
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                int first = chunk * ROWS;
                table.upsert(IntStream.range(first, first + ROWS).mapToObj(n -> Row.builder().set("worker", worker)
                        .set("n", n).set("v", "w" + worker + "-" + n).build()).toList());
                // and a read of what this thread wrote so far, between its writes
                assertThat(table.scan(KeyRange.all().from(dev.dualstore.table.RowKey.of(worker))
                        .before(dev.dualstore.table.RowKey.of(worker + 1)), 10_000)).hasSize(first + ROWS);
            }
        });

        List<Row> all = table.scan(KeyRange.all(), 10_000);
        List<Row> expected = new ArrayList<>();
        for (int worker = 0; worker < THREADS; worker++) {
            for (int n = 0; n < CHUNKS * ROWS; n++) {
                expected.add(Row.builder().set("worker", worker).set("n", n).set("v", "w" + worker + "-" + n).build());
            }
        }
        assertThat(all).containsExactlyElementsOf(expected);
    }
}
