package dev.dualstore.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.MirroringBackend;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backfill racing live shadow writes leaves the target equal to the source, row for row. */
class LiveWritesTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();

    private static final int KEYS = 2_000;
    private static int tables;

    private static JdbcTable accounts(Server server, String name, int rows) {
        databases.execute(server, "CREATE TABLE " + name + " (id bigint NOT NULL PRIMARY KEY, balance bigint NOT NULL, note "
                + server.type("text") + ")");
        JdbcTable table = JdbcTable.of(databases.dataSource(server), name);
        if (rows > 0) {
            table.upsert(IntStream.range(0, rows).mapToObj(i -> Row.builder().set("id", i).set("balance", 0L)
                    .set("note", "initial").build()).toList());
        }
        return table;
    }

    @RepeatedTest(2)
    void fourWritersUpsertingAndDeletingThroughTheProxyNeverLeaveAStaleOrResurrectedRow() throws Exception {
        int n = ++tables;
        JdbcTable source = accounts(Server.MARIADB, "accounts" + n, KEYS);
        JdbcTable target = accounts(Server.POSTGRESQL, "accounts" + n, 0);
        LiveWrites live = LiveWrites.keyedBy(key -> RowKey.of(key));
        // Each writer waits for its shadow write before the next, so the shadow lanes keep up (a repair
        // waits for its lane to drain) and the race is between live writes and the backfill's copies.
        Semaphore inFlight = new Semaphore(4);
        AccountStore newStore = AccountStore.over(target);
        AccountStore shadow = new AccountStore() {
            @Override
            public Long balance(long id) {
                return newStore.balance(id);
            }

            @Override
            public void put(long id, long balance, String note) {
                try {
                    newStore.put(id, balance, note);
                } finally {
                    inFlight.release();
                }
            }

            @Override
            public void remove(long id) {
                try {
                    newStore.remove(id);
                } finally {
                    inFlight.release();
                }
            }
        };
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class).name("accounts")
                .primary("old", AccountStore.over(source)).secondary("new", shadow).timeout(Duration.ofSeconds(10))
                .promoteTimeout(Duration.ofSeconds(30))
                .writeObserver("backfill", live).meterRegistry(new SimpleMeterRegistry()).build();
        AccountStore proxy = backend.proxy();
        AtomicBoolean copying = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        AtomicLong writes = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long sequence = 0;
                try {
                    for (int i = 0; i < 120 && copying.get(); i++) {
                        if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                            throw new AssertionError("a shadow write did not finish in 30 s");
                        }
                        long id = random.nextInt(KEYS + 500); // some keys the source does not have yet
                        if (random.nextInt(4) == 0) {
                            proxy.remove(id);
                        } else {
                            proxy.put(id, ++sequence, "writer " + writer);
                        }
                        writes.incrementAndGet();
                    }
                } catch (Throwable e) {
                    writerFailure.set(e);
                }
            }, "writer-" + w);
            writers.add(thread);
            thread.start();
        }
        BackfillResult result;
        try {
            result = Backfill.from(source).to(target).threads(2).chunkRows(200).liveWrites(backend, "new", live)
                    .checkpoints(JdbcCheckpoints.in(databases.dataSource(Server.POSTGRESQL), "live_checkpoints"))
                    .job("live " + n).run();
        } finally {
            copying.set(false);
            for (Thread thread : writers) {
                thread.join();
            }
        }
        assertThat(backend.drain(Duration.ofSeconds(30))).isTrue();
        backend.close();

        assertThat(writerFailure.get()).isNull();
        assertThat(writes.get()).as("live writes during the backfill").isGreaterThan(50);
        assertThat(result.keysRecopied()).as("keys copied again").isGreaterThan(0);
        assertThat(result.keysToCheck()).isEmpty();
        assertThat(result.writesNotTracked()).isZero();
        assertThat(backend.keysToRepair("new")).isEmpty();
        assertThat(BackfillTest.all(target)).containsExactlyElementsOf(BackfillTest.all(source));
    }
}
