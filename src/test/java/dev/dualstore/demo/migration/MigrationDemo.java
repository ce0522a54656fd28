package dev.dualstore.demo.migration;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The whole Twitch follows migration in one command: {@code mvn -q test-compile exec:java}.
 *
 * <p>A follows service moves from a relational {@code follows} table ('old') to a TAO-like
 * {@code associations} table ('new'), a schema change, while a few threads of live traffic call
 * it: 1. shadow writes on (and every write journaled); 2. a backfill of what exists, with live
 * progress, and the journal replayed until it caught up; 3. a check that finds rows damaged in
 * 'new' on purpose and repairs them; 4. shadow reads, which find a real bug of the new store's
 * {@code following} query; 5. the fix deployed and rolled out by user at 1%, 10% then 100%, and a
 * moment of dual writes; 6. cutover, rollback and cutover again, with the tables compared row for
 * row after each. It ends with a report of every phase and its counts.
 *
 * <p>Embedded H2 by default (no server); {@code -Dexec.args=--postgres-to-mariadb} runs the same
 * migration from PostgreSQL 15 to MariaDB 10.11 on 127.0.0.1, in databases it creates and drops.
 * {@code --serve PORT} keeps the migrated service running afterwards, with its meters at
 * {@code http://127.0.0.1:PORT/metrics}, until Ctrl-C. {@code --logs} shows dualstore's own log
 * lines, which the demo hides to keep its story short.
 *
 * <p>{@link #run} and {@link #serve} run on the calling thread; the traffic, the replay, the
 * backfill's and the check's workers and dualstore's own run on daemon threads of their own.
 */
public final class MigrationDemo {
    private static final String USAGE = "usage: MigrationDemo [--postgres-to-mariadb] [--serve PORT] [--logs]";

    private MigrationDemo() {}

    /**
     * The size and shape of one run. {@link #h2()} and {@link #postgresToMariaDb()} are the demo's;
     * tests shrink them with the {@code with...} methods.
     *
     * @param postgresToMariaDb    old store in PostgreSQL and new in MariaDB (both on 127.0.0.1), instead of H2
     * @param users                users with follows in the old table
     * @param activeUsers          users the live traffic touches (the first ones); the others are left as seeded
     * @param channels             channels one may follow
     * @param maxFollowsPerUser    each user follows 0 to this many channels at the start
     * @param trafficThreads       threads of live traffic
     * @param callsPerSecond       calls of all traffic threads together
     * @param windowCalls          calls the traffic makes in each measured step
     * @param backfillRowsPerSecond the backfill's throttle (0: none)
     * @param damagePerKind        rows damaged in 'new' before the check, of each kind (missing, different, extra)
     * @param port                 for {@link #serve}: the HTTP port of /metrics; 0: any free one
     * @param checkEvery           for {@link #serve}: how often a check compares the stores
     * @param seed                 of the seed data and of the traffic
     */
    public record Settings(boolean postgresToMariaDb, int users, int activeUsers, int channels, int maxFollowsPerUser,
            int trafficThreads, int callsPerSecond, int windowCalls, long backfillRowsPerSecond, int damagePerKind,
            int port, Duration checkEvery, long seed) {

        /** @throws IllegalArgumentException naming the setting that cannot work */
        public Settings {
            positive("users", users);
            positive("activeUsers", activeUsers);
            positive("channels", channels);
            positive("maxFollowsPerUser", maxFollowsPerUser);
            positive("trafficThreads", trafficThreads);
            positive("callsPerSecond", callsPerSecond);
            positive("windowCalls", windowCalls);
            if (activeUsers >= users) {
                throw new IllegalArgumentException("activeUsers (" + activeUsers + ") must be fewer than users (" + users
                        + "): the rows damaged on purpose belong to users the traffic leaves alone");
            }
            if (maxFollowsPerUser > channels) {
                throw new IllegalArgumentException("maxFollowsPerUser (" + maxFollowsPerUser + ") exceeds channels (" + channels + ")");
            }
            if (maxFollowsPerUser * 2 > Traffic.PAGE) {
                throw new IllegalArgumentException("maxFollowsPerUser (" + maxFollowsPerUser + ") must leave room for the"
                        + " traffic's follows in one page of following() (" + Traffic.PAGE + ")");
            }
            if (backfillRowsPerSecond < 0) {
                throw new IllegalArgumentException("backfillRowsPerSecond must not be negative, was " + backfillRowsPerSecond);
            }
            if (damagePerKind < 0) {
                throw new IllegalArgumentException("damagePerKind must not be negative, was " + damagePerKind);
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 (any) to 65535, was " + port);
            }
            if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
                throw new IllegalArgumentException("checkEvery must be positive, was " + checkEvery);
            }
        }

        private static void positive(String name, long value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, was " + value);
            }
        }

        /** The README's demo: embedded H2, 3,000 users (about 60,000 follows), traffic at 800 calls/s. */
        public static Settings h2() {
            return new Settings(false, 3_000, 1_000, 500, 40, 2, 800, 1_600, 25_000, 5, 0, Duration.ofSeconds(10),
                    20_170_214L);
        }

        /** The same migration from PostgreSQL to MariaDB, servers on 127.0.0.1. */
        public static Settings servers() {
            return h2().withPostgresToMariaDb(true);
        }

        public Settings withPostgresToMariaDb(boolean postgresToMariaDb) {
            return new Settings(postgresToMariaDb, users, activeUsers, channels, maxFollowsPerUser, trafficThreads,
                    callsPerSecond, windowCalls, backfillRowsPerSecond, damagePerKind, port, checkEvery, seed);
        }

        public Settings withUsers(int users, int activeUsers, int maxFollowsPerUser) {
            return new Settings(postgresToMariaDb, users, activeUsers, channels, maxFollowsPerUser, trafficThreads,
                    callsPerSecond, windowCalls, backfillRowsPerSecond, damagePerKind, port, checkEvery, seed);
        }

        public Settings withTraffic(int trafficThreads, int callsPerSecond, int windowCalls) {
            return new Settings(postgresToMariaDb, users, activeUsers, channels, maxFollowsPerUser, trafficThreads,
                    callsPerSecond, windowCalls, backfillRowsPerSecond, damagePerKind, port, checkEvery, seed);
        }

        public Settings withBackfillRowsPerSecond(long backfillRowsPerSecond) {
            return new Settings(postgresToMariaDb, users, activeUsers, channels, maxFollowsPerUser, trafficThreads,
                    callsPerSecond, windowCalls, backfillRowsPerSecond, damagePerKind, port, checkEvery, seed);
        }

        public Settings withPort(int port) {
            return new Settings(postgresToMariaDb, users, activeUsers, channels, maxFollowsPerUser, trafficThreads,
                    callsPerSecond, windowCalls, backfillRowsPerSecond, damagePerKind, port, checkEvery, seed);
        }

        public Settings withCheckEvery(Duration checkEvery) {
            return new Settings(postgresToMariaDb, users, activeUsers, channels, maxFollowsPerUser, trafficThreads,
                    callsPerSecond, windowCalls, backfillRowsPerSecond, damagePerKind, port, checkEvery, seed);
        }
    }

    /**
     * {@code --postgres-to-mariadb}: PostgreSQL to MariaDB instead of H2; {@code --serve PORT}: keep
     * serving afterwards until Ctrl-C; {@code --logs}: show dualstore's log lines.
     */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.h2();
        Integer serve = null;
        boolean logs = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--postgres-to-mariadb":
                    settings = settings.withPostgresToMariaDb(true);
                    break;
                case "--serve":
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException("--serve needs a port (0: any free one); " + USAGE);
                    }
                    try {
                        serve = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--serve needs a port number, not '" + args[i] + "'; " + USAGE, e);
                    }
                    settings = settings.withPort(serve);
                    break;
                case "--logs":
                    logs = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
            }
        }
        if (!logs) {
            quietLibraryLogs();
        }
        if (serve == null) {
            run(settings, System.out);
            return;
        }
        Serving serving = serve(settings, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            serving.close();
            stopped.countDown();
        }, "demo-shutdown"));
        System.out.printf(Locale.ROOT, "%nServing: the traffic goes on, the replayer follows the journal, a check runs every"
                + " %d s%n(the traffic stays on: a row it deletes while the check reads may count as a difference once).%n"
                + "Status page: %s (token %s)%nMetrics: %s%nCtrl-C stops it and drops the databases.%n",
                settings.checkEvery().toSeconds(), serving.statusUri(), serving.statusToken(), serving.metricsUri());
        stopped.await();
    }

    /**
     * Runs the whole migration, printing its story and its report to {@code out}, then stops
     * everything it started and drops its databases.
     *
     * @return the counts of every phase
     */
    public static Report run(Settings settings, PrintStream out) {
        try (Migration migration = Migration.open(settings, out)) {
            return migration.run();
        }
    }

    /**
     * Runs the whole migration as {@link #run} does, then keeps the service going: live reads and
     * writes, the replayer following the journal, a check every {@link Settings#checkEvery()},
     * and the meters of them all at {@link Serving#metricsUri()}, until {@link Serving#close()}.
     * The meters and the status page ({@link Serving#statusUri()}) are served from before the
     * migration starts.
     */
    public static Serving serve(Settings settings, PrintStream out) {
        Migration migration = Migration.open(settings, out);
        Serving serving = null;
        try {
            // Up before the migration starts, so that the page and a scraper see every phase live.
            serving = Serving.open(migration, settings);
            out.printf(Locale.ROOT, "Status page: %s (token for its controls: %s; the migration below promotes on its"
                    + " own, so let it finish before you click)%nMetrics: %s%n%n", serving.statusUri(),
                    serving.statusToken(), serving.metricsUri());
            Report report = migration.run();
            serving.keepServing(report, settings, out);
            return serving;
        } catch (RuntimeException | Error e) {
            try {
                if (serving != null) {
                    serving.close();
                } else {
                    migration.close();
                }
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The demo prints its own story; dualstore's INFO and WARN lines (the check's sample, the replay's progress) would bury it. */
    private static void quietLibraryLogs() {
        if (LoggerFactory.getLogger("dev.dualstore") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }
}
