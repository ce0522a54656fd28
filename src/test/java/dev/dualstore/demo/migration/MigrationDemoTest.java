package dev.dualstore.demo.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualstore.testing.CapturedLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

/**
 * Runs the migration demo end to end, smaller than the README's, and checks that every count it
 * reports agrees with the data: on H2, from PostgreSQL to MariaDB, and in serve mode.
 */
class MigrationDemoTest {
    /** About 13,000 follows; the traffic at 800 calls/s, 800 calls a step. */
    private static final MigrationDemo.Settings SMALL = MigrationDemo.Settings.h2()
            .withUsers(1_200, 400, 20)
            .withTraffic(2, 800, 800)
            .withBackfillRowsPerSecond(10_000);

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @Test
    void theWholeMigrationOnH2TellsAStoryItsCountsBearOut() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Report report;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            report = MigrationDemo.run(SMALL, out);
        }
        assertConsistent(report, SMALL);
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("1. Shadow writes on", "2. Backfill", "rows copied (", "Catch-up", "3. Check and repair",
                "4. Shadow reads on", "5. The fix is deployed", "Stage.DUAL_WRITE", "6. Cutover, rollback, cutover again",
                "Final check: 0 differences", "Report (H2");
        assertLogsClean();
    }

    @Test
    void theSameMigrationRunsFromPostgresqlToMariadb() {
        MigrationDemo.Settings settings = MigrationDemo.Settings.servers()
                .withUsers(800, 300, 20)
                .withTraffic(2, 500, 500)
                .withBackfillRowsPerSecond(0);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Report report;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            report = MigrationDemo.run(settings, out);
        }
        assertThat(report.stores()).isEqualTo("PostgreSQL at 127.0.0.1:5432 -> MariaDB at 127.0.0.1:3306");
        assertConsistent(report, settings);
        assertLogsClean();
    }

    @Test
    void serveModeKeepsTheServiceRunningWithItsMetersAtMetrics() throws IOException {
        MigrationDemo.Settings settings = SMALL.withUsers(600, 200, 20).withTraffic(2, 800, 400);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Serving serving = MigrationDemo.serve(settings, out)) {
            assertThat(serving.metricsUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+/metrics");
            assertThat(serving.httpServer().getAddress().getPort()).isEqualTo(serving.metricsUri().getPort());
            assertThat(serving.backend().primaryName()).isEqualTo("new");
            assertConsistent(serving.report(), settings);

            String scraped = get(serving);
            for (String series : List.of("dualstore_calls_seconds_count", "dualstore_comparisons_total",
                    "dualstore_writes_total", "dualstore_pending", "dualstore_repairs", "dualstore_observer_writes_total",
                    "dualstore_backfill_rows_total", "dualstore_backfill_chunks_total", "dualstore_backfill_chunk_duration_seconds_count",
                    "dualstore_check_rows_total", "dualstore_check_runs_seconds_count", "dualstore_journal_appends_total",
                    "dualstore_journal_pending", "dualstore_journal_batches_seconds_count", "dualstore_replay_entries_total",
                    "dualstore_replay_lag_entries", "dualstore_replay_lag_seconds", "dualstore_replay_caught_up")) {
                assertThat(scraped).as(series).containsPattern("(?m)^" + series + "\\{");
            }
            assertThat(scraped).contains("backend=\"follows\"");
            assertThat(serving.registry().scrape()).contains("dualstore_comparisons_total");

            // The status page, served beside /metrics: the cutover done, and the bug's mismatches as the meters count them.
            JsonNode status = new ObjectMapper().readTree(get(serving.statusUri().resolve("status.json"), "application/json"));
            JsonNode follows = status.get("backends").get(0);
            assertThat(follows.get("name").asText()).isEqualTo("follows");
            assertThat(follows.get("primary").asText()).isEqualTo("new");
            assertThat(status.get("controls").asBoolean()).isTrue();
            double orderMismatches = serving.registry().find("dualstore.comparisons").tags("backend", "follows", "result",
                    "mismatch", "kind", "order").counters().stream().mapToDouble(c -> c.count()).sum();
            assertThat(orderMismatches).isPositive();
            long shown = 0;
            for (JsonNode kind : follows.get("mismatchKinds")) {
                assertThat(kind.get("kind").asText()).isEqualTo("order");
                shown += kind.get("count").asLong();
            }
            assertThat(shown).isEqualTo((long) orderMismatches);
            assertThat(follows.get("samples")).isNotEmpty().allSatisfy(sample -> assertThat(sample.toString()).contains("order"));
            assertThat(get(serving.statusUri(), "text/html")).contains("follows").contains("Promote");
        }
        assertThat(logs.events()).noneMatch(e -> e.level() == Level.ERROR);
    }

    private static String get(Serving serving) throws IOException {
        return get(serving.metricsUri(), "text/plain");
    }

    private static String get(java.net.URI uri, String contentType) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            assertThat(connection.getResponseCode()).isEqualTo(200);
            assertThat(connection.getContentType()).startsWith(contentType);
            try (InputStream body = connection.getInputStream()) {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }

    /** The report's counts against each other and against the data. */
    private static void assertConsistent(Report report, MigrationDemo.Settings settings) {
        assertThat(report.seededRows()).isPositive();

        Report.ShadowWrites shadow = report.shadowWrites();
        assertThat(shadow.calls()).isEqualTo(settings.windowCalls());
        assertThat(shadow.writes()).isPositive();
        assertThat(shadow.shadowed()).as("every write reached 'new'").isEqualTo(shadow.writes());
        assertThat(shadow.journaled()).as("every write journaled").isEqualTo(shadow.writes());
        assertThat(shadow.compared()).as("no read compared in SHADOW_WRITES").isZero();

        Report.Backfilled backfill = report.backfill();
        assertThat(Math.abs(backfill.sourceRowsAtStart() - report.seededRows())).as("the seed, changed by step 1's writes")
                .isLessThanOrEqualTo(shadow.writes());
        assertThat(backfill.writesDuring()).as("the table moved during the copy").isPositive();
        assertThat(Math.abs(backfill.rowsCopied() - backfill.sourceRowsAtStart()))
                .as("rows copied = rows at start, give or take the live writes meanwhile")
                .isLessThanOrEqualTo(backfill.writesDuring());
        assertThat(backfill.replayed()).as("the catch-up replayed every write since step 1")
                .isGreaterThanOrEqualTo(shadow.writes() + backfill.writesDuring());
        assertThat(backfill.lagAfter()).isZero();

        Report.Checked check = report.check();
        assertThat(check.damaged()).containsOnlyKeys("missing", "different", "extra")
                .allSatisfy((kind, n) -> assertThat(n).isEqualTo(settings.damagePerKind()));
        assertThat(check.foundKeys()).as("every damaged row found").containsAll(check.damagedKeys());
        assertThat(check.foundKeys()).as("the sample holds every difference").hasSize((int) check.found());
        Set<Object> others = new HashSet<>();
        check.foundKeys().stream().filter(k -> !check.damagedKeys().contains(k)).forEach(k -> others.add(k.get(0)));
        assertThat(others).as("anything else found is a row of a user the traffic was writing")
                .allSatisfy(user -> assertThat((Long) user).isLessThanOrEqualTo(settings.activeUsers()));
        assertThat(check.repaired()).as("repaired = damage made, plus rows live writes changed under the check")
                .isEqualTo(check.damageMade() + (check.foundKeys().size() - check.damagedKeys().size()));
        assertThat(check.missing()).isGreaterThanOrEqualTo(settings.damagePerKind());
        assertThat(check.different()).isGreaterThanOrEqualTo(settings.damagePerKind());
        assertThat(check.extra()).isGreaterThanOrEqualTo(settings.damagePerKind());
        assertThat(check.recheckDifferences()).isZero();

        Report.ShadowReads reads = report.shadowReads();
        assertThat(reads.compared()).as("every read compared at 100%").isEqualTo(reads.reads());
        assertThat(reads.mismatchesByKind()).as("the bug's kind only").containsOnlyKeys("order");
        assertThat(reads.mismatched()).isPositive();
        assertThat(reads.matched() + reads.mismatched() + reads.raced()).isEqualTo(reads.compared());
        assertThat(reads.diagnoses()).isNotEmpty().allSatisfy(d -> assertThat(d).startsWith("following: order, same "));

        assertThat(report.rollout()).extracting(Report.RolloutStep::percent).containsExactly(1.0, 10.0, 100.0);
        assertThat(report.rollout()).allSatisfy(step -> assertThat(step.mismatched()).isZero());
        assertThat(report.rollout().get(0).comparedPercent()).isBetween(0.0, 5.0);
        assertThat(report.rollout().get(1).comparedPercent()).isBetween(3.0, 25.0);
        assertThat(report.rollout().get(2).compared()).isEqualTo(report.rollout().get(2).reads());
        assertThat(report.rollout().get(0).compared()).isLessThan(report.rollout().get(1).compared());

        assertThat(report.dualWrite().writes()).isPositive();
        assertThat(report.dualWrite().toNew()).isEqualTo(report.dualWrite().writes());
        assertThat(report.dualWrite().mismatched()).isZero();

        assertThat(report.roleChanges()).extracting(Report.RoleChange::primary).containsExactly("new", "old", "new");
        assertThat(report.roleChanges()).extracting(Report.RoleChange::secondary).containsExactly("old", "new", "old");
        assertThat(report.roleChanges()).allSatisfy(change -> {
            assertThat(change.tablesEqual()).as(change.action()).isTrue();
            assertThat(change.compared()).as(change.action()).isEqualTo(change.reads());
            assertThat(change.mismatched()).as(change.action()).isZero();
            assertThat(change.writesToSecondary()).as(change.action()).isPositive();
        });
        assertThat(report.finalCheck().differences()).isZero();
        assertThat(report.finalCheck().rowsCompared()).isEqualTo(report.roleChanges().get(2).rows());
    }

    /** The only WARN lines are the check's sample of what it found (each damaged row); nothing at ERROR. */
    private void assertLogsClean() {
        assertThat(logs.events()).noneMatch(e -> e.level() == Level.ERROR);
        assertThat(logs.events().stream().filter(e -> e.level() == Level.WARN))
                .allSatisfy(e -> assertThat(e.logger()).isEqualTo("dev.dualstore.check.Check"));
    }
}
