package dev.dualstore.demo.migration;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dualstore.MirroringBackend;
import dev.dualstore.status.StatusPage;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The follows service of {@link MigrationDemo#serve}, watched while it migrates and after: every
 * meter at {@link #metricsUri()} in Prometheus' text format, and dualstore's status page at
 * {@link #statusUri()} (its controls behind {@link #statusToken()}), both up before the migration
 * starts. Once the migration has reported, the traffic goes on calling the service, the replayer
 * follows the journal, and a check compares the stores every {@link MigrationDemo.Settings#checkEvery()}.
 * {@link #close()} stops it all and drops the databases.
 *
 * <p>The HTTP server runs on two daemon threads of its own ({@code demo-http}; a promote from the
 * page blocks one while writes drain), the periodic check on {@code demo-check}. Threadsafe.
 */
public final class Serving implements AutoCloseable {
    private final Migration migration;
    private final HttpServer httpServer;
    private final ExecutorService http;
    private final StatusPage statusPage;
    private final String statusToken;
    private final URI metricsUri;
    private final URI statusUri;
    private ScheduledExecutorService checks;
    private volatile Report report;
    private boolean closed;

    private Serving(Migration migration, HttpServer httpServer, ExecutorService http, StatusPage statusPage,
            String statusToken) {
        this.migration = migration;
        this.httpServer = httpServer;
        this.http = http;
        this.statusPage = statusPage;
        this.statusToken = statusToken;
        String base = "http://127.0.0.1:" + httpServer.getAddress().getPort();
        this.metricsUri = URI.create(base + "/metrics");
        this.statusUri = URI.create(base + "/");
    }

    /** Serves /metrics and the status page of a migration about to run. */
    static Serving open(Migration migration, MigrationDemo.Settings settings) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + settings.port() + ": " + e.getMessage(), e);
        }
        PrometheusMeterRegistry registry = migration.registry();
        server.createContext("/metrics", exchange -> scrape(exchange, registry));
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        StatusPage page = StatusPage.builder().backend(migration.backend()).meterRegistry(registry)
                .samples(migration.samples()).controls(token).build();
        server.createContext("/", page.handler());
        ExecutorService http = Executors.newFixedThreadPool(2, r -> daemon(r, "demo-http"));
        server.setExecutor(http);
        server.start();
        return new Serving(migration, server, http, page, token);
    }

    /** After the migration's report: the traffic, the replay and a periodic check go on. */
    synchronized void keepServing(Report report, MigrationDemo.Settings settings, PrintStream out) {
        this.report = report;
        checks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "demo-check"));
        long every = settings.checkEvery().toMillis();
        checks.scheduleWithFixedDelay(() -> migration.periodicCheck(out), every, every, TimeUnit.MILLISECONDS);
        migration.keepServing();
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

    /** @return {@code http://127.0.0.1:PORT/}, dualstore's status page of the follows backend */
    public URI statusUri() {
        return statusUri;
    }

    /** @return the token the status page's stage and promote forms ask for (random, for this run) */
    public String statusToken() {
        return statusToken;
    }

    /** Stops the checks, the HTTP server, the traffic, the replay and the backend, and drops the databases. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (checks != null) {
            checks.shutdownNow();
            try {
                checks.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        httpServer.stop(0);
        http.shutdownNow();
        statusPage.close();
        migration.close();
    }
}
