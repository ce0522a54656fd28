package dev.dualstore.status;

import dev.dualstore.MirroringBackend;
import dev.dualstore.ResultComparator;
import dev.dualstore.backfill.Backfill;
import dev.dualstore.check.Check;
import dev.dualstore.check.Repair;
import dev.dualstore.compare.Normalizer;
import dev.dualstore.demo.FollowStore;
import dev.dualstore.demo.NewFollowStore;
import dev.dualstore.demo.OldFollowStore;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.testing.DriverDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes a screenshot of a realistic status page: the follows service mid-migration (the new
 * store as shipped, so followers() mismatches), a backfill and a check of a follows table in H2,
 * a token for the controls. Run it with
 * {@code mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * "-Dexec.args=-cp %classpath dev.dualstore.status.StatusPageScreenshot docs/status-page.png"};
 * it needs Debian's chromium and chromium-driver.
 */
public final class StatusPageScreenshot {
    private StatusPageScreenshot() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/status-page.png");
        MeterRegistry registry = new SimpleMeterRegistry();
        MismatchSamples samples = MismatchSamples.keepingLast(2, StatusPageScreenshot::typesAndSizes);
        OldFollowStore oldStore = new OldFollowStore();
        try (MirroringBackend<FollowStore> follows = MirroringBackend.builder(FollowStore.class)
                .name("follows")
                .primary("old", oldStore).secondary("new", NewFollowStore.asShipped())
                .comparator(ResultComparator.normalizing(Normalizer.timestampsToUtc()))
                .mismatchListener(samples)
                .logMismatches(false)
                .meterRegistry(registry)
                .build()) {
            try (StatusPage page = StatusPage.builder().backend(follows).meterRegistry(registry).samples(samples)
                    .controls(UUID.randomUUID().toString()).refresh(Duration.ZERO).build()) {
                // The page's first reading is taken at build(): the traffic after it gives the rates.
                traffic(follows.proxy(), 1_500);
                follows.drain(Duration.ofSeconds(30));
                copyAndCheck(registry);
                Chromium.screenshot(page.start().uri(), file);
            }
        }
        System.out.println("wrote " + file.toAbsolutePath());
    }

    /** Types and sizes, never the data: what a service would let its status page show. */
    private static String typesAndSizes(Object value) {
        if (value instanceof List<?> list) {
            return list.size() + " follows";
        }
        if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? "a follow" : "none";
        }
        return value instanceof String || value instanceof Number ? String.valueOf(value)
                : value == null ? "null" : value.getClass().getSimpleName();
    }

    private static void traffic(FollowStore follows, int calls) {
        Random random = new Random(20_170_214L);
        OffsetDateTime at = OffsetDateTime.of(2017, 2, 14, 12, 0, 0, 0, ZoneOffset.UTC);
        for (int i = 0; i < calls; i++) {
            String user = "user-" + random.nextInt(40);
            String channel = "channel-" + random.nextInt(6);
            int dice = random.nextInt(10);
            if (dice < 4) {
                follows.follow(user, channel, at.plusSeconds(i));
            } else if (dice < 5) {
                follows.unfollow(user, channel);
            } else if (dice < 8) {
                follows.followers(channel, 100);
            } else {
                follows.getAssoc(user, FollowStore.FOLLOWS, channel);
            }
        }
    }

    /** A backfill of 20,000 rows and a check that finds and repairs what a live write changed. */
    private static void copyAndCheck(MeterRegistry registry) throws SQLException {
        DataSource oldDb = new DriverDataSource("jdbc:h2:mem:status_old_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        DataSource newDb = new DriverDataSource("jdbc:h2:mem:status_new_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        for (DataSource db : List.of(oldDb, newDb)) {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE follows (id BIGINT PRIMARY KEY, from_user VARCHAR(40), to_channel VARCHAR(40))");
            }
        }
        try (Connection c = oldDb.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO follows VALUES (?, ?, ?)")) {
            for (int id = 1; id <= 20_000; id++) {
                insert.setLong(1, id);
                insert.setString(2, "user-" + id % 997);
                insert.setString(3, "channel-" + id % 31);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        JdbcTable oldFollows = JdbcTable.of(oldDb, "follows");
        JdbcTable newFollows = JdbcTable.of(newDb, "follows");
        Backfill.from(oldFollows).to(newFollows).threads(2).chunkRows(2_000).job("follows").meterRegistry(registry).run();
        try (Connection c = oldDb.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE follows SET to_channel = 'channel-0' WHERE id IN (7, 700, 7000)");
        }
        Check.between(oldFollows, newFollows).name("follows").repair(Repair.COPY_FROM_SOURCE).meterRegistry(registry).run();
    }
}
