package dev.dualstore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Prometheus} harness against a real server, and the Prometheus names Micrometer gives
 * meters like dualstore's, as the dashboard relies on them: a counter's {@code _total}, a timer's
 * {@code _seconds_count/_sum/_max}, a gauge's base unit, and a {@code job} tag that arrives as
 * {@code exported_job} beside the scrape job's own {@code job} label.
 */
class PrometheusTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void scrapesItsTargetAndAnswersQueriesByMicrometersPrometheusNames() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("dualstore.test.appends").tag("job", "copy-users").tag("result", "success")
                .register(registry).increment(3);
        Timer.builder("dualstore.test.batches").register(registry).record(Duration.ofMillis(250));
        AtomicInteger lag = new AtomicInteger(7);
        Gauge.builder("dualstore.test.lag", lag, AtomicInteger::get).baseUnit("seconds").register(registry);
        Gauge.builder("dualstore.test.staleness.seconds", lag, AtomicInteger::get).register(registry);

        try (MetricsEndpoint endpoint = new MetricsEndpoint(registry);
                Prometheus prometheus = Prometheus.scraping(endpoint.uri(), dir)) {
            prometheus.awaitTargetUp(WAIT);

            JsonNode appends = prometheus.query("dualstore_test_appends_total").path("result");
            assertThat(appends).hasSize(1);
            assertThat(appends.get(0).path("metric").path("exported_job").asText()).isEqualTo("copy-users");
            assertThat(appends.get(0).path("metric").path("job").asText()).isEqualTo(Prometheus.JOB);
            assertThat(value(appends)).isEqualTo(3.0);

            assertThat(value(prometheus.query("dualstore_test_batches_seconds_count").path("result"))).isEqualTo(1.0);
            assertThat(value(prometheus.query("dualstore_test_batches_seconds_sum").path("result")))
                    .isCloseTo(0.25, within(1e-9));
            assertThat(value(prometheus.query("dualstore_test_batches_seconds_max").path("result")))
                    .isCloseTo(0.25, within(1e-9));
            assertThat(value(prometheus.query("dualstore_test_lag_seconds").path("result"))).isEqualTo(7.0);
            assertThat(value(prometheus.query("dualstore_test_staleness_seconds").path("result"))).isEqualTo(7.0);
            assertThat(prometheus.labelValues("exported_job", "dualstore_test_appends_total")).containsExactly("copy-users");
        }
    }

    @Test
    void waitsForScrapesAndAnswersRangeQueries() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter counter = Counter.builder("dualstore.test.rows").register(registry);
        try (MetricsEndpoint endpoint = new MetricsEndpoint(registry);
                Prometheus prometheus = Prometheus.scraping(endpoint.uri(), dir)) {
            prometheus.awaitTargetUp(WAIT);
            Instant start = Instant.now();
            counter.increment(10);
            prometheus.awaitScrapes(4, WAIT);

            JsonNode up = prometheus.query("sum_over_time(up{job=\"" + Prometheus.JOB + "\"}[1h])").path("result");
            assertThat(value(up)).isGreaterThanOrEqualTo(4.0);
            JsonNode range = prometheus.queryRange("dualstore_test_rows_total", start.minusSeconds(5),
                    Instant.now(), Duration.ofSeconds(1)).path("result");
            assertThat(range).hasSize(1);
            assertThat(range.get(0).path("values").size()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aTargetThatIsDownFailsTheWaitNamingTheTargetItsErrorAndTheLog() throws IOException {
        URI nobody = URI.create("http://127.0.0.1:" + unusedPort() + "/metrics");
        try (Prometheus prometheus = Prometheus.scraping(nobody, dir)) {
            // Prometheus applies new targets up to 5 s after it starts; then the first scrape fails.
            assertThatThrownBy(() -> prometheus.awaitTargetUp(Duration.ofSeconds(10)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(nobody.toString())
                    .hasMessageContaining("connection refused")
                    .hasMessageContaining(prometheus.log().toString());
        }
    }

    @Test
    void aQueryPrometheusRefusesFailsNamingTheExpressionAndItsError() throws IOException {
        URI nobody = URI.create("http://127.0.0.1:" + unusedPort() + "/metrics");
        try (Prometheus prometheus = Prometheus.scraping(nobody, dir)) {
            assertThatThrownBy(() -> prometheus.query("sum(rate(dualstore_calls_seconds_count[5m])"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("sum(rate(dualstore_calls_seconds_count[5m])")
                    .hasMessageContaining("bad_data");
        }
    }

    private static double value(JsonNode vector) {
        assertThat(vector).as("an instant vector of one series").hasSize(1);
        return vector.get(0).path("value").get(1).asDouble();
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A registry's scrape served over HTTP on a free port of 127.0.0.1, at {@code /metrics}. */
    private static final class MetricsEndpoint implements AutoCloseable {
        private final HttpServer server;

        MetricsEndpoint(PrometheusMeterRegistry registry) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/metrics", exchange -> {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
