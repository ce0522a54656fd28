package dev.dualstore.journal;

import dev.dualstore.MirroringBackend;
import dev.dualstore.backfill.AccountStore;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.testing.DriverDataSource;
import dev.dualstore.testing.PooledDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.dualstore.table.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * A service or a replayer in a JVM of its own, for the tests that kill one with -9 or run several.
 * Tables and the journal live in the database at {@code url} (PostgreSQL).
 *
 * <ul>
 *   <li>{@code pending url journal primary secondary writes}: writes through a backend whose
 *       secondary hangs on half the writes, waits until the journal holds every write, prints
 *       {@code journaled <writes> secondary <applied>} and waits to be killed;</li>
 *   <li>{@code crash url journal primary secondary writes}: as {@code pending}, with a journal
 *       whose appends the test holds up (it locks the journal's head row): writes balances that
 *       are the wall-clock time of each write's start, prints {@code wrote <writes>} and waits to
 *       be killed, renewing its instance {@code killed-service} every 100 ms;</li>
 *   <li>{@code fleet url journal primary writes seed}: writes puts and removes of overlapping keys
 *       through its own backend and journal, closes them and prints {@code done};</li>
 *   <li>{@code replay url journal target batch}: replays the journal onto the target by operation,
 *       checkpoints in {@code dualstore_replay}, and prints {@code caught up <position>}.</li>
 *   <li>{@code kafka-replay url bootstrap topic target batch}: replays the Kafka journal onto the
 *       target by operation as replayer {@code killed} (its session ends a second after a kill),
 *       and prints {@code caught up <entries>}.</li>
 * </ul>
 */
public final class JournalChild {
    static final int KEYS = 50;

    private JournalChild() {
    }

    public static void main(String[] args) throws Exception {
        DataSource db = new PooledDataSource(new DriverDataSource(args[1], "postgres", ""));
        switch (args[0]) {
            case "pending" -> pending(db, args[2], args[3], args[4], Integer.parseInt(args[5]));
            case "crash" -> crash(db, args[2], args[3], args[4], Integer.parseInt(args[5]));
            case "fleet" -> fleet(db, args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "replay" -> {
                long applied = Replayer.from(JdbcJournal.in(db, args[2]))
                        .to(AccountStore.over(JdbcTable.of(db, args[3])))
                        .checkpoints(JdbcCheckpoints.in(db, "dualstore_replay")).batchSize(Integer.parseInt(args[4]))
                        .runUntilCaughtUp();
                System.out.println("caught up " + applied);
            }
            case "kafka-replay" -> {
                Map<String, Object> config = Map.of("bootstrap.servers", args[2], "session.timeout.ms", 1_000,
                        "heartbeat.interval.ms", 200);
                try (KafkaJournal journal = KafkaJournal.builder(config, args[3]).meterRegistry(new SimpleMeterRegistry())
                        .build()) {
                    long applied = Replayer.from(journal).to(AccountStore.over(JdbcTable.of(db, args[4]))).name("killed")
                            .batchSize(Integer.parseInt(args[5])).meterRegistry(new SimpleMeterRegistry())
                            .runUntilCaughtUp();
                    System.out.println("caught up " + applied);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void pending(DataSource db, String journalTable, String primary, String secondary, int writes)
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcJournal journal = JdbcJournal.builder(db, journalTable).meterRegistry(registry).build();
        AccountStore stuckSecondary = stuck(AccountStore.over(JdbcTable.of(db, secondary)));
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class).name("accounts")
                .primary("old", AccountStore.over(JdbcTable.of(db, primary))).secondary("new", stuckSecondary)
                // More threads than lanes: the secondary's stuck lanes never starve the journal's.
                .journal(journal).threads(80).timeout(Duration.ofSeconds(60)).meterRegistry(registry).build();
        for (int i = 0; i < writes; i++) {
            backend.proxy().put(i, i, "written " + i);
        }
        var appended = registry.get("dualstore.journal.appends").tag("result", "success").counter();
        while (appended.count() < writes) {
            LockSupport.parkNanos(1_000_000);
        }
        double secondaryApplied = registry.get("dualstore.writes").tag("store", "new").tag("result", "success")
                .counter().count();
        System.out.println("journaled " + writes + " secondary " + (long) secondaryApplied);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void crash(DataSource db, String journalTable, String primary, String secondary, int writes)
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcJournal journal = JdbcJournal.builder(db, journalTable).instanceName("killed-service")
                .heartbeat(Duration.ofMillis(100)).meterRegistry(registry).build();
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class).name("accounts")
                .primary("old", stamped(JdbcTable.of(db, primary)))
                .secondary("new", stuck(stamped(JdbcTable.of(db, secondary))))
                .journal(journal).threads(80).timeout(Duration.ofSeconds(60)).meterRegistry(registry).build();
        for (int i = 0; i < writes; i++) {
            backend.proxy().put(i, System.currentTimeMillis(), "written " + i);
        }
        System.out.println("wrote " + writes);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** The DAO over a table whose {@code updated_at} each write sets, as a service's entity listener would. */
    static AccountStore stamped(JdbcTable table) {
        AccountStore plain = AccountStore.over(table);
        return new AccountStore() {
            @Override
            public Long balance(long id) {
                return plain.balance(id);
            }

            @Override
            public void put(long id, long balance, String note) {
                table.upsert(List.of(Row.builder().set("id", id).set("balance", balance).set("note", note)
                        .set("updated_at", java.time.OffsetDateTime.now()).build()));
            }

            @Override
            public void remove(long id) {
                plain.remove(id);
            }
        };
    }

    /**
     * A secondary that applies the writes of even ids and hangs on the others (until the kill):
     * the shadow writes behind them in their lanes stay pending.
     */
    private static AccountStore stuck(AccountStore store) {
        CountDownLatch never = new CountDownLatch(1);
        return new AccountStore() {
            @Override
            public Long balance(long id) {
                return store.balance(id);
            }

            @Override
            public void put(long id, long balance, String note) {
                if (id % 2 == 1) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                store.put(id, balance, note);
            }

            @Override
            public void remove(long id) {
                store.remove(id);
            }
        };
    }

    private static void fleet(DataSource db, String journalTable, String primary, int writes, long seed) {
        JdbcJournal journal = JdbcJournal.builder(db, journalTable).meterRegistry(new SimpleMeterRegistry()).build();
        MirroringBackend<AccountStore> backend = MirroringBackend.builder(AccountStore.class).name("accounts")
                .primary("old", AccountStore.over(JdbcTable.of(db, primary))).journal(journal)
                .meterRegistry(new SimpleMeterRegistry()).build();
        Random random = new Random(seed);
        AtomicLong removes = new AtomicLong();
        for (int i = 0; i < writes; i++) {
            long id = random.nextInt(KEYS);
            if (random.nextInt(5) == 0) {
                backend.proxy().remove(id);
                removes.incrementAndGet();
            } else {
                backend.proxy().put(id, seed * 1_000_000 + i, "instance " + seed);
            }
        }
        backend.close();
        journal.close();
        System.out.println("done " + writes + " removes " + removes.get() + " missed "
                + backend.keysToRepair("journal").size());
    }
}
