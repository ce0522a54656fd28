package dev.dualstore.demo.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualstore.demo.dashboard.Dashboard.Query;
import dev.dualstore.demo.dashboard.Dashboard.Variable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dashboard file on its own, without Prometheus: it parses, it is what Grafana imports, and it
 * queries every meter docs/metrics.md documents, by the names Micrometer's Prometheus registry
 * gives them. {@link GrafanaDashboardTest} runs the queries against a real Prometheus.
 */
class DashboardQueriesTest {
    private static final Path METRICS_MD = Path.of("docs", "metrics.md");
    /** A meter's row in a table of metrics.md, or a section's title: its name and type. */
    private static final Pattern DOCUMENTED = Pattern.compile(
            "^(?:\\| `|## `)(dualstore(?:\\.[a-z]+)+)`(?: \\| | \\()(Counter|Timer|Gauge)\\b", Pattern.MULTILINE);
    private static final Pattern METRIC = Pattern.compile("\\bdualstore_[a-z_]+");
    /** Variables Grafana defines itself. */
    private static final Set<String> BUILT_IN = Set.of("__rate_interval", "__interval", "__range");

    /** Documented meter name to type, in the order of metrics.md. */
    private static Map<String, String> documentedMeters() throws IOException {
        Map<String, String> meters = new LinkedHashMap<>();
        Matcher m = DOCUMENTED.matcher(Files.readString(METRICS_MD));
        while (m.find()) {
            meters.put(m.group(1), m.group(2));
        }
        return meters;
    }

    /**
     * The Prometheus names a query must use for a meter: a counter's {@code _total}; a timer's
     * {@code _seconds_count}, {@code _seconds_sum} and {@code _seconds_max}. A gauge is its name, or
     * its name with its base unit; {@code null} here, checked apart.
     */
    private static List<String> prometheusNames(String meter, String type) {
        String base = meter.replace('.', '_');
        return switch (type) {
            case "Counter" -> List.of(base + "_total");
            case "Timer" -> List.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max");
            default -> List.of();
        };
    }

