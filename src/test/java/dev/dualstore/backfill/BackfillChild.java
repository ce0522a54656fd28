package dev.dualstore.backfill;

import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.testing.DriverDataSource;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A backfill in a JVM of its own, for the tests that kill one or run several:
 * {@code sourceUrl targetUrl table job chunkRows maxRowsPerSecond leaseMillis threads}; checkpoints
 * in the target's database, table {@code dualstore_checkpoints}. Prints one {@code result} line.
 */
public final class BackfillChild {
    private BackfillChild() {
    }

    public static void main(String[] args) {
        DataSource source = dataSource(args[0]);
        DataSource target = dataSource(args[1]);
        BackfillResult result = Backfill.from(JdbcTable.of(source, args[2])).to(JdbcTable.of(target, args[2]))
                .job(args[3]).chunkRows(Integer.parseInt(args[4])).maxRowsPerSecond(Long.parseLong(args[5]))
                .leaseTime(Duration.ofMillis(Long.parseLong(args[6]))).threads(Integer.parseInt(args[7]))
                .checkpoints(JdbcCheckpoints.in(target, "dualstore_checkpoints")).progressEvery(Duration.ofSeconds(1))
                .run();
        System.out.println("result rows=" + result.rowsCopied() + " copied=" + result.chunksCopied() + " skipped="
                + result.chunksSkipped() + " total=" + result.chunksTotal());
    }

    private static DataSource dataSource(String url) {
        return new DriverDataSource(url, url.startsWith("jdbc:postgresql") ? "postgres" : "root", "");
    }
}
