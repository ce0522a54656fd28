package dev.dualstore.demo.dashboard;

import dev.dualstore.MirroringBackend;
import dev.dualstore.backfill.Backfill;
import dev.dualstore.backfill.CatchUp;
import dev.dualstore.fleet.FleetMigration;
import dev.dualstore.fleet.MigrationPlan;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.spi.MigrationControl;
import dev.dualstore.table.Row;
import dev.dualstore.testing.Backends;
import dev.dualstore.testing.BlockingKeyValueStore;
import dev.dualstore.testing.DriverDataSource;
import dev.dualstore.testing.InMemoryKeyValueStore;
import dev.dualstore.testing.KeyValueStore;
import dev.dualstore.testing.SwitchableControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The meters the migration demo does not produce, fed into its registry beside its own, so that the
 * dashboard's panels over them meet a real Prometheus too:
 *
 * <ul>
 *   <li>backend {@code shed}: a secondary and a write observer that block, behind {@code
 *       maxPending(2)}, so reads, shadow writes and observed writes are {@code rejected};
 *   <li>backend {@code callbacks}: a comparator that throws ({@code dualstore.callback.errors});
 *   <li>backend {@code fleet}: follows an in-memory {@link MigrationControl}, moved to step 1 of the
 *       standard plan, then cut off from it ({@code dualstore.control.*}, errors {@code unreachable});
 *   <li>a {@link CatchUp} between two H2 tables, a pass a second ({@code dualstore.catchup.*});
 *   <li>a {@link Backfill} held by its {@code pauseWhen} until {@link #close()} ({@code
 *       dualstore.backfill.paused}).
 * </ul>
 *
 * <p>Its failures are on purpose: their WARN lines are for the test's {@code CapturedLogs}. Built
 * and closed on the test's thread; the backfill runs on a daemon thread of its own ({@code
 * paused-backfill}), everything else on dualstore's threads.
 */
