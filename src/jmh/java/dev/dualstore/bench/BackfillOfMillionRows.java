package dev.dualstore.bench;

import static dev.dualstore.bench.Databases.run;

import dev.dualstore.backfill.Backfill;
import dev.dualstore.backfill.BackfillResult;
import dev.dualstore.bench.Databases.Pool;
import dev.dualstore.jdbc.JdbcCheckpoints;
import dev.dualstore.jdbc.JdbcTable;
import dev.dualstore.table.KeyRange;
import dev.dualstore.table.RangeHashing.RangeHash;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Backfill} of a follows-like table of N rows (composite key, a timestamp, text with NULLs
 * and {@code ''}), MariaDB to PostgreSQL and PostgreSQL to MariaDB, each into an empty keyed table
 * with checkpoints on ({@link JdbcCheckpoints} in the target database), against pgloader and raw
 * client pipes in the same run, alternating round by round: dualstore, pgloader and {@code mariadb
 * --batch | psql -c "COPY ... FROM STDIN"} MariaDB to PostgreSQL; dualstore and {@code psql -c "COPY
 * ... TO STDOUT" | mariadb -e "LOAD DATA LOCAL INFILE '/dev/stdin' ..."} back. Every copy is checked
 * afterwards: the target's row count and its {@link dev.dualstore.table.RangeHashing} hash (computed
 * in the database) must equal the source's. A first round warms up every copy and is not counted;
 * PostgreSQL is checkpointed before each copy. Prints a markdown table and dualstore's peak heap.
 *
 * <p>Needs PostgreSQL at 127.0.0.1:5432 (postgres, trust) and MariaDB at 127.0.0.1:3306 (root, no
 * password, {@code local_infile} on), the {@code psql} and {@code mariadb} clients, and pgloader
 * (Debian: {@code apt-get install -y pgloader postgresql-client mariadb-client}). Creates and drops
 * the databases {@code dualstore_b_src} and {@code dualstore_b_dst} on both servers, and a MariaDB
 * user {@code dualstore_b_pgloader} for pgloader.
 *
 * <p>Run (the JDBC drivers on the class path): {@code java -Xmx256m -cp
 * target/benchmarks.jar:<pgjdbc.jar>:<mariadb.jar> dev.dualstore.bench.BackfillOfMillionRows 1000000 5 2
 * 10000} (rows, rounds, threads, chunk rows; several, as {@code 10000,20000}, are each timed in
 * every round); {@code -Dbench.only=dualstore} runs only the copies whose name has that text.
 */
public final class BackfillOfMillionRows {
    private static final String SRC = "dualstore_b_src";
    private static final String DST = "dualstore_b_dst";
    private static final String PGLOADER_USER = "dualstore_b_pgloader";
    private static final String PGLOADER_PASSWORD = "dualstore_b_pw";
    private static final String PG = "psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres";
    private static final String MARIA = "mariadb -h 127.0.0.1 -u root";
    private static final String MARIA_TABLE = "CREATE TABLE follows (from_user bigint NOT NULL, to_user bigint NOT NULL, "
            + "created_at datetime(6) NOT NULL, state varchar(16) NOT NULL, note text NULL, PRIMARY KEY (from_user, to_user))";
    private static final String PG_TABLE = "CREATE TABLE follows (from_user bigint NOT NULL, to_user bigint NOT NULL, "
            + "created_at timestamp(6) NOT NULL, state varchar(16) NOT NULL, note text NULL, PRIMARY KEY (from_user, to_user))";

    private final int rows;
    private final int threads;
    private final int[] chunkRows;
    private final Pool pgSrc = new Pool(Databases.pgUrl(SRC), "postgres");
    private final Pool pgDst = new Pool(Databases.pgUrl(DST), "postgres");
    private final Pool mariaSrc = new Pool(Databases.mariaUrl(SRC), "root");
    private final Pool mariaDst = new Pool(Databases.mariaUrl(DST), "root");
    private final Map<String, List<Double>> seconds = new LinkedHashMap<>();
    private final List<Long> peakHeap = new ArrayList<>();
    private RangeHash sourceHash;
    private boolean warmUp;

