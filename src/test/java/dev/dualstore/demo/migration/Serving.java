package dev.dualstore.demo.migration;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dualstore.MirroringBackend;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The migrated follows service, still running after {@link MigrationDemo#serve}'s report: the
 * traffic goes on calling it, the replayer follows the journal, a check compares the stores every
 * {@link MigrationDemo.Settings#checkEvery()}, and every meter is at {@link #metricsUri()} in
 * Prometheus' text format. {@link #close()} stops it all and drops the databases.
 *
 * <p>The HTTP server runs on its own daemon thread ({@code demo-http}), the periodic check on
 * {@code demo-check}. Threadsafe.
 */
public final class Serving implements AutoCloseable {
    private final Migration migration;
    private final Report report;
    private final HttpServer httpServer;
    private final ScheduledExecutorService checks;
    private final ExecutorService http;
    private final URI metricsUri;
    private boolean closed;

    private Serving(Migration migration, Report report, HttpServer httpServer, ExecutorService http,
            ScheduledExecutorService checks) {
        this.migration = migration;
        this.report = report;
        this.httpServer = httpServer;
        this.http = http;
        this.checks = checks;
        this.metricsUri = URI.create("http://127.0.0.1:" + httpServer.getAddress().getPort() + "/metrics");
    }

    static Serving start(Migration migration, Report report, MigrationDemo.Settings settings, PrintStream out) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + settings.port() + ": " + e.getMessage(), e);
        }
        PrometheusMeterRegistry registry = migration.registry();
        server.createContext("/metrics", exchange -> scrape(exchange, registry));
        ExecutorService http = Executors.newSingleThreadExecutor(r -> daemon(r, "demo-http"));
        server.setExecutor(http);
        server.start();
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "demo-check"));
        long every = settings.checkEvery().toMillis();
        checks.scheduleWithFixedDelay(() -> migration.periodicCheck(out), every, every, TimeUnit.MILLISECONDS);
        migration.keepServing();
        return new Serving(migration, report, server, http, checks);
    }

    private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /** @return {@code http://127.0.0.1:PORT/metrics}, the meters in Prometheus' text format */
    public URI metricsUri() {
        return metricsUri;
    }

    /** @return the registry of every meter: dualstore's, the backfill's, the check's, the journal's and the replay's */
    public PrometheusMeterRegistry registry() {
        return migration.registry();
    }

    /** @return the follows backend ('new' answers, 'old' is mirrored to, once the demo's migration is done) */
    public MirroringBackend<?> backend() {
        return migration.backend();
    }

    /** @return the HTTP server of /metrics, for more contexts (a status page) */
    public HttpServer httpServer() {
        return httpServer;
    }

    /** @return what the migration reported before serving began */
    public Report report() {
        return report;
    }

    /** Stops the checks, the HTTP server, the traffic, the replay and the backend, and drops the databases. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        checks.shutdownNow();
        try {
            checks.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        httpServer.stop(0);
        http.shutdownNow();
        migration.close();
    }
}