final class MetersBeyondTheDemo implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final CountDownLatch releaseObserver = new CountDownLatch(1);
    private final BlockingKeyValueStore blockedSecondary = new BlockingKeyValueStore();
    private final AtomicBoolean backfillPaused = new AtomicBoolean(true);
    private final AtomicReference<Throwable> backfillFailure = new AtomicReference<>();
    private SwitchableControl controlView;
    private Thread backfill;
    private DataSource oldDatabase;
    private DataSource newDatabase;

    private MetersBeyondTheDemo() {}

    /** Starts them all, their meters in {@code registry}. */
    static MetersBeyondTheDemo start(MeterRegistry registry) throws Exception {
        MetersBeyondTheDemo extras = new MetersBeyondTheDemo();
        try {
            extras.shedWork(registry);
            extras.throwingCallback(registry);
            extras.fleet(registry);
            extras.tables(registry);
        } catch (Exception | Error e) {
            extras.close();
            throw e;
        }
        return extras;
    }

    private void shedWork(MeterRegistry registry) {
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry, new InMemoryKeyValueStore(), blockedSecondary)
                .name("shed")
                .maxPending(2)
                .writeObserver("blocked-observer", write -> releaseObserver.await())
                .build();
        open.add(backend::close);
        KeyValueStore store = backend.proxy();
        for (int i = 0; i < 10; i++) {
            store.put("key-" + i, "value");   // the first of each queue blocks, the next waits, the rest are shed
            store.get("key-" + i);
        }
    }

    private void throwingCallback(MeterRegistry registry) {
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry)
                .name("callbacks")
                .comparator((primary, secondary) -> {
                    throw new IllegalStateException("a comparator that fails, on purpose");
                })
                .build();
        open.add(backend::close);
        KeyValueStore store = backend.proxy();
        store.put("key", "value");
        store.get("key");
    }

    private void fleet(MeterRegistry registry) throws InterruptedException {
        MigrationControl control = MigrationControl.inMemory(Clock.systemUTC(), Duration.ofSeconds(5), Duration.ofMillis(100));
        controlView = new SwitchableControl(control);
        MirroringBackend<KeyValueStore> backend = Backends.keyValue(registry)
                .name("fleet")
                .control(controlView)
                .instanceName("instance-1")
                .build();
        open.add(() -> {
            controlView.reachable(true);   // so that close() can leave the control's table
            backend.close();
        });
        FleetMigration migration = FleetMigration.of(control, "fleet", MigrationPlan.standard("old", "new"));
        migration.advance();
        if (!migration.awaitAcknowledged(WAIT)) {
            throw new IllegalStateException("the fleet's instance did not acknowledge step 1 within " + WAIT);
        }
        controlView.reachable(false);   // from now on each look fails: dualstore.control.errors{kind="unreachable"}
    }

    private void tables(MeterRegistry registry) throws SQLException {
        String run = Long.toHexString(System.nanoTime());
        oldDatabase = new DriverDataSource("jdbc:h2:mem:dashboard_old_" + run + ";DB_CLOSE_DELAY=-1", "sa", "");
        newDatabase = new DriverDataSource("jdbc:h2:mem:dashboard_new_" + run + ";DB_CLOSE_DELAY=-1", "sa", "");
        open.add(() -> shutDown(oldDatabase));
        open.add(() -> shutDown(newDatabase));
        for (DataSource database : List.of(oldDatabase, newDatabase)) {
            execute(database, "CREATE TABLE follows (from_user varchar(100), to_user varchar(100), "
                    + "updated_at timestamp(6) with time zone, PRIMARY KEY (from_user, to_user))");
        }
        execute(newDatabase, "CREATE TABLE follows_copy (from_user varchar(100), to_user varchar(100), "
                + "updated_at timestamp(6) with time zone, PRIMARY KEY (from_user, to_user))");
        JdbcTable oldFollows = JdbcTable.of(oldDatabase, "follows");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        oldFollows.upsert(List.of(
                Row.builder().set("from_user", "alice").set("to_user", "c1").set("updated_at", now).build(),
                Row.builder().set("from_user", "bob").set("to_user", "c1").set("updated_at", now).build()));

        CatchUp catchUp = CatchUp.from(oldFollows).to(JdbcTable.of(newDatabase, "follows"))
                .changedAt("updated_at")
                .since(Instant.EPOCH)
                .checkpoints(JdbcCheckpoints.in(newDatabase, "dualstore_checkpoints"))
                .job("catch-up follows")
                .every(Duration.ofSeconds(1))
                .meterRegistry(registry)
                .start();
        open.add(catchUp::stop);

        Backfill.Builder paused = Backfill.from(oldFollows).to(JdbcTable.of(newDatabase, "follows_copy"))
                .job("paused backfill")
                .pauseWhen(backfillPaused::get)
                .meterRegistry(registry);
        backfill = new Thread(() -> {
            try {
                paused.run();
            } catch (RuntimeException | Error e) {
                backfillFailure.set(e);
            }
        }, "paused-backfill");
        backfill.setDaemon(true);
        backfill.start();
    }

    private static void execute(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void shutDown(DataSource database) throws SQLException {
        if (database != null) {
            execute(database, "SHUTDOWN");
        }
    }

    /**
     * Lets the paused backfill finish and the blocked calls through, then closes the backends, the
     * catch-up and the databases, last opened first.
     *
     * @throws IllegalStateException if the backfill failed or did not end within 10 s
     */
    @Override
    public void close() throws Exception {
        backfillPaused.set(false);
        releaseObserver.countDown();
        blockedSecondary.release();
        Exception failure = null;
        if (backfill != null) {
            backfill.join(TimeUnit.SECONDS.toMillis(WAIT.toSeconds()));
            if (backfill.isAlive() || backfillFailure.get() != null) {
                failure = new IllegalStateException("the paused backfill did not end within " + WAIT
                        + (backfillFailure.get() == null ? "" : ": " + backfillFailure.get()), backfillFailure.get());
            }
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
