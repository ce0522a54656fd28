package dev.dualstore.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualstore.demo.dashboard.Dashboard.Query;
import dev.dualstore.demo.dashboard.Dashboard.Variable;
import dev.dualstore.demo.migration.MigrationDemo;
import dev.dualstore.demo.migration.Serving;
import dev.dualstore.testing.CapturedLogs;
import dev.dualstore.testing.Prometheus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against real data: the migration demo's serve mode runs in this JVM, with {@link
 * MetersBeyondTheDemo} feeding its registry the meters the demo does not produce (shed work, a
 * throwing callback, a fleet control, a catch-up, a paused backfill); Debian's Prometheus scrapes it
 * every second, and every query of every panel is sent as Grafana sends it (a range query over the
 * time it was scraped, each variable at "All"). Each must return a series with a value; the failure
 * lists every panel and query that returned none. Then each template variable must offer a value.
 */
class GrafanaDashboardTest {
    /**
     * What {@code $__rate_interval} stands for. Grafana makes it at least four scrape intervals;
     * one more, so that each window holds four scrapes whatever the phase of the evaluation.
     */
    private static final Duration RATE_INTERVAL = Prometheus.SCRAPE_INTERVAL.multipliedBy(5);
    /** How long the demo may take to produce every series the dashboard queries. */
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    /** The README's demo on H2, smaller: the migration runs in a few seconds, then serves. */
    private static final MigrationDemo.Settings SETTINGS = MigrationDemo.Settings.h2()
            .withUsers(1_000, 300, 20)
            .withTraffic(2, 400, 400)
            .withCheckEvery(Duration.ofSeconds(3));
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+), (\\w+)\\)");

    @RegisterExtension
    final CapturedLogs logs = CapturedLogs.dualstore();

    @TempDir
    Path dir;

    @Test
    void everyPanelQueryReturnsDataFromTheServedDemo() throws Exception {
        Dashboard dashboard = Dashboard.read();
        Map<String, String> values = allValues(dashboard);
        ByteArrayOutputStream demoOutput = new ByteArrayOutputStream();
        Instant start = Instant.now();
        try (Serving serving = MigrationDemo.serve(SETTINGS, new PrintStream(demoOutput, true, StandardCharsets.UTF_8));
                MetersBeyondTheDemo extras = MetersBeyondTheDemo.start(serving.registry());
                Prometheus prometheus = Prometheus.scraping(serving.metricsUri(), dir)) {
            prometheus.awaitTargetUp(Duration.ofSeconds(30));
            prometheus.awaitScrapes((int) RATE_INTERVAL.dividedBy(Prometheus.SCRAPE_INTERVAL), Duration.ofSeconds(30));

            AtomicReference<List<String>> withoutData = new AtomicReference<>(List.of("not asked yet"));
            try {
                Awaitility.await("every panel query to return data").atMost(DEADLINE)
                        .pollInterval(Prometheus.SCRAPE_INTERVAL).pollInSameThread()
                        .until(() -> {
                            withoutData.set(queriesWithoutData(prometheus, dashboard, values, start));
                            return withoutData.get().isEmpty();
                        });
            } catch (ConditionTimeoutException e) {
                // The assertion below says which: the list of the last poll.
            }
            assertThat(withoutData.get())
                    .as("panel queries that returned no data within %s s (the demo's output:%n%s)",
                            DEADLINE.toSeconds(), demoOutput.toString(StandardCharsets.UTF_8))
                    .isEmpty();

            List<String> emptyVariables = new ArrayList<>();
            for (Variable v : dashboard.variables()) {
                if (v.type().equals("query")) {
                    Matcher m = LABEL_VALUES.matcher(v.query());
                    assertThat(m.matches()).as("query of $%s", v.name()).isTrue();
                    String match = Dashboard.substitute(m.group(1), values);
                    if (prometheus.labelValues(m.group(2), match).isEmpty()) {
                        emptyVariables.add("$" + v.name() + ": " + v.query());
                    }
                }
            }
            assertThat(emptyVariables).as("template variables with no value to choose").isEmpty();
        }
    }

    /** Every variable at "All" (its {@code allValue}), {@code $__rate_interval} at {@link #RATE_INTERVAL}. */
    private static Map<String, String> allValues(Dashboard dashboard) {
        Map<String, String> values = new HashMap<>();
        for (JsonNode v : dashboard.root().path("templating").path("list")) {
            values.put(v.path("name").asText(), v.path("allValue").asText(".*"));
        }
        values.put("__rate_interval", RATE_INTERVAL.toSeconds() + "s");
        return values;
    }

    /**
     * The queries whose range query over [start, now] has no series with a value that is not NaN
     * (a ratio of rates that never counted is NaN throughout), or whose series lack a label their
     * legend names, each named with its panel.
     */
    private static List<String> queriesWithoutData(Prometheus prometheus, Dashboard dashboard,
            Map<String, String> values, Instant start) {
        List<String> empty = new ArrayList<>();
        Instant end = Instant.now();
        for (Query q : dashboard.queries()) {
            JsonNode series = prometheus.queryRange(Dashboard.substitute(q.expr(), values), start, end,
                    Prometheus.SCRAPE_INTERVAL).path("result");
            if (!hasAValue(series)) {
                empty.add(q + (series.isEmpty() ? "" : " (only NaN)"));
                continue;
            }
            for (String label : Dashboard.legendLabels(q.legendFormat())) {
                // A legend naming a label the series lack shows an empty name for every line.
                boolean named = false;
                for (JsonNode one : series) {
                    named |= one.path("metric").has(label);
                }
                if (!named) {
                    empty.add(q + " (no series has the label its legend names: " + label + ")");
                }
            }
        }
        return empty;
    }

    private static boolean hasAValue(JsonNode matrix) {
        for (JsonNode series : matrix) {
            for (JsonNode point : series.path("values")) {
                if (!Double.isNaN(Double.parseDouble(point.get(1).asText()))) {
                    return true;
                }
            }
        }
        return false;
    }
}
