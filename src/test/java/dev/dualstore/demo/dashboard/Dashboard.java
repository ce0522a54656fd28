package dev.dualstore.demo.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard of {@code docs/grafana/dualstore.json}, read for tests: its panels (those
 * inside collapsed rows included), their queries and its template variables. Immutable.
 */
final class Dashboard {
    /** The dashboard file, from the project's directory (where Maven runs the tests). */
    static final Path FILE = Path.of("docs", "grafana", "dualstore.json");

    /** Grafana's reference to a variable: {@code $name}, {@code ${name}} or {@code ${name:format}}, {@code [[name]]}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    /**
     * One query of a panel: what Grafana sends to Prometheus, before variables are substituted, and
     * how it names each series ({@code {{label}}} stands for the series' label).
     */
    record Query(String panel, String refId, String expr, String legendFormat) {
        @Override
        public String toString() {
            return "'" + panel + "' " + refId + ": " + expr.replaceAll("\\s+", " ");
        }
    }

    /** A template variable: its name, its type and, for a query variable, its query. */
    record Variable(String name, String type, String query) {}

    private final JsonNode root;

    private Dashboard(JsonNode root) {
        this.root = root;
    }

    static Dashboard read() throws IOException {
        return new Dashboard(new ObjectMapper().readTree(FILE.toFile()));
    }

    JsonNode root() {
        return root;
    }

    /** Every panel that is not a row, in the file's order; those nested in (collapsed) rows too. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** The rows' titles, in order. */
    List<String> rows() {
        List<String> rows = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                rows.add(panel.path("title").asText());
            }
        }
        return rows;
    }

    /** Every query of every panel. */
    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query(panel.path("title").asText(), target.path("refId").asText(),
                        target.path("expr").asText(), target.path("legendFormat").asText()));
            }
        }
        return queries;
    }

    /** The labels a legend format names, as in {@code {{store}} ({{role}})}. */
    static List<String> legendLabels(String legendFormat) {
        List<String> labels = new ArrayList<>();
        Matcher m = LEGEND_LABEL.matcher(legendFormat);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    List<Variable> variables() {
        List<Variable> variables = new ArrayList<>();
        for (JsonNode v : root.path("templating").path("list")) {
            JsonNode query = v.path("query");
            variables.add(new Variable(v.path("name").asText(), v.path("type").asText(),
                    query.isObject() ? query.path("query").asText() : query.asText()));
        }
        return variables;
    }

    /** The names of the variables {@code text} refers to, in order, with repeats. */
    static List<String> variablesIn(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return names;
    }

    /**
     * {@code text} with each variable replaced by its value in {@code values}, as Grafana
     * interpolates a query.
     *
     * @throws IllegalArgumentException naming a variable {@code values} has no value for
     */
    static String substitute(String text, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for the variable $" + name + " in: " + text);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
