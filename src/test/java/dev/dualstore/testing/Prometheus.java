package dev.dualstore.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Prometheus server for a test: Debian's {@code /usr/bin/prometheus} started in a directory
 * of the test's, scraping one target every second, asked over its HTTP API ({@code /api/v1/query},
 * {@code /api/v1/query_range}, label values). {@link #close()} stops the process (destroy, then
 * destroyForcibly), so use it in try-with-resources and it stops when the test fails too.
 *
 * <pre>{@code
 * try (Prometheus prometheus = Prometheus.scraping(metricsUri, tempDir)) {
 *     prometheus.awaitTargetUp(Duration.ofSeconds(30));
 *     prometheus.awaitScrapes(5, Duration.ofSeconds(30));
 *     JsonNode series = prometheus.query("dualstore_pending").get("result");
 * }
 * }</pre>
 *
 * <p>There is no event to wait on in another process, so the waits poll it (Awaitility, every
 * 200 ms) up to a deadline and fail naming what they saw and the server's log. Fails loudly when
 * the binary is missing; never skips. Not threadsafe: one test thread drives it.
 */
public final class Prometheus implements AutoCloseable {
    /** Where Debian's {@code prometheus} package installs the server. */
    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    /** How often the target is scraped. */
    public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    /** The scrape job's name: the {@code job} label of every series scraped. */
    public static final String JOB = "dualstore";

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final URI base;
    private final URI target;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    private Prometheus(Process process, URI base, URI target, Path log) {
        this.process = process;
        this.base = base;
        this.target = target;
        this.log = log;
    }

