package dev.dualstore.bench;

import dev.dualstore.check.Check;
import dev.dualstore.check.CheckResult;
import dev.dualstore.check.Repair;
import dev.dualstore.jdbc.JdbcTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The consistency checker over equal tables of N rows (every hashable type) on PostgreSQL
 * (127.0.0.1:5432, postgres) and MariaDB (127.0.0.1:3306, root), against plain JDBC streaming both
 * tables once in parallel, in the same run; then 100 planted differences of every kind and column
 * type, found and repaired, and a second run that must report none. Creates and drops the
 * databases {@code dualstore_bench_check} on both servers.
 *
 * <p>Run (the JDBC drivers on the class path): {@code java -cp target/benchmarks.jar:<pgjdbc.jar>:<mariadb.jar>
 * dev.dualstore.bench.CheckOfMillionRows 1000000 4 10000} (rows, threads, chunk rows).
 */
public final class CheckOfMillionRows {
    private static final String DB = "dualstore_bench_check";

    private CheckOfMillionRows() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int chunkRows = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        System.out.printf("java %s, %d cores; %,d rows, %d threads, %,d rows per chunk%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), rows, threads, chunkRows);
        admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)",
                "CREATE DATABASE " + DB + " ENCODING 'UTF8' TEMPLATE template0");
        admin("jdbc:mariadb://127.0.0.1:3306/", "root", "DROP DATABASE IF EXISTS " + DB,
                "CREATE DATABASE " + DB + " CHARACTER SET utf8mb4");
        Pool pg = new Pool("jdbc:postgresql://127.0.0.1:5432/" + DB, "postgres");
        Pool maria = new Pool("jdbc:mariadb://127.0.0.1:3306/" + DB, "root");
        try {
            long load = System.nanoTime();
            run(pg, "CREATE TABLE t (id bigint PRIMARY KEY, label text, amount decimal(20,6), raw bytea, uid uuid, "
                    + "tz timestamptz(6), ts timestamp(6), flag boolean, born date)",
                    "INSERT INTO t SELECT g, CASE WHEN g % 7 = 0 THEN NULL WHEN g % 11 = 0 THEN '' ELSE 'row ' || g || ' é🎉' END,"
                    + " g * 1.000001, decode(lpad(to_hex(g), 8, '0'), 'hex'),"
                    + " ('00000000-0000-0000-0000-' || lpad(to_hex(g), 12, '0'))::uuid,"
                    + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' + (g % 999999) * interval '1 microsecond',"
                    + " timestamp '2000-01-01 00:00:00' + g * interval '1 minute', g % 2 = 0, date '2000-01-01' + (g % 10000)::int"
                    + " FROM generate_series(1, " + rows + ") g", "ANALYZE t");
            run(maria, "CREATE TABLE t (id bigint PRIMARY KEY, label text, amount decimal(20,6), raw varbinary(100), uid uuid, "
                    + "tz timestamp(6) NULL, ts datetime(6), flag boolean, born date)",
                    "SET time_zone = '+00:00'",
                    "INSERT INTO t SELECT seq, CASE WHEN seq % 7 = 0 THEN NULL WHEN seq % 11 = 0 THEN '' ELSE CONCAT('row ', seq, ' é🎉') END,"
                    + " seq * 1.000001, UNHEX(LPAD(HEX(seq), 8, '0')),"
                    + " CONCAT('00000000-0000-0000-0000-', LPAD(LOWER(HEX(seq)), 12, '0')),"
                    + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq % 999999) MICROSECOND,"
                    + " TIMESTAMP '2000-01-01 00:00:00' + INTERVAL seq MINUTE, seq % 2 = 0, DATE '2000-01-01' + INTERVAL (seq % 10000) DAY"
                    + " FROM seq_1_to_" + rows, "ANALYZE TABLE t");
            System.out.printf("loaded both tables in %.1f s%n", (System.nanoTime() - load) / 1e9);
            JdbcTable source = JdbcTable.of(pg, "t");
            JdbcTable target = JdbcTable.of(maria, "t");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();

            System.out.println("| run | what | seconds | vs streaming |");
            System.out.println("|---|---|---|---|");
            for (int round = 1; round <= 2; round++) {
                double stream = streamBoth(pg, maria);
                long start = System.nanoTime();
                CheckResult equal = Check.between(source, target).threads(threads).chunkRows(chunkRows).meterRegistry(registry)
                        .progressEvery(java.time.Duration.ofSeconds(60)).run();
                double check = (System.nanoTime() - start) / 1e9;
                System.out.printf("| %d | plain JDBC, both tables streamed in parallel | %.2f | 1.00 |%n", round, stream);
                System.out.printf("| %d | check of equal tables (%,d rows, %s) | %.2f | %.2f |%n", round, equal.rowsCompared(),
                        equal.equal() ? "equal" : "NOT EQUAL: " + equal, check, check / stream);
            }

            // 100 differences of every kind and every column type, spread over the key space.
            String[] updates = {"label = CONCAT(IFNULL(label, ''), '!')", "amount = amount + 0.000001", "raw = UNHEX('ff')",
                "uid = UUID()", "tz = tz + INTERVAL 1 MICROSECOND", "ts = ts - INTERVAL 1 MICROSECOND", "flag = NOT flag",
                "born = born + INTERVAL 1 DAY"};
            int stride = rows / 1_000;
            for (int column = 0; column < updates.length; column++) {
                run(maria, "SET time_zone = '+00:00'", "UPDATE t SET " + updates[column] + " WHERE id % " + stride + " = "
                        + (column + 1) + " AND id <= " + (100L * stride));
            }
            run(maria, "DELETE FROM t WHERE id % " + stride + " = 0 AND id <= " + (100L * stride),
                    "INSERT INTO t (id, label) SELECT " + rows + " + seq * 13, 'extra' FROM seq_1_to_100");
            long start = System.nanoTime();
            CheckResult repair = Check.between(source, target).repair(Repair.COPY_FROM_SOURCE).threads(threads)
                    .chunkRows(chunkRows).sampleSize(0).meterRegistry(registry).progressEvery(java.time.Duration.ofSeconds(60)).run();
            System.out.printf("| - | repairing check: %d missing, %d extra, %d different, %d repaired (planted 100, 100, %d) | %.2f | |%n",
                    repair.missing(), repair.extra(), repair.different(), repair.repaired(), 100 * updates.length,
                    (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            CheckResult again = Check.between(source, target).threads(threads).chunkRows(chunkRows).meterRegistry(registry).run();
            System.out.printf("| - | second check: %d missing, %d extra, %d different | %.2f | |%n", again.missing(), again.extra(),
                    again.different(), (System.nanoTime() - start) / 1e9);
        } finally {
            pg.close();
            maria.close();
            admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            admin("jdbc:mariadb://127.0.0.1:3306/", "root", "DROP DATABASE IF EXISTS " + DB);
        }
    }

    /** Plain JDBC: every column of every row of both tables, read once, the two in parallel. */
    private static double streamBoth(Pool pg, Pool maria) throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            long start = System.nanoTime();
            Future<Long> a = two.submit(streamer(pg, true));
            Future<Long> b = two.submit(streamer(maria, false));
            long total = a.get() + b.get();
            if (total == 0) {
                throw new IllegalStateException("no rows");
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            two.shutdown();
        }
    }

    private static Callable<Long> streamer(Pool pool, boolean postgres) {
        return () -> {
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(!postgres); // pgjdbc streams with a fetch size only inside a transaction
                try (Statement statement = connection.createStatement()) {
                    statement.setFetchSize(10_000);
                    long count = 0;
                    try (ResultSet rs = statement.executeQuery("SELECT * FROM t ORDER BY id")) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= columns; i++) {
                                rs.getObject(i);
                            }
                            count++;
                        }
                    }
                    if (postgres) {
                        connection.commit();
                    }
                    return count;
                }
            }
        };
    }

    static void admin(String url, String user, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, ""); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static void run(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Reuses connections, as an application's pool would; unbounded, for this run only. */
    static final class Pool implements DataSource, AutoCloseable {
        private final String url;
        private final String user;
        private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

        Pool(String url, String user) {
            this.url = url;
            this.user = user;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection pooled = idle.poll();
            Connection real = pooled != null ? pooled : DriverManager.getConnection(url, user, "");
            boolean[] back = {false};
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, margs) -> {
                        if (method.getName().equals("close")) {
                            if (!back[0]) {
                                back[0] = true;
                                if (!real.getAutoCommit()) {
                                    real.rollback();
                                    real.setAutoCommit(true);
                                }
                                idle.add(real);
                            }
                            return null;
                        }
                        try {
                            return method.invoke(real, margs);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public void close() throws SQLException {
            for (Connection c; (c = idle.poll()) != null;) {
                c.close();
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