    private BackfillOfMillionRows(int rows, int threads, int[] chunkRows) {
        this.rows = rows;
        this.threads = threads;
        this.chunkRows = chunkRows;
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int[] chunkRows = Arrays.stream((args.length > 3 ? args[3] : "10000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        System.out.printf("java %s, %d cores, -Xmx %.0f MiB; %,d rows, %d rounds, %d threads, %s rows per chunk%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                LoadReport.mib(Runtime.getRuntime().maxMemory()), rows, rounds, threads, Arrays.toString(chunkRows));
        new BackfillOfMillionRows(rows, threads, chunkRows).rounds(rounds);
    }

    private void rounds(int rounds) throws Exception {
        Databases.createBoth(SRC);
        Databases.createBoth(DST);
        Databases.admin(Databases.MARIA_ADMIN, "root", "DROP USER IF EXISTS " + PGLOADER_USER,
                "CREATE USER " + PGLOADER_USER + " IDENTIFIED BY '" + PGLOADER_PASSWORD + "'",
                "GRANT SELECT, SHOW VIEW ON " + SRC + ".* TO " + PGLOADER_USER);
        try {
            load();
            for (int round = 0; round <= rounds; round++) {
                warmUp = round == 0;
                String job = "round-" + round;
                for (int chunk : chunkRows) {
                    time(dualstore(chunk) + "MariaDB -> PostgreSQL", true, () -> backfill(mariaSrc, pgDst, chunk, job + "-" + chunk));
                }
                time("pgloader, MariaDB -> PostgreSQL", true, this::pgloader);
                time("raw pipe, MariaDB -> PostgreSQL", true, () -> shell(MARIA + " --batch --quick --skip-column-names " + SRC
                        + " -e 'SELECT * FROM follows' | " + PG + " -d " + DST
                        + " -c \"COPY follows FROM STDIN WITH (NULL 'NULL')\""));
                for (int chunk : chunkRows) {
                    time(dualstore(chunk) + "PostgreSQL -> MariaDB", false, () -> backfill(pgSrc, mariaDst, chunk, job + "-" + chunk));
                }
                time("raw pipe, PostgreSQL -> MariaDB", false, () -> shell(PG + " -d " + SRC + " -c 'COPY follows TO STDOUT' | "
                        + MARIA + " --local-infile=1 " + DST + " -e \"LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE follows "
                        + "CHARACTER SET utf8mb4\""));
                System.out.printf(warmUp ? "warm-up round done, not counted%n" : "round %d of %d done%n", round, rounds);
            }
            report();
        } finally {
            for (Pool pool : List.of(pgSrc, pgDst, mariaSrc, mariaDst)) {
                pool.close();
            }
            Databases.dropBoth(SRC);
            Databases.dropBoth(DST);
            Databases.admin(Databases.MARIA_ADMIN, "root", "DROP USER IF EXISTS " + PGLOADER_USER);
        }
    }

    /** The same rows, generated inside each source database; both target tables empty and keyed. */
    private void load() throws Exception {
        long start = System.nanoTime();
        run(mariaSrc, MARIA_TABLE, "INSERT INTO follows SELECT seq DIV 10, (seq MOD 10) * 1000003 + (seq DIV 10) MOD 997,"
                + " TIMESTAMP '2020-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq MOD 999983) MICROSECOND,"
                + " ELT(1 + seq MOD 3, 'active', 'muted', 'blocked'),"
                + " CASE WHEN seq MOD 5 = 0 THEN NULL WHEN seq MOD 17 = 0 THEN '' ELSE CONCAT('via ', seq MOD 1000, ' é') END"
                + " FROM seq_0_to_" + (rows - 1), "ANALYZE TABLE follows");
        run(pgSrc, PG_TABLE, "INSERT INTO follows SELECT g / 10, (g % 10) * 1000003 + (g / 10) % 997,"
                + " timestamp '2020-01-01 00:00:00' + g * interval '1 second' + (g % 999983) * interval '1 microsecond',"
                + " (ARRAY['active', 'muted', 'blocked'])[1 + g % 3],"
                + " CASE WHEN g % 5 = 0 THEN NULL WHEN g % 17 = 0 THEN '' ELSE 'via ' || (g % 1000) || ' é' END"
                + " FROM generate_series(0, " + (rows - 1) + ") g", "VACUUM ANALYZE follows");
        run(mariaDst, MARIA_TABLE);
        run(pgDst, PG_TABLE);
        RangeHash maria = hash(mariaSrc);
        RangeHash pg = hash(pgSrc);
        if (maria.rows() != rows || !maria.equals(pg)) {
            throw new IllegalStateException("the sources differ: MariaDB " + maria + ", PostgreSQL " + pg);
        }
        sourceHash = maria;
        System.out.printf("loaded both sources in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static RangeHash hash(Pool pool) {
        JdbcTable table = JdbcTable.of(pool, "follows");
        return table.hash(KeyRange.all(), table.columns().names(), Optional.empty());
    }

    @FunctionalInterface
    private interface Copy {
        void run() throws Exception;
    }

    /** Empties the target, copies, checks the copy against the source; keeps the seconds. */
    private void time(String what, boolean toPostgres, Copy copy) throws Exception {
        if (!what.contains(System.getProperty("bench.only", ""))) {
            return;
        }
        Pool target = toPostgres ? pgDst : mariaDst;
        run(target, toPostgres ? "TRUNCATE follows" : "TRUNCATE TABLE follows");
        run(pgDst, "CHECKPOINT"); // every copy starts with no dirty pages left by the one before
        long start = System.nanoTime();
        copy.run();
        double took = (System.nanoTime() - start) / 1e9;
        RangeHash copied = hash(target);
        if (!copied.equals(sourceHash)) {
            throw new IllegalStateException(what + " copied " + copied + ", the source has " + sourceHash);
        }
        if (!warmUp) {
            seconds.computeIfAbsent(what, k -> new ArrayList<>()).add(took);
        }
        System.out.printf("%s: %.2f s, %,.0f rows/s, hash equal%s%n", what, took, rows / took, warmUp ? " (warm-up)" : "");
    }

    /** The name of a dualstore copy; the chunk size in it only when several are compared. */
    private String dualstore(int chunk) {
        return chunkRows.length == 1 ? "dualstore, " : String.format("dualstore (%,d-row chunks), ", chunk);
    }

    private void backfill(Pool source, Pool target, int chunk, String job) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        BackfillResult result = Backfill.from(JdbcTable.of(source, "follows")).to(JdbcTable.of(target, "follows"))
                .threads(threads).chunkRows(chunk).checkpoints(JdbcCheckpoints.in(target, "dualstore_checkpoints"))
                .job(job).progressEvery(Duration.ofSeconds(60)).run();
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        if (!warmUp) {
            peakHeap.add(peak);
        }
        if (result.rowsCopied() != rows) {
            throw new IllegalStateException("backfill copied " + result.rowsCopied() + " rows");
        }
    }

    private void pgloader() throws IOException, InterruptedException {
        Path load = Files.createTempFile("dualstore_b_", ".load");
        try {
            Files.writeString(load, "LOAD DATABASE\n FROM mysql://" + PGLOADER_USER + ":" + PGLOADER_PASSWORD
                    + "@127.0.0.1:3306/" + SRC + "\n INTO postgresql://postgres@127.0.0.1:5432/" + DST + "\n"
                    + " WITH data only\n INCLUDING ONLY TABLE NAMES MATCHING 'follows'\n"
                    + " ALTER SCHEMA '" + SRC + "' RENAME TO 'public';\n");
            shell("pgloader --quiet " + load);
        } finally {
            Files.deleteIfExists(load);
        }
    }

    /** Runs a bash pipeline; fails with its output if any part of it fails. */
    private static void shell(String command) throws IOException, InterruptedException {
        File log = File.createTempFile("dualstore_b_", ".log");
        try {
            Process process = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).redirectErrorStream(true)
                    .redirectOutput(log).start();
            int exit = process.waitFor();
            String output = Files.readString(log.toPath());
            if (exit != 0 || output.contains("ERROR")) {
                throw new IllegalStateException("exit " + exit + " from " + command + ":\n" + output);
            }
        } finally {
            log.delete();
        }
    }