    private static Set<String> metricsQueried(Dashboard dashboard) {
        Set<String> names = new TreeSet<>();
        for (Query q : dashboard.queries()) {
            Matcher m = METRIC.matcher(q.expr());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    @Test
    void everyMeterOfMetricsMdIsQueriedByItsPrometheusNames() throws IOException {
        Map<String, String> meters = documentedMeters();
        // The parse itself must not quietly find nothing: these are documented in three different ways.
        assertThat(meters).containsEntry("dualstore.calls", "Timer")
                .containsEntry("dualstore.observer.writes", "Counter")
                .containsEntry("dualstore.replay.caught.up", "Gauge")
                .containsEntry("dualstore.control.staleness.seconds", "Gauge")
                .hasSizeGreaterThanOrEqualTo(30);
        Set<String> queried = metricsQueried(Dashboard.read());

        List<String> missing = new ArrayList<>();
        meters.forEach((meter, type) -> {
            String base = meter.replace('.', '_');
            if (type.equals("Gauge")) {
                if (!queried.contains(base) && !queried.contains(base + "_seconds")) {
                    missing.add(meter + " (Gauge): " + base);
                }
            } else {
                prometheusNames(meter, type).stream().filter(n -> !queried.contains(n))
                        .forEach(n -> missing.add(meter + " (" + type + "): " + n));
            }
        });
        assertThat(missing).as("meters of docs/metrics.md no dashboard query uses").isEmpty();
    }

    @Test
    void everyMetricTheDashboardQueriesIsDocumented() throws IOException {
        Set<String> known = new HashSet<>();
        documentedMeters().forEach((meter, type) -> {
            String base = meter.replace('.', '_');
            known.addAll(prometheusNames(meter, type));
            if (type.equals("Gauge")) {
                known.add(base);
                known.add(base + "_seconds");
            }
        });
        assertThat(metricsQueried(Dashboard.read())).as("metrics in the dashboard that docs/metrics.md does not document")
                .isSubsetOf(known);
    }

    @Test
    void everyPanelHasTheDatasourceVariableATitleADescriptionAndQueries() throws IOException {
        List<JsonNode> panels = Dashboard.read().panels();
        assertThat(panels).hasSizeGreaterThan(20);
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).as("a panel's title").isNotBlank();
            assertThat(panel.path("description").asText()).as("description of '%s'", title).isNotBlank();
            assertThat(panel.path("type").asText()).as("type of '%s'", title).isIn("timeseries", "stat");
            assertThat(panel.path("datasource").path("uid").asText()).as("datasource of '%s'", title)
                    .isEqualTo("${datasource}");
            JsonNode targets = panel.path("targets");
            assertThat(targets.size()).as("queries of '%s'", title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : targets) {
                assertThat(target.path("expr").asText()).as("a query of '%s'", title).isNotBlank();
                assertThat(refIds.add(target.path("refId").asText())).as("refId %s of '%s' is unique",
                        target.path("refId").asText(), title).isTrue();
                assertThat(target.path("datasource").path("uid").asText()).as("datasource of a query of '%s'", title)
                        .isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void queriesUseOnlyTheDashboardsVariables() throws IOException {
        Dashboard dashboard = Dashboard.read();
        Set<String> defined = dashboard.variables().stream().map(Variable::name).collect(Collectors.toSet());
        List<String> undefined = new ArrayList<>();
        for (Query q : dashboard.queries()) {
            for (String name : Dashboard.variablesIn(q.expr())) {
                if (!defined.contains(name) && !BUILT_IN.contains(name)) {
                    undefined.add("$" + name + " in " + q);
                }
            }
            // Rates over a fixed window hold too few scrapes at a long scrape interval and too
            // many when zoomed out; Grafana's $__rate_interval follows both.
            assertThat(q.expr()).as("window of %s", q).doesNotContainPattern("\\[\\d+[smhd]]");
        }
        assertThat(undefined).as("variables no template defines").isEmpty();
    }

    @Test
    void templateVariablesAreTheDatasourceAndLabelValuesOfDualstoresMeters() throws IOException {
        Dashboard dashboard = Dashboard.read();
        assertThat(dashboard.root().path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        Map<String, Variable> byName = new LinkedHashMap<>();
        dashboard.variables().forEach(v -> byName.put(v.name(), v));
        assertThat(byName).containsKeys("datasource", "backend", "store");
        assertThat(byName.get("datasource").type()).isEqualTo("datasource");
        assertThat(byName.get("datasource").query()).isEqualTo("prometheus");
        assertThat(byName.get("backend").query()).startsWith("label_values(dualstore_").endsWith(", backend)");
        assertThat(byName.get("store").query()).startsWith("label_values(dualstore_").contains("$backend")
                .endsWith(", store)");
        for (Variable v : byName.values()) {
            if (v.type().equals("query")) {
                assertThat(v.query()).as("query of $%s", v.name()).matches("label_values\\(dualstore_\\w+(\\{.*})?, \\w+\\)");
            }
        }
        for (JsonNode v : dashboard.root().path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                // "All" must select every value, the series without the label too, in every =~ matcher.
                assertThat(v.path("allValue").asText()).as("allValue of $%s", v.path("name").asText()).isEqualTo(".*");
                assertThat(v.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void panelsFitTheGridWithoutOverlapping() throws IOException {
        List<JsonNode> all = new ArrayList<>();
        Dashboard.read().root().path("panels").forEach(all::add);
        for (int i = 0; i < all.size(); i++) {
            JsonNode a = all.get(i).path("gridPos");
            String title = all.get(i).path("title").asText();
            assertThat(a.path("w").asInt()).as("width of '%s'", title).isPositive();
            assertThat(a.path("h").asInt()).as("height of '%s'", title).isPositive();
            assertThat(a.path("x").asInt() + a.path("w").asInt()).as("right edge of '%s'", title).isLessThanOrEqualTo(24);
            for (int j = i + 1; j < all.size(); j++) {
                JsonNode b = all.get(j).path("gridPos");
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                        || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                        || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                        || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as("'%s' and '%s' overlap", title, all.get(j).path("title").asText()).isTrue();
            }
        }
    }
}
