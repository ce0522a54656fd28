package dev.dualstore.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dualstore.MirroringBackend;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.Row;
import dev.dualstore.table.RowKey;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.PooledDataSource;
import dev.dualstore.testing.TestDatabases;
import dev.dualstore.testing.TestDatabases.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A repairing check through a live {@link MirroringBackend}: writers keep writing PostgreSQL (the
 * primary) and, shadowed, MariaDB while the check repairs MariaDB, and in the end the two are equal
 * row for row; the keys the backend listed as possibly missed are checked and repaired first.
 */
class LiveRepairTest {
    @RegisterExtension
    static final TestDatabases databases = new TestDatabases();
    /** Failed shadow writes and the checks' samples log at WARN: captured, and asserted where it matters. */
    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    private static int tables;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** {@link KeyValueStore} over a table {@code (k, v)}: a put is an upsert of one row. */
    static final class TableStore implements KeyValueStore {
        private final JdbcTable table;
        private final Set<String> failing = ConcurrentHashMap.newKeySet();

        TableStore(JdbcTable table) {
            this.table = table;
        }

        @Override
        public String get(String key) {
            Row row = table.read(List.of(RowKey.of(key))).get(RowKey.of(key));
            return row == null ? null : (String) row.get("v");
        }

        @Override
        public List<String> history(String key) {
            return List.of();
        }

        @Override
        public void put(String key, String value) {
            if (failing.remove(key)) {
                throw new IllegalStateException("store down for " + key);
            }
            table.upsert(List.of(Row.builder().set("k", key).set("v", value).build()));
        }

        @Override
        public void append(String key, String value) {
            throw new UnsupportedOperationException("append");
        }
    }

    private static synchronized JdbcTable kv(Server server) {
        String name = "kv" + (tables++);
        databases.execute(server, "CREATE TABLE " + name + " (k " + server.type("keytext") + " PRIMARY KEY, v "
                + server.type("text") + ")");
        return JdbcTable.of(new PooledDataSource(databases.dataSource(server)), name);
    }

    private static List<Row> all(JdbcTable table) {
        try (Stream<Row> rows = table.stream(KeyRange.all(), 1_000)) {
            return rows.collect(Collectors.toList());
        }
    }

    private static String key(int i) {
        return String.format("k%05d", i);
    }

    private static Row kvRow(String key, String value) {
        return Row.builder().set("k", key).set("v", value).build();
    }

    @Test
    void writersKeepWritingWhileARepairingCheckRunsAndTheStoresEndEqual() throws Exception {
        JdbcTable source = kv(Server.POSTGRESQL);
        JdbcTable target = kv(Server.MARIADB);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            rows.add(kvRow(key(i), "v" + i));
        }
        source.upsert(rows);
        target.upsert(rows);
        for (int round = 0; round < 2; round++) {
            List<RowKey> dropped = new ArrayList<>();
            for (int i = 0; i < 1_000; i += 20) {
                dropped.add(RowKey.of(key(i)));                       // missing in the target
                target.upsert(List.of(kvRow(key(i + 7), "stale")));   // different in the target
            }
            target.delete(dropped);
            target.upsert(List.of(kvRow("x-extra-1-" + round, "e"), kvRow("x-extra-2-" + round, "e")));
            try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class).name("kv" + round)
                    .primary("old", new TableStore(source)).secondary("new", new TableStore(target))
                    .timeout(Duration.ofSeconds(10)).meterRegistry(registry).build()) {
                KeyValueStore store = backend.proxy();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong writes = new AtomicLong();
                CountDownLatch started = new CountDownLatch(4);
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int writer = w;
                    Thread thread = new Thread(() -> {
                        started.countDown();
                        for (int n = 0; !stop.get(); n++) {
                            // Half the writes land on the keys the check repairs, the rest anywhere.
                            int i = n % 2 == 0 ? ThreadLocalRandom.current().nextInt(50) * 20 + (n % 4 == 0 ? 0 : 7)
                                    : ThreadLocalRandom.current().nextInt(1_000);
                            store.put(key(i), "w" + writer + "-" + n);
                            writes.incrementAndGet();
                        }
                    }, "writer-" + w);
                    thread.start();
                    writers.add(thread);
                }
                started.await();
                CheckResult result = Check.between(source, target).repair(Repair.COPY_FROM_SOURCE)
                        .liveBackend(backend, "new", key -> key.get(0), key -> RowKey.of(key)).chunkRows(250).threads(2)
                        .meterRegistry(registry).run();
                stop.set(true);
                for (Thread thread : writers) {
                    thread.join();
                }
                assertThat(backend.drain(Duration.ofSeconds(30))).isTrue();
                assertThat(backend.keysToRepair("new")).isEmpty();

                assertThat(writes.get()).as("writes during the check").isGreaterThan(20);
                assertThat(result.repaired()).isGreaterThanOrEqualTo(2);
                assertThat(result.extra()).isEqualTo(2);
                assertThat(all(target)).as("round %d", round).containsExactlyElementsOf(all(source));
            }
        }
    }

    @Test
    void keysTheBackendListedAreCheckedAndRepairedFirst() throws Exception {
        JdbcTable source = kv(Server.POSTGRESQL);
        JdbcTable target = kv(Server.H2);
        TableStore secondary = new TableStore(target);
        try (MirroringBackend<KeyValueStore> backend = MirroringBackend.builder(KeyValueStore.class)
                .primary("old", new TableStore(source)).secondary("new", secondary).meterRegistry(registry).build()) {
            KeyValueStore store = backend.proxy();
            secondary.failing.addAll(List.of(key(1), key(2)));
            for (int i = 0; i < 10; i++) {
                store.put(key(i), "v" + i);
            }
            assertThat(backend.drain(Duration.ofSeconds(10))).isTrue();
            assertThat(backend.keysToRepair("new")).containsExactlyInAnyOrder(key(1), key(2));
            assertThat(logs.warnings(CapturedLogs.LIBRARY)).anySatisfy(CapturedLogs.mentioning("'new'", "put", "keysToRepair"));

            CheckResult report = Check.between(source, target).liveBackend(backend, "new", k -> k.get(0), k -> RowKey.of(k)).run();
            assertThat(report.listedKeysChecked()).isEqualTo(2);
            assertThat(report.missing()).isEqualTo(4); // each listed key, then again in the scan: nothing was repaired
            assertThat(backend.keysToRepair("new")).hasSize(2);

            CheckResult repaired = Check.between(source, target).repair(Repair.COPY_FROM_SOURCE)
                    .liveBackend(backend, "new", k -> k.get(0), k -> RowKey.of(k)).run();
            assertThat(repaired.listedKeysChecked()).isEqualTo(2);
            assertThat(repaired.missing()).isEqualTo(2);
            assertThat(repaired.repaired()).isEqualTo(2);
            assertThat(backend.keysToRepair("new")).isEmpty();
            assertThat(all(target)).containsExactlyElementsOf(all(source));
        }
    }
}