    private void report() {
        System.out.println();
        System.out.printf("| copy (%,d rows, %d rounds) | median s | min s | max s | median rows/s | vs pgloader | vs raw pipe |%n",
                rows, seconds.values().iterator().next().size());
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<String, List<Double>> entry : seconds.entrySet()) {
            double median = median(entry.getValue());
            boolean toPostgres = entry.getKey().endsWith("PostgreSQL");
            Double pgloader = toPostgres ? median(seconds.getOrDefault("pgloader, MariaDB -> PostgreSQL", List.of())) : null;
            double pipe = median(seconds.getOrDefault(toPostgres ? "raw pipe, MariaDB -> PostgreSQL" : "raw pipe, PostgreSQL -> MariaDB",
                    List.of()));
            System.out.printf("| %s | %.2f | %.2f | %.2f | %,.0f | %s | %.2f |%n", entry.getKey(), median,
                    entry.getValue().stream().mapToDouble(d -> d).min().orElse(0),
                    entry.getValue().stream().mapToDouble(d -> d).max().orElse(0), rows / median,
                    pgloader == null ? "" : String.format("%.2f", pgloader / median), pipe / median);
        }
        System.out.printf("%ndualstore's peak heap in use during a backfill: %s MiB (each run, sorted); "
                + "after GC at the end: %.1f MiB; -Xmx %.0f MiB%n", peakHeap.stream().sorted().map(b -> String.format("%.0f",
                LoadReport.mib(b))).toList(), LoadReport.mib(LoadReport.usedAfterGc()), LoadReport.mib(Runtime.getRuntime().maxMemory()));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