    /**
     * Starts Prometheus in {@code dir} (its config, its TSDB and its log go there), listening on a
     * free port of 127.0.0.1 and scraping {@code target} (an http URI: host, port and path) every
     * {@link #SCRAPE_INTERVAL}, and waits until it is ready to answer queries.
     *
     * @throws IllegalStateException if {@link #BINARY} is missing, or the server is not ready
     *     within 30 s (the message names its log)
     */
    public static Prometheus scraping(URI target, Path dir) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("Prometheus is not installed: " + BINARY + " is missing. Install it with"
                    + " 'apt-get install prometheus' (.ci/run does); the dashboard tests need a real server");
        }
        if (!"http".equals(target.getScheme()) || target.getPort() < 0 || target.getRawQuery() != null) {
            throw new IllegalArgumentException("target must be http://host:port/path without a query: " + target);
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, config(target));
        Path log = dir.resolve("prometheus.log");
        int port = freePort();
        Process process = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=info")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Prometheus prometheus = new Prometheus(process, URI.create("http://127.0.0.1:" + port), target, log);
        try {
            prometheus.awaitReady();
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private static String config(URI target) {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/metrics" : target.getRawPath();
        long seconds = SCRAPE_INTERVAL.toSeconds();
        return """
                global:
                  scrape_interval: %ds
                  scrape_timeout: %ds
                  evaluation_interval: %ds
                scrape_configs:
                  - job_name: %s
                    metrics_path: '%s'
                    static_configs:
                      - targets: ['%s:%d']
                """.formatted(seconds, seconds, seconds, JOB, path, target.getHost(), target.getPort());
    }

    private static int freePort() throws IOException {
        // Closed before Prometheus binds it: another process could take it in between, and then the
        // server fails to start and awaitReady reports its log, which names the port.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The server's address, for example {@code http://127.0.0.1:40123}. */
    public URI uri() {
        return base;
    }

    /** The server's own log (its standard output and error). */
    public Path log() {
        return log;
    }

    private void awaitReady() {
        poll("Prometheus to be ready on " + base, STARTUP, () -> {
            requireAlive();
            try {
                return get(base.resolve("/-/ready")).statusCode() == 200;
            } catch (IOException notListeningYet) {
                return false;
            }
        }, () -> "not ready");
    }

    /**
     * Waits until the last scrape of the target succeeded.
     *
     * @throws AssertionError if it did not within {@code timeout}, naming the target's health, its
     *     last scrape error and the server's log
     */
    public void awaitTargetUp(Duration timeout) {
        AtomicReference<String> seen = new AtomicReference<>("no target listed yet");
        poll("target " + target + " to be up", timeout, () -> {
            requireAlive();
            for (JsonNode t : api("/api/v1/targets", "state=active").path("activeTargets")) {
                if (t.path("scrapeUrl").asText().startsWith(target.getScheme() + "://" + target.getAuthority())) {
                    seen.set("health=" + t.path("health").asText() + ", lastError='" + t.path("lastError").asText() + "'");
                    return "up".equals(t.path("health").asText());
                }
            }
            return false;
        }, seen::get);
    }

    /**
     * Waits until at least {@code scrapes} scrapes of the target succeeded, so that range functions
     * over a window of that many scrape intervals have points to work on.
     */
    public void awaitScrapes(int scrapes, Duration timeout) {
        String expr = "sum_over_time(up{job=\"" + JOB + "\"}[1h])";
        AtomicReference<String> seen = new AtomicReference<>("none");
        poll(scrapes + " successful scrapes of " + target, timeout, () -> {
            requireAlive();
            JsonNode result = query(expr).path("result");
            double done = result.isEmpty() ? 0 : result.get(0).path("value").get(1).asDouble();
            seen.set(String.valueOf(done));
            return done >= scrapes;
        }, () -> "successful scrapes so far: " + seen.get());
    }

    /**
     * An instant query at the server's present ({@code /api/v1/query}); answers its {@code data}
     * object ({@code resultType}, {@code result}).
     *
     * @throws AssertionError if Prometheus refused the query (naming the expression and its error)
     */
    public JsonNode query(String expr) {
        return api("/api/v1/query", "query=" + encode(expr));
    }

    /**
     * A range query ({@code /api/v1/query_range}), as a Grafana time series panel sends; answers its
     * {@code data} object ({@code resultType} {@code matrix}, {@code result}: one entry per series).
     *
     * @throws AssertionError if Prometheus refused the query (naming the expression and its error)
     */
    public JsonNode queryRange(String expr, Instant start, Instant end, Duration step) {
        return api("/api/v1/query_range", "query=" + encode(expr) + "&start=" + seconds(start) + "&end="
                + seconds(end) + "&step=" + step.toMillis() / 1000.0);
    }

    /** The values of {@code label} over the series that {@code match} selects, as Grafana's {@code label_values}. */
    public List<String> labelValues(String label, String match) {
        List<String> values = new ArrayList<>();
        api("/api/v1/label/" + encode(label) + "/values", "match[]=" + encode(match)).forEach(v -> values.add(v.asText()));
        return values;
    }

    private JsonNode api(String path, String query) {
        URI uri = base.resolve(path + "?" + query);
        try {
            HttpResponse<String> response = get(uri);
            JsonNode body = json.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus refused " + decode(uri) + ": " + body.path("errorType").asText()
                        + ": " + body.path("error").asText());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("Prometheus did not answer " + decode(uri) + "; its log: " + log, e);
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + uri, e);
        }
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("Prometheus exited with status " + process.exitValue() + "; its log (" + log
                    + "):\n" + logTail());
        }
    }

    private void poll(String what, Duration timeout, Callable<Boolean> done,
            Supplier<String> seen) {
        try {
            Awaitility.await(what).atMost(timeout).pollInterval(POLL).pollInSameThread().until(done);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; last seen: " + seen.get()
                    + "; Prometheus' log (" + log + "):\n" + logTail(), e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(URI uri) {
        return URLDecoder.decode(uri.toString(), StandardCharsets.UTF_8);
    }

    private static String seconds(Instant t) {
        return String.valueOf(t.toEpochMilli() / 1000.0);
    }

    /** Stops the server: SIGTERM, then SIGKILL if it has not exited within 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
